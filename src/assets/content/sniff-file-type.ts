/** What an upload is, decided from its bytes; the file name only has to agree. */
export type AssetKind = 'image' | 'attachment';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif';
export type AttachmentFormat = 'pdf' | 'zip' | 'text';
export type FileFormat = ImageFormat | AttachmentFormat;

export interface SniffedType {
  kind: AssetKind;
  format: FileFormat;
  /** The extension stored files get (`original.<ext>`). */
  ext: string;
  contentType: string;
}

export type SniffRefusal = 'UNKNOWN_TYPE' | 'SVG_REFUSED' | 'EXTENSION_MISMATCH';

export type SniffResult = { ok: true; type: SniffedType } | { ok: false; reason: SniffRefusal; message: string; detected?: FileFormat };

interface TypeRule {
  type: SniffedType;
  /** File name extensions (lower case) that may carry this type. */
  extensions: readonly string[];
}

export const FILE_TYPES: Readonly<Record<FileFormat, TypeRule>> = {
  jpeg: { type: { kind: 'image', format: 'jpeg', ext: 'jpg', contentType: 'image/jpeg' }, extensions: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  png: { type: { kind: 'image', format: 'png', ext: 'png', contentType: 'image/png' }, extensions: ['png'] },
  gif: { type: { kind: 'image', format: 'gif', ext: 'gif', contentType: 'image/gif' }, extensions: ['gif'] },
  webp: { type: { kind: 'image', format: 'webp', ext: 'webp', contentType: 'image/webp' }, extensions: ['webp'] },
  avif: { type: { kind: 'image', format: 'avif', ext: 'avif', contentType: 'image/avif' }, extensions: ['avif'] },
  pdf: { type: { kind: 'attachment', format: 'pdf', ext: 'pdf', contentType: 'application/pdf' }, extensions: ['pdf'] },
  zip: { type: { kind: 'attachment', format: 'zip', ext: 'zip', contentType: 'application/zip' }, extensions: ['zip'] },
  text: { type: { kind: 'attachment', format: 'text', ext: 'txt', contentType: 'text/plain; charset=utf-8' }, extensions: ['txt', 'text', 'md', 'csv', 'log'] },
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const AVIF_BRANDS = new Set(['avif', 'avis']);
/** Text may hold tab, line feed, form feed and carriage return; any other C0 control (or DEL) means binary. */
const BINARY_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;
const SVG_MARKUP = /<svg[\s>/]/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function startsWith(bytes: Buffer, prefix: Buffer | string, offset = 0): boolean {
  const expected = typeof prefix === 'string' ? Buffer.from(prefix, 'latin1') : prefix;
  return bytes.length >= offset + expected.length && bytes.subarray(offset, offset + expected.length).equals(expected);
}

/** The ISO-BMFF `ftyp` box of an AVIF file names `avif` (still) or `avis` (sequence) as a brand. */
function isAvif(bytes: Buffer): boolean {
  if (!startsWith(bytes, 'ftyp', 4)) return false;
  const boxSize = bytes.readUInt32BE(0);
  const end = Math.min(boxSize, bytes.length, 256);
  if (boxSize < 16 || end < 16) return false;
  if (AVIF_BRANDS.has(bytes.toString('latin1', 8, 12))) return true;
  for (let offset = 16; offset + 4 <= end; offset += 4) {
    if (AVIF_BRANDS.has(bytes.toString('latin1', offset, offset + 4))) return true;
  }
  return false;
}

function binaryFormatOf(bytes: Buffer): FileFormat | null {
  if (startsWith(bytes, Buffer.from([0xff, 0xd8, 0xff]))) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return 'gif';
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return 'webp';
  if (isAvif(bytes)) return 'avif';
  if (startsWith(bytes, '%PDF-')) return 'pdf';
  if (startsWith(bytes, 'PK\u0003\u0004') || startsWith(bytes, 'PK\u0005\u0006')) return 'zip';
  return null;
}

function decodeText(bytes: Buffer): string | null {
  try {
    const text = UTF8.decode(bytes);
    return BINARY_CONTROL.test(text) ? null : text;
  } catch {
    return null;
  }
}

/**
 * The extension of a file name, lower case, or null when it has none. Trailing dots and spaces do not hide it:
 * Windows drops them when the file is saved, so `page.html.` is an `html` file.
 */
export function extensionOf(filename: string): string | null {
  const base = (filename.split(/[\\/]/).pop() ?? '').replace(/[.\s]+$/, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 && dot < base.length - 1 ? base.slice(dot + 1).toLowerCase() : null;
}

/**
 * Decides what an upload is from its magic bytes (images: JPEG, PNG, GIF, WebP, AVIF; attachments: PDF, ZIP,
 * UTF-8 plain text). The client's content type is never consulted; the file name's extension, when it has one,
 * must be one of the sniffed type's. SVG is refused: it is XML that can carry script.
 */
export function sniffFileType(bytes: Buffer, filename: string): SniffResult {
  const ext = extensionOf(filename);
  if (ext === 'svg' || ext === 'svgz') {
    return { ok: false, reason: 'SVG_REFUSED', message: 'SVG files are not accepted (they can carry script); upload a PNG or WebP instead' };
  }
  let format = binaryFormatOf(bytes);
  if (!format && bytes.length > 0) {
    const text = decodeText(bytes);
    if (text !== null) {
      if (SVG_MARKUP.test(text)) {
        return { ok: false, reason: 'SVG_REFUSED', message: 'SVG files are not accepted (they can carry script); upload a PNG or WebP instead' };
      }
      format = 'text';
    }
  }
  if (!format) {
    return { ok: false, reason: 'UNKNOWN_TYPE', message: 'Only JPEG, PNG, GIF, WebP and AVIF images, PDF, ZIP and UTF-8 text files are accepted' };
  }
  const rule = FILE_TYPES[format];
  if (ext !== null && !rule.extensions.includes(ext)) {
    return {
      ok: false,
      reason: 'EXTENSION_MISMATCH',
      detected: format,
      message: `The file is ${format === 'text' ? 'plain text' : format.toUpperCase()} but its name ends in .${ext}; name it .${rule.extensions.join(', .')}`,
    };
  }
  return { ok: true, type: rule.type };
}
