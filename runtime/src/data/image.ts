// One PNG or JPEG file as channels-first bytes: grey (and grey + alpha) as 1 channel, colour
// (RGB, RGBA, palette, CMYK JPEG) as 3. Alpha is dropped, not blended.
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { imageShape } from '../../../server/src/dataFacts';
import { DataError } from './errors';
import { readFile } from './files';

export interface Image {
  channels: number;
  height: number;
  width: number;
  /** channels × height × width bytes, 0–255. */
  data: Uint8Array;
}

const isPng = (b: Buffer): boolean => b.length >= 8 && b.readUInt32BE(0) === 0x89504e47;
const isJpeg = (b: Buffer): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8;

/** Interleaved pixels (`stride` bytes each) to channels-first planes, keeping the first `channels`. */
function planar(pixels: Uint8Array, stride: number, channels: number, height: number, width: number): Uint8Array {
  const plane = height * width;
  const out = new Uint8Array(channels * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) out[c * plane + p] = pixels[p * stride + c]!;
  }
  return out;
}

function decodePng(buffer: Buffer): Image {
  const png = PNG.sync.read(buffer);
  const channels = png.color ? 3 : 1;
  return { channels, height: png.height, width: png.width, data: planar(png.data, 4, channels, png.height, png.width) };
}

function decodeJpg(buffer: Buffer, path: string): Image {
  const jpeg = decodeJpeg(buffer, { useTArray: true, formatAsRGBA: false });
  // jpeg-js always gives RGB; the start-of-frame marker says whether the file is grey.
  const channels = imageShape(path)?.[0] === 1 ? 1 : 3;
  return { channels, height: jpeg.height, width: jpeg.width, data: planar(jpeg.data, 3, channels, jpeg.height, jpeg.width) };
}

export function decodeImage(path: string): Image {
  const buffer = readFile(path, 'image');
  if (!isPng(buffer) && !isJpeg(buffer)) throw new DataError('unreadable', `cannot read image ${path}: it is neither a PNG nor a JPEG file`, path);
  try {
    const image = isPng(buffer) ? decodePng(buffer) : decodeJpg(buffer, path);
    if (image.width === 0 || image.height === 0) throw new Error('it has no pixels');
    return image;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError('unreadable', `cannot read image ${path}: it is corrupt or truncated (${reason})`, path);
  }
}
