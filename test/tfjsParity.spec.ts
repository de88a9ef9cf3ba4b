// The two training engines compute the same function: each model is exported to PyTorch, built
// there with seeded weights (runtime/python/parity_torch.py, which also draws batch-norm
// statistics and subsampling coefficients instead of PyTorch's ones and zeros) and run in eval
// mode on a seeded input; the tfjs model built from the same IR (runtime/src/engines/tfjs/model.ts)
// is given those weights through the module's NODES table (test/helpers/torchWeights.ts) and must
// give the same output: max |tfjs − torch| ≤ 1e-4 · max(1, max |torch|).
//
// The models: every cheap model of examples/ as written; the large ones' own blocks (ResNet's
// Basic and Bottleneck stages, GoogLeNet's Inception modules, VGG's stages) imported into small
// models, and AlexNet-2012's layers at a tenth of the width, since VGG-16 or ResNet-50 at
// 224×224 would take minutes on a CPU; the all-ops fixture (test/fixtures/ir/ops.nn); and probes
// for what those miss: ceil-mode pools whose last window hangs past the padding, or would start
// in it, a strided dilated grouped conv, non-square kernels, strong and even-sized LRN, transposed
// convs with dilation, groups, output padding and non-square strides, fractional upsampling,
// adaptive pools with overlapping windows, 1-D layers, and flatten and reshape orders. The
// fixtures run on two backends, so both of NetLensConv's paths (im2col, tf.conv2d) are held to
// PyTorch. A failure names the first node that differs. PyTorch is required: without it the
// suite fails rather than skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { analyzeDocument } from '../server/src/language/index';
import { compileModel, type IR } from '../runtime/src/ir';
import { generateTorch } from '../runtime/src/engines/torch/codegen';
import { loadBackend, type Tf } from '../runtime/src/engines/tfjs/backend';
import { buildModel } from '../runtime/src/engines/tfjs/model';
import { run } from './helpers/spawn';
import { loadTorchWeights, type TorchTensor } from './helpers/torchWeights';

const ROOT = path.resolve(__dirname, '..');
const BATCH = 2;
/** Relative to the output's size, so logits in the hundreds are not held to 1e-4 absolute. */
const TOLERANCE = 1e-4;
// Examples small enough to run as written on two CPU cores; the rest are covered through their
// blocks below. Of inception_bottleneck.nn only Reduced1x1: Direct5x5 is its 5×5 conv on 4× the
// channels, and takes 7 s in plain JavaScript.
const AS_WRITTEN = ['examples/lenet5.nn', 'examples/dilated.nn', 'examples/encoder_decoder.nn', 'examples/inception_bottleneck.nn', 'test/fixtures/ir/ops.nn'];
const LEFT_OUT = new Set(['Direct5x5']);
const LARGE = ['examples/alexnet.nn', 'examples/googlenet.nn', 'examples/resnet.nn', 'examples/vgg16.nn'];

const example = (name: string): string => JSON.stringify(path.join(ROOT, 'examples', name));

// The large examples' blocks, as written there, in small models.
const BLOCKS = `
import ${example('resnet.nn')}
import ${example('googlenet.nn')}
import ${example('vgg16.nn')}

model ResNetBasicSmall {
  input 3x32x32
  conv1: Stem                       # 64@8x8
  layer1: BasicStage 16 2 stride=1  # projection shortcut (64 → 16), then identity
  layer2: BasicStage 32 2           # 32@4x4, strided projection
  globalavgpool
  fc: dense 10
}

model ResNetBottleneckSmall {
  input 3x32x32
  conv1: Stem
  layer1: BottleneckStage 8 2 stride=1   # 32@8x8
  layer2: BottleneckStage 16 1           # 64@4x4
  globalavgpool
  fc: dense 10
}

model GoogLeNetSmall {
  input 3x32x32
  conv1: conv 16 kernel=7 stride=2 padding=3 activation=relu   # 16@16x16
  maxpool 3 stride=2 ceil=true                                # 8x8
  lrn 5
  conv2: conv 32 kernel=3 padding=1 activation=relu
  lrn 5
  maxpool 3 stride=2 ceil=true                                # 4x4
  inception3a: Inception 8 8 16 4 8 8                         # 40@4x4
  inception3b: Inception 16 8 16 4 8 8                        # 48@4x4
  maxpool 3 stride=2 ceil=true                                # 2x2
  avgpool 2 stride=1
  flatten
  dropout 0.4
  linear: dense 10 activation=softmax
}

model GoogLeNetTorchvisionSmall {
  input 3x30x30
  conv1: BasicConv 16 kernel=7 stride=2 padding=3             # 16@15x15
  maxpool 3 stride=2 ceil=true                                # 7x7
  inception3a: InceptionBN 8 8 16 4 8 8                       # 40@7x7
  maxpool 2 stride=2 ceil=true                                # 4x4, the last window half outside
  inception4a: InceptionBN 16 8 16 4 8 8
  globalavgpool
  dropout 0.2
  fc: dense 10
}

model VGGSmall {
  input 3x16x16
  stage1: VGGStage 8 2       # 8@8x8
  stage2: VGGStage 16 2      # 16@4x4
  flatten
  fc6: dense 32 activation=relu
  dropout 0.5
  fc8: dense 10
}

# AlexNet2012's layers (examples/alexnet.nn has no blocks) at a tenth of the width.
model AlexNet2012Small {
  input 3x67x67
  conv1: conv 12 kernel=11 stride=4 activation=relu              # 12@15x15
  lrn 5 alpha=0.0001 beta=0.75 k=2
  maxpool 3 stride=2                                             # 7x7
  conv2: conv 32 kernel=5 padding=2 groups=2 activation=relu
  lrn 5 alpha=0.0001 beta=0.75 k=2
  maxpool 3 stride=2                                             # 3x3
  conv3: conv 48 kernel=3 padding=1 activation=relu
  conv4: conv 48 kernel=3 padding=1 groups=2 activation=relu
  conv5: conv 32 kernel=3 padding=1 groups=2 activation=relu
  maxpool 3 stride=2                                             # 1x1
  flatten
  dropout 0.5
  fc6: dense 64 activation=relu
  dropout 0.5
  fc7: dense 64 activation=relu
  fc8: dense 10 activation=softmax
}
`;

// What the models above leave out, or test only in their easy form.
const PROBES = `
model PoolCeilPadded {
  input 2x12x12
  parallel concat {
    branch { avgpool 3 stride=2 padding=1 ceil=true }   # 7x7: the last window hangs past the padding
    branch { maxpool 3 stride=2 padding=1 ceil=true }
  }
}

model PoolCeil {
  input 2x12x12
  parallel concat {
    branch { avgpool 3 stride=2 ceil=true }             # 6x6: the last window is 2 wide
    branch { maxpool 3 stride=2 ceil=true }
  }
}

model PoolCeilDropsLast {
  input 2x5x5
  parallel concat {
    branch { avgpool 2 stride=2 padding=1 ceil=true }   # 3x3: a 4th window would start in the padding
    branch { maxpool 2 stride=2 padding=1 ceil=true }
  }
}

model PoolSequence {
  input 3x12
  parallel concat {
    branch { avgpool 3 stride=2 padding=1 ceil=true }   # 7
    branch { maxpool 3 stride=2 padding=1 ceil=true }
  }
}

model PoolStrided {
  input 2x7x6
  parallel concat {
    branch { avgpool 2 stride=3 ceil=true }             # 3x2: windows skip pixels; the last one hangs over in height only
    branch { maxpool 2 stride=3 ceil=true }
  }
}

model Resampling {
  input 2x5x7
  upsample 1.5 mode=bilinear                          # 7x10
  upsample 0.7                                        # 4x7, nearest
  adaptivemaxpool 6x5                                 # more rows than the input: windows overlap
  upsample 2x3 mode=bilinear                          # 12x15
  adaptiveavgpool 5x4
}

model Convs {
  input 4x15x15
  conv 8 kernel=3 stride=2 dilation=2 padding=2 groups=2 activation=leakyrelu   # 8@8x8
  conv 8 kernel=2 padding=same                                                # pads 0 before, 1 after
  conv 8 kernel=1x3 stride=1x2 padding=0x1 activation=elu                     # 8@8x4
  lrn 4 alpha=0.5 beta=0.75 k=1
  batchnorm activation=hardswish
  lrn 5 alpha=1 beta=0.5 k=2
  softmax
}

model Deconvs {
  input 4x5x6
  deconv 6 kernel=3 stride=2 padding=1 output_padding=1 dilation=2 groups=2 activation=gelu   # 6@12x14
  deconv 2 kernel=2x3 stride=3x2 padding=0x1 output_padding=2x1 bias=false                   # 2@36x28
  deconv 2 kernel=3 stride=3 output_padding=2 groups=2                                        # 2@110x86: rows past the full output hold only the bias
}

model Sequence1d {
  input 4x20
  conv 6 kernel=3 stride=2 dilation=2 padding=2 groups=2 activation=relu   # 6@10
  deconv 4 kernel=3 stride=2 padding=1 output_padding=1 groups=2          # 4@20
  lrn 5 alpha=1 beta=0.75 k=2
  batchnorm
  subsample 2 activation=tanh                                             # 4@10
  flatten
  batchnorm
  dense 5
}

model LayoutOrder {
  input 3x4x5
  conv 2 kernel=1                 # 2@4x5
  reshape 4x10                    # a sequence, in PyTorch's C, H, W order
  conv 3 kernel=3                 # 3@8
  flatten
  dense 7
}
`;

interface Entry {
  shape: number[];
  offset: number;
}

/** What parity_torch.py reports for one module; its values are in <index>.bin. */
interface TorchRun {
  nodes: Record<string, number>;
  tensors: Array<Entry & { name: string }>;
  input: Entry;
  output: Entry;
  error?: string;
}

interface Case {
  file: string;
  ir: IR;
}

interface Outcome {
  diff: number;
  scale: number;
  ok: boolean;
}

const SCRIPT = path.join(ROOT, 'runtime/python/parity_torch.py');

function pythonInterpreter(): string {
  if (process.env.NETLENS_PYTHON) return process.env.NETLENS_PYTHON;
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  return 'python3';
}

function irsOf(uri: string): IR[] {
  const analysis = analyzeDocument(readFileSync(uri, 'utf8'), { uri, load: (u) => readFileSync(u, 'utf8') });
  return analysis.models.filter((m) => !LEFT_OUT.has(m.name)).map((m) => compileModel(analysis, m.name));
}

/** A file of float32 values; copied out, since a small file's Buffer shares Node's pool at some offset. */
function readFloats(file: string): Float32Array {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function valuesOf(bin: Float32Array, entry: Entry): Float32Array {
  return bin.subarray(entry.offset, entry.offset + entry.shape.reduce((a, b) => a * b, 1));
}

/** Exports each IR to `dir` and runs them all in one Python process (torch imports once). */
async function runTorch(python: string, irs: IR[], dir: string): Promise<Array<{ run: TorchRun; bin: Float32Array }>> {
  const modules = irs.map((ir, i) => path.join(dir, `m${i}_${ir.model}.py`));
  irs.forEach((ir, i) => writeFileSync(modules[i]!, generateTorch(ir)));
  const ran = await run(python, [SCRIPT, dir, String(BATCH), ...modules]);
  if (ran.status !== 0) throw new Error(`PyTorch is required for this test: ${python} ${path.relative(ROOT, SCRIPT)} exited with ${ran.status}:\n${ran.stderr}\nInstall Debian's python3-torch (scripts/test-deps.sh) or set NETLENS_PYTHON to a Python that has torch.`);
  const report = JSON.parse(ran.stdout) as Record<string, TorchRun>;
  return modules.map((m, i) => {
    if (report[m]?.error) throw new Error(`PyTorch could not run ${irs[i]!.model}: ${report[m]!.error}`);
    return { run: report[m]!, bin: readFloats(path.join(dir, `${i}.bin`)) };
  });
}

/** The tfjs model of `ir` with PyTorch's weights, run on PyTorch's input, against PyTorch's output. */
function compareWithTfjs(tf: Tf, ir: IR, torch: { run: TorchRun; bin: Float32Array }): Outcome {
  const { run: report, bin } = torch;
  const built = buildModel(tf, ir, { seed: null });
  try {
    loadTorchWeights(tf, ir, built, report.nodes, report.tensors.map((t): TorchTensor => ({ name: t.name, shape: t.shape, values: valuesOf(bin, t) })));
    const got = tf.tidy(() => (built.model.predict(tf.tensor(valuesOf(bin, report.input), report.input.shape)) as Tensor).dataSync() as Float32Array);
    const want = valuesOf(bin, report.output);
    let diff = got.length === want.length ? 0 : Infinity;
    let scale = 0;
    for (let i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(got[i]! - want[i]!)); // NaN stays NaN, and fails
      scale = Math.max(scale, Math.abs(want[i]!));
    }
    return { diff, scale, ok: diff <= TOLERANCE * Math.max(1, scale) };
  } finally {
    built.model.dispose();
  }
}

/**
 * For a failure message: the first node whose output already differs, found by cutting the model
 * after each node in turn (nodes are in execution order, so a prefix is a model ending there).
 */
async function firstDivergence(tf: Tf, python: string, ir: IR): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'netlens-parity-prefix-'));
  try {
    const prefixes = ir.nodes.map((node, k): IR => ({ ...ir, output: node.output, nodes: ir.nodes.slice(0, k + 1) }));
    const torch = await runTorch(python, prefixes, dir);
    for (const [k, prefix] of prefixes.entries()) {
      const outcome = compareWithTfjs(tf, prefix, torch[k]!);
      const node = ir.nodes[k]!;
      if (!outcome.ok) return `the first node that differs is ${node.path} (${path.basename(node.file ?? ir.source)}:${node.line}: ${node.text}): max |diff| ${outcome.diff} on outputs up to ${outcome.scale}`;
    }
    return 'every node agrees when the model is cut after it';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The plain CPU backend under another name, so NetLensConv takes the tf.conv2d path (dilation as
 * zeros in the kernel) that tfjs-node and the GPU take, instead of its im2col product for 'cpu'.
 */
function registerConv2dBackend(tf: Tf): string {
  const name = 'cpu-conv2d';
  if (tf.findBackend(name)) return name;
  tf.registerBackend(name, tf.findBackendFactory('cpu'));
  for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: name });
  return name;
}

describe('tfjs and PyTorch compute the same outputs from the same weights', () => {
  const { tf } = loadBackend('cpu');
  const python = pythonInterpreter();
  const dir = mkdtempSync(path.join(tmpdir(), 'netlens-parity-'));
  writeFileSync(path.join(dir, 'blocks.nn'), BLOCKS);
  writeFileSync(path.join(dir, 'probes.nn'), PROBES);
  const sources = [...AS_WRITTEN.map((f) => path.join(ROOT, f)), path.join(dir, 'blocks.nn'), path.join(dir, 'probes.nn')];
  const cases: Case[] = sources.flatMap((uri) => irsOf(uri).map((ir) => ({ file: uri.startsWith(dir) ? path.basename(uri) : path.relative(ROOT, uri), ir })));
  let torch: Array<{ run: TorchRun; bin: Float32Array }> = [];
  const seen: string[] = [];

  beforeAll(async () => {
    torch = await runTorch(python, cases.map((c) => c.ir), dir);
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await tf.setBackend('cpu');
    if (seen.length) console.log(`max |tfjs − torch| (max |torch|):\n${seen.join('\n')}`);
  });

  it('covers every example file, the large ones through their blocks', () => {
    const examples = readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.nn')).map((f) => `examples/${f}`);
    expect([...AS_WRITTEN, ...LARGE].filter((f) => f.startsWith('examples/')).sort()).toEqual(examples.sort());
    for (const file of LARGE.filter((f) => f !== 'examples/alexnet.nn')) expect(BLOCKS, file).toContain(`import ${example(path.basename(file))}`);
  });

  // 'cpu': convolutions as im2col products (the plain backend's path), every model. 'cpu-conv2d':
  // tf.conv2d, on the fixtures only (they hold every conv form); the examples' 32-channel dilated
  // convolutions take seconds there in plain JavaScript.
  describe.each([
    { backend: 'cpu', only: (_c: Case) => true },
    { backend: 'cpu-conv2d', only: (c: Case) => !c.file.startsWith('examples/') },
  ])('on backend $backend', ({ backend, only }) => {
    beforeAll(async () => {
      await tf.setBackend(backend === 'cpu' ? 'cpu' : registerConv2dBackend(tf));
    });

    it.each(cases.flatMap((c, i) => (only(c) ? [[`${c.file} ${c.ir.model}`, i] as const] : [])))('%s', async (name, i) => {
      const { ir } = cases[i]!;
      expect([BATCH, ...ir.output], 'the output shape').toEqual(torch[i]!.run.output.shape);
      const outcome = compareWithTfjs(tf, ir, torch[i]!);
      seen.push(`  ${backend} ${name}: ${outcome.diff.toExponential(2)} (${outcome.scale.toPrecision(3)})`);
      if (!outcome.ok) {
        const where = await firstDivergence(tf, python, ir);
        expect.fail(`${ir.model}: max |tfjs − torch| is ${outcome.diff} on outputs up to ${outcome.scale}, over the tolerance ${TOLERANCE} × max(1, ${outcome.scale}); ${where}`);
      }
    });
  });
});
