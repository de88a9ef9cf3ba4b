import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture as makeFixture, onlyRunDir, parseStream } from './helpers/train';

// `netlens train` end to end through the built CLI and the real trainer (PyTorch from Debian's
// python3-torch, which CI installs), on tiny synthetic data.
const cli = join(__dirname, '../dist/netlens.js');
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

const MODEL = `model Tiny(classes = 3) {
  input 1x8x8
  conv 4 kernel=3 padding=1 activation=relu
  maxpool 2
  flatten
  dense classes
}
`;
const train = (lines: string) => `${MODEL}\ntrain Tiny {\n${lines}\n  seed 1\n  optimizer adam lr=0.01\n  loss crossentropy\n}\n`;
const TINY = train('  data synthetic samples=300 classes=3\n  test synthetic samples=60 classes=3\n  validation 0.2\n  epochs 2\n  batch 32');




const csvRows = (runDir: string) => readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');


const fixture = (files: Record<string, string>) => makeFixture(files, 'netlens-train-');
const events = (text: string) => parseStream(text);
const runDirOf = (dir: string, model = 'Tiny') => onlyRunDir(dir, model);

describe('netlens train', () => {
  it('trains a train block, streams valid NDJSON events and writes a complete run directory', () => {
    const dir = fixture({ 'tiny.nn': TINY });
    const result = run(['train', 'tiny.nn', '--events', 'ndjson'], dir);
    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.status).toBe(0);
    const stream = events(result.stdout);
    const types = new Set(stream.map((e) => e.type));
    for (const t of ['start', 'batch', 'epoch', 'checkpoint', 'end']) expect(types).toContain(t);
    const start = stream[0]!;
    expect(start.type === 'start' && start.engine).toBe('torch');
    expect(start.type === 'start' && start.why).toMatch(/engine auto: .* has torch /);
    const end = stream[stream.length - 1]!;
    expect(end).toMatchObject({ type: 'end', status: 'completed', epochs: 2 });
    expect(end.type === 'end' && end.testAccuracy).toBeGreaterThan(0.5);

    const runDir = runDirOf(dir);
    expect(readFileSync(join(runDir, 'events.ndjson'), 'utf8')).toBe(result.stdout);
    const rows = csvRows(runDir);
    expect(rows[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['1', '2']);
    for (const f of ['model.py', 'ir.json', 'summary.json', 'job.json', 'checkpoints/last.pt', 'data/train_x.npy', 'data/train_y.npy', 'data/val_x.npy', 'data/test_y.npy']) {
      expect(existsSync(join(runDir, f)), f).toBe(true);
    }
    const job = JSON.parse(readFileSync(join(runDir, 'job.json'), 'utf8'));
    expect(job).toMatchObject({ version: 1, runDir, module: 'model.py', ir: 'ir.json', classes: 3, outputActivation: null, resume: null });
    expect(job.data.train).toEqual({ x: 'data/train_x.npy', y: 'data/train_y.npy' });
    expect(job.settings).toMatchObject({ epochs: 2, batch: 32 });
    expect(job.engine.why).toBe(start.type === 'start' && start.why.split(';')[0]);
    // The terminal view of the same run: a progress bar and one line per epoch.
    const shown = run(['train', 'tiny.nn'], dir);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/\rEpoch 1\/2 \d+\/8 \[[=>.]+\]/);
    expect(shown.stdout).toMatch(/^Epoch 2\/2: .*loss [\d.]+ - accuracy [\d.]+% - val_loss/m);
    expect(shown.stdout).toMatch(/Training ended: status completed, best epoch \d, test loss [\d.]+, test accuracy [\d.]+%/);
  });

  it('gives a data error event and exit 1 before training for a missing data file', () => {
    const dir = fixture({ 'missing.nn': train('  data idx("gone-images.idx", "gone-labels.idx")\n  epochs 1\n  batch 32') });
    const result = run(['train', 'missing.nn', '--events', 'ndjson'], dir);
    expect(result.status).toBe(1);
    const stream = events(result.stdout);
    expect(stream).toHaveLength(1);
    expect(stream[0]).toMatchObject({ type: 'error', code: 'data' });
    expect(stream[0]!.type === 'error' && stream[0]!.message).toContain('gone-images.idx');
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('gives one clear error with both shapes and the fix when the data does not fit the model', () => {
    const dir = fixture({ 'shape.nn': train('  data csv("rows.csv", label="y")\n  epochs 1\n  batch 32'), 'rows.csv': 'a,b,c,y\n1,2,3,0\n4,5,6,1\n7,8,9,2\n' });
    const result = run(['train', 'shape.nn', '--events', 'ndjson'], dir);
    expect(result.status).toBe(1);
    const [error] = events(result.stdout);
    expect(error).toMatchObject({ type: 'error', code: 'data' });
    const message = error!.type === 'error' ? error!.message : '';
    expect(message).toContain('1×8×8');
    expect(message).toMatch(/samples are 3\b/);
    expect(message).toContain("change the model's input to 3");
    expect(result.stderr).toContain('1×8×8');
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('takes the device from --device over the train block (the editor setting), and says when it is not there', () => {
    const dir = fixture({ 'tiny.nn': TINY });
    const cpu = run(['train', 'tiny.nn', '--events', 'ndjson', '--device', 'cpu'], dir);
    expect(cpu.status).toBe(0);
    const start = events(cpu.stdout)[0]!;
    expect(start.type === 'start' && start.device).toBe('cpu');
    expect(start.type === 'start' && start.why).toContain('device cpu as set');
    // This machine has no CUDA GPU: a clear device error, no stack trace.
    const gpu = run(['train', 'tiny.nn', '--events', 'ndjson', '--device', 'gpu:3'], dir);
    expect(gpu.status).toBe(1);
    expect(events(gpu.stdout).find((e) => e.type === 'error')).toMatchObject({ code: 'device', message: expect.stringMatching(/device gpu:3 was asked for, but PyTorch sees/) });
    expect(gpu.stderr).not.toMatch(/Traceback/);
    expect(run(['train', 'tiny.nn', '--device', 'tpu'], dir).stderr).toContain("--device takes auto, cpu, gpu or gpu:N, not 'tpu'");
  });

  it('runs the tfjs trainer instead of PyTorch with --engine tfjs (test/tfjsTrain.spec.ts covers it)', () => {
    const dir = fixture({ 'tiny.nn': TINY });
    const result = run(['train', 'tiny.nn', '--engine', 'tfjs', '--events', 'ndjson'], dir);
    expect(result.status).toBe(0);
    const stream = events(result.stdout);
    expect(stream[0]).toMatchObject({ type: 'start', engine: 'tfjs', why: expect.stringMatching(/^engine tfjs; backend tfjs/) });
    expect(stream[stream.length - 1]).toMatchObject({ type: 'end', status: 'completed', epochs: 2 });
  });

  it('keeps recording when its reader goes (an editor that quit): SIGTERM still ends the run cancelled, with a checkpoint', async () => {
    const dir = fixture({ 'long.nn': train('  data synthetic samples=20000 classes=3\n  validation 0.1\n  epochs 2\n  batch 32') });
    const child = spawn(process.execPath, [cli, 'train', 'long.nn', '--events', 'ndjson'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"type": "batch"')) resolve();
      });
    });
    // The reader closes its ends of the pipes, then the signals come as when VS Code quits: the
    // extension cancels its run, and its process group is sent SIGTERM at the same moment.
    child.stdout.destroy();
    child.stderr.destroy();
    child.kill('SIGTERM');
    child.kill('SIGTERM');
    const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    expect(status).toBe(0);
    const recorded = events(readFileSync(join(runDirOf(dir, 'Tiny'), 'events.ndjson'), 'utf8'));
    expect(recorded[recorded.length - 1]).toMatchObject({ type: 'end', status: 'cancelled' });
    expect(recorded.filter((e) => e.type === 'checkpoint').pop()).toMatchObject({ path: 'checkpoints/last.pt' });
    expect(existsSync(join(runDirOf(dir, 'Tiny'), 'checkpoints', 'last.pt'))).toBe(true);
  });

  it('ends with status cancelled on SIGINT, leaves a consistent run directory, and --resume appends to it', async () => {
    const dir = fixture({ 'long.nn': train('  data synthetic samples=20000 classes=3\n  validation 0.1\n  epochs 2\n  batch 32') });
    const child = spawn(process.execPath, [cli, 'train', 'long.nn', '--events', 'ndjson'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!signalled && out.includes('"type": "batch"')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    expect(signalled).toBe(true);
    expect(status).toBe(0);
    const stream = events(out);
    expect(stream[stream.length - 1]).toMatchObject({ type: 'end', status: 'cancelled' });
    const runDir = runDirOf(dir);
    const recorded = readFileSync(join(runDir, 'events.ndjson'), 'utf8');
    expect(recorded).toBe(out);
    expect(existsSync(join(runDir, 'checkpoints', 'last.pt'))).toBe(true);
    expect(readdirSync(join(runDir, 'checkpoints')).filter((f) => f.includes('tmp'))).toEqual([]);
    const epochsBefore = stream.filter((e) => e.type === 'epoch').length;
    expect(csvRows(runDir)).toHaveLength(1 + epochsBefore);

    const resumed = run(['train', '--resume', runDir, '--events', 'ndjson'], dir);
    expect(resumed.status).toBe(0);
    const more = events(resumed.stdout);
    expect(more[0]).toMatchObject({ type: 'start' });
    expect(more[more.length - 1]).toMatchObject({ type: 'end', status: 'completed', epochs: 2 });
    expect(readFileSync(join(runDir, 'events.ndjson'), 'utf8')).toBe(out + resumed.stdout);
    expect(JSON.parse(readFileSync(join(runDir, 'job.json'), 'utf8')).resume).toBe('checkpoints/last.pt');
    expect(csvRows(runDir)).toHaveLength(1 + 2);
    expect(readdirSync(join(dir, 'runs', 'Tiny'))).toHaveLength(1);
  });
});
