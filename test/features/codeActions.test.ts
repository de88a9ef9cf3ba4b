import { describe, expect, it } from 'vitest';
import type { TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { provideCodeActions } from '../../server/src/features/codeActions';
import { toLspDiagnostics } from '../../server/src/features/diagnostics';
import { analyzeDocument, type AnalyzeOptions, type ObservedRun } from '../../server/src/language/index';

// Every quick fix is applied and the result analysed again: the finding it answers must be gone,
// and no error may appear in its place.
const URI = 'file:///w/model.nn';

function fixes(text: string, code: string, options: AnalyzeOptions = {}) {
  const analysis = analyzeDocument(text, { uri: URI, ...options });
  const diagnostics = toLspDiagnostics(analysis, URI, 'docs').filter((d) => d.code === code);
  expect(diagnostics.length, `no ${code} in:\n${text}`).toBeGreaterThan(0);
  return provideCodeActions(analysis, URI, diagnostics);
}

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create(URI, 'nn', 1, text), edits);
}

function fixed(text: string, code: string, pick = 0, options: AnalyzeOptions = {}): string {
  const action = fixes(text, code, options)[pick];
  expect(action, `no fix for ${code}`).toBeDefined();
  const result = apply(text, action!.edit!.changes![URI]!);
  const after = analyzeDocument(result, { uri: URI, ...options });
  expect(after.diagnostics.filter((d) => d.code === code), result).toEqual([]);
  expect(after.diagnostics.filter((d) => d.severity === 'error'), result).toEqual([]);
  return result;
}

const NET = (body: string, train = ''): string => `model Net {\n  input 1x28x28\n${body}\n}\n${train}`;
const TAIL = '  conv 32 kernel=3 padding=1 activation=relu\n  maxpool 2\n  conv 32 kernel=3 padding=1 activation=relu\n  globalavgpool\n  dense 10';

describe('quick fixes', () => {
  it('NN202: the misspelt argument becomes the one the message suggests', () => {
    expect(fixed(NET('  conv 16 kenrel=3 padding=1\n  maxpool 2\n' + TAIL), 'NN202')).toContain('conv 16 kernel=3 padding=1');
  });
  it('NN201: an unknown layer becomes the suggested one', () => {
    expect(fixed(NET('  conv 16 kernel=3 padding=1\n  maxpol 2\n' + TAIL), 'NN201')).toContain('  maxpool 2');
  });
  it('NN302: flatten is inserted before the dense layer', () => {
    expect(fixed(NET('  conv 8 kernel=3 padding=1\n  conv 8 kernel=3 padding=1\n  dense 10'), 'NN302')).toContain('  flatten\n  dense 10');
  });
  it('NN303: a projection shortcut makes the residual add up', () => {
    const text = 'model R {\n  input 16x32x32\n  residual {\n    conv 32 kernel=3 stride=2 padding=1\n  }\n  globalavgpool\n  dense 10\n}\n';
    expect(fixed(text, 'NN303')).toContain('} shortcut { conv 32 kernel=1 stride=2 bias=false; batchnorm }');
  });
  it('NN401: flatten becomes global average pooling', () => {
    const text = 'model C {\n  input 1x8x8\n  conv 64 kernel=3 padding=1\n  conv 64 kernel=3 padding=1\n  flatten\n  dense 512\n  dense 10\n}\n';
    expect(fixed(text, 'NN401')).toContain('  globalavgpool\n  dense 512');
  });
  it('NN402: a 5×5 conv becomes two stacked 3×3 convs, keeping its label', () => {
    const text = 'model W {\n  input 3x16x16\n  conv 64 kernel=3 padding=1\n  maxpool 2\n  c2: conv 128 kernel=5 padding=2 activation=relu\n  globalavgpool\n  dense 10\n}\n';
    const result = fixed(text, 'NN402');
    expect(result).toContain('  c2: conv 64 kernel=3 padding=1 activation=relu\n  conv 128 kernel=3 padding=1 activation=relu\n');
    // Same output shape, fewer weights: 64·9·64 + 64·9·128 + biases against 64·25·128 + 128.
    expect(analyzeDocument(result).models[0]!.output).toEqual(analyzeDocument(text).models[0]!.output);
  });
  it('NN403: a 1×1 bottleneck is inserted before the expensive conv', () => {
    const result = fixed('model D {\n  input 128x28x28\n  conv 256 kernel=5 padding=2 bias=false\n}\n', 'NN403');
    expect(result).toContain('  conv 32 kernel=1 activation=relu\n  conv 256 kernel=5');
    // 128·32 + 32 + 32·5·5·256 = 208,928 parameters against 819,200.
    expect(analyzeDocument(result).models[0]!.params.trainable).toBe(128 * 32 + 32 + 32 * 25 * 256);
  });
  it('NN501: LeNet-5 on MNIST gets the paper\'s padding', () => {
    const lenet = 'model L {\n  input 1x32x32\n  conv 6 kernel=5 activation=relu\n  maxpool 2\n  conv 16 kernel=5 activation=relu\n  maxpool 2\n  flatten\n  dense 10\n}\n';
    expect(fixed(`${lenet}train L {\n  data mnist\n  validation 0.1\n}\n`, 'NN501')).toContain('data mnist pad=2');
    expect(fixed(`${lenet}train L {\n  data mnist\n  validation 0.1\n}\n`, 'NN501', 1)).toContain('data mnist resize=32x32');
  });
  it('NN504 on an adam line: weight decay is added and adam becomes adamw', () => {
    const wide = 'model Wide {\n  input 3x32x32\n  conv 64 kernel=3 padding=1 activation=relu\n  maxpool 2\n  conv 128 kernel=3 padding=1 activation=relu\n  maxpool 2\n  conv 256 kernel=3 padding=1 activation=relu\n  globalavgpool\n  dense 512 activation=relu\n  dense 10\n}\n';
    const text = `${wide}train Wide {\n  data synthetic samples=500 classes=10\n  validation 0.1\n  epochs 40\n  batch 16\n  optimizer adam lr=1e-3\n}\n`;
    const decay = fixes(text, 'NN504').find((f) => f.title === 'Add weight decay to the optimizer')!;
    expect(apply(text, decay.edit!.changes![URI]!)).toContain('  optimizer adamw lr=1e-3 weight_decay=0.01\n');
  });
  it('NN503 and NN509: the loss and the optimizer that fit', () => {
    const train = (lines: string): string => NET('  conv 16 kernel=3 padding=1 activation=relu\n  maxpool 2\n' + TAIL, `train Net {\n  data mnist\n  validation 0.1\n${lines}\n}\n`);
    expect(fixed(train('  loss mse'), 'NN503')).toContain('  loss crossentropy');
    expect(fixed(train('  optimizer adam lr=1e-3 weight_decay=1e-4'), 'NN509')).toContain('optimizer adamw lr=1e-3 weight_decay=1e-4');
  });
  it('NN510, NN505 and NN504: lines are added to the train block', () => {
    const base = NET('  conv 16 kernel=3 padding=1 activation=relu\n  maxpool 2\n' + TAIL);
    expect(fixed(`${base}train Net {\n  data mnist\n  epochs 5\n}\n`, 'NN510')).toContain('  epochs 5\n  validation 0.1\n}');
    expect(fixed(`${base}train Net {\n  data mnist\n  epochs 60\n  validation 0.1\n  early_stop patience=3\n}\n`.replace('  validation 0.1\n  early_stop patience=3\n', ''), 'NN505')).toContain('early_stop patience=5');
    const wide = 'model Wide {\n  input 3x32x32\n  conv 64 kernel=3 padding=1 activation=relu\n  maxpool 2\n  conv 128 kernel=3 padding=1 activation=relu\n  maxpool 2\n  conv 256 kernel=3 padding=1 activation=relu\n  globalavgpool\n  dense 512 activation=relu\n  dense 10\n}\n';
    // Regularising 1,128 parameters per sample lowers the risk from high to medium; more data would end it.
    const wideText = `${wide}train Wide {\n  data synthetic samples=500 classes=10\n  validation 0.1\n  epochs 40\n  batch 16\n}\n`;
    expect(analyzeDocument(wideText).trains[0]!.verdict!.overfitting).toBe('high');
    const regularised = apply(wideText, fixes(wideText, 'NN504')[0]!.edit!.changes![URI]!);
    expect(regularised).toContain('  early_stop patience=5\n  augment hflip\n}');
    expect(analyzeDocument(regularised).trains[0]!.verdict!.overfitting).toBe('medium');
    const [, decay, dropout] = fixes(wideText, 'NN504');
    expect(decay!.title).toBe('Add weight decay (adamw)');
    const decayed = apply(wideText, decay!.edit!.changes![URI]!);
    expect(decayed).toContain('  optimizer adamw lr=1e-3 weight_decay=0.01\n');
    expect(analyzeDocument(decayed).trains[0]!.verdict!.overfitting).toBe('medium');
    const dropped = apply(wideText, dropout!.edit!.changes![URI]!);
    expect(dropped).toContain('  dropout 0.5\n  dense 10\n');
    expect(analyzeDocument(dropped).trains[0]!.verdict!.overfitting).toBe('medium');
  });

  describe('observed runs (NN6xx): the fix changes the setting the run blamed, so the diagnosis stands down', () => {
    const net = NET('  conv 8 kernel=3 padding=1 activation=relu\n  maxpool 2\n  flatten\n  dense 10');
    const train = (lines: string) => `${net}train Net {\n  data synthetic samples=256 classes=10\n  validation 0.25\n${lines}\n}\n`;
    const run = (settings: ObservedRun['settings'], kind: ObservedRun['diagnoses'][number]['kind'], setting: string): AnalyzeOptions => ({
      observed: () => ({ name: '20261128-101500', dir: '/w/runs/Net/20261128-101500', status: 'completed', settings, epochs: 9, bestEpoch: 5, bestValAccuracy: 0.6, lastAccuracy: 0.99, testAccuracy: null, diagnoses: [{ kind, epoch: 9, setting, message: 'm' }] }),
    });
    it('NN601: epochs become the best epoch; or early stopping', () => {
      const text = train('  epochs 40');
      const options = run({ epochs: 40 }, 'overfitting', 'epochs');
      expect(fixes(text, 'NN601', options).map((f) => f.title)).toEqual(["Set epochs to 5 (the run's best epoch)", 'Add early stopping (patience 3)', 'Insert dropout 0.5 before the classifier']);
      expect(fixed(text, 'NN601', 0, options)).toContain('  epochs 5\n');
    });
    it('NN603: the learning rate a tenth, where it is written or on the optimizer line', () => {
      expect(fixed(train('  epochs 5\n  optimizer sgd lr=10'), 'NN603', 0, run({ lr: 10, optimizer: 'sgd' }, 'divergence', 'optimizer.lr'))).toContain('optimizer sgd lr=1\n');
      expect(fixed(train('  epochs 5\n  optimizer sgd'), 'NN603', 0, run({ lr: 0.01, optimizer: 'sgd' }, 'divergence', 'optimizer.lr'))).toContain('optimizer sgd lr=0.001\n');
    });
    it('NN602: ten times larger or smaller', () => {
      const text = train('  epochs 5\n  optimizer sgd lr=0.00001');
      const options = run({ lr: 0.00001, optimizer: 'sgd' }, 'underfitting', 'optimizer.lr');
      expect(fixes(text, 'NN602', options).map((f) => f.title)).toEqual(['Raise the learning rate 10× to 0.0001', 'Lower the learning rate 10× to 0.000001']);
      expect(fixed(text, 'NN602', 0, options)).toContain('lr=0.0001\n');
    });
    it('NN604: a cosine schedule, or a lower learning rate', () => {
      const text = train('  epochs 12\n  optimizer sgd lr=0.01');
      const options = run({ lr: 0.01, optimizer: 'sgd' }, 'plateau', 'optimizer.lr');
      expect(fixes(text, 'NN604', options)[0]!.title).toBe('Add a cosine learning-rate schedule');
      expect(fixed(text, 'NN604', 1, options)).toContain('lr=0.001\n');
    });
  });
});
