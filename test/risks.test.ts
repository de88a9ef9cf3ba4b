import { describe, expect, it } from 'vitest';
import { analyzeDocument, type DataFacts } from '../server/src/language/index';

// Training risks (NN5xx): test/diagnostics.test.ts has a file that triggers each rule, with its
// exact range; here are the near misses that must not, and the verdicts they add up to.
const NET = `model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10
}
`;
const risks = (train: string, model = NET): string[] => analyzeDocument(`${model}train Net {\n${train}\n}\n`).diagnostics.filter((d) => d.code.startsWith('NN5')).map((d) => d.code);
const verdict = (train: string, model = NET) => analyzeDocument(`${model}train Net {\n${train}\n}\n`).trains[0]!.verdict!;

describe('near misses draw no risk', () => {
  it('a watched, reasonable MNIST run is clean, with MNIST known without reading a file', () => {
    expect(risks('  data mnist\n  validation 0.1\n  epochs 5\n  batch 64')).toEqual([]);
    // 54,000 training samples after a 10% split: 5 × ⌈54,000 / 64⌉ = 5 × 844 = 4,220 steps.
    expect(verdict('  data mnist\n  validation 0.1\n  epochs 5\n  batch 64')).toMatchObject({ trainSamples: 54_000, steps: 4_220, overfitting: 'low', underfitting: 'low' });
  });
  it('NN501: LeNet-5 on MNIST padded by 2, as the paper did', () => {
    const lenet = NET.replace('input 1x28x28', 'input 1x32x32');
    expect(risks('  data mnist pad=2\n  validation 0.1\n  epochs 5', lenet)).toEqual([]);
    expect(risks('  data mnist resize=32x32\n  validation 0.1\n  epochs 5', lenet)).toEqual([]);
  });
  it('NN502/NN503: one sigmoid unit with bce on two classes', () => {
    const binary = NET.replace('dense 10', 'dense 1 activation=sigmoid');
    expect(risks('  data synthetic samples=20000 classes=2 shape=1x28x28\n  validation 0.1\n  epochs 5\n  loss bce', binary)).toEqual([]);
  });
  it('NN504: 99 parameters per sample with no regulariser; 999 with dropout', () => {
    // Net has 14,378 parameters: 14,378 / 99 per sample needs 146 samples or more.
    expect(risks('  data synthetic samples=163 classes=10\n  validation 0.1\n  epochs 400\n  batch 16\n  early_stop patience=5')).toEqual([]);
  });
  it('NN505: 1,000 steps exactly, and 50 epochs watched by validation', () => {
    // 54,000 / 54 = 1,000 steps in one epoch.
    expect(risks('  data mnist\n  validation 0.1\n  epochs 1\n  batch 54')).toEqual([]);
    expect(risks('  data mnist\n  validation 0.1\n  epochs 50\n  batch 64')).toEqual([]);
  });
  it('NN506/NN507: adam at 3e-3, sgd at 0.1 with warm-up and a large batch', () => {
    expect(risks('  data mnist\n  validation 0.1\n  epochs 5\n  optimizer adam lr=3e-3')).toEqual([]);
    expect(risks('  data mnist\n  validation 0.1\n  epochs 60\n  batch 1024\n  optimizer sgd lr=0.4 momentum=0.9\n  schedule warmup epochs=5')).toEqual([]);
  });
  it('NN508/NN509: dropout 0.5, and adamw with weight decay', () => {
    const dropped = NET.replace('  dense 10', '  dropout 0.5\n  dense 10');
    expect(risks('  data mnist\n  validation 0.1\n  epochs 5\n  optimizer adamw lr=1e-3 weight_decay=0.01', dropped)).toEqual([]);
  });
});

describe('verdicts', () => {
  it('61M parameters on 5,000 images with no regularisation: overfitting risk high', () => {
    const alexnetSized = 'model Net {\n  input 3x64x64\n  conv 64 kernel=3 padding=1\n  maxpool 4\n  flatten\n  dense 3700 activation=relu\n  dense 10\n}\n';
    const v = verdict('  data synthetic samples=5000 classes=10\n  validation 0.1\n  epochs 30', alexnetSized);
    expect(v.overfitting).toBe('high');
    expect(v.findings.find((f) => f.code === 'NN504')!.reason).toMatch(/^[\d,]+ parameters per sample, no regularisation$/);
  });
  it('too few steps and a tiny rate: underfitting risk medium', () => {
    const v = verdict('  data mnist\n  validation 0.1\n  epochs 1\n  batch 512\n  optimizer adam lr=1e-6');
    expect(v.underfitting).toBe('medium');
    expect(v.findings.map((f) => f.code).sort()).toEqual(['NN505', 'NN506']);
  });
  it('file-backed data uses the facts reader the caller passes', () => {
    const facts: DataFacts = { samples: 500, classes: 10, shape: [1, 28, 28], name: 'digits.csv' };
    const analysis = analyzeDocument(`${NET}train Net {\n  data csv("digits.csv", label="y")\n  validation 0.1\n  epochs 200\n  batch 8\n}\n`, { dataFacts: () => facts });
    // 14,378 parameters / 450 samples = 32 per sample: low; 200 epochs are watched by validation.
    expect(analysis.trains[0]!.verdict).toMatchObject({ trainSamples: 450, steps: 200 * 57, overfitting: 'low' });
    expect(analyzeDocument(`${NET}train Net {\n  data csv("digits.csv", label="y")\n  validation 0.1\n}\n`).trains[0]!.verdict!.facts).toBeUndefined();
  });
});
