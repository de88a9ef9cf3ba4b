import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The built CLI, spawned as a user or a CI job would run it.
const cli = join(__dirname, '../dist/netlens.js');
const run = (args: string[], cwd = join(__dirname, '..')) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('netlens check', () => {
  it('prints path:line:col: severity CODE: message and exits 1 on an error', () => {
    const dir = fixture({ 'bad.nn': 'model M {\n  input 1x28x28\n  conv 6 kenrel=5\n}\n' });
    const result = run(['check', 'bad.nn'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("bad.nn:3:10: error NN202: conv has no argument 'kenrel'; did you mean 'kernel'?");
  });

  it('exits 0 with warnings only', () => {
    const dir = fixture({ 'warn.nn': 'model M {\n  input 3x224x224\n  conv 96 kernel=11 stride=4\n}\n' });
    const result = run(['check', 'warn.nn'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^warn\.nn:3:28: warning NN310: conv kernel 11 stride 4 on a 224×224 input: .*54\.25.*227×227/m);
  });

  it('checks several files, reads imports relative to the importing file, and reports them under their own path', () => {
    const dir = fixture({
      'blocks.nn': 'block Pair(ch) { conv ch kernel=3 padding=1; relu }\nblock Broken { conv 4 kernel=3 stride= }\n',
      'main.nn': 'import "blocks.nn"\nmodel M {\n  input 3x8x8\n  Pair 16\n}\n',
      'clean.nn': 'model N {\n  input 4\n  dense 2\n}\n',
    });
    const result = run(['check', 'main.nn', 'clean.nn'], dir);
    expect(result.stdout).toContain('blocks.nn:2:40: error NN102');
    expect(result.status).toBe(1);
    const summary = JSON.parse(run(['summary', 'main.nn', '--json'], dir).stdout);
    expect(summary.models[0].output).toEqual([16, 8, 8]);
    expect(summary.models[0].params.trainable).toBe(3 * 9 * 16 + 16);
  });

  it('prints related information as notes under the diagnostic', () => {
    const dir = fixture({ 'res.nn': 'model M {\n  input 8x8x8\n  residual {\n    conv 16 kernel=3 padding=1\n  }\n}\n' });
    const lines = run(['check', 'res.nn'], dir).stdout.trim().split('\n');
    expect(lines[0]).toBe('res.nn:3:3: error NN303: residual adds element by element, so both sides need one shape, but the residual body gives 16×8×8 and the identity shortcut gives 8×8×8');
    expect(lines[1]).toBe('res.nn:4:5: note: the residual body produces 16×8×8 here');
    expect(lines[2]).toBe('res.nn:3:3: note: the identity shortcut produces 8×8×8 here');
  });

  it('reports an unreadable file and exits 2', () => {
    const result = run(['check', 'does-not-exist.nn']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot read does-not-exist.nn');
  });
});

describe('netlens summary', () => {
  it('prints rows with output, parameters, MACs, receptive field and memory, and the totals', () => {
    const out = execFileSync(process.execPath, [cli, 'summary', 'examples/alexnet.nn', '--model', 'AlexNet2012'], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    expect(out).toContain('Total params:          60,965,224');
    expect(out).toContain('MACs:                  724,406,816 (724.4 M MACs)');
    expect(out).toContain('FLOPs (= 2 × MACs):    1,448,813,632');
    expect(out).toContain('Receptive field:       195×195 pixels, jump 32×32');
    expect(out).toMatch(/conv \+relu\s+96×55×55\s+34,944\s+105,415,200\s+11 \/ 4/);
    const lenet = execFileSync(process.execPath, [cli, 'summary', 'examples/lenet5.nn', '--model', 'LeNet5'], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    // 60,850 parameters at batch 64 with SGD momentum: weights, gradients and one momentum slot.
    expect(lenet).toContain('weights 237.7 KiB + gradients 237.7 KiB + optimizer state 237.7 KiB');
  });

  it('--depth folds rows at block level, keeping the totals', () => {
    const full = run(['summary', 'examples/resnet.nn', '--model', 'ResNet18']).stdout;
    const folded = run(['summary', 'examples/resnet.nn', '--model', 'ResNet18', '--depth', '0']).stdout;
    expect(folded.split('\n').length).toBeLessThan(full.split('\n').length / 3);
    expect(folded).toMatch(/▸ layer1: \w+\s+64×56×56\s+148,480/);
    expect(folded).toContain('Total params:          11,699,112');
    expect(folded).toContain('  non-trainable:       9,600');
  });

  it('--json follows schema version 1 with 1-based positions', () => {
    const dir = fixture({ 'm.nn': 'model M {\n  input 1x4x4\n  conv 2 kernel=5\n}\n' });
    const json = JSON.parse(run(['summary', 'm.nn', '--json'], dir).stdout);
    expect(json.version).toBe(1);
    expect(json.models[0].complete).toBe(false);
    expect(json.diagnostics[0]).toMatchObject({ file: 'm.nn', code: 'NN301', severity: 'error', line: 3, column: 17, endLine: 3, endColumn: 18 });
    expect(json.diagnostics[0].message).toContain('leaves 0 rows: (4 − 5) + 1 = 0; the input (4) is 1 short of the 5-wide window');
  });

  it('rejects an unknown --model and a bad --depth with exit 2', () => {
    expect(run(['summary', 'examples/lenet5.nn', '--model', 'Nope']).stderr).toContain("no model 'Nope'");
    expect(run(['summary', 'examples/lenet5.nn', '--depth', 'x']).status).toBe(2);
  });
});
