/**
 * Jest only (jest.config.js): compiles the ES-module `meilisearch` client to CommonJS with the class-field
 * semantics of native JavaScript. ts-jest cannot: it reuses the first ts-jest configuration of a run for
 * every file (the project's tsconfig, `useDefineForClassFields: false`), and with it TypeScript moves the
 * client's class fields before `super(…)` when the call is written `super(…), this.x = …` (its API error),
 * which throws "Must call super constructor" at the first non-2xx answer.
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const SELF = readFileSync(__filename, 'utf8');

module.exports = {
  process(sourceText, sourcePath) {
    const { outputText, sourceMapText } = ts.transpileModule(sourceText, {
      fileName: sourcePath,
      compilerOptions: {
        allowJs: true,
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        useDefineForClassFields: true,
        sourceMap: true,
      },
    });
    return { code: outputText, map: sourceMapText };
  },
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256').update(SELF).update(ts.version).update(sourcePath).update(sourceText).digest('hex');
  },
};
