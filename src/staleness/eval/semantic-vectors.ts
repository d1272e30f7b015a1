/**
 * The vector cache of the sentence-encoder experiment (docs/staleness.md, fifth round): `vectors.bin` in a
 * directory, records of a text's sha1 (20 bytes) and its 512 float32 components, written by
 * `npm run eval:stale:embed` and read by `npm run eval:stale:replay -- … --semantic <dir>`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VECTOR_SIZE = 512;
const RECORD = 20 + VECTOR_SIZE * 4;

export function textKey(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function vectorCacheFile(dir: string): string {
  return join(dir, 'vectors.bin');
}

export function loadVectorCache(dir: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const file = vectorCacheFile(dir);
  if (!existsSync(file)) return out;
  const buf = readFileSync(file);
  for (let o = 0; o + RECORD <= buf.length; o += RECORD) {
    const vector = new Float32Array(VECTOR_SIZE);
    for (let i = 0; i < VECTOR_SIZE; i++) vector[i] = buf.readFloatLE(o + 20 + i * 4);
    out.set(buf.subarray(o, o + 20).toString('hex'), vector);
  }
  return out;
}

export function vectorRecord(text: string, vector: ArrayLike<number>): Buffer {
  const record = Buffer.alloc(RECORD);
  Buffer.from(textKey(text), 'hex').copy(record, 0);
  for (let k = 0; k < VECTOR_SIZE; k++) record.writeFloatLE(vector[k], 20 + k * 4);
  return record;
}

/** text → its unit-length vector from the cache in `dir`, or undefined when the text was not embedded. */
export function semanticLookup(dir: string): (text: string) => Float32Array | undefined {
  const cache = loadVectorCache(dir);
  const unit = new Map<string, Float32Array>();
  return (text) => {
    const key = textKey(text);
    let vector = unit.get(key);
    if (!vector) {
      const raw = cache.get(key);
      if (!raw) return undefined;
      const norm = Math.sqrt(raw.reduce((sum, x) => sum + x * x, 0)) || 1;
      vector = raw.map((x) => x / norm);
      unit.set(key, vector);
    }
    return vector;
  };
}
