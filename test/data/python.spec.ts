import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batcher, deriveSeed, mulberry32, normals, resizeSample, rotate, STREAM, toNpy, validationIndices } from '../../runtime/src/data/index';
import { tempDir } from './fixtures';

// The Python side of the data: .npy files that numpy.load reads back bit for bit, and resize and
// rotate against PyTorch's interpolate and torchvision's rotate (the trainer's own functions).
// CI installs Debian's python3-torch and python3-torchvision, so nothing here is skipped.
function python(): string {
  if (process.env.NETLENS_PYTHON) return process.env.NETLENS_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function run(script: string, dir: string): string {
  const res = spawnSync(python(), ['-c', script, dir], { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`${python()} failed (${res.error?.message ?? res.status}):\n${res.stderr}`);
  return res.stdout.trim();
}

const dir = tempDir('netlens-npy-');

describe('.npy files', () => {
  it('round-trip through numpy.load: dtype, shape and every value', () => {
    const floats = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 7 - 1);
    const ints = Int32Array.from([0, 9, -3, 2147483647, -2147483648]);
    writeFileSync(join(dir, 'f.npy'), toNpy(floats, [2, 3, 4]));
    writeFileSync(join(dir, 'i.npy'), toNpy(ints, [5]));
    writeFileSync(join(dir, 'big.npy'), toNpy(new Float32Array(6000), [10, 1, 20, 30]));
    const out = run(
      `import json, sys, numpy as np
d = sys.argv[1]
f = np.load(d + '/f.npy'); i = np.load(d + '/i.npy'); b = np.load(d + '/big.npy')
print(json.dumps({'f': [str(f.dtype), list(f.shape), f.ravel().tolist()], 'i': [str(i.dtype), list(i.shape), i.tolist()], 'b': list(b.shape)}))`,
      dir,
    );
    const read = JSON.parse(out) as { f: [string, number[], number[]]; i: [string, number[], number[]]; b: number[] };
    expect(read.f[0]).toBe('float32');
    expect(read.f[1]).toEqual([2, 3, 4]);
    expect(read.f[2]).toEqual(Array.from(floats));
    expect(read.i).toEqual(['int32', [5], Array.from(ints)]);
    expect(read.b).toEqual([10, 1, 20, 30]);
    // The values start on a 64-byte boundary, as numpy itself writes them.
    expect((10 + toNpy(floats, [2, 3, 4]).readUInt16LE(8)) % 64).toBe(0);
  });

  it('match torch interpolate (bilinear) for resize and torchvision rotate for rotate', () => {
    const rng = mulberry32(7);
    const shape = [2, 7, 9];
    const x = Float32Array.from({ length: 2 * 7 * 9 }, () => rng());
    writeFileSync(join(dir, 'x.npy'), toNpy(x, shape));
    writeFileSync(join(dir, 'up.npy'), toNpy(resizeSample(x, shape, 12, 5), [2, 12, 5]));
    writeFileSync(join(dir, 'down.npy'), toNpy(resizeSample(x, shape, 4, 3), [2, 4, 3]));
    writeFileSync(join(dir, 'rot.npy'), toNpy(rotate(x, shape, 30), shape));
    writeFileSync(join(dir, 'rotneg.npy'), toNpy(rotate(x, shape, -12.5), shape));
    const out = run(
      `import json, sys, numpy as np, torch, torch.nn.functional as F
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode
d = sys.argv[1]
x = torch.from_numpy(np.load(d + '/x.npy'))
err = {}
for name, size in [('up', (12, 5)), ('down', (4, 3))]:
    ref = F.interpolate(x[None], size=size, mode='bilinear', align_corners=False)[0]
    err[name] = float(np.abs(ref.numpy() - np.load(d + '/' + name + '.npy')).max())
for name, angle in [('rot', 30), ('rotneg', -12.5)]:
    ref = TF.rotate(x, angle, interpolation=InterpolationMode.BILINEAR)
    err[name] = float(np.abs(ref.numpy() - np.load(d + '/' + name + '.npy')).max())
print(json.dumps(err))`,
      dir,
    );
    const err = JSON.parse(out) as Record<string, number>;
    for (const name of ['up', 'down', 'rot', 'rotneg']) expect(err[name], name).toBeLessThan(1e-5);
  });
});

// The Python reference of the random streams in the "Data" section of docs/engines.md, run and
// compared with the Node code. The block is the ```python block that defines mulberry32; the
// page has other Python blocks before it, so a match must not run past a closing fence.
function pythonReference(): string {
  const path = join(__dirname, '../..', 'docs/engines.md');
  const blocks = [...readFileSync(path, 'utf8').matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes('def mulberry32'));
  if (block) return block;
  throw new Error('no Python reference of the data streams (def mulberry32) in docs/engines.md');
}

describe('the documented Python reference of the streams', () => {
  it('draws what the Node code draws', () => {
    const out = run(
      `${pythonReference()}
import json
r = mulberry32(123)
print(json.dumps({
  'uniform': [r() for _ in range(5)],
  'seeds': [derive_seed(0, 1), derive_seed(7, 3, 2, 9), derive_seed(4294967295, 6)],
  'split': validation_indices(97, 0.15, 11),
  'order': epoch_order(20, 3, 2),
  'normals': normals(7, stream(5, 3, 1, 2)),
}))`,
      dir,
    );
    const py = JSON.parse(out) as { uniform: number[]; seeds: number[]; split: [number[], number[]]; order: number[]; normals: number[] };
    const r = mulberry32(123);
    expect(py.uniform).toEqual([r(), r(), r(), r(), r()]);
    expect(py.seeds).toEqual([deriveSeed(0, 1), deriveSeed(7, 3, 2, 9), deriveSeed(4294967295, 6)]);
    const split = validationIndices(97, 0.15, 11);
    expect(py.split).toEqual([Array.from(split.train), Array.from(split.validation)]);
    const order = new Batcher({ x: new Float32Array(20), y: new Int32Array(20), shape: [1], classes: 1, name: 'n' }, { batch: 4, seed: 3 }).order(2);
    expect(py.order).toEqual(Array.from(order));
    Array.from(normals(7, mulberry32(deriveSeed(5, STREAM.augment, 1, 2)))).forEach((v, i) => expect(py.normals[i]).toBeCloseTo(v, 12));
  });
});
