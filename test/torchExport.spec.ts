// The PyTorch export (runtime/src/engines/torch/codegen.ts) built by PyTorch itself: every model
// of examples/*.nn and of the all-ops fixture is exported, and one Python process imports every
// module, builds it, counts its parameters (in total and per IR node, through the module's NODES
// table) and runs a batch of zeros through it. The counts and shapes must be the analyzer's,
// exactly. Probes check that uneven `same` padding lands where TensorFlow puts it and that LRN's
// alpha is scaled. The CLI's compile and export commands are run too.
// PyTorch is required: CI installs Debian's python3-torch, and without it this suite fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeDocument, type Analysis } from '../server/src/language/index';
import { chooseModel, compileModel, type IR } from '../runtime/src/ir';
import { generateTorch } from '../runtime/src/engines/torch/codegen';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/netlens.js');
const FILES = [...readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.nn')).map((f) => `examples/${f}`), 'test/fixtures/ir/ops.nn'];
// One process builds all of them; VGG-16 and ResNet-50 at 224×224 take a few seconds on two slow cores.
const PYTHON_TIMEOUT_MS = 150_000;

// Tiny models whose weights the probe sets to ones, so their outputs show where the padding went.
const PROBES = `
model ConvSame7 {
  input 1x7x7
  conv 1 kernel=4 stride=2 padding=same bias=false     # pads 1 before, 2 after
}
model ConvSame224 {
  input 1x224x224
  conv 1 kernel=3 stride=2 padding=same bias=false     # pads 0 before, 1 after
}
model PoolSame7 {
  input 1x7x7
  maxpool 2 stride=2 padding=same                      # pads 0 before, 1 after, never picked
}
model DeconvSame4 {
  input 1x4x4
  deconv 1 kernel=3 stride=2 padding=same bias=false   # crops 0 before, 1 after
}
`;

interface Report {
  model: string;
  params: number;
  running: number;
  output: number[];
  nodes: Record<string, { params: number; running: number }>;
  modules: Record<string, { type: string; params: number }>;
  attrs: Record<string, Record<string, unknown>>;
  seconds: { build: number; forward: number };
  ones?: number[][];
  error?: string;
}

interface Export {
  file: string;
  ir: IR;
  module: string;
}

function pythonInterpreter(): string {
  if (process.env.NETLENS_PYTHON) return process.env.NETLENS_PYTHON;
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  return 'python3';
}

const display = (uri: string): string => path.relative(ROOT, uri) || uri;

function analyze(file: string, text = readFileSync(path.join(ROOT, file), 'utf8')): Analysis {
  const uri = path.join(ROOT, file);
  return analyzeDocument(text, { uri, load: (u) => readFileSync(u, 'utf8') });
}

function irsOf(file: string, analysis = analyze(file)): IR[] {
  return analysis.models.map((m) => compileModel(analysis, m.name, analysis.trains.find((t) => t.config.model === m.name), { display }));
}

// The probe: inspect_export.py for every module, and for the probes an output of ones through
// weights of ones, in the same process.
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
import torch
import inspect_export

paths, probes = sys.argv[2].split(','), set(sys.argv[3].split(','))
torch.manual_seed(0)
report = {}
for index, p in enumerate(paths):
    try:
        report[p] = inspect_export.inspect(p, index)
        if p in probes:
            module = inspect_export.load(p, 1000 + index)
            model = module.build().eval()
            with torch.no_grad():
                for sub in model.modules():
                    if isinstance(sub, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
                        sub.weight.fill_(1.0)
                x = torch.ones(1, *module.INPUT_SHAPE)
                if 'PoolSame' in p:
                    x = -x
                report[p]['ones'] = model(x)[0, 0].tolist()
    except Exception as error:
        report[p] = {'error': f'{type(error).__name__}: {error}'}
print(json.dumps(report))
`;

function runPython(python: string, modules: string[], probes: string[]): Record<string, Report> {
  const res = spawnSync(python, ['-c', DRIVER, path.join(ROOT, 'runtime/python'), modules.join(','), probes.join(',')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: PYTHON_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw new Error(`${python} failed to run the exported modules: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${python} exited with ${res.status} building the exported modules:\n${res.stderr}`);
  return JSON.parse(res.stdout) as Record<string, Report>;
}

/** Real pixels under each window of a `same` window along one axis: TensorFlow's placement. */
function realPerWindow(size: number, kernel: number, stride: number, before: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < Math.ceil(size / stride); o++) {
    let n = 0;
    for (let k = 0; k < kernel; k++) {
      const i = o * stride - before + k;
      if (i >= 0 && i < size) n++;
    }
    out.push(n);
  }
  return out;
}

/** How many input pixels reach each output pixel of a transposed conv, after cropping `before`. */
function transposedCounts(size: number, kernel: number, stride: number, before: number, out: number): number[] {
  return Array.from({ length: out }, (_, y) => {
    const p = y + before;
    let n = 0;
    for (let r = 0; r < size; r++) if (p >= r * stride && p < r * stride + kernel) n++;
    return n;
  });
}

const outer = (rows: number[], cols: number[]): number[][] => rows.map((r) => cols.map((c) => r * c));

describe('netlens export --to pytorch, built by PyTorch', () => {
  const python = pythonInterpreter();
  let dir = '';
  let exports: Export[] = [];
  let reports: Record<string, Report> = {};
  let probeIrs: Map<string, IR> = new Map();

  beforeAll(() => {
    const check = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (check.status !== 0) {
      throw new Error(`PyTorch is required for this test: '${python} -c "import torch"' failed (${check.error?.message ?? check.stderr.trim()}). Install Debian's python3-torch (scripts/test-deps.sh) or set NETLENS_PYTHON to a Python that has torch.`);
    }
    dir = mkdtempSync(path.join(tmpdir(), 'netlens-torch-'));
    exports = FILES.flatMap((file) => irsOf(file).map((ir) => ({ file, ir, module: path.join(dir, `${path.basename(file, '.nn')}_${ir.model}.py`) })));
    const probeAnalysis = analyze('test/fixtures/ir/probes.nn', PROBES);
    const probes = irsOf('test/fixtures/ir/probes.nn', probeAnalysis).map((ir) => ({ file: 'probes', ir, module: path.join(dir, `probe_${ir.model}.py`) }));
    probeIrs = new Map(probes.map((p) => [p.ir.model, p.ir]));
    for (const e of [...exports, ...probes]) writeFileSync(e.module, generateTorch(e.ir));
    const started = Date.now();
    reports = runPython(python, [...exports, ...probes].map((e) => e.module), probes.map((p) => p.module));
    console.log(`PyTorch built and ran ${exports.length + probes.length} exported modules in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, PYTHON_TIMEOUT_MS + 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const reportOf = (module: string): Report => {
    const report = reports[module];
    expect(report, `a report for ${module}`).toBeDefined();
    expect(report!.error, `building ${path.basename(module)}`).toBeUndefined();
    return report!;
  };

  for (const file of FILES) {
    it(`counts the analyzer's parameters and gives its output shapes for every model of ${file}`, () => {
      const mine = exports.filter((e) => e.file === file);
      expect(mine.length).toBeGreaterThan(0);
      for (const { ir, module } of mine) {
        const report = reportOf(module);
        expect(report.model, 'the class is named after the model').toBe(ir.model);
        expect(report.params, `${ir.model}: sum(p.numel() for p in parameters())`).toBe(ir.params.trainable);
        expect(report.running, `${ir.model}: batch-norm running statistics`).toBe(ir.params.nonTrainable);
        expect(report.output, `${ir.model}: output shape of a forward pass`).toEqual(ir.output);
        for (const node of ir.nodes) {
          const got = report.nodes[String(node.id)];
          expect(got, `${ir.model} ${node.path} has a module`).toBeDefined();
          expect(got, `${ir.model} ${node.path} (${node.op}) parameters`).toEqual({ params: node.params, running: node.nonTrainable });
        }
      }
    });
  }

  it("builds LeNet-5's C3 as a MaskedConv2d with the paper's 1,516 parameters", () => {
    const lenet = exports.find((e) => e.ir.model === 'LeNet5')!;
    const report = reportOf(lenet.module);
    expect(report.modules.C3).toEqual({ type: 'MaskedConv2d', params: 1516 });
    // 60 connections of 5×5 kernels, packed; scattered into the dense 16×6×5×5 weight.
    expect(report.attrs.C3).toEqual({ weight: [60, 5, 5], dense: [16, 6, 5, 5], nonzero: 1500 });
    expect(report.modules.S2).toEqual({ type: 'Subsample', params: 12 });
    expect(report.params).toBe(60_850);
  });

  it("scales lrn's alpha by its size for PyTorch's LocalResponseNorm", () => {
    const alexnet = exports.find((e) => e.ir.model === 'AlexNet2012')!;
    const lrns = Object.entries(reportOf(alexnet.module).attrs).filter(([, a]) => 'alpha' in a);
    expect(lrns).toHaveLength(2);
    for (const [, a] of lrns) {
      expect(a.size).toBe(5);
      expect(a.alpha as number).toBeCloseTo(5e-4, 12);
      expect(a).toMatchObject({ beta: 0.75, k: 2 });
    }
    expect(readFileSync(alexnet.module, 'utf8')).toContain('nn.LocalResponseNorm(5, alpha=0.0005, beta=0.75, k=2.0)');
  });

  it('pads uneven same convolutions explicitly, the extra row and column at the bottom and right', () => {
    const seven = probeIrs.get('ConvSame7')!;
    const source7 = readFileSync(path.join(dir, 'probe_ConvSame7.py'), 'utf8');
    expect(source7).toContain('F.pad(x, (1, 2, 1, 2))');
    expect(source7).toMatch(/nn\.Conv2d\(1, 1, kernel_size=4, stride=2, bias=False\)/);
    const report7 = reportOf(path.join(dir, 'probe_ConvSame7.py'));
    expect(report7.output).toEqual(seven.output);
    expect(report7.output).toEqual([1, 4, 4]);
    const per7 = realPerWindow(7, 4, 2, 1);
    expect(report7.ones).toEqual(outer(per7, per7));

    const big = reportOf(path.join(dir, 'probe_ConvSame224.py'));
    expect(big.output).toEqual([1, 112, 112]);
    const per224 = realPerWindow(224, 3, 2, 0);
    expect(big.ones).toEqual(outer(per224, per224));
    expect(per224[per224.length - 1]).toBe(2);

    // GoogLeNet's stride-1 same convolutions pad evenly, with the layer's own padding.
    const googlenet = readFileSync(exports.find((e) => e.ir.model === 'GoogLeNet')!.module, 'utf8');
    expect(googlenet).toContain('nn.Conv2d(96, 128, kernel_size=3, padding=1)');
    expect(googlenet).not.toContain('F.pad(');
  });

  it('pads an uneven same max-pool with -inf and crops an uneven same deconv at the end', () => {
    const pool = reportOf(path.join(dir, 'probe_PoolSame7.py'));
    expect(pool.output).toEqual([1, 4, 4]);
    expect(pool.ones).toEqual(Array.from({ length: 4 }, () => [-1, -1, -1, -1]));
    const deconv = reportOf(path.join(dir, 'probe_DeconvSame4.py'));
    expect(deconv.output).toEqual([1, 8, 8]);
    const counts = transposedCounts(4, 3, 2, 0, 8);
    expect(deconv.ones).toEqual(outer(counts, counts));
    expect(readFileSync(path.join(dir, 'probe_DeconvSame4.py'), 'utf8')).toContain('F.pad(self.deconv(x), (0, -1, 0, -1))');
  });

  it('writes a readable module: comments with .nn lines, INPUT_SHAPE, NODES and build()', () => {
    const source = readFileSync(exports.find((e) => e.ir.model === 'LeNet5')!.module, 'utf8');
    expect(source).toMatch(/^import torch\nfrom torch import nn\nimport torch\.nn\.functional as F$/m);
    expect(source).toContain('# line 23: C3: conv 16 kernel=5 connections=C3_TABLE activation=tanh  -> 16x10x10, 1,516 parameters');
    expect(source).toContain('class LeNet5(nn.Module):');
    expect(source).toContain('INPUT_SHAPE = (1, 32, 32)');
    expect(source).toMatch(/def build\(\):\n.*\n {4}return LeNet5\(\)/);
    const resnet = readFileSync(exports.find((e) => e.ir.model === 'ResNet18')!.module, 'utf8');
    expect(resnet).toContain('x = self.layer1_Basic_residual_add(x4, x)');
  });
});

describe('netlens compile and export on the command line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('prints the IR of the first train block\'s model with compile --json', () => {
    const res = run('compile', 'examples/lenet5.nn', '--json');
    expect(res.status, res.stderr).toBe(0);
    const analysis = analyze('examples/lenet5.nn');
    const choice = chooseModel(analysis);
    expect(JSON.parse(res.stdout)).toEqual(compileModel(analysis, choice.model, choice.train, { display }));
    const text = run('compile', 'examples/lenet5.nn', '--model', 'LeNet5Modern');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^#0 conv conv <- input {2}6x28x28 {2}params 156/m);
  });

  it('writes the module with -o, or prints it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netlens-export-'));
    try {
      const out = path.join(dir, 'resnet18.py');
      const res = run('export', 'examples/resnet.nn', '--to', 'pytorch', '-o', out);
      expect(res.status, res.stderr).toBe(0);
      const [ir] = irsOf('examples/resnet.nn');
      expect(readFileSync(out, 'utf8')).toBe(generateTorch(ir!));
      const printed = run('export', 'examples/resnet.nn', '--to', 'pytorch', '--model', 'ResNet18');
      expect(printed.stdout).toBe(generateTorch(ir!));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a model with errors, an unknown model and an unknown target', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netlens-export-'));
    try {
      const bad = path.join(dir, 'bad.nn');
      writeFileSync(bad, 'model Bad {\n  input 3x32x32\n  conv 16 kernel=3\n  dense 10\n}\n');
      const res = run('export', bad, '--to', 'pytorch');
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(/cannot compile model Bad: it has 1 error\n.*bad\.nn:4:3: NN302/);
      expect(res.stdout).toBe('');
      // An error in the train block stops compile (the IR holds the settings), not export.
      const trained = path.join(dir, 'trained.nn');
      writeFileSync(trained, 'model M {\n  input 8\n  dense 10\n}\ntrain M {\n  data synthetic samples=10 classes=5\n}\n');
      expect(run('compile', trained, '--json').status).toBe(1);
      expect(run('export', trained, '--to', 'pytorch').status).toBe(0);
      const unknown = run('compile', 'examples/lenet5.nn', '--model', 'LeNet6', '--json');
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain("no model 'LeNet6'; the file has LeNet5, LeNet5Modern");
      const target = run('export', 'examples/lenet5.nn', '--to', 'onnx');
      expect(target.status).toBe(2);
      expect(target.stderr).toContain("cannot export to 'onnx': use --to pytorch");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('generateTorch refuses what it cannot build', () => {
  const [lenet] = irsOf('examples/lenet5.nn');

  it('refuses an IR version it does not know', () => {
    expect(() => generateTorch({ ...lenet!, version: 2 } as unknown as IR)).toThrow(/reads IR version 1, but this IR is version 2/);
  });

  it('names a node whose op it does not know', () => {
    const nodes = lenet!.nodes.map((n) => (n.id === 5 ? { ...n, op: 'swizzle' } : n));
    expect(() => generateTorch({ ...lenet!, nodes } as unknown as IR)).toThrow(/node 5 \(flatten\): the torch engine has no PyTorch form for op 'swizzle'/);
  });
});
