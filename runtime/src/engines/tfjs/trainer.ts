// The tfjs trainer process: `node dist/tfjsTrainer.js RUN/job.json`, spawned by `netlens train`
// with the run directory as its working directory. It does what runtime/python/trainer.py does,
// with the same events (docs/events.md) on stdout, one JSON object a line, and logs on stderr:
// the model is built from ir.json (model.ts) rather than model.py. Exit status: 0 completed /
// early-stopped / cancelled, 1 failed or error, 130 on a second SIGINT/SIGTERM.
import { existsSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { IR } from '../../ir';
import type { Job } from '../../train/run';
import { JobError } from './optim';
import { type Emit, runTraining } from './loop';
import { writing } from './checkpoint';

export const EVENTS_VERSION = 1;

/** JSON-safe numbers: NaN and infinities become null, as the torch trainer writes them. */
export function clean(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)]));
  return value;
}

/** Seconds spent emitting so far; the end event reports it as eventSeconds, as the torch trainer does. */
let eventSeconds = 0;

/** One event, written synchronously so that nothing is lost on exit. */
export const emit: Emit = (type, fields) => {
  const t0 = performance.now();
  const event: Record<string, unknown> = { v: EVENTS_VERSION, type, time: new Date().toISOString(), ...(clean(fields) as Record<string, unknown>) };
  if (type === 'end') event.eventSeconds = eventSeconds;
  writeSync(1, `${JSON.stringify(event)}\n`);
  eventSeconds += (performance.now() - t0) / 1000;
};

export function log(message: string): void {
  writeSync(2, `${message}\n`);
}

export class Cancel {
  requested = false;

  install(): void {
    process.on('SIGINT', (s) => this.handle(s));
    process.on('SIGTERM', (s) => this.handle(s));
  }

  private handle(signal: NodeJS.Signals): void {
    if (this.requested) {
      // A second signal: stop at once. Checkpoints are complete files (temporary file, then
      // rename), and one being written is removed.
      for (const tmp of writing) rmSync(tmp, { force: true });
      emit('end', { status: 'cancelled', epochs: null, bestEpoch: null, bestValLoss: null, testLoss: null, testAccuracy: null, seconds: null, reason: 'stopped at once by a second signal; the last complete checkpoint is kept' });
      process.exit(130);
    }
    this.requested = true;
    log(`netlens tfjs trainer: ${signal}: finishing the current step, then writing a checkpoint (signal again to stop at once)`);
  }
}

function loadJob(path: string): Job {
  if (!existsSync(path)) throw new JobError('job', `job file ${path} does not exist`);
  let job: Job;
  try {
    job = JSON.parse(readFileSync(path, 'utf8')) as Job;
  } catch (error) {
    throw new JobError('job', `job file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (job.version !== 1) throw new JobError('job', `job file ${path} has version ${JSON.stringify(job.version)}; this trainer reads version 1`);
  if (!job.settings) throw new JobError('job', `job file ${path} has no settings`);
  return job;
}

function loadIr(job: Job): IR {
  const path = isAbsolute(job.ir) ? job.ir : join(job.runDir, job.ir);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as IR;
  } catch (error) {
    throw new JobError('module', `the compiled model ${path} cannot be read: ${(error as Error).message}`);
  }
}

async function main(argv: string[]): Promise<number> {
  // stdout is the event stream: anything a library prints goes to stderr instead.
  console.log = console.info = console.warn = (...args: unknown[]) => log(args.map(String).join(' '));
  const cancel = new Cancel();
  cancel.install();
  if (argv.length !== 1) {
    emit('error', { code: 'usage', message: 'usage: node tfjsTrainer.js RUN/job.json' });
    return 1;
  }
  try {
    const job = loadJob(argv[0]!);
    return await runTraining(job, loadIr(job), cancel, emit, log);
  } catch (error) {
    if (error instanceof JobError) {
      emit('error', { code: error.code, message: error.message });
      return 1;
    }
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    emit('error', { code: 'internal', message: `the tfjs trainer failed unexpectedly: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} (the stack trace is on stderr)` });
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
