// Facts about file-backed data sources, for the training-risk checks: how many samples, how
// many classes, what one sample looks like. Only headers and labels are read, never the pixels,
// and each answer is cached per file until the file changes (size or modification time).
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataFacts, DataSource } from './language/index';

const cache = new Map<string, { stamp: string; facts: DataFacts | undefined }>();

function stampOf(paths: string[]): string | undefined {
  try {
    return paths.map((p) => {
      const s = statSync(p);
      return `${s.size}:${s.mtimeMs}`;
    }).join('|');
  } catch {
    return undefined;
  }
}

/** Cached per key until one of the files changes; a folder's stamp is its own, so a new class folder refreshes it. */
function cached(key: string, paths: string[], read: () => DataFacts | undefined): DataFacts | undefined {
  const stamp = stampOf(paths);
  if (stamp === undefined) return undefined;
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.facts;
  let facts: DataFacts | undefined;
  try {
    facts = read();
  } catch {
    facts = undefined;
  }
  cache.set(key, { stamp, facts });
  return facts;
}

/** The files and folders (ending in '/') a source reads, resolved against the .nn file. */
export function dataPaths(source: DataSource, fromUri: string): string[] {
  const base = dirname(fromUri.startsWith('file:') ? fileURLToPath(fromUri) : fromUri);
  switch (source.kind) {
    case 'idx':
      return [resolve(base, source.images), resolve(base, source.labels)];
    case 'folder':
      return [`${resolve(base, source.dir)}/`];
    case 'csv':
      return [resolve(base, source.file)];
    default:
      return [];
  }
}

/** The reader the CLI and the server pass to analyzeDocument. `fromUri` is the .nn file. */
export function readDataFacts(source: DataSource, fromUri: string): DataFacts | undefined {
  const base = dirname(fromUri.startsWith('file:') ? fileURLToPath(fromUri) : fromUri);
  switch (source.kind) {
    case 'idx': {
      const images = resolve(base, source.images);
      const labels = resolve(base, source.labels);
      return cached(`idx:${images}|${labels}`, [images, labels], () => idxFacts(images, labels));
    }
    case 'folder': {
      const dir = resolve(base, source.dir);
      return cached(`folder:${dir}`, [dir], () => folderFacts(dir, source.dir));
    }
    case 'csv': {
      const file = resolve(base, source.file);
      return cached(`csv:${file}#${source.label}`, [file], () => csvFacts(file, source.file, source.label));
    }
    default:
      return undefined;
  }
}

// ── IDX (MNIST's format): a magic number, then one big-endian size per dimension ──

function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

export function idxDims(path: string): number[] {
  const head = readHead(path, 4 + 4 * 4);
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0) throw new Error(`${path} is not an IDX file`);
  const dims = head[3]!;
  return Array.from({ length: dims }, (_, i) => head.readUInt32BE(4 + 4 * i));
}

function idxFacts(images: string, labels: string): DataFacts | undefined {
  const dims = idxDims(images);
  const labelBytes = readFileSync(labels);
  const labelDims = idxDims(labels);
  const count = labelDims[0]!;
  const values = new Set<number>();
  const offset = 4 + 4 * labelDims.length;
  for (let i = 0; i < count && offset + i < labelBytes.length; i++) values.add(labelBytes[offset + i]!);
  const shape = dims.length === 3 ? [1, dims[1]!, dims[2]!] : dims.length === 4 ? [dims[3]!, dims[1]!, dims[2]!] : dims.slice(1);
  return { samples: Math.min(dims[0]!, count), classes: values.size, shape, name: `IDX ${images.split('/').pop()}` };
}

// ── folder: one sub-folder per class of PNG/JPEG images ──────────────────────────

const IMAGE = new Set(['.png', '.jpg', '.jpeg']);

function folderFacts(dir: string, shown: string): DataFacts | undefined {
  const classes = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  let samples = 0;
  let first: string | undefined;
  for (const entry of classes) {
    const files = readdirSync(join(dir, entry.name)).filter((f) => IMAGE.has(extname(f).toLowerCase()));
    samples += files.length;
    if (!first && files[0]) first = join(dir, entry.name, files[0]);
  }
  const shape = first ? imageShape(first) : undefined;
  return shape && { samples, classes: classes.length, shape, name: `folder "${shown}"` };
}

/** Channels, height and width from a PNG's IHDR or a JPEG's start-of-frame marker. */
export function imageShape(path: string): number[] | undefined {
  const head = readHead(path, 64 * 1024);
  if (head.length >= 26 && head.readUInt32BE(0) === 0x89504e47) {
    const width = head.readUInt32BE(16);
    const height = head.readUInt32BE(20);
    const colour = head[25]!;
    // Grey (0) and grey+alpha (4) load as 1 channel; RGB (2), palette (3) and RGBA (6) as 3.
    return [colour === 0 || colour === 4 ? 1 : 3, height, width];
  }
  if (head[0] === 0xff && head[1] === 0xd8) {
    for (let i = 2; i + 9 < head.length; ) {
      if (head[i] !== 0xff) return undefined;
      const marker = head[i + 1]!;
      const length = head.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xc3) return [head[i + 9]! === 1 ? 1 : 3, head.readUInt16BE(i + 5), head.readUInt16BE(i + 7)];
      i += 2 + length;
    }
  }
  return undefined;
}

// ── CSV: a header row, one sample per row, one label column ──────────────────────

function csvFacts(file: string, shown: string, label: string): DataFacts | undefined {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const column = header?.indexOf(label) ?? -1;
  if (!header || column < 0) return undefined;
  const labels = new Set(lines.slice(1).map((l) => l.split(',')[column]?.trim()));
  return { samples: lines.length - 1, classes: labels.size, shape: [header.length - 1], name: `${shown} (label column '${label}')` };
}
