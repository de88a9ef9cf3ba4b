// `netlens train --engine tfjs` end to end through the built CLI (npm run build) and the real
// tfjs trainer process (dist/tfjsTrainer.js) on tiny synthetic data: the event stream, the run
// directory, SIGINT and an exact resume, LeNet-5 with its connection table and trainable
// subsampling, and a model the engine cannot build refused before training.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../runtime/src/events';
import { fixture as makeFixture, onlyRunDir, parseStream } from './helpers/train';

const ROOT = join(__dirname, '..');
const cli = join(ROOT, 'dist/netlens.js');
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 170_000 });

const MODEL = `model Tiny(classes = 3) {
  input 1x8x8
  conv 4 kernel=3 padding=1 activation=relu
  batchnorm
  maxpool 2
  flatten
  dropout 0.2
  dense classes
}
`;
const block = (lines: string) => `${MODEL}\ntrain Tiny {\n${lines}\n  seed 1\n  optimizer adam lr=0.01\n  loss crossentropy\n}\n`;
const TINY = block('  data synthetic samples=300 classes=3\n  test synthetic samples=60 classes=3\n  validation 0.2\n  epochs 2\n  batch 32\n  engine tfjs');




const of = <T extends TrainEvent['type']>(stream: TrainEvent[], type: T) => stream.filter((e): e is Extract<TrainEvent, { type: T }> => e.type === type);


const fixture = (files: Record<string, string>) => makeFixture(files, 'netlens-tfjs-');
const events = (text: string) => parseStream(text);
const runDirOf = (dir: string, model = 'Tiny') => onlyRunDir(dir, model);

describe('netlens train with the tfjs engine', () => {
  it('trains a train block with engine tfjs, streams valid events and writes a complete run directory', () => {
    const dir = fixture({ 'tiny.nn': TINY });
    const result = run(['train', 'tiny.nn', '--events', 'ndjson'], dir);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(result.status).toBe(0);
    const stream = events(result.stdout);
    for (const t of ['start', 'batch', 'epoch', 'checkpoint', 'end'] as const) expect(of(stream, t).length, t).toBeGreaterThan(0);
    const [start] = of(stream, 'start');
    expect(start).toMatchObject({ engine: 'tfjs', device: 'cpu', precision: 'fp32', model: 'Tiny', samples: 240, valSamples: 60, testSamples: 60, epochs: 2, batch: 32, stepsPerEpoch: 8, resumedFrom: null });
    expect(start!.backend).toMatch(/^tfjs-cpu 4\.\d+\.\d+/);
    expect(start!.why).toMatch(/^engine tfjs \(from the train block\); backend tfjs-cpu .*tfjs-node-gpu not installed, tfjs-node not installed/);
    // The parameters of the built model: conv 4·9 + 4, batch norm 2·4, dense 64·3 + 3 (trainable only, as torch counts them).
    expect(start!.params).toBe(40 + 8 + 195);
    expect(of(stream, 'epoch').map((e) => e.epoch)).toEqual([1, 2]);
    expect(of(stream, 'checkpoint').map((e) => e.path)).toContain('checkpoints/last.tfjs');
    const end = stream[stream.length - 1]!;
    expect(end).toMatchObject({ type: 'end', status: 'completed', epochs: 2 });
    expect(end.type === 'end' && end.testAccuracy).toBeGreaterThan(0.6);

    const runDir = runDirOf(dir);
    expect(readFileSync(join(runDir, 'events.ndjson'), 'utf8')).toBe(result.stdout);
    const rows = readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['1', '2']);
    for (const f of ['model.py', 'ir.json', 'summary.json', 'job.json', 'checkpoints/last.tfjs', 'checkpoints/best.tfjs', 'data/train_x.npy', 'data/test_y.npy']) expect(existsSync(join(runDir, f)), f).toBe(true);
    expect(readdirSync(join(runDir, 'checkpoints')).filter((f) => f.includes('tmp'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(runDir, 'job.json'), 'utf8')).engine.name).toBe('tfjs');
  });

  it('resumes a tfjs run only with the tfjs engine', () => {
    const dir = fixture({ 'tiny.nn': block('  data synthetic samples=60 classes=3\n  epochs 1\n  batch 32') });
    expect(run(['train', 'tiny.nn', '--engine', 'tfjs', '--events', 'ndjson'], dir).status).toBe(0);
    const result = run(['train', '--resume', runDirOf(dir), '--engine', 'torch', '--events', 'ndjson'], dir);
    expect(result.status).toBe(1);
    expect(events(result.stdout)).toMatchObject([{ type: 'error', code: 'resume', message: expect.stringMatching(/it was trained with engine tfjs, whose checkpoints only that engine reads; drop --engine$/) }]);
  });

  it('ends cancelled with a checkpoint on SIGINT, and --resume continues to exactly the uninterrupted result', async () => {
    const text = block('  data synthetic samples=1500 classes=3\n  validation 0.2\n  epochs 2\n  batch 16');
    const straight = events(run(['train', 'long.nn', '--engine', 'tfjs', '--events', 'ndjson'], fixture({ 'long.nn': text })).stdout);

    const dir = fixture({ 'long.nn': text });
    const child = spawn(process.execPath, [cli, 'train', 'long.nn', '--engine', 'tfjs', '--events', 'ndjson'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!signalled && out.includes('"type":"batch"')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    expect(signalled).toBe(true);
    expect(status).toBe(0);
    const first = events(out);
    expect(first[first.length - 1]).toMatchObject({ type: 'end', status: 'cancelled' });
    expect(of(first, 'checkpoint').map((c) => c.path)).toContain('checkpoints/last.tfjs');
    const runDir = runDirOf(dir);
    expect(readFileSync(join(runDir, 'events.ndjson'), 'utf8')).toBe(out);

    const resumed = run(['train', '--resume', runDir, '--events', 'ndjson'], dir);
    expect(resumed.status).toBe(0);
    const more = events(resumed.stdout);
    expect(more[0]).toMatchObject({ type: 'start', engine: 'tfjs', epochs: 2, resumedFrom: of(first, 'epoch').length });
    expect(more[more.length - 1]).toMatchObject({ type: 'end', status: 'completed', epochs: 2 });
    const epochs = [...of(first, 'epoch'), ...of(more, 'epoch')];
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // The same numbers as the run that was never interrupted: weights, optimizer, running sums, dropout masks.
    const reference = of(straight, 'epoch');
    epochs.forEach((e, i) => {
      expect(e.loss).toBeCloseTo(reference[i]!.loss!, 6);
      expect(e.valLoss).toBeCloseTo(reference[i]!.valLoss!, 6);
      expect(e.accuracy).toBe(reference[i]!.accuracy);
    });
    expect(readFileSync(join(runDir, 'events.ndjson'), 'utf8')).toBe(out + resumed.stdout);
    expect(readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it("trains LeNet-5 as printed (C3's connection table, trainable subsampling) for a few steps", () => {
    const paper = readFileSync(join(ROOT, 'examples/lenet5.nn'), 'utf8');
    const model = paper.slice(0, paper.indexOf('train LeNet5 {'));
    const dir = fixture({ 'lenet.nn': `${model}train LeNet5 {\n  data synthetic samples=48 classes=10\n  epochs 1\n  batch 16\n  optimizer sgd lr=0.01 momentum=0.9\n  loss crossentropy\n  engine tfjs\n}\n` });
    const result = run(['train', 'lenet.nn', '--model', 'LeNet5', '--events', 'ndjson'], dir);
    expect(result.status).toBe(0);
    const stream = events(result.stdout);
    // 60,850 parameters: the paper's 60,000 up to F6 plus the 850 of the softmax layer.
    expect(of(stream, 'start')[0]).toMatchObject({ engine: 'tfjs', model: 'LeNet5', params: 60_850, stepsPerEpoch: 3 });
    expect(stream[stream.length - 1]).toMatchObject({ type: 'end', status: 'completed', epochs: 1 });
    const [epoch] = of(stream, 'epoch');
    expect(epoch!.loss).toBeGreaterThan(0);
    expect(Number.isFinite(epoch!.loss)).toBe(true);
  });

  it('refuses a model the engine cannot build with an error event naming the layer, before training', () => {
    const dir = fixture({ 'tiny.nn': block('  data synthetic samples=60 classes=3\n  epochs 1\n  batch 32') });
    const first = run(['train', 'tiny.nn', '--engine', 'tfjs', '--events', 'ndjson'], dir);
    expect(first.status).toBe(0);
    // An op from a future IR, which this engine does not know, in the run's ir.json.
    const runDir = runDirOf(dir);
    const ir = JSON.parse(readFileSync(join(runDir, 'ir.json'), 'utf8'));
    ir.nodes[1] = { ...ir.nodes[1], op: 'capsule' };
    writeFileSync(join(runDir, 'ir.json'), JSON.stringify(ir));
    const result = run(['train', '--resume', runDir, '--events', 'ndjson'], dir);
    expect(result.status).toBe(1);
    const stream = events(result.stdout);
    expect(stream.map((e) => e.type)).toEqual(['error', 'end']);
    expect(stream[0]).toMatchObject({ type: 'error', code: 'module' });
    expect(stream[0]!.type === 'error' && stream[0]!.message).toMatch(/cannot build layer batchnorm \(tiny\.nn:4: batchnorm\): op 'capsule' has no tfjs form; train it with engine torch/);
  });
});
