// NumPy's .npy format, version 1.0, for handing prepared arrays to the Python trainer: the magic
// "\x93NUMPY", the version, a little-endian uint16 header length, a Python dict literal padded
// with spaces to a multiple of 64 bytes and ending in a newline, then the values, little-endian.
import { endianness } from 'node:os';

export function toNpy(array: Float32Array | Int32Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length) throw new Error(`toNpy: shape ${shape.join('×')} holds ${count} values but the array has ${array.length}`);
  const descr = array instanceof Float32Array ? '<f4' : '<i4';
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const preamble = Buffer.alloc(10);
  Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]).copy(preamble);
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([preamble, Buffer.from(header, 'latin1'), littleEndian(array)]);
}

function littleEndian(array: Float32Array | Int32Array): Buffer {
  if (endianness() === 'LE') return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  const out = Buffer.alloc(array.byteLength);
  array.forEach((v, i) => (array instanceof Float32Array ? out.writeFloatLE(v, 4 * i) : out.writeInt32LE(v, 4 * i)));
  return out;
}

export interface NpyArray {
  data: Float32Array | Int32Array;
  shape: number[];
}

/**
 * Reads a .npy file of float32 (`<f4`), int32 (`<i4`) or int64 (`<i8`, as int32) values in C
 * order, NumPy format 1.0 to 3.0: what toNpy writes, and what NumPy writes for those types.
 * Throws an Error whose message says what is wrong with the file.
 */
export function fromNpy(buffer: Buffer): NpyArray {
  if (buffer.length < 10 || buffer[0] !== 0x93 || buffer.toString('latin1', 1, 6) !== 'NUMPY') throw new Error('not a .npy file (no \\x93NUMPY magic)');
  const major = buffer[6]!;
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  const start = 8 + lengthBytes + headerLength;
  const header = buffer.toString('latin1', 8 + lengthBytes, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error(`unreadable .npy header: ${header.trim()}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error('the .npy file is in Fortran order; only C order is read');
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = { '<f4': 4, '<i4': 4, '<i8': 8 }[descr];
  if (!bytes) throw new Error(`the .npy file holds '${descr}' values; NetLens reads <f4, <i4 and <i8`);
  if (buffer.length - start < count * bytes) throw new Error(`the .npy file is truncated: shape (${shape.join(', ')}) needs ${count * bytes} bytes of data but it has ${buffer.length - start}`);
  if (descr === '<f4' && endianness() === 'LE') {
    // A copy into fresh, aligned memory: the file's values are little-endian like this machine's.
    return { data: new Float32Array(buffer.buffer.slice(buffer.byteOffset + start, buffer.byteOffset + start + 4 * count)), shape };
  }
  if (descr === '<f4') {
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = buffer.readFloatLE(start + 4 * i);
    return { data, shape };
  }
  const data = new Int32Array(count);
  for (let i = 0; i < count; i++) data[i] = descr === '<i4' ? buffer.readInt32LE(start + 4 * i) : Number(buffer.readBigInt64LE(start + 8 * i));
  return { data, shape };
}
