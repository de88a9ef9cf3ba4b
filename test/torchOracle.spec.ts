// Holds the analyzer's numbers for the example networks against PyTorch's own modules: the CLI's
// `summary --json` beside test/oracle/*.py, which build the same networks with torchvision or torch.nn.
// PyTorch is required: CI installs it, and without it this suite fails rather than skips.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const CLI = 'dist/netlens.js';
// Building VGG-16 and ResNet-50 and running a 224x224 sample through each takes a while on two slow cores.
const PYTHON_TIMEOUT_MS = 300_000;

interface OracleLayer { kind: string; type: string; params: number; nonTrainable: number; output: number[]; macs: number }
interface OracleModel { input: number[]; params: number; bnRunning: number; output: number[]; macs: number; layers: OracleLayer[] }

interface SummaryLayer {
  path: string; label: string | null; op: string; line: number;
  output: number[]; params: number; nonTrainableParams: number; macs: number;
}
interface SummaryModel {
  name: string; input: number[]; output: number[];
  params: { trainable: number; nonTrainable: number; total: number };
  macs: number; layers: SummaryLayer[];
}
interface Summary { models: SummaryModel[]; diagnostics: Array<{ severity: string; code: string; line: number; message: string }> }

interface Case {
  script: 'torch_models.py' | 'lenet.py';
  oracle: string;
  file: string;
  model: string;
  // LeNet's sub-sampling multiplies by a coefficient; whether that counts as MACs is a convention
  // the published table does not settle, so its total is compared only layer by layer (conv, dense).
  totalMacs: boolean;
}

const CASES: Case[] = [
  { script: 'lenet.py', oracle: 'lenet5', file: 'examples/lenet5.nn', model: 'LeNet5', totalMacs: false },
  { script: 'lenet.py', oracle: 'lenet5modern', file: 'examples/lenet5.nn', model: 'LeNet5Modern', totalMacs: true },
  { script: 'torch_models.py', oracle: 'alexnet', file: 'examples/alexnet.nn', model: 'AlexNet', totalMacs: true },
  { script: 'torch_models.py', oracle: 'alexnet2012', file: 'examples/alexnet.nn', model: 'AlexNet2012', totalMacs: true },
  { script: 'torch_models.py', oracle: 'vgg16', file: 'examples/vgg16.nn', model: 'VGG16', totalMacs: true },
  { script: 'torch_models.py', oracle: 'googlenet', file: 'examples/googlenet.nn', model: 'GoogLeNetTorchvision', totalMacs: true },
  { script: 'torch_models.py', oracle: 'resnet18', file: 'examples/resnet.nn', model: 'ResNet18', totalMacs: true },
  { script: 'torch_models.py', oracle: 'resnet34', file: 'examples/resnet.nn', model: 'ResNet34', totalMacs: true },
  { script: 'torch_models.py', oracle: 'resnet50', file: 'examples/resnet.nn', model: 'ResNet50', totalMacs: true },
  { script: 'torch_models.py', oracle: 'encoder_decoder', file: 'examples/encoder_decoder.nn', model: 'EncoderDecoder', totalMacs: true },
  { script: 'torch_models.py', oracle: 'dilated', file: 'examples/dilated.nn', model: 'Dilated', totalMacs: true },
];

// The NetLens ops that correspond one to one with the torch modules the oracle hooks.
const MATCHED_OPS = new Set(['conv', 'deconv', 'dense', 'batchnorm', 'lrn', 'subsample']);
// Only these carry MACs under the published convention (conv and dense; see published.md).
const MAC_OPS = new Set(['conv', 'deconv', 'dense']);

function pythonInterpreter(): string {
  if (process.env.NETLENS_PYTHON) return process.env.NETLENS_PYTHON;
  if (existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  return 'python3';
}

function runOracle(python: string, script: string, names: string[]): Record<string, OracleModel> {
  const res = spawnSync(python, [path.join('test', 'oracle', script), ...names], {
    cwd: ROOT, encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw new Error(`${python} ${script} ${names.join(' ')} failed to run: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${python} ${script} ${names.join(' ')} exited with ${res.status}:\n${res.stderr}`);
  return JSON.parse(res.stdout) as Record<string, OracleModel>;
}

function runSummary(file: string, model: string): SummaryModel {
  const res = spawnSync(process.execPath, [CLI, 'summary', file, '--model', model, '--json'], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw new Error(`netlens summary ${file} --model ${model} failed to run: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`netlens summary ${file} --model ${model} exited with ${res.status}:\n${res.stderr}`);
  const summary = JSON.parse(res.stdout) as Summary;
  const found = summary.models.find((m) => m.name === model);
  if (!found) throw new Error(`netlens summary ${file} --model ${model} printed no model ${model}; diagnostics: ${JSON.stringify(summary.diagnostics)}`);
  return found;
}

/** What both sides can say about a layer; MACs only where the convention counts them. */
function project(op: string, params: number, nonTrainable: number, output: number[], macs: number) {
  return MAC_OPS.has(op) ? { op, params, nonTrainable, output, macs } : { op, params, nonTrainable, output };
}

const oracle = new Map<string, OracleModel>();
const netlens = new Map<string, SummaryModel>();

beforeAll(() => {
  const python = pythonInterpreter();
  const probe = spawnSync(python, ['-c', 'import torch, torchvision; print(torch.__version__)'], {
    encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS,
  });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `PyTorch and torchvision are required for test/torchOracle.spec.ts, but \`${python} -c "import torch, torchvision"\` failed` +
      ` (${probe.error?.message ?? probe.stderr.trim()}). Install them (Debian: apt-get install python3-torch python3-torchvision)` +
      ' or point NETLENS_PYTHON at an interpreter that has them.',
    );
  }
  if (!existsSync(path.join(ROOT, CLI))) {
    throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
  }
  // One python process per script, each building all of its networks once.
  for (const script of ['torch_models.py', 'lenet.py'] as const) {
    const names = CASES.filter((c) => c.script === script).map((c) => c.oracle);
    for (const [name, result] of Object.entries(runOracle(python, script, names))) oracle.set(name, result);
  }
  for (const c of CASES) netlens.set(c.model, runSummary(c.file, c.model));
}, PYTHON_TIMEOUT_MS * 2 + 120_000);

describe.each(CASES)('$model ($file) against PyTorch', (c) => {
  const both = () => ({ ours: netlens.get(c.model)!, torch: oracle.get(c.oracle)! });

  it('has the same input and output shapes', () => {
    const { ours, torch } = both();
    expect(ours.input).toEqual(torch.input);
    expect(ours.output).toEqual(torch.output);
  });

  it('has the same trainable parameter count', () => {
    const { ours, torch } = both();
    expect(ours.params.trainable).toBe(torch.params);
  });

  it('counts batch-norm running statistics as its non-trainable parameters', () => {
    const { ours, torch } = both();
    expect(ours.params.nonTrainable).toBe(torch.bnRunning);
    expect(ours.params.total).toBe(torch.params + torch.bnRunning);
  });

  it('matches layer by layer: op, parameters, output shape, MACs', () => {
    const { ours, torch } = both();
    const mine = ours.layers.filter((l) => MATCHED_OPS.has(l.op));
    const where = mine.map((l) => `${l.op}@${l.line}`).join(' ');
    expect(mine.length, `NetLens layers (${where}) vs torch modules (${torch.layers.map((l) => l.type).join(' ')})`)
      .toBe(torch.layers.length);
    for (let i = 0; i < Math.min(mine.length, torch.layers.length); i++) {
      const a = mine[i];
      const b = torch.layers[i];
      expect(
        project(a.op, a.params, a.nonTrainableParams, a.output, a.macs),
        `layer ${i} of ${c.model}: ${a.path} (${c.file}:${a.line}) vs torch ${b.type}`,
      ).toEqual(project(b.kind, b.params, b.nonTrainable, b.output, b.macs));
    }
  });

  if (c.totalMacs) {
    it('has the same MAC total (conv and dense)', () => {
      const { ours, torch } = both();
      expect(ours.macs).toBe(torch.macs);
    });
  }
});
