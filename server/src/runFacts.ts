// The latest training run of a model, read from its run directory (runs/<model>/<timestamp>/
// beside the .nn file, docs/events.md) for the observed-behaviour diagnostics (NN6xx) and the
// hover on `train`. Run directories are the only store: nothing here is kept that the files do
// not say. Each answer is cached until events.ndjson or job.json changes (size or time).
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObservedDiagnosis, ObservedKind, ObservedRun, ObservedStatus } from './language/index';

/** A run with no `end` event whose stream has been silent this long was stopped without one. */
export const SILENT_MS = 10 * 60_000;

const KINDS: readonly string[] = ['overfitting', 'underfitting', 'divergence', 'plateau'];
const ENDINGS: readonly string[] = ['completed', 'cancelled', 'early-stopped', 'failed'];

/** runs/<model>/ beside the .nn file, with a trailing slash (a folder read, for invalidation). */
export function runsFolder(model: string, fromUri: string): string {
  const path = fromUri.startsWith('file:') ? fileURLToPath(fromUri) : fromUri;
  return `${join(dirname(path), 'runs', model)}/`;
}

/** Run directories of a model, newest first: their names are timestamps (YYYYMMDD-HHMMSS[-n]). */
export function runDirectories(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isDirectory() && /^\d{8}-\d{6}(-\d+)?$/.test(e.name))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
      .map((name) => join(folder, name));
  } catch {
    return [];
  }
}

/**
 * Per run directory: the stream read so far. A live run appends ten events a second, so only the
 * new tail is read; a file that shrank or a changed job.json is read again from the start.
 */
const cache = new Map<string, { job: string; size: number; modified: number; reader: RunReader }>();

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return '-';
  }
}

/** The newest run directory of `model` that has an event stream; undefined when there is none. */
export function readLatestRun(model: string, fromUri: string, now = Date.now()): ObservedRun | undefined {
  for (const dir of runDirectories(runsFolder(model, fromUri))) {
    const run = readRun(dir, now);
    if (run) return run;
  }
  return undefined;
}

/** One run directory, or undefined when it has no events.ndjson yet. */
export function readRun(dir: string, now = Date.now()): ObservedRun | undefined {
  const events = join(dir, 'events.ndjson');
  let size: number;
  let modified: number;
  try {
    const s = statSync(events);
    size = s.size;
    modified = s.mtimeMs;
  } catch {
    return undefined;
  }
  const job = stamp(join(dir, 'job.json'));
  let entry = cache.get(dir);
  // A new job.json (a resume rewrites it), a shorter file, or one rewritten to the same length:
  // read the stream again. Appending, the only way a trainer writes it, always makes it longer.
  if (!entry || entry.job !== job || size < entry.size || (size === entry.size && modified !== entry.modified)) {
    entry = { job, size: 0, modified, reader: new RunReader(dir, readJob(dir)) };
    cache.set(dir, entry);
  }
  if (size > entry.size) {
    const tail = readTail(events, entry.size, size);
    if (tail === undefined) return undefined;
    // Only whole lines: a line being written (or a character split by the read) waits for the next call.
    const end = tail.lastIndexOf(0x0a) + 1;
    entry.reader.feed(tail.subarray(0, end).toString('utf8'));
    entry.size += end;
  }
  entry.modified = modified;
  const run = entry.reader.snapshot();
  return run.status === 'running' && now - modified > SILENT_MS ? { ...run, status: 'interrupted' } : run;
}

function readTail(path: string, from: number, to: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(to - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    return buffer.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readJob(dir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, 'job.json'), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const obj = (x: unknown): Json | undefined => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Json) : undefined);

/** The settings a run trained with, from its job.json (`settings` is the IR's train section). */
function settingsOf(job: unknown): ObservedRun['settings'] {
  const settings = obj(obj(job)?.settings);
  if (!settings) return {};
  const optimizer = obj(settings.optimizer);
  return {
    epochs: num(settings.epochs),
    optimizer: typeof optimizer?.name === 'string' ? optimizer.name : undefined,
    lr: num(optimizer?.lr),
    validation: 'validation' in settings ? settings.validation !== null : undefined,
  };
}

/** A run from a whole event stream (docs, tests). */
export function observedFromEvents(text: string, dir: string, job?: unknown): ObservedRun {
  const reader = new RunReader(dir, job);
  reader.feed(text.endsWith('\n') ? text : `${text}\n`);
  return reader.snapshot();
}

/**
 * Folds events into an ObservedRun as they arrive. A resumed run appends a second `start` to the
 * same file, so an `end` before it no longer ends the run. A line is read only once it is whole;
 * lines that are not events are skipped.
 */
export class RunReader {
  private readonly run: ObservedRun;
  private partial = '';
  private bestLoss = Infinity;

  constructor(dir: string, job?: unknown) {
    this.run = { name: basename(dir), dir, status: 'running', settings: settingsOf(job), epochs: 0, bestEpoch: null, bestValAccuracy: null, lastAccuracy: null, testAccuracy: null, diagnoses: [] };
  }

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      let event: Json | undefined;
      try {
        event = obj(JSON.parse(line));
      } catch {
        continue;
      }
      if (event && event.v === 1) this.event(event);
    }
  }

  snapshot(): ObservedRun {
    return { ...this.run, settings: { ...this.run.settings }, diagnoses: [...this.run.diagnoses] };
  }

  private event(event: Json): void {
    const run = this.run;
    switch (event.type) {
      case 'start':
        run.params = num(event.params) ?? run.params;
        run.totalEpochs = num(event.epochs) ?? run.totalEpochs;
        run.status = 'running';
        break;
      case 'epoch':
        this.epoch(event);
        break;
      case 'diagnosis':
        if (typeof event.kind === 'string' && KINDS.includes(event.kind)) run.diagnoses.push(diagnosisOf(event));
        break;
      case 'end':
        if (typeof event.status === 'string' && ENDINGS.includes(event.status)) run.status = event.status as ObservedStatus;
        run.bestEpoch = num(event.bestEpoch) ?? run.bestEpoch;
        run.testAccuracy = num(event.testAccuracy) ?? run.testAccuracy;
        run.epochs = num(event.epochs) ?? run.epochs;
        break;
    }
  }

  private epoch(event: Json): void {
    const run = this.run;
    const epoch = num(event.epoch) ?? run.epochs + 1;
    run.epochs = Math.max(run.epochs, epoch);
    run.lastAccuracy = num(event.accuracy) ?? run.lastAccuracy;
    // The trainer's "best": the lowest validation loss, the training loss without validation.
    const loss = num(event.valLoss) ?? num(event.loss);
    if (loss !== undefined && loss < this.bestLoss) {
      this.bestLoss = loss;
      run.bestEpoch = epoch;
      run.bestValAccuracy = num(event.valAccuracy) ?? null;
    }
  }
}

function diagnosisOf(event: Json): ObservedDiagnosis {
  return {
    kind: event.kind as ObservedKind,
    epoch: num(event.epoch) ?? 0,
    setting: typeof event.setting === 'string' ? event.setting : '',
    message: typeof event.message === 'string' ? event.message : String(event.kind),
  };
}

const lastKey = new Map<string, string>();

/**
 * Whether a run directory's change (a watched events.ndjson or job.json) changes what the editor
 * shows of it. A live run appends ten batch events a second; only an epoch, a diagnosis, a start
 * or an end alters the lens, the hover or NN6xx, so the rest need no re-analysis.
 */
export function runChanged(dir: string, now = Date.now()): boolean {
  const run = readRun(dir, now);
  const key = run ? JSON.stringify([run.status, run.epochs, run.totalEpochs, run.params, run.bestEpoch, run.testAccuracy, run.diagnoses.length, run.settings]) : '';
  if (lastKey.get(dir) === key) return false;
  lastKey.set(dir, key);
  return true;
}

/** The run directory of a watched run file (…/runs/<model>/<timestamp>/events.ndjson), or undefined. */
export function runDirOfFile(path: string): string | undefined {
  const m = /^(.*[\\/]runs[\\/][^\\/]+[\\/]\d{8}-\d{6}(?:-\d+)?)[\\/](?:events\.ndjson|job\.json)$/.exec(path);
  return m?.[1];
}
