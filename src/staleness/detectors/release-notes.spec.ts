import { parseReleaseNotes } from './release-notes';

describe('parseReleaseNotes', () => {
  it('reads conventional-commit bullets: kind from the prefix, scope as a hint, PR numbers dropped', () => {
    const parsed = parseReleaseNotes(`## 5.1.0 (2024-02-08)
* feat(optimizer): holdUntilCrawlEnd option (#15244)
* fix: pass \`customLogger\` to \`loadConfigFromFile\` (fix #15824) (#15831)
* perf: use thread for preprocessors (#13584)
* refactor: remove \`vite build --force\` (#15837)
* feat(glob-import): deprecate as option (#14420)
* feat!: new default port`);
    expect(parsed).toEqual([
      { kind: 'added', summary: 'holdUntilCrawlEnd option', scopes: ['optimizer'] },
      { kind: 'fixed', summary: 'pass `customLogger` to `loadConfigFromFile`', scopes: [] },
      { kind: 'fixed', summary: 'use thread for preprocessors', scopes: [] },
      { kind: 'removed', summary: 'remove `vite build --force`', scopes: [] },
      { kind: 'deprecated', summary: 'deprecate as option', scopes: ['glob-import'] },
      { kind: 'changed', summary: 'new default port', scopes: [] },
    ]);
  });

  it('reads kind headings with bold scopes, keep-a-changelog headings and prose lines', () => {
    const parsed = parseReleaseNotes(`Bug Fixes:

* **ssr:** handle empty sourcemaps (#2441)

Features:

* allow custom websocket server (#2338)

### Removed
- The legacy CSV export

Main Changes:

- The default dev server port is now 5173.
> **Note** read the guide`);
    expect(parsed).toEqual([
      { kind: 'fixed', summary: 'handle empty sourcemaps', scopes: ['ssr'] },
      { kind: 'added', summary: 'allow custom websocket server', scopes: [] },
      { kind: 'removed', summary: 'The legacy CSV export', scopes: [] },
      { kind: 'changed', summary: 'The default dev server port is now 5173.', scopes: [] },
    ]);
  });
});
