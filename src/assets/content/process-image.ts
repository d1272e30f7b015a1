import sharp from 'sharp';
import { ImageFormat } from './sniff-file-type';

/** Widths of the responsive WebP variants; none wider than the image itself (no upscaling). */
export const VARIANT_WIDTHS: readonly number[] = [320, 640, 1024, 1600];
/** The widest variant: the image's own width up to this (2× a 1024-pixel column), not beyond. */
export const MAX_VARIANT_WIDTH = 2048;

export interface ImageFile {
  /** File name under the asset's hash: `original.<ext>` or `w<width>.webp`. */
  file: string;
  contentType: string;
  width: number;
  height: number;
  body: Buffer;
}

export interface ProcessedImage {
  width: number;
  height: number;
  /** The metadata-free original format first, then the WebP variants, narrowest first. */
  files: ImageFile[];
}

export type ImageRefusal = { reason: 'TOO_MANY_PIXELS'; width: number | null; height: number | null; maxPixels: number } | { reason: 'UNREADABLE_IMAGE' };

export class ImageRefusedError extends Error {
  constructor(readonly refusal: ImageRefusal) {
    super(refusal.reason);
  }
}

const ORIGINAL_EXT: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', gif: 'gif', webp: 'webp', avif: 'avif' };
const CONTENT_TYPE: Record<ImageFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif' };

/**
 * Re-encodes an uploaded image: oriented by its EXIF orientation, every metadata block (EXIF, GPS, XMP, IPTC,
 * comments) dropped, as a full-size copy in its own format plus WebP variants at VARIANT_WIDTHS narrower than it
 * and at its own width (at most MAX_VARIANT_WIDTH). The raw upload is never kept. A still image is decoded twice
 * (the full-size copy, then once at the widest variant's size, from which every variant is scaled down). The header is read first and an image of more than
 * `maxPixels` (frames counted) is refused before any decoding; sharp's `limitInputPixels` is the second bound.
 */
export async function processImage(input: Buffer, format: ImageFormat, maxPixels: number): Promise<ProcessedImage> {
  const animated = format === 'gif' || format === 'webp';
  const source = (): sharp.Sharp => sharp(input, { limitInputPixels: maxPixels, failOn: 'error', animated, sequentialRead: true });
  let metadata: sharp.Metadata;
  try {
    metadata = await source().metadata();
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      throw new ImageRefusedError({ reason: 'TOO_MANY_PIXELS', width: null, height: null, maxPixels });
    }
    throw new ImageRefusedError({ reason: 'UNREADABLE_IMAGE' });
  }
  const width = metadata.width ?? 0;
  const frameHeight = metadata.pageHeight ?? metadata.height ?? 0;
  const pixels = width * (metadata.height ?? 0);
  if (width <= 0 || frameHeight <= 0) throw new ImageRefusedError({ reason: 'UNREADABLE_IMAGE' });
  if (pixels > maxPixels) throw new ImageRefusedError({ reason: 'TOO_MANY_PIXELS', width, height: frameHeight, maxPixels });

  try {
    const original = await encode(source().rotate(), format);
    const files: ImageFile[] = [{ ...original, file: `original.${ORIGINAL_EXT[format]}`, contentType: CONTENT_TYPE[format] }];
    const widest = Math.min(original.width, MAX_VARIANT_WIDTH);
    const widths = [...VARIANT_WIDTHS.filter((w) => w < widest), widest];
    const scaled = animated ? null : await source().rotate().resize({ width: widest, withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
    const variantSource = (): sharp.Sharp =>
      scaled ? sharp(scaled.data, { raw: { width: scaled.info.width, height: scaled.info.height, channels: scaled.info.channels } }) : source().rotate();
    for (const target of widths) {
      const variant = await encode(variantSource().resize({ width: target, withoutEnlargement: true }), 'webp');
      files.push({ ...variant, file: `w${variant.width}.webp`, contentType: 'image/webp' });
    }
    return { width: original.width, height: original.height, files };
  } catch (error) {
    // libvips reports a truncated or malformed body only when it decodes it: the upload is at fault.
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      throw new ImageRefusedError({ reason: 'TOO_MANY_PIXELS', width, height: frameHeight, maxPixels });
    }
    throw new ImageRefusedError({ reason: 'UNREADABLE_IMAGE' });
  }
}

async function encode(pipeline: sharp.Sharp, format: ImageFormat): Promise<{ body: Buffer; width: number; height: number }> {
  const encoded = formatted(pipeline, format);
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { body: data, width: info.width, height: info.pageHeight ?? info.height };
}

function formatted(pipeline: sharp.Sharp, format: ImageFormat): sharp.Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality: 85 });
    case 'png':
      return pipeline.png();
    case 'gif':
      return pipeline.gif();
    case 'webp':
      return pipeline.webp({ quality: 80 });
    case 'avif':
      // AV1's default effort (4) took 38 s of CPU for a 12-megapixel photo; effort 0 takes 2 s, for a file of about the same size.
      return pipeline.avif({ quality: 55, effort: 0 });
  }
}
