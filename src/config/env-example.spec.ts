import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { environmentVariableNames } from './env.schema';

describe('.env.example', () => {
  it('documents exactly the variables EnvironmentVariables reads', () => {
    const documented = readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => Boolean(name));
    expect([...documented].sort()).toEqual(environmentVariableNames().sort());
  });
});
