import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeDocument } from '../server/src/language/index';
import { THRESHOLDS } from '../server/src/language/thresholds';

// Architecture advice (NN4xx): for every rule a file that triggers it (test/diagnostics.test.ts
// has those, with exact ranges) and here a near miss that must not, plus the lessons the classic
// networks in examples/ are there to teach.
const codes = (text: string): string[] => analyzeDocument(text).diagnostics.map((d) => d.code);
const advice = (text: string): string[] => codes(text).filter((c) => c.startsWith('NN4'));

describe('near misses draw no advice', () => {
  it('NN401: a dominant dense layer under a million parameters (LeNet-5 sized)', () => {
    // 16·8·8 = 1,024 features · 900 + 900 = 922,500 parameters: most of the model, under a million.
    expect(advice('model M {\n input 1x8x8\n conv 16 kernel=3 padding=1\n conv 16 kernel=3 padding=1\n flatten\n dense 900\n dense 10\n}')).toEqual([]);
  });
  it('NN401: a million-parameter dense layer that holds under half of the model', () => {
    const text = 'model M {\n input 1x8x8\n conv 64 kernel=3 padding=1\n conv 4096 kernel=3 padding=1\n globalavgpool\n dense 256\n dense 10\n}';
    expect(advice(text)).toEqual([]);
  });
  it('NN402: a 5×5 stem, and a 5×5 on fewer than 64 channels', () => {
    expect(advice('model M {\n input 3x16x16\n conv 64 kernel=5 padding=2\n maxpool 2\n conv 64 kernel=5 padding=2 groups=2\n conv 32 kernel=3 padding=1\n maxpool 2\n conv 48 kernel=5 padding=2\n globalavgpool\n dense 10\n}')).toEqual([]);
  });
  it('NN403: a 5×5 conv on 127 channels, and a 3×3 on 512', () => {
    expect(advice('model M {\n input 127x8x8\n conv 64 kernel=5 padding=2\n}')).toEqual([]);
    expect(advice('model M {\n input 512x8x8\n conv 512 kernel=3 padding=1\n}')).toEqual([]);
  });
  it('NN404: exactly 20 weight layers, and 40 in residual pairs', () => {
    expect(advice('model M {\n input 3x32x32\n repeat 19 { conv 16 kernel=3 padding=1 activation=relu }\n globalavgpool\n dense 10\n}')).toEqual([]);
    const residual = 'model M {\n input 16x32x32\n repeat 20 { residual { conv 16 kernel=3 padding=1; relu; conv 16 kernel=3 padding=1 } }\n globalavgpool\n dense 10\n}';
    expect(advice(residual)).toEqual([]);
  });
  it('NN405: a sigmoid only on the output', () => {
    expect(advice('model M {\n input 1x8x8\n conv 8 kernel=3 padding=1 activation=relu\n conv 8 kernel=3 padding=1 activation=relu\n globalavgpool\n dense 1 activation=sigmoid\n}')).toEqual([]);
  });
  it('NN406: a field of exactly half the input, a feature-map input, and a model still being written', () => {
    // 3×3, pool 2, 3×3: 3, 4, 8 on 16×16 — exactly half.
    expect(advice('model M {\n input 3x16x16\n conv 8 kernel=3 padding=1\n maxpool 2\n conv 8 kernel=3 padding=1\n globalavgpool\n dense 10\n}')).toEqual([]);
    expect(advice('model M {\n input 64x64x64\n conv 8 kernel=3 padding=1\n globalavgpool\n dense 10\n}')).toEqual([]);
    expect(advice('model M {\n input 3x64x64\n conv 8 kernel=3 padding=1\n maxpool 2\n}')).toEqual([]);
  });
  it('NN407: a 3×3 conv on 3×3, and a 2×2 window with stride 2 at the input', () => {
    expect(advice('model M {\n input 1x6x6\n conv 8 kernel=2 stride=2\n conv 8 kernel=3 padding=1\n flatten\n dense 10\n}')).toEqual([]);
  });
});

describe('severity follows depth', () => {
  it('NN405 is a warning in a deep stack, and suggests batch norm when there is none', () => {
    const deep = analyzeDocument('model M {\n input 1x32x32\n repeat 10 { conv 8 kernel=3 padding=1 activation=tanh }\n globalavgpool\n dense 10\n}');
    const finding = deep.diagnostics.find((d) => d.code === 'NN405')!;
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('11 weight layers deep');
    expect(finding.message).toContain('batchnorm');
  });
});

describe('the classic networks draw the lessons their papers teach', () => {
  const lessons = (file: string): Map<string, string[]> => {
    const text = readFileSync(join(__dirname, '..', 'examples', file), 'utf8');
    const analysis = analyzeDocument(text, { uri: file });
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const byModel = new Map<string, string[]>();
    for (const d of analysis.diagnostics) {
      const model = String(d.data?.model ?? '?');
      byModel.set(model, [...(byModel.get(model) ?? []), d.code]);
    }
    return byModel;
  };

  it("AlexNet's dense layers are flagged: 37.7M of 61.1M (62%)", () => {
    const alexnet = analyzeDocument(readFileSync(join(__dirname, '../examples/alexnet.nn'), 'utf8'));
    const dense = alexnet.diagnostics.filter((d) => d.code === 'NN401');
    expect(dense.map((d) => d.data?.model)).toEqual(['AlexNet', 'AlexNet2012']);
    expect(dense[0]!.message).toContain('37,752,832 of the model\'s 61,100,840 parameters (62%)');
    expect(lessons('alexnet.nn').get('AlexNet')).toEqual(['NN402', 'NN401']);
  });

  it("ResNet's deep stacks are not flagged", () => {
    expect([...lessons('resnet.nn').values()].flat()).toEqual([]);
  });

  it("LeNet-5's tanh and sigmoid are noted only as a hint", () => {
    const lenet = analyzeDocument(readFileSync(join(__dirname, '../examples/lenet5.nn'), 'utf8'));
    expect(lenet.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['NN405 hint']);
  });

  it('VGG-16 is flagged for its dense layer, the Inception example for its 5×5 on 128 channels, and nothing else', () => {
    expect(lessons('vgg16.nn').get('VGG16')).toEqual(['NN401']);
    expect([...lessons('inception_bottleneck.nn')]).toEqual([['Direct5x5', ['NN403']]]);
    expect([...lessons('dilated.nn').values()].flat()).toEqual([]);
    expect([...lessons('encoder_decoder.nn').values()].flat()).toEqual([]);
  });

  it('GoogLeNet is flagged for depth: 22 weight layers without shortcuts', () => {
    const g = lessons('googlenet.nn');
    expect(g.get('GoogLeNet')).toEqual(['NN404']);
    expect(g.get('GoogLeNetTorchvision')).toEqual(['NN404']);
  });
});

describe('docs/advice.md', () => {
  it('explains every threshold in the table, with its value', () => {
    const doc = readFileSync(join(__dirname, '../docs/advice.md'), 'utf8');
    for (const [name, threshold] of Object.entries(THRESHOLDS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
      expect(row, `docs/advice.md has no row for ${name}`).toBeDefined();
      expect(row!.replace(/[,_]/g, '')).toContain(String(threshold.value));
    }
  });
});
