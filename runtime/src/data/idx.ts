// IDX files (MNIST's format, also Fashion-MNIST's and KMNIST's): two zero bytes, a type byte, the
// number of dimensions, one big-endian uint32 per dimension, then the values, big-endian.
import { basename } from 'node:path';
import { idxDims } from '../../../server/src/dataFacts';
import { type Dataset, type LoadOptions, sampleSize } from './dataset';
import { DataError } from './errors';
import { readFile } from './files';
import { checkLabels, classCount } from './labels';

interface IdxType {
  name: string;
  bytes: number;
  read: (buffer: Buffer, offset: number) => number;
}

const TYPES: Record<number, IdxType> = {
  0x08: { name: 'unsigned byte', bytes: 1, read: (b, o) => b.readUInt8(o) },
  0x09: { name: 'signed byte', bytes: 1, read: (b, o) => b.readInt8(o) },
  0x0b: { name: 'int16', bytes: 2, read: (b, o) => b.readInt16BE(o) },
  0x0c: { name: 'int32', bytes: 4, read: (b, o) => b.readInt32BE(o) },
  0x0d: { name: 'float32', bytes: 4, read: (b, o) => b.readFloatBE(o) },
  0x0e: { name: 'float64', bytes: 8, read: (b, o) => b.readDoubleBE(o) },
};

export interface IdxFile {
  path: string;
  type: number;
  dims: number[];
  /** The values as stored, from `offset` on. */
  buffer: Buffer;
  offset: number;
}

/** Reads and checks an IDX file: its header (through dataFacts' idxDims) and its length. */
export function readIdx(path: string, what: string): IdxFile {
  const buffer = readFile(path, what);
  let dims: number[];
  try {
    dims = idxDims(path);
  } catch {
    throw new DataError('format', `${what} ${path} is not an IDX file (it should start with two zero bytes, a type byte and the number of dimensions)`, path);
  }
  const type = buffer[2]!;
  const spec = TYPES[type];
  if (!spec || dims.length === 0) throw new DataError('format', `${what} ${path} has an unknown IDX type 0x${type.toString(16)} or no dimensions`, path);
  const offset = 4 + 4 * dims.length;
  const expected = offset + sampleSize(dims) * spec.bytes;
  if (buffer.length < expected) {
    throw new DataError('format', `${what} ${path} is truncated: its header (${dims.join('×')} ${spec.name}) needs ${expected} bytes but the file has ${buffer.length}`, path);
  }
  return { path, type, dims, buffer, offset };
}

/** Channels-first pixels in [0, 1] from unsigned-byte images N×H×W (C = 1) or N×H×W×C. */
export function idxImages(file: IdxFile): { x: Float32Array; shape: number[] } {
  const { dims, buffer, offset, path } = file;
  if (file.type !== 0x08) throw new DataError('format', `images ${path} hold ${TYPES[file.type]!.name} values; NetLens reads images stored as unsigned bytes (IDX type 0x08)`, path);
  if (dims.length !== 3 && dims.length !== 4) throw new DataError('format', `images ${path} have ${dims.length} dimensions (${dims.join('×')}); expected N×H×W or N×H×W×C`, path);
  const [n, h, w, c = 1] = dims as [number, number, number, number?];
  const x = new Float32Array(n * c * h * w);
  if (c === 1) {
    for (let i = 0; i < x.length; i++) x[i] = buffer[offset + i]! / 255;
    return { x, shape: [1, h, w] };
  }
  const plane = h * w;
  for (let s = 0; s < n; s++) {
    const from = offset + s * plane * c;
    const to = s * plane * c;
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < c; ch++) x[to + ch * plane + p] = buffer[from + p * c + ch]! / 255;
    }
  }
  return { x, shape: [c, h, w] };
}

/** Whole-number labels from a 1-D IDX file of any integer type. */
export function idxLabels(file: IdxFile): Int32Array {
  const { dims, buffer, offset, path, type } = file;
  if (dims.length !== 1) throw new DataError('format', `labels ${path} have ${dims.length} dimensions (${dims.join('×')}); expected one label per sample`, path);
  const spec = TYPES[type]!;
  if (type === 0x0d || type === 0x0e) throw new DataError('format', `labels ${path} hold ${spec.name} values; expected whole-number class indices`, path);
  const y = new Int32Array(dims[0]!);
  for (let i = 0; i < y.length; i++) y[i] = spec.read(buffer, offset + i * spec.bytes);
  return y;
}

export function loadIdx(images: string, labels: string, options: LoadOptions, name = `IDX ${basename(images)}`): Dataset {
  const imageFile = readIdx(images, 'images');
  const labelFile = readIdx(labels, 'labels');
  const { x, shape } = idxImages(imageFile);
  const y = idxLabels(labelFile);
  if (imageFile.dims[0] !== y.length) {
    throw new DataError('count', `${images} has ${imageFile.dims[0]} images but ${labels} has ${y.length} labels; they must pair up one to one`, labels);
  }
  checkLabels(y, options.classes, (i) => `index ${i} of ${labels}`, labels);
  return { x, y, shape, classes: classCount(y), name };
}
