// `netlens train`: analyse, compile, choose the engine, prepare the data, write the run directory
// (model.py, ir.json, summary.json, job.json, data/*.npy), run the engine's trainer as a child
// process without a shell (runtime/python/trainer.py under a Python with torch, or
// dist/tfjsTrainer.js under this Node), and record its NDJSON events: appended to events.ndjson
// as they arrive, metrics.csv one row per epoch, and echoed as NDJSON or drawn as a progress bar.
// docs/engines.md ("Running training") describes the run directory and job.json.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync, renameSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { toJson } from '../../../server/src/language/index';
import { analyzePath } from '../analyzeFile';
import { chooseModel, compileModel, irJson, IRError, type IR } from '../ir';
import { generateTorch } from '../engines/torch/codegen';
import { tfjsSupport } from '../engines/tfjs/support';
import { isDataError, prepareData, standardise, toNpy, type Dataset } from '../data/index';
import { describeTried, findTorchPython } from './python';
import { Progress } from './progress';

export interface TrainIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  /** Install SIGINT/SIGTERM handlers that forward to the trainer (the CLI process does). */
  signals?: boolean;
  env?: NodeJS.ProcessEnv;
}

export type Engine = 'auto' | 'torch' | 'tfjs';

export interface Job {
  version: 1;
  runDir: string;
  module: string;
  ir: string;
  data: Record<'train' | 'val' | 'test', { x: string; y: string } | null>;
  normalise: { mean: number[]; std: number[] };
  classes: number;
  outputActivation: 'softmax' | null;
  settings: IR['train'];
  engine: { name?: string; why: string; python?: string };
  resume: string | null;
  threads: number;
}

type Event = { v: 1; type: string; time: string; [key: string]: unknown };

/** Signals this close together are one request to cancel, not "cancel" then "stop at once". */
export const SAME_REQUEST_MS = 1000;

export const METRICS_COLUMNS = ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'seconds'] as const;
const METRIC_KEYS: Record<(typeof METRICS_COLUMNS)[number], string[]> = {
  epoch: ['epoch'],
  loss: ['loss'],
  accuracy: ['accuracy', 'acc'],
  val_loss: ['valLoss', 'val_loss'],
  val_accuracy: ['valAccuracy', 'val_accuracy'],
  lr: ['lr', 'learningRate'],
  seconds: ['seconds', 'time_s', 'duration'],
};

/** The trainer script shipped beside the bundle: dist/netlens.js → ../runtime/python/trainer.py. */
export function trainerScript(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETLENS_TRAINER) return resolve(env.NETLENS_TRAINER);
  const candidates = [resolve(__dirname, '../runtime/python/trainer.py'), resolve(__dirname, '../python/trainer.py'), resolve(__dirname, '../../python/trainer.py')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

/** The tfjs trainer bundled beside the CLI: dist/netlens.js → dist/tfjsTrainer.js. */
export function tfjsTrainerScript(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETLENS_TFJS_TRAINER) return resolve(env.NETLENS_TFJS_TRAINER);
  const candidates = [resolve(__dirname, 'tfjsTrainer.js'), resolve(__dirname, '../dist/tfjsTrainer.js'), resolve(__dirname, '../../../dist/tfjsTrainer.js')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

/** The checkpoint each engine writes and resumes from. */
export function lastCheckpoint(engine: string | undefined): string {
  return engine === 'tfjs' ? 'checkpoints/last.tfjs' : 'checkpoints/last.pt';
}

/** How to start an engine's trainer: the program and the script it runs. */
interface Launch {
  engine: 'torch' | 'tfjs';
  program: string;
  script: string;
}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function newRunDir(base: string): string {
  const stamp = timestamp();
  let dir = join(base, stamp);
  for (let i = 2; existsSync(dir); i++) dir = join(base, `${stamp}-${i}`);
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  return dir;
}

/** Written to a temporary file and renamed, so a reader never sees half a file. */
function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

const USAGE = 'usage: netlens train FILE [--model NAME] [--engine auto|torch|tfjs] [--device auto|cpu|gpu|gpu:N] [--events ndjson] [--resume RUN_DIR] [--python PATH]';

interface Options {
  file?: string;
  model?: string;
  engine?: Engine;
  events?: 'ndjson';
  resume?: string;
  python?: string;
  /** Over the train block's `device` (the editor's netlens.training.device setting). */
  device?: string;
}

function parse(args: string[]): Options | string {
  const options: Options = {};
  const valued = new Set(['model', 'engine', 'events', 'resume', 'python', 'device']);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      if (options.file) return `give one .nn file, not ${options.file} and ${arg}`;
      options.file = arg;
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!valued.has(name)) return `unknown option --${name}`;
    const value = inline ?? args[++i];
    if (value === undefined) return `--${name} needs a value`;
    if (name === 'engine' && !['auto', 'torch', 'tfjs'].includes(value)) return `--engine takes auto, torch or tfjs, not '${value}'`;
    if (name === 'events' && value !== 'ndjson') return `--events takes ndjson, not '${value}'`;
    if (name === 'device' && !/^(auto|cpu|gpu(:\d+)?)$/.test(value)) return `--device takes auto, cpu, gpu or gpu:N, not '${value}'`;
    (options as Record<string, string>)[name] = value;
  }
  if (!options.file && !options.resume) return 'give a .nn file (or --resume RUN_DIR)';
  return options;
}

/** Where events go: events.ndjson once the run directory exists, metrics.csv, and the terminal. */
class Recorder {
  private eventsFd?: number;
  private metricsFd?: number;
  readonly progress?: Progress;
  ended?: string;
  sawError = false;

  constructor(private readonly io: TrainIo, readonly ndjson: boolean) {
    if (!ndjson) this.progress = new Progress(io.out);
  }

  open(runDir: string): void {
    this.eventsFd = openSync(join(runDir, 'events.ndjson'), 'a');
    const metrics = join(runDir, 'metrics.csv');
    const fresh = !existsSync(metrics) || readFileSync(metrics, 'utf8').length === 0;
    this.metricsFd = openSync(metrics, 'a');
    if (fresh) writeSync(this.metricsFd, `${METRICS_COLUMNS.join(',')}\n`);
  }

  /** One event: `line` is its text as the trainer wrote it (kept byte for byte), or undefined for ours. */
  record(event: Event, line = JSON.stringify(event)): void {
    if (this.eventsFd !== undefined) writeSync(this.eventsFd, `${line}\n`);
    if (event.type === 'epoch' && this.metricsFd !== undefined) {
      const row = METRICS_COLUMNS.map((c) => {
        const key = METRIC_KEYS[c].find((k) => typeof event[k] === 'number');
        return key === undefined ? '' : String(event[key]);
      });
      writeSync(this.metricsFd, `${row.join(',')}\n`);
    }
    if (event.type === 'end') this.ended = typeof event.status === 'string' ? event.status : 'unknown';
    if (event.type === 'error') this.sawError = true;
    if (this.ndjson) this.io.out(`${line}\n`);
    else this.progress!.event(event);
  }

  emit(type: string, fields: Record<string, unknown>): void {
    this.record({ v: 1, type, time: new Date().toISOString(), ...fields });
  }

  /** An error before (or instead of) training: an `error` event, and a plain message on stderr. */
  fail(code: string, message: string, extra: Record<string, unknown> = {}): number {
    this.emit('error', { code, message, ...extra });
    if (this.ndjson) this.io.err(`netlens train: ${message}\n`);
    return 1;
  }

  close(): void {
    this.progress?.finish();
    if (this.eventsFd !== undefined) closeSync(this.eventsFd);
    if (this.metricsFd !== undefined) closeSync(this.metricsFd);
    this.eventsFd = this.metricsFd = undefined;
  }
}


function outputActivation(ir: IR): 'softmax' | null {
  const last = ir.nodes[ir.nodes.length - 1];
  if (!last) return null;
  if (last.op === 'softmax') return 'softmax';
  return (last.attrs as { activation?: string }).activation === 'softmax' ? 'softmax' : null;
}

function writeSplit(runDir: string, name: string, data: Dataset, stats: { mean: number[]; std: number[] }): { x: string; y: string } {
  const n = data.y.length;
  const x = `data/${name}_x.npy`;
  const y = `data/${name}_y.npy`;
  writeAtomic(join(runDir, x), toNpy(standardise(data.x, data.shape, stats), [n, ...data.shape]));
  writeAtomic(join(runDir, y), toNpy(data.y, [n]));
  return { x, y };
}

/** Steps 1–7 of a new run: everything up to a job.json ready for the trainer, or an exit code. */
function prepareRun(options: Options, io: TrainIo, rec: Recorder, env: NodeJS.ProcessEnv): { job: Job; launch: Launch } | number {
  const file = resolve(io.cwd, options.file!);
  const show = (uri: string) => relative(io.cwd, uri) || uri;
  if (!existsSync(file)) return rec.fail('file', `cannot read ${options.file}: no such file`, { path: file });
  const analysis = analyzePath(file);
  let ir: IR;
  try {
    const choice = chooseModel(analysis, options.model);
    if (!choice.train) return rec.fail('config', `${options.file} has no train block for model ${choice.model}; add one (docs/language.md, "Training")`);
    ir = compileModel(analysis, choice.model, choice.train, { display: show });
  } catch (error) {
    if (!(error instanceof IRError)) throw error;
    // Errors that are only the data against the model (NN5xx: shapes, classes) are data errors.
    const codes = [...error.message.matchAll(/: (NN\d{3}):/g)].map((m) => m[1]!);
    const dataOnly = codes.length > 0 && codes.every((c) => c.startsWith('NN5'));
    return rec.fail(dataOnly ? 'data' : 'analysis', `${options.file}: ${error.message}`);
  }
  const settings = ir.train!;
  if (options.device && options.device !== 'auto') settings.device = options.device;

  // The engine: the flag, else the train block's `engine`, else auto.
  const asked = (options.engine ?? (['torch', 'tfjs'].includes(settings.engine) ? settings.engine : 'auto')) as Engine;
  let engine: 'torch' | 'tfjs';
  let why: string;
  let python: string | undefined;
  const how = options.engine ? `engine ${asked}` : asked === 'auto' ? 'engine auto' : `engine ${asked} (from the train block)`;
  if (asked === 'tfjs') {
    engine = 'tfjs';
    why = `${how}`;
  } else {
    const { found, tried } = findTorchPython(options.python, env);
    if (found) {
      engine = 'torch';
      python = found.python;
      why = `${how}: ${found.python} has torch ${found.torch}`;
    } else if (asked === 'torch') {
      return rec.fail('no-torch', `the torch engine needs a Python with PyTorch, and none was found (${describeTried(tried)}); install it (Debian: apt install python3-torch; or pip install torch) or pass --python PATH`);
    } else {
      engine = 'tfjs';
      why = `${how}: no Python with torch (${describeTried(tried)})`;
    }
  }
  if (engine === 'tfjs') {
    // Refused here, before any data is read or written, rather than by the trainer.
    const support = tfjsSupport(ir);
    if (!support.ok) return rec.fail('module', support.message, { why });
  }

  // The data, loaded and checked before anything is written or trained.
  let data;
  try {
    data = prepareData(
      { data: settings.data ?? undefined, test: settings.test ?? undefined, validation: settings.validation ?? undefined, seed: settings.seed },
      dirname(file),
      { name: ir.model, input: ir.input, classes: ir.output[ir.output.length - 1] },
    );
  } catch (error) {
    if (!isDataError(error)) throw error;
    return rec.fail('data', error.message, { dataCode: error.code, ...(error.path ? { path: error.path } : {}) });
  }

  const runDir = newRunDir(join(dirname(file), 'runs', ir.model));
  const model = analysis.models.find((m) => m.name === ir.model)!;
  writeAtomic(join(runDir, 'model.py'), generateTorch(ir));
  writeAtomic(join(runDir, 'ir.json'), `${irJson(ir)}\n`);
  writeAtomic(join(runDir, 'summary.json'), `${JSON.stringify(toJson(analysis, [model], show), null, 2)}\n`);
  const stats = data.stats;
  const job: Job = {
    version: 1,
    runDir,
    module: 'model.py',
    ir: 'ir.json',
    data: {
      train: writeSplit(runDir, 'train', data.train, stats),
      val: data.validation ? writeSplit(runDir, 'val', data.validation, stats) : null,
      test: data.test ? writeSplit(runDir, 'test', data.test, stats) : null,
    },
    normalise: { mean: stats.mean, std: stats.std },
    classes: ir.output[ir.output.length - 1]!,
    outputActivation: outputActivation(ir),
    settings,
    engine: { name: engine, why, python },
    resume: null,
    threads: availableParallelism(),
  };
  writeAtomic(join(runDir, 'job.json'), `${JSON.stringify(job, null, 2)}\n`);
  return { job, launch: launchOf(engine, python, env) };
}

function launchOf(engine: 'torch' | 'tfjs', python: string | undefined, env: NodeJS.ProcessEnv): Launch {
  return engine === 'tfjs' ? { engine, program: process.execPath, script: tfjsTrainerScript(env) } : { engine, program: python!, script: trainerScript(env) };
}

/** --resume RUN_DIR: that directory's job.json, continuing from its engine's last checkpoint with that engine. */
function prepareResume(options: Options, io: TrainIo, rec: Recorder, env: NodeJS.ProcessEnv): { job: Job; launch: Launch } | number {
  const runDir = resolve(io.cwd, options.resume!);
  const jobPath = join(runDir, 'job.json');
  let job: Job;
  try {
    job = JSON.parse(readFileSync(jobPath, 'utf8')) as Job;
  } catch {
    return rec.fail('resume', `cannot resume ${options.resume}: it has no readable job.json (give a run directory, runs/<model>/<timestamp>)`, { path: jobPath });
  }
  const engine = job.engine?.name === 'tfjs' ? 'tfjs' : 'torch';
  const last = lastCheckpoint(engine);
  if (!existsSync(join(runDir, last))) return rec.fail('resume', `cannot resume ${options.resume}: it has no ${last} yet`, { path: runDir });
  if (options.engine && options.engine !== 'auto' && options.engine !== engine) {
    return rec.fail('resume', `cannot resume ${options.resume} with engine ${options.engine}: it was trained with engine ${engine}, whose checkpoints only that engine reads; drop --engine`);
  }
  if (engine === 'tfjs') {
    job = { ...job, runDir, resume: last, engine: { ...job.engine, name: 'tfjs', why: 'resume: the run was trained with engine tfjs' } };
    writeAtomic(jobPath, `${JSON.stringify(job, null, 2)}\n`);
    return { job, launch: launchOf('tfjs', undefined, env) };
  }
  const { found, tried } = findTorchPython(options.python ?? job.engine.python, env);
  if (!found) return rec.fail('no-torch', `resuming needs a Python with PyTorch, and none was found (${describeTried(tried)}); install it (apt install python3-torch) or pass --python PATH`);
  job = { ...job, runDir, resume: last, engine: { ...job.engine, name: 'torch', python: found.python, why: `resume: ${found.python} has torch ${found.torch}` } };
  writeAtomic(jobPath, `${JSON.stringify(job, null, 2)}\n`);
  return { job, launch: launchOf('torch', found.python, env) };
}

function endFields(status: string, reason: string): Record<string, unknown> {
  return { status, epochs: null, bestEpoch: null, bestValLoss: null, testLoss: null, testAccuracy: null, seconds: null, reason };
}

export async function train(args: string[], io: TrainIo): Promise<number> {
  const options = parse(args);
  if (typeof options === 'string') {
    io.err(`netlens train: ${options}\n${USAGE}\n`);
    return 2;
  }
  const env = io.env ?? process.env;
  const rec = new Recorder(io, options.events === 'ndjson');
  try {
    const prepared = options.resume ? prepareResume(options, io, rec, env) : prepareRun(options, io, rec, env);
    if (typeof prepared === 'number') return prepared;
    const { job, launch } = prepared;
    rec.open(job.runDir);
    if (!rec.ndjson) io.out(`run directory: ${relative(io.cwd, job.runDir) || job.runDir}\n`);
    return await runTrainer(launch, job, io, rec, env);
  } finally {
    rec.close();
  }
}

function runTrainer(launch: Launch, job: Job, io: TrainIo, rec: Recorder, env: NodeJS.ProcessEnv): Promise<number> {
  const { program, script } = launch;
  const jobPath = join(job.runDir, 'job.json');
  if (!existsSync(script)) {
    rec.fail('trainer', `the trainer script is missing: ${script} (a broken install?)`, { path: script });
    rec.emit('end', endFields('failed', 'the trainer script is missing'));
    return Promise.resolve(1);
  }
  return new Promise((done) => {
    // Its own process group (detached): a terminal's Ctrl-C reaches only us, and we forward it
    // once, so the first signal means "finish the step and checkpoint", not "die".
    // ELECTRON_RUN_AS_NODE: inside VS Code, process.execPath is Electron, which then acts as Node.
    const childEnv = launch.engine === 'tfjs' ? { ...env, ELECTRON_RUN_AS_NODE: '1' } : { ...env, PYTHONUNBUFFERED: '1' };
    const child = spawn(program, [script, jobPath], { cwd: job.runDir, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: childEnv });
    let signals = 0;
    let stderrTail = '';
    let firstSignalAt = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      // A quitting editor cancels its run and is then signalled with its whole process group: two
      // signals at once are one request. A second one later is a person asking to stop now.
      if (signals === 1 && Date.now() - firstSignalAt < SAME_REQUEST_MS) return;
      signals++;
      if (signals === 1) {
        firstSignalAt = Date.now();
        io.err(`\nnetlens train: ${signal}: finishing the step and writing a checkpoint (again to stop at once)\n`);
        child.kill(signal);
      } else {
        io.err(`\nnetlens train: ${signal} again: stopping at once\n`);
        child.kill('SIGKILL');
      }
    };
    const killOnExit = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    if (io.signals) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    process.on('exit', killOnExit);
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderrTail = (stderrTail + text).slice(-2000);
      io.err(text);
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const trimmed = line.trim();
      if (!trimmed) return;
      let event: unknown;
      try {
        event = JSON.parse(trimmed);
      } catch {
        io.err(`${line}\n`); // not an event: a stray print, shown as a log
        return;
      }
      if (typeof event !== 'object' || event === null || typeof (event as Event).type !== 'string') {
        io.err(`${line}\n`);
        return;
      }
      rec.record(event as Event, trimmed);
    });
    let spawnError: Error | undefined;
    child.on('error', (error) => (spawnError = error));
    const finished = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (code, signal) => r([code, signal])));
    const stdoutDone = new Promise<void>((r) => lines.on('close', () => r()));
    void Promise.all([finished, stdoutDone]).then(([[code, signal]]) => {
      if (io.signals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      process.off('exit', killOnExit);
      if (rec.ended === undefined) {
        const forced = signals > 1;
        const how = spawnError ? `could not start ${program}: ${spawnError.message}` : signal ? `was killed by ${signal}` : `exited with status ${code}`;
        const tail = stderrTail.trim().split('\n').slice(-3).join(' | ');
        // The trainer reports its own failures as an `error` event; add one only where it could not.
        if (!rec.sawError || forced) rec.emit('error', { code: forced ? 'cancelled' : 'trainer', message: forced ? `stopped at once by a second signal; the trainer ${how}` : `the trainer ${how} without an end event${tail ? `: ${tail}` : ''}` });
        rec.emit('end', endFields(forced ? 'cancelled' : 'failed', forced ? 'stopped at once by a second signal' : `the trainer ${how}`));
        done(forced ? 130 : code && code !== 0 ? code : 1);
        return;
      }
      done(code ?? (signal ? 1 : 0));
    });
  });
}
