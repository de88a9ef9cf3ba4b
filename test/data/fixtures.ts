// Tiny data files written into a fresh temporary folder: IDX files, PNG and JPEG images (through
// pngjs and jpeg-js, the decoders the runtime uses), CSV text.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG, type ColorType } from 'pngjs';

export function tempDir(prefix = 'netlens-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function write(path: string, content: Buffer | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** An IDX file of unsigned bytes (type 0x08) unless another type byte is given. */
export function idx(dims: number[], body: ArrayLike<number>, type = 0x08): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const bytes = type === 0x0c ? Buffer.alloc(4 * body.length) : Buffer.from(Array.from(body));
  if (type === 0x0c) Array.from(body).forEach((v, i) => bytes.writeInt32BE(v, 4 * i));
  return Buffer.concat([head, bytes]);
}

/** A PNG from interleaved 8-bit pixels: colour type 0 (grey), 2 (RGB), 4 (grey + alpha) or 6 (RGBA). */
export function png(width: number, height: number, colorType: ColorType, pixel: (x: number, y: number) => number[]): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixel(x, y);
      const rgba = v.length === 1 ? [v[0]!, v[0]!, v[0]!, 255] : v.length === 2 ? [v[0]!, v[0]!, v[0]!, v[1]!] : [v[0]!, v[1]!, v[2]!, v[3] ?? 255];
      image.data.set(rgba, 4 * (y * width + x));
    }
  }
  return PNG.sync.write(image, { colorType, inputHasAlpha: true });
}

/** A colour JPEG at quality 100 (lossy, so compare with a tolerance). */
export function jpeg(width: number, height: number, pixel: (x: number, y: number) => number[]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...pixel(x, y).slice(0, 3), 255], 4 * (y * width + x));
  }
  return encodeJpeg({ width, height, data }, 100).data;
}

/** A 6×4 one-component (grey) JPEG written by Pillow at quality 100: pixel (x, y) ≈ 40x + 10y. jpeg-js encodes colour only. */
export const GREY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAAEAAYBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACP/EACEQAAABDQAAAAAAAAAAAAAAAAACAwQFBgcKFyVBRlRj/9oACAEBAAA/AE5DiO2ZKQJ+n4ur7kbKBzH/2Q==',
  'base64',
);

/** The values of sample i of a dataset-like object. */
export function sample(data: { x: Float32Array; shape: number[] }, i: number): number[] {
  const size = data.shape.reduce((a, b) => a * b, 1);
  return Array.from(data.x.subarray(i * size, (i + 1) * size));
}
