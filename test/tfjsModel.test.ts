// The tfjs engine's models (runtime/src/engines/tfjs/model.ts): every model of examples/*.nn and
// of the all-ops fixture, built from its IR, has exactly the analyzer's parameters in total (as
// tfjs's own countParams() counts them) and node by node, and the analyzer's output shape; the
// published totals hold in tfjs too. The large models allocate their real weights (left at zero,
// which allocates as much) and are disposed after each.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeDocument } from '../server/src/language/index';
import { compileModel, type IR } from '../runtime/src/ir';
import { loadBackend } from '../runtime/src/engines/tfjs/backend';
import { buildModel, layerParams, type Built } from '../runtime/src/engines/tfjs/model';
import { tfjsSupport } from '../runtime/src/engines/tfjs/support';

const ROOT = path.resolve(__dirname, '..');
const FILES = [...readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.nn')).map((f) => `examples/${f}`), 'test/fixtures/ir/ops.nn'];
const { tf } = loadBackend('cpu');

function irsOf(file: string): IR[] {
  const uri = path.join(ROOT, file);
  const analysis = analyzeDocument(readFileSync(uri, 'utf8'), { uri, load: (u) => readFileSync(u, 'utf8') });
  return analysis.models.map((m) => compileModel(analysis, m.name));
}

// Published totals (trainable + running statistics), from the papers and torchvision.
const PUBLISHED: Record<string, number> = {
  VGG16: 138_357_544,
  AlexNet: 61_100_840,
  AlexNet2012: 60_965_224,
  ResNet18: 11_689_512 + 9_600,
  LeNet5Modern: 61_706,
};
// Over 50 million weights: 200 MB or more of float32 each, built anyway, one at a time.
const LARGE = 50_000_000;

let built: Built | undefined;
afterEach(() => {
  built?.model.dispose();
  built = undefined;
});

describe('tfjs models built from the IR', () => {
  const cases = FILES.flatMap((file) => irsOf(file).map((ir) => ({ file, ir })));
  it.each(cases.map((c) => [`${c.file} ${c.ir.model}${c.ir.params.trainable + c.ir.params.nonTrainable > LARGE ? ' (large: real weights, over 200 MB)' : ''}`, c] as const))('%s', (_name, { ir }) => {
    expect(tfjsSupport(ir)).toEqual({ ok: true });
    built = buildModel(tf, ir, { seed: null });
    const total = ir.params.trainable + ir.params.nonTrainable;
    expect(built.model.countParams()).toBe(total);
    if (PUBLISHED[ir.model] !== undefined) expect(built.model.countParams()).toBe(PUBLISHED[ir.model]);
    expect(built.model.outputs[0]!.shape).toEqual([null, ...ir.output]);
    const trainable = built.model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
    expect(trainable).toBe(ir.params.trainable);
    for (const node of ir.nodes) {
      const layers = built.nodeLayers.get(node.id)!;
      expect(layers.reduce((s, l) => s + layerParams(l), 0), `${node.path} (line ${node.line})`).toBe(node.params + node.nonTrainable);
    }
    // A real forward pass where it is cheap on a CPU: the tensors, not only the declared shapes.
    if (ir.input.reduce((a, b) => a * b, 1) <= 10_000) {
      const out = tf.tidy(() => (built!.model.predict(tf.ones([2, ...ir.input])) as import('@tensorflow/tfjs').Tensor).shape);
      expect(out).toEqual([2, ...ir.output]);
    }
  });

  it("builds LeNet-5's C3 with exactly its 60 connected 5×5 kernels and 16 biases: 1,516", () => {
    const ir = irsOf('examples/lenet5.nn').find((m) => m.model === 'LeNet5')!;
    built = buildModel(tf, ir, { seed: 0 });
    const c3 = ir.nodes.find((n) => n.label === 'C3')!;
    const [conv] = built.nodeLayers.get(c3.id)!;
    expect(conv!.weights.map((w) => w.shape)).toEqual([[5, 5, 60], [16]]);
    expect(layerParams(conv!)).toBe(1_516);
    expect(built.model.countParams()).toBe(60_850);
  });

  it('refuses, without loading tfjs, an op or an IR version it does not know, naming the layer and its line', () => {
    const ir = irsOf('examples/lenet5.nn').find((m) => m.model === 'LeNet5Modern')!;
    const odd = { ...ir, nodes: ir.nodes.map((n, i) => (i === 1 ? ({ ...n, op: 'capsule' } as unknown as typeof n) : n)) };
    expect(tfjsSupport(odd)).toEqual({
      ok: false,
      node: 1,
      message: `the tfjs engine cannot build layer maxpool (${path.join(ROOT, 'examples/lenet5.nn')}:44: maxpool 2): op 'capsule' has no tfjs form; train it with engine torch (--engine torch, or engine torch in the train block)`,
    });
    expect(tfjsSupport({ ...ir, version: 2 } as unknown as IR)).toMatchObject({ ok: false, node: null, message: expect.stringContaining('IR version 2') });
  });
});
