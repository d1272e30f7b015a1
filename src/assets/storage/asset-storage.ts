import { Readable } from 'node:stream';

export const ASSET_STORAGE = Symbol('ASSET_STORAGE');

export interface StoredObject {
  body: Readable;
  byteSize: number;
}

/**
 * Where asset files live: a flat key space of `<sha256>/<file>` keys (e.g. `ab12…/w640.webp`). Files are
 * immutable: a key is written once with its final bytes and never changed, only deleted.
 */
export interface AssetStorage {
  readonly name: 'local' | 's3';
  /** Writes the whole file; a reader never sees a partial one. Writing an existing key replaces it. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The file, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Removes the keys; keys that do not exist are ignored. */
  delete(keys: readonly string[]): Promise<void>;
  /** Every stored key, in no particular order (for the sweep of files no asset names). */
  list(): AsyncIterable<string>;
}

const KEY = /^[0-9a-f]{64}\/[a-z0-9]{1,16}\.[a-z0-9]{1,8}$/;

export function isAssetKey(key: string): boolean {
  return KEY.test(key);
}

/** Every storage checks keys with this, so no key can name anything outside the asset space. */
export function assertAssetKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`invalid asset key ${JSON.stringify(key)}`);
}
