import sharp from 'sharp';
import { ImageRefusedError, processImage } from './process-image';

async function image(width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const base = sharp({ create: { width, height, channels: 3, background: '#4a8' } });
  return format === 'png' ? base.png().toBuffer() : base.jpeg().withExif({ IFD0: { Make: 'SecretCam' } }).toBuffer();
}

describe('processImage', () => {
  it.each([
    [500, 250, ['original.png 500x250', 'w320.webp 320x160', 'w500.webp 500x250']],
    [3000, 1500, ['original.png 3000x1500', 'w320.webp 320x160', 'w640.webp 640x320', 'w1024.webp 1024x512', 'w1600.webp 1600x800', 'w2048.webp 2048x1024']],
    [200, 100, ['original.png 200x100', 'w200.webp 200x100']],
  ])('a %i×%i image gets variants up to its width, at most 2048, never upscaled', async (width, height, expected) => {
    const { files } = await processImage(await image(width, height), 'png', 50_000_000);
    expect(files.map((f) => `${f.file} ${f.width}x${f.height}`)).toEqual(expected);
    for (const file of files) {
      const metadata = await sharp(file.body).metadata();
      expect([metadata.width, metadata.height]).toEqual([file.width, file.height]);
    }
  });

  it('applies the EXIF orientation and drops EXIF', async () => {
    const rotated = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#123' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const { width, height, files } = await processImage(rotated, 'jpeg', 50_000_000);
    expect([width, height]).toEqual([200, 400]);
    for (const file of files) expect((await sharp(file.body).metadata()).exif).toBeUndefined();
  });

  it('keeps an animation animated', async () => {
    const frame = (color: string): Promise<Buffer> => sharp({ create: { width: 400, height: 200, channels: 3, background: color } }).png().toBuffer();
    const gif = await sharp([await frame('#f00'), await frame('#00f')], { join: { animated: true } }).gif().toBuffer();
    const { files } = await processImage(gif, 'gif', 50_000_000);
    expect(files.map((f) => `${f.file} ${f.width}x${f.height}`)).toEqual(['original.gif 400x200', 'w320.webp 320x160', 'w400.webp 400x200']);
    for (const file of files) expect((await sharp(file.body, { animated: true }).metadata()).pages).toBe(2);
  });

  it('refuses an image of more pixels than allowed before decoding it', async () => {
    await expect(processImage(await image(300, 200), 'png', 300 * 200 - 1)).rejects.toEqual(
      new ImageRefusedError({ reason: 'TOO_MANY_PIXELS', width: 300, height: 200, maxPixels: 300 * 200 - 1 }),
    );
  });

  it('refuses bytes that do not decode', async () => {
    const truncated = (await image(300, 300)).subarray(0, 50);
    await expect(processImage(truncated, 'png', 50_000_000)).rejects.toMatchObject({ refusal: { reason: 'UNREADABLE_IMAGE' } });
  });
});
