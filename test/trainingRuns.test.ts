// The client's run model (client/src/training/runs.ts) on real run directories written by
// `netlens train`, and the `netlens` task type: its arguments and the `$netlens` problem
// matcher of package.json applied to real `netlens check` output.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canResume, describeRun, readEvents, runsIn, sourceOf, startedAt } from '../client/src/training/runs';
import { taskArgs } from '../client/src/training/cli';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist/netlens.js');
const dir = mkdtempSync(join(tmpdir(), 'netlens-runs-'));
const NN = `model Tiny {
  input 1x8x8
  conv 4 kernel=3 padding=1 activation=relu
  flatten
  dense 3
}

train Tiny {
  data synthetic samples=120 classes=3
  test synthetic samples=30 classes=3
  validation 0.25
  epochs 2
  batch 16
  seed 1
}
`;

beforeAll(() => {
  writeFileSync(join(dir, 'other.nn'), 'model Other {\n  input 4\n  dense 2\n}\n');
  writeFileSync(join(dir, 'tiny.nn'), NN);
  const result = spawnSync(process.execPath, [CLI, 'train', 'tiny.nn', '--events', 'ndjson'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(result.stderr);
}, 150_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the run model', () => {
  it('reads a finished run back from its directory, as the Runs view shows it', () => {
    const [run, ...rest] = runsIn(join(dir, 'runs', 'Tiny'));
    expect(rest).toEqual([]);
    expect(run!.model).toBe('Tiny');
    expect(run!.summary).toMatchObject({ status: 'completed', epochs: 2, totalEpochs: 2, settings: { epochs: 2, validation: true } });
    const events = readEvents(run!.dir);
    expect(events.map((e) => e.type)).toContain('batch');
    const end = events[events.length - 1]!;
    expect(end.type).toBe('end');
    // The description agrees with the stream: the best epoch's validation accuracy and the test accuracy.
    const epochs = events.filter((e) => e.type === 'epoch');
    const best = epochs.find((e) => e.type === 'epoch' && e.epoch === run!.summary.bestEpoch);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    expect(describeRun(run!)).toBe(`completed · best val ${pct(best?.type === 'epoch' ? best.valAccuracy! : 0)} · test ${pct(end.type === 'end' ? end.testAccuracy! : 0)}`);
    // A completed run is not offered for resuming; the file it came from is the one declaring Tiny.
    expect(canResume(run!)).toBe(false);
    expect(sourceOf(run!)).toBe(join(dir, 'tiny.nn'));
    expect(startedAt(run!.summary.name)?.getFullYear()).toBeGreaterThan(2020);
  });

  it('offers a cancelled run with a checkpoint for resuming', () => {
    const [run] = runsIn(join(dir, 'runs', 'Tiny'));
    const events = join(run!.dir, 'events.ndjson');
    const text = readFileSync(events, 'utf8');
    writeFileSync(events, text.replace('"status": "completed"', '"status": "cancelled"'));
    try {
      expect(runsIn(join(dir, 'runs', 'Tiny'))[0]!.summary.status).toBe('cancelled');
      expect(canResume(runsIn(join(dir, 'runs', 'Tiny'))[0]!)).toBe(true);
    } finally {
      writeFileSync(events, text);
    }
  });
});

describe('the netlens task type', () => {
  it('runs the CLI with the file and model, the engine only for train', () => {
    expect(taskArgs('/x/netlens.js', { type: 'netlens', command: 'train', file: 'a.nn', model: 'Net', engine: 'torch' })).toEqual(['/x/netlens.js', 'train', 'a.nn', '--model', 'Net', '--engine', 'torch']);
    expect(taskArgs('/x/netlens.js', { type: 'netlens', command: 'check', file: 'a.nn', engine: 'torch' })).toEqual(['/x/netlens.js', 'check', 'a.nn']);
  });

  it("the $netlens problem matcher reads netlens check's real output", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { problemMatchers: Array<{ name: string; pattern: { regexp: string; file: number; line: number; column: number; severity: number; code: number; message: number } }> } };
    const matcher = pkg.contributes.problemMatchers.find((m) => m.name === 'netlens')!;
    writeFileSync(join(dir, 'bad.nn'), 'model M {\n  input 1x8x8\n  conv 4 kenrel=3\n  conv 4 kernel=9\n}\n');
    const check = spawnSync(process.execPath, [CLI, 'check', 'bad.nn'], { cwd: dir, encoding: 'utf8' });
    expect(check.status).toBe(1);
    const re = new RegExp(matcher.pattern.regexp);
    const found = check.stdout.trim().split('\n').map((line) => re.exec(line)).filter((m) => m !== null);
    expect(found.length).toBeGreaterThanOrEqual(1);
    const [first] = found;
    const p = matcher.pattern;
    expect([first![p.file], first![p.line], first![p.column], first![p.severity], first![p.code]]).toEqual(['bad.nn', '3', '10', 'error', 'NN202']);
    expect(first![p.message]).toContain("conv has no argument 'kenrel'; did you mean 'kernel'?");
  });
});
