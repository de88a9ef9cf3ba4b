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
