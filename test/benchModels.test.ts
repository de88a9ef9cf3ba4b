// The benchmark's models (bench/models/) are the networks they claim to be: `netlens summary --json`,
// run in process through the CLI's own entry, counts pytorch/examples mnist/main.py's Net exactly
// (1,199,882 parameters, as PyTorch's model.parameters() counts them).
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { main } from '../runtime/src/cli';

const MODELS = path.resolve(__dirname, '..', 'bench', 'models');

interface SummaryModel {
  name: string;
  output: number[] | null;
  params: { trainable: number; nonTrainable: number; total: number };
  layers: Array<{ op: string; params: number }>;
}

function summaryJson(file: string): { code: number; models: SummaryModel[]; errors: string[] } {
  let out = '';
  const code = main(['summary', path.join(MODELS, file), '--json'], { out: (t) => (out += t), err: () => {}, cwd: MODELS });
  const json = JSON.parse(out) as { models: SummaryModel[]; diagnostics: Array<{ severity: string; code: string; message: string }> };
  return { code, models: json.models, errors: json.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`) };
}

describe('bench/models', () => {
  it.each(['pytorch_mnist.nn', 'pytorch_mnist_tfjs.nn'])('%s is pytorch/examples MNIST Net: 1,199,882 parameters', (file) => {
    const { code, models, errors } = summaryJson(file);
    expect(code).toBe(0);
    expect(errors).toEqual([]);
    const net = models.find((m) => m.name === 'Net')!;
    expect(net.params).toEqual({ trainable: 1_199_882, nonTrainable: 0, total: 1_199_882 });
    expect(net.output).toEqual([10]);
    // conv1 320, conv2 18,496, fc1 1,179,776, fc2 1,290: main.py's layers one for one
    expect(net.layers.filter((l) => l.params > 0).map((l) => [l.op, l.params])).toEqual([
      ['conv', 320], ['conv', 18_496], ['dense', 1_179_776], ['dense', 1_290],
    ]);
  });
});
