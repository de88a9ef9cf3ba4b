// The PyTorch trainer (runtime/python/trainer.py) against the event contract (runtime/src/events.ts,
// docs/events.md). Each test writes a run directory the way `netlens train` does: the exported
// module, the IR, job.json and tiny synthetic .npy data, then runs the trainer in a subprocess.
// PyTorch is required: CI installs Debian's python3-torch; without it this suite fails, never skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeDocument } from '../server/src/language/index';
import { compileModel, type IR, type IRTrain } from '../runtime/src/ir';
import { generateTorch } from '../runtime/src/engines/torch/codegen';
import { isParseError, parseEvent, type EventType, type TrainEvent } from '../runtime/src/events';
import { parseStream } from './helpers/train';

const ROOT = path.resolve(__dirname, '..');
const TRAINER = path.join(ROOT, 'runtime/python/trainer.py');
const PYTHON = process.env.NETLENS_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const SOURCE = `
model Tiny(classes = 4) {
  input 1x8x8
  conv 4 kernel=3 activation=relu
  dropout 0.2
  flatten
  dense classes
}
train Tiny {
  epochs 3
  batch 8
  seed 7
  optimizer sgd lr=0.05 momentum=0.9 nesterov=true
  schedule step every=2 gamma=0.5
  augment hflip
  augment crop pad=1
  augment rotate degrees=15
  augment noise std=0.05
}
`;

// Learnable 4-class data (a bright band of rows per class) and pure noise with random labels.
const DATA = `
import sys, numpy as np
out = sys.argv[1]
rng = np.random.RandomState(0)
def band(n):
    y = rng.randint(0, 4, n).astype(np.int32)
    x = (rng.randn(n, 1, 8, 8) * 0.5).astype(np.float32)
    for i in range(n):
        x[i, 0, 2 * y[i]:2 * y[i] + 2, :] += 2
    return x, y
for split, n in [('train', 192), ('val', 48), ('test', 48)]:
    x, y = band(n)
    np.save(f'{out}/band/{split}_x.npy', x); np.save(f'{out}/band/{split}_y.npy', y)
for split in ['train', 'val']:
    np.save(f'{out}/noise/{split}_x.npy', rng.randn(48, 1, 8, 8).astype(np.float32))
    np.save(f'{out}/noise/{split}_y.npy', rng.randint(0, 4, 48).astype(np.int32))
`;

let work: string;
let ir: IR;
let moduleText: string;
const seenKinds = new Set<EventType>();

interface Result {
  code: number | null;
  events: TrainEvent[];
  stderr: string;
}

function parseAll(stdout: string): TrainEvent[] {
  const events = parseStream(stdout, 'bad event');
  for (const e of events) seenKinds.add(e.type);
  return events;
}

function makeRun(name: string, options: { settings?: Partial<IRTrain>; data?: 'band' | 'noise'; splits?: string[]; job?: Record<string, unknown> } = {}): string {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const set = options.data ?? 'band';
  const splits = options.splits ?? ['train', 'val', 'test'];
  for (const s of splits) for (const k of ['x', 'y']) cpSync(path.join(work, set, `${s}_${k}.npy`), path.join(dir, 'data', `${s}_${k}.npy`));
  writeFileSync(path.join(dir, 'model.py'), moduleText);
  writeFileSync(path.join(dir, 'ir.json'), JSON.stringify(ir, null, 2));
  const split = (s: string) => (splits.includes(s) ? { x: `data/${s}_x.npy`, y: `data/${s}_y.npy` } : null);
  const job = {
    version: 1,
    runDir: dir,
    module: 'model.py',
    ir: 'ir.json',
    data: { train: split('train'), val: split('val'), test: split('test') },
    normalise: { mean: [0.25], std: [1.1] },
    classes: 4,
    outputActivation: null,
    settings: { ...ir.train!, ...options.settings },
    engine: { why: 'torch: the test asked for it' },
    resume: null,
    threads: 1,
    ...options.job,
  };
  writeFileSync(path.join(dir, 'job.json'), JSON.stringify(job, null, 2));
  return dir;
}

function setJob(dir: string, patch: Record<string, unknown>): void {
  const file = path.join(dir, 'job.json');
  const job = JSON.parse(readFileSync(file, 'utf8'));
  const settings = { ...job.settings, ...((patch.settings as object | undefined) ?? {}) };
  Object.assign(job, patch, { settings });
  writeFileSync(file, JSON.stringify(job, null, 2));
}

function train(dir: string, env: NodeJS.ProcessEnv = {}): Result {
  const res = spawnSync(PYTHON, [TRAINER, path.join(dir, 'job.json')], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  if (res.error) throw res.error;
  return { code: res.status, events: parseAll(res.stdout), stderr: res.stderr };
}

/** Runs the trainer and sends SIGINT once the first `batch` event has arrived. */
function trainAndCancel(dir: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [TRAINER, path.join(dir, 'job.json')]);
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && stdout.includes('"type": "batch"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, events: parseAll(stdout), stderr }));
  });
}

const of = <T extends EventType>(events: TrainEvent[], type: T) => events.filter((e): e is Extract<TrainEvent, { type: T }> => e.type === type);
const endOf = (r: Result) => {
  const ends = of(r.events, 'end');
  expect(ends, r.stderr).toHaveLength(1);
  return ends[0]!;
};
const lastEpoch = (r: Result) => of(r.events, 'epoch').at(-1)!;

/** Loads checkpoints with torch and reports their keys and epochs. */
function loadCheckpoints(files: string[]): Array<{ keys: string[]; epoch: number; step: number }> {
  const script = `
import json, sys, torch
out = []
for f in sys.argv[1:]:
    c = torch.load(f)
    out.append({'keys': sorted(c.keys()), 'epoch': c['epoch'], 'step': c['step']})
print(json.dumps(out))
`;
  const res = spawnSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

describe('trainer.py', () => {
  beforeAll(() => {
    const check = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (check.status !== 0) {
      throw new Error(`PyTorch is required for this test: '${PYTHON} -c "import torch, numpy"' failed (${check.error?.message ?? check.stderr.trim()}). Install Debian's python3-torch (scripts/test-deps.sh) or set NETLENS_PYTHON to a Python that has torch.`);
    }
    work = mkdtempSync(path.join(tmpdir(), 'netlens-trainer-'));
    const file = path.join(work, 'tiny.nn');
    writeFileSync(file, SOURCE);
    const analysis = analyzeDocument(SOURCE, { uri: file, load: (u) => readFileSync(u, 'utf8') });
    ir = compileModel(analysis, 'Tiny', analysis.trains.find((t) => t.config.model === 'Tiny'), { display: (u) => path.basename(u) });
    moduleText = generateTorch(ir);
    mkdirSync(path.join(work, 'band'));
    mkdirSync(path.join(work, 'noise'));
    const data = spawnSync(PYTHON, ['-c', DATA, work], { encoding: 'utf8' });
    expect(data.status, data.stderr).toBe(0);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let straight: Result;

  it('trains, emits valid events (batch ≤ 10/s) and writes complete checkpoints', () => {
    const dir = makeRun('straight');
    straight = train(dir);
    expect(straight.code, straight.stderr).toBe(0);
    const [start] = of(straight.events, 'start');
    expect(start).toMatchObject({ engine: 'torch', device: 'cpu', precision: 'fp32', model: 'Tiny', params: ir.params.trainable, samples: 192, valSamples: 48, testSamples: 48, epochs: 3, batch: 8, stepsPerEpoch: 24, resumedFrom: null });
    expect(start!.why).toMatch(/fp32/);
    expect(straight.events[0]!.type).toBe('start');
    expect(of(straight.events, 'epoch').map((e) => e.epoch)).toEqual([1, 2, 3]);
    // lr: step every=2 gamma=0.5
    expect(of(straight.events, 'epoch').map((e) => e.lr)).toEqual([0.05, 0.05, 0.025]);
    const batches = of(straight.events, 'batch');
    expect(batches.length).toBeGreaterThan(0);
    const times = batches.map((b) => Date.parse(b.time));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(99);
    const end = endOf(straight);
    expect(end).toMatchObject({ status: 'completed', epochs: 3 });
    expect(end.testAccuracy).toBeGreaterThan(0.5);
    expect(end.bestEpoch).not.toBeNull();
    const cps = of(straight.events, 'checkpoint');
    expect(cps.filter((c) => !c.best).map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(cps.some((c) => c.best && c.path === 'checkpoints/best.pt')).toBe(true);
    const loaded = loadCheckpoints([path.join(dir, 'checkpoints/last.pt'), path.join(dir, 'checkpoints/best.pt')]);
    expect(loaded[0]).toMatchObject({ epoch: 3, step: 72 });
    expect(loaded[0]!.keys).toEqual(expect.arrayContaining(['model', 'optimizer', 'scheduler', 'epoch', 'step', 'best', 'rng']));
    expect(loaded[1]!.epoch).toBe(end.bestEpoch);
  });

  it('resumes after 1 epoch to the same result as the uninterrupted run', () => {
    const dir = makeRun('resume', { settings: { epochs: 1 } });
    const first = train(dir);
    expect(first.code, first.stderr).toBe(0);
    setJob(dir, { resume: 'checkpoints/last.pt', settings: { epochs: 3 } });
    const rest = train(dir);
    expect(rest.code, rest.stderr).toBe(0);
    expect(of(rest.events, 'start')[0]!.resumedFrom).toBe(1);
    expect(of(rest.events, 'epoch').map((e) => e.epoch)).toEqual([2, 3]);
    expect(lastEpoch(rest).loss!).toBeCloseTo(lastEpoch(straight).loss!, 6);
    expect(lastEpoch(rest).valLoss!).toBeCloseTo(lastEpoch(straight).valLoss!, 6);
    expect(endOf(rest).testLoss!).toBeCloseTo(endOf(straight).testLoss!, 6);
  });

  it('cancels on SIGINT with a checkpoint, and resumes mid-epoch to the same result', async () => {
    const dir = makeRun('cancel');
    const cancelled = await trainAndCancel(dir);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(endOf(cancelled).status).toBe('cancelled');
    const cps = of(cancelled.events, 'checkpoint');
    expect(cps.at(-1)!.path).toBe('checkpoints/last.pt');
    expect(loadCheckpoints([path.join(dir, 'checkpoints/last.pt')])[0]!.step).toBe(cps.at(-1)!.step);
    setJob(dir, { resume: 'checkpoints/last.pt' });
    const rest = train(dir);
    expect(rest.code, rest.stderr).toBe(0);
    expect(endOf(rest).status).toBe('completed');
    expect(lastEpoch(rest).loss!).toBeCloseTo(lastEpoch(straight).loss!, 6);
    expect(endOf(rest).testLoss!).toBeCloseTo(endOf(straight).testLoss!, 6);
  });

  it('diagnoses divergence (lr=1e3) and ends failed with exit 1', () => {
    const dir = makeRun('diverge', { settings: { augment: [], optimizer: { name: 'sgd', lr: 1e3, momentum: 0.9, nesterov: false, weightDecay: 0 } } });
    const r = train(dir);
    expect(r.code).toBe(1);
    const d = of(r.events, 'diagnosis');
    expect(d.map((x) => x.kind)).toContain('divergence');
    expect(d[0]!.setting).toBe('optimizer.lr');
    expect(endOf(r)).toMatchObject({ status: 'failed' });
    expect(endOf(r).reason).toMatch(/divergence/);
  });

  it('diagnoses overfitting on a memorisable set with validation, with the numbers', () => {
    const dir = makeRun('overfit', {
      data: 'noise',
      splits: ['train', 'val'],
      settings: { epochs: 6, batch: 16, augment: [], schedule: { name: 'none', options: {} }, optimizer: { name: 'adam', lr: 0.03, momentum: 0, nesterov: false, weightDecay: 0 } },
    });
    const r = train(dir);
    expect(r.code, r.stderr).toBe(0);
    const over = of(r.events, 'diagnosis').find((d) => d.kind === 'overfitting');
    expect(over, JSON.stringify(r.events.filter((e) => e.type === 'epoch'))).toBeDefined();
    // [best, now]: now at least 10% above the best, at least 3 epochs later; training loss fell.
    const [best, now] = over!.evidence.valLoss as number[];
    expect(now!).toBeGreaterThanOrEqual(best! * 1.1);
    const [from, to] = over!.evidence.epochs as number[];
    expect(to! - from!).toBeGreaterThanOrEqual(3);
    const [then, last] = over!.evidence.trainLoss as number[];
    expect(last!).toBeLessThan(then!);
    expect(over!.evidence.gap).toBeGreaterThan(0);
    expect(over!.message).toMatch(/^validation loss rose from [\d.e-]+ \(epoch \d+\) to [\d.e-]+ \(epoch \d+\) while training loss fell from/);
  });

  it('stops early when the monitored value stops improving', () => {
    const dir = makeRun('early', {
      data: 'noise',
      splits: ['train', 'val'],
      settings: { epochs: 10, batch: 16, augment: [], earlyStop: { patience: 2, monitor: 'val_loss' }, optimizer: { name: 'adam', lr: 0.03, momentum: 0, nesterov: false, weightDecay: 0 } },
    });
    const r = train(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(endOf(r).status).toBe('early-stopped');
    expect(endOf(r).epochs).toBeLessThan(10);
  });

  it('reports a bad module, a missing data file, a label out of range and a missing torch as error events with exit 1', () => {
    const bad = makeRun('badmodule');
    writeFileSync(path.join(bad, 'model.py'), 'import torch\ndef build(:\n');
    const r1 = train(bad);
    expect(r1.code).toBe(1);
    expect(r1.events.at(-1)).toMatchObject({ type: 'error', code: 'module' });
    expect((r1.events.at(-1) as { message: string }).message).toMatch(/model\.py/);

    const missing = makeRun('missing');
    rmSync(path.join(missing, 'data/train_x.npy'));
    const r2 = train(missing);
    expect(r2.code).toBe(1);
    expect(r2.events.at(-1)).toMatchObject({ type: 'error', code: 'data' });
    expect((r2.events.at(-1) as { message: string }).message).toMatch(/train_x\.npy does not exist/);

    // A label out of range: classes is 4, the job says 3.
    const labels = makeRun('labels', { job: { classes: 3 } });
    const r4 = train(labels);
    expect(r4.code).toBe(1);
    expect(r4.events.at(-1)).toMatchObject({ type: 'error', code: 'data' });
    expect((r4.events.at(-1) as { message: string }).message).toMatch(/label 3, outside 0\.\.2 for 3 classes/);

    // A Python without torch: a `torch` package on PYTHONPATH that fails to import.
    const fake = path.join(work, 'notorch/torch');
    mkdirSync(fake, { recursive: true });
    writeFileSync(path.join(fake, '__init__.py'), 'raise ImportError("No module named torch")\n');
    const r3 = train(makeRun('notorch-run'), { PYTHONPATH: path.dirname(fake) });
    expect(r3.code).toBe(1);
    expect(r3.events).toHaveLength(1);
    expect(r3.events[0]).toMatchObject({ type: 'error', code: 'no-torch' });
    expect(r3.stderr).not.toMatch(/Traceback/);
  });

  it('applies the augmentations exactly as docs/engines.md ("Data") specifies', () => {
    const script = `
import math, sys, numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, sys.argv[1])
import trainer, netlens_random as R
M32 = 0xFFFFFFFF
def mulberry32(seed):
    state = seed & M32
    def nf():
        nonlocal state
        state = (state + 0x6D2B79F5) & M32
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296
    return nf
def normals(n, rng):
    out = []
    for _ in range(0, n, 2):
        r = math.sqrt(-2 * math.log(1 - rng())); a = 2 * math.pi * rng(); out += [r * math.cos(a), r * math.sin(a)]
    return out[:n]
def ref(x, augs, rng):
    C, H, W = x.shape
    for a in augs:
        n = a['name']
        if n == 'hflip':
            if rng() < 0.5: x = x[:, :, ::-1].copy()
        elif n == 'crop':
            P = a['options']['pad']; dy = int(rng() * (2 * P + 1)); dx = int(rng() * (2 * P + 1))
            p = np.zeros((C, H + 2 * P, W + 2 * P)); p[:, P:P + H, P:P + W] = x; x = p[:, dy:dy + H, dx:dx + W].copy()
        elif n == 'rotate':
            d = (2 * rng() - 1) * a['options']['degrees']; c = math.cos(d * math.pi / 180); s = math.sin(d * math.pi / 180)
            cx = (W - 1) / 2; cy = (H - 1) / 2; o = np.zeros_like(x)
            px = lambda ch, yy, xx: x[ch, yy, xx] if 0 <= yy < H and 0 <= xx < W else 0
            for yy in range(H):
                for xx in range(W):
                    sx = cx + (xx - cx) * c - (yy - cy) * s; sy = cy + (xx - cx) * s + (yy - cy) * c
                    y0 = math.floor(sy); x0 = math.floor(sx); ty = sy - y0; tx = sx - x0
                    for ch in range(C):
                        o[ch, yy, xx] = (px(ch, y0, x0) * (1 - tx) + px(ch, y0, x0 + 1) * tx) * (1 - ty) + (px(ch, y0 + 1, x0) * (1 - tx) + px(ch, y0 + 1, x0 + 1) * tx) * ty
            x = o
        elif n == 'noise':
            x = x + a['options']['std'] * np.array(normals(x.size, rng)).reshape(x.shape)
    return x
augs = [{'name': 'hflip', 'options': {}}, {'name': 'crop', 'options': {'pad': 2}}, {'name': 'rotate', 'options': {'degrees': 30}}, {'name': 'noise', 'options': {'std': 0.1}}]
X = np.random.RandomState(1).rand(6, 3, 7, 9)
mean = torch.tensor([0.2, 0.3, 0.4]).view(1, 3, 1, 1); std = torch.tensor([0.5, 0.6, 0.7]).view(1, 3, 1, 1)
got = trainer.augment_batch(torch, F, np, (torch.from_numpy(X).float() - mean) / std, augs, R.stream(5, 3, 1, 2), mean, std) * std + mean
rng = mulberry32(R.derive_seed(5, 3, 1, 2))
want = np.stack([ref(X[i].copy(), augs, rng) for i in range(6)])
print(float(np.abs(got.numpy() - want).max()))
`;
    const res = spawnSync(PYTHON, ['-c', script, path.join(ROOT, 'runtime/python')], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(Number(res.stdout.trim())).toBeLessThan(1e-5);
  });

  it('saw every event kind, and parseEvent rejects malformed lines', () => {
    expect([...seenKinds].sort()).toEqual(['batch', 'checkpoint', 'diagnosis', 'end', 'epoch', 'error', 'start']);
    expect(isParseError(parseEvent('not json'))).toBe(true);
    expect(isParseError(parseEvent('{"v":2,"type":"end","time":"2026-01-01T00:00:00Z"}'))).toBe(true);
    expect(isParseError(parseEvent('{"v":1,"type":"checkpoint","time":"2026-01-01T00:00:00Z","epoch":1,"step":2,"path":"x","best":"no"}'))).toBe(true);
    expect(isParseError(parseEvent('{"v":1,"type":"error","time":"2026-01-01T00:00:00Z","code":"data","message":"m","extra":1}'))).toBe(false);
  });

  it('routes dense layers through oneDNN where torch has only the reference BLAS, with the same numbers', () => {
    // The same Linear, forward and backward, before and after routing: equal to float rounding.
    const script = `
import sys, json, torch
import torch.nn.functional as F
sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'runtime/python'))})
import trainer
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(288, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
x = torch.randn(16, 2, 12, 12, requires_grad=True)
plain = model(x); plain.sum().backward(); g0 = model[1].weight.grad.clone(); model.zero_grad()
why = trainer.dense_through_onednn(torch, F, model, torch.device('cpu'))
routed = model(x); routed.sum().backward(); g1 = model[1].weight.grad.clone()
generic = 'BLAS_INFO=generic' in torch.__config__.show()
print(json.dumps({'why': why, 'generic': generic, 'out': float((plain - routed).abs().max()), 'grad': float((g0 - g1).abs().max())}))
`;
    const result = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const r = JSON.parse(result.stdout) as { why: string | null; generic: boolean; out: number; grad: number };
    // Debian's torch (CI's) is built with the reference BLAS, so the routing is on there.
    expect(r.why).toBe(r.generic ? 'dense layers through oneDNN (this torch multiplies matrices with the reference BLAS)' : null);
    expect(r.out).toBeLessThan(1e-5);
    expect(r.grad).toBeLessThan(1e-5);
  });
});
