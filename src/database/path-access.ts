import { execFileSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';

/** A Unix account as the kernel sees it when checking permissions. */
export interface UnixIdentity {
  uid: number;
  gids: number[];
}

export interface DirectoryMode {
  mode: number;
  uid: number;
  gid: number;
}

/** Whether `who` may enter (search) a directory with these owner, group and mode bits. */
export function canTraverse(directory: DirectoryMode, who: UnixIdentity): boolean {
  if (who.uid === 0) return true;
  if (directory.uid === who.uid) return (directory.mode & 0o100) !== 0;
  if (who.gids.includes(directory.gid)) return (directory.mode & 0o010) !== 0;
  return (directory.mode & 0o001) !== 0;
}

/**
 * The first directory on the way from `/` to `target` (inclusive when `target` is an existing folder)
 * that `who` cannot enter, or null when every existing one can be entered.
 */
export async function firstBlockedDirectory(target: string, who: UnixIdentity): Promise<{ directory: string; mode: number } | null> {
  const absolute = path.resolve(target);
  const chain: string[] = [];
  for (let dir = absolute; ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const directory of chain) {
    const info = await stat(directory).catch(() => null);
    if (!info) return null;
    if (!info.isDirectory()) continue;
    if (!canTraverse({ mode: info.mode, uid: info.uid, gid: info.gid }, who)) return { directory, mode: info.mode & 0o7777 };
  }
  return null;
}

/** The identity of a local user, or null when there is no such user. */
export function unixIdentityOf(user: string): UnixIdentity | null {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gids = execFileSync('id', ['-G', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split(/\s+/)
      .map(Number);
    return Number.isInteger(uid) ? { uid, gids } : null;
  } catch {
    return null;
  }
}
