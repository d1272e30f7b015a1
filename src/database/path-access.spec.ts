import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { canTraverse, firstBlockedDirectory } from './path-access';

describe('canTraverse', () => {
  const postgres = { uid: 101, gids: [104, 103] };

  it.each([
    ['owner with x', { mode: 0o700, uid: 101, gid: 0 }, true],
    ['owner without x, others with x', { mode: 0o601, uid: 101, gid: 0 }, false],
    ['group member with x', { mode: 0o750, uid: 0, gid: 103 }, true],
    ['group member without x, others with x', { mode: 0o701, uid: 0, gid: 104 }, false],
    ['other with x', { mode: 0o711, uid: 0, gid: 0 }, true],
    ['a home only root can enter', { mode: 0o700, uid: 0, gid: 0 }, false],
  ])('%s', (_name, directory, expected) => {
    expect(canTraverse(directory, postgres)).toBe(expected);
  });

  it('lets root enter anything', () => {
    expect(canTraverse({ mode: 0o000, uid: 5, gid: 5 }, { uid: 0, gids: [0] })).toBe(true);
  });
});

describe('firstBlockedDirectory', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'evergreen-path-access-'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('names the first folder a stranger cannot enter, even when the target does not exist yet', async () => {
    const closed = path.join(base, 'closed');
    await mkdir(path.join(closed, 'inner'), { recursive: true });
    await chmod(base, 0o755);
    await chmod(closed, 0o700);
    const stranger = { uid: 2_000_000, gids: [2_000_000] };

    expect(await firstBlockedDirectory(path.join(closed, 'inner', 'missing', 'postgres'), stranger)).toEqual({ directory: closed, mode: 0o700 });
    await chmod(closed, 0o711);
    expect(await firstBlockedDirectory(path.join(closed, 'inner', 'missing', 'postgres'), stranger)).toBeNull();
  });
});
