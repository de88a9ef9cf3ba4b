// The tfjs engine's checkpoints (checkpoints/last.tfjs, best.tfjs): one file holding the
// weights, the optimizer's slots and step, and the run's position and curves, so a resumed run
// continues exactly. Written to a temporary file in the same folder, synced and renamed, so a
// checkpoint file is always complete. Layout: "NLTFJSCK", a little-endian uint32 header length,
// the JSON header (padded with spaces to a multiple of 4 bytes), then float32 values, little-endian:
// every weight in model order, then each trainable weight's optimizer slots.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { OptimizerState } from './optim';

export const CHECKPOINT_VERSION = 1;
const MAGIC = 'NLTFJSCK';

export interface CheckpointHeader {
  version: typeof CHECKPOINT_VERSION;
  engine: 'tfjs';
  /** Epochs completed. */
  epoch: number;
  step: number;
  best: Record<string, number | null>;
  diagnosis: unknown;
  /** Null, or the position and running sums of a checkpoint written mid-epoch. */
  partial: { epoch: number; stepInEpoch: number; lossSum: number; correct: number; seen: number; seconds: number } | null;
  /** Every random draw derives from the seed, the epoch and the step (docs/engines.md), so the position is the state. */
  rng: { seed: number };
  weights: Array<{ name: string; shape: number[] }>;
  /** The optimizer, its step count, and the shapes of the trainable weights whose slots follow. */
  optimizer: { name: string; t: number; slots: number; shapes: number[][] };
}

export interface Checkpoint {
  header: CheckpointHeader;
  weights: Float32Array[];
  optimizer: OptimizerState;
}

/** Temporary files being written, removed on a hard stop. */
export const writing = new Set<string>();

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function bytesOf(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function writeCheckpoint(path: string, header: CheckpointHeader, weights: Float32Array[], optimizer: OptimizerState): void {
  let json = JSON.stringify(header);
  json += ' '.repeat((4 - ((MAGIC.length + 4 + Buffer.byteLength(json)) % 4)) % 4);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(Buffer.byteLength(json));
  const tmp = `${path}.tmp-${process.pid}`;
  writing.add(tmp);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, Buffer.from(MAGIC, 'latin1'));
      writeSync(fd, length);
      writeSync(fd, Buffer.from(json, 'utf8'));
      for (const w of weights) writeSync(fd, bytesOf(w));
      for (const slots of optimizer.slots) for (const s of slots) writeSync(fd, bytesOf(s));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } finally {
    writing.delete(tmp);
    rmSync(tmp, { force: true });
  }
}

export function readCheckpoint(path: string): Checkpoint {
  const buffer = readFileSync(path);
  if (buffer.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error(`${path} is not a tfjs checkpoint of NetLens`);
  const length = buffer.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const header = JSON.parse(buffer.toString('utf8', start, start + length)) as CheckpointHeader;
  if (header.version !== CHECKPOINT_VERSION) throw new Error(`${path} is checkpoint version ${header.version}; this trainer reads version ${CHECKPOINT_VERSION}`);
  let offset = start + length;
  const take = (n: number): Float32Array => {
    if (offset + 4 * n > buffer.length) throw new Error(`${path} is truncated`);
    const out = new Float32Array(buffer.buffer.slice(buffer.byteOffset + offset, buffer.byteOffset + offset + 4 * n));
    offset += 4 * n;
    return out;
  };
  const weights = header.weights.map((w) => take(size(w.shape)));
  const slots = header.optimizer.shapes.map((shape) => Array.from({ length: header.optimizer.slots }, () => take(size(shape))));
  return { header, weights, optimizer: { name: header.optimizer.name, t: header.optimizer.t, slots } };
}
