// One focused case per diagnostic code (the table CASES, checked against CODES), then the
// situations around them: recovery after syntax errors, "did you mean", related information,
// the limits that keep hostile input fast, and a sweep of broken files that must never throw.
// Ranges are marked in the fixtures with ‹…›; every expected number is worked out by hand from
// docs/language.md's formulas, never read back from NetLens.
import { describe, expect, it } from 'vitest';
import { analyzeDocument, CODES, type Analysis, type Code, type Diagnostic, type Severity, type ObservedRun, type Span } from '../server/src/language/index';
import { markers, slice } from './helpers/markers';

// ── helpers ─────────────────────────────────────────────────────────────────────

/** What every analysis must satisfy, whatever the input: known codes, messages, ranges inside the text. */
function expectWellFormed(analysis: Analysis): void {
  const { text } = analysis;
  const inside = (span: Span): boolean => Number.isInteger(span.start) && Number.isInteger(span.end) && 0 <= span.start && span.start <= span.end && span.end <= text.length;
  for (const d of analysis.diagnostics) {
    const where = `${d.code} [${d.span.start},${d.span.end}] ${d.message}`;
    expect(Object.keys(CODES), where).toContain(d.code);
    // NN405 is a hint that becomes a warning in a deep stack; every other code keeps its table severity.
    if (d.code === 'NN405') expect(['hint', 'warning'], where).toContain(d.severity);
    else expect(d.severity, where).toBe(CODES[d.code].severity);
    expect(d.message.trim().length, where).toBeGreaterThan(0);
    expect(inside(d.span), `${where}: range outside the ${text.length}-character text`).toBe(true);
    for (const r of d.related ?? []) {
      expect(r.message.trim().length, where).toBeGreaterThan(0);
      if (r.uri === analysis.uri) expect(inside(r.span), `${where}: related range outside the text`).toBe(true);
    }
  }
}

/** A diagnostic reduced to what a test compares, with the text its range covers. */
function brief(text: string, d: { span: Span }): { span: Span; covers: string } {
  return { span: d.span, covers: slice(text, d.span) };
}

interface Checked {
  analysis: Analysis;
  diagnostic: Diagnostic;
  text: string;
  ranges: Span[];
}

interface Expectation {
  severity: Severity;
  /** Parts of the message that matter: the numbers and words a reader needs. */
  message: string[];
  /** Which marked range the diagnostic covers (default 0); the others are for related information. */
  at?: number;
  /** Other codes the file must report, in order of position; by default there are none. */
  others?: Code[];
  /** Codes that may also appear, without being required (a follow-on the core might drop). */
  allow?: Code[];
}

/** Analyse a marked fixture and check the one diagnostic with `code`: its range, severity and message. */
function check(fixture: string, code: Code, expected: Expectation, observed?: ObservedRun): Checked {
  const { text, ranges } = markers(fixture);
  const analysis = analyzeDocument(text, observed ? { observed: () => observed } : {});
  expectWellFormed(analysis);
  const range = ranges[expected.at ?? 0];
  if (!range) throw new Error(`the fixture for ${code} marks no range ${expected.at ?? 0}`);
  const all = analysis.diagnostics.map((d) => `${d.code} ${JSON.stringify(slice(text, d.span))}: ${d.message}`).join('\n');
  const matching = analysis.diagnostics.filter((d) => d.code === code);
  expect(matching.map((d) => brief(text, d)), `diagnostics:\n${all}`).toEqual([brief(text, { span: range })]);
  const diagnostic = matching[0]!;
  expect(diagnostic.severity).toBe(expected.severity);
  for (const part of expected.message) expect(diagnostic.message).toContain(part);
  const allowed = new Set(expected.allow ?? []);
  // Advice and training risks (NN4xx, NN5xx) are judged on top of a file's errors; a case about
  // something else ignores them unless it lists them.
  const judged = (c: Code): boolean => (c.startsWith('NN4') || c.startsWith('NN5') || c.startsWith('NN6')) && c !== code && !(expected.others ?? []).includes(c);
  const others = analysis.diagnostics.filter((d) => d.code !== code && !allowed.has(d.code) && !judged(d.code)).map((d) => d.code);
  expect(others, `diagnostics:\n${all}`).toEqual(expected.others ?? []);
  return { analysis, diagnostic, text, ranges };
}

/** The related information of a diagnostic as ranges with their covered text. */
function relatedOf(checked: Checked): Array<{ span: Span; covers: string }> {
  return (checked.diagnostic.related ?? []).map((r) => brief(checked.text, r));
}

function expectRelated(checked: Checked, ...indices: number[]): void {
  expect(relatedOf(checked)).toEqual(indices.map((i) => brief(checked.text, { span: checked.ranges[i]! })));
}

function model(analysis: Analysis, name: string): Analysis['models'][number] {
  const found = analysis.models.find((m) => m.name === name);
  if (!found) throw new Error(`no model ${name}; models: ${analysis.models.map((m) => m.name).join(', ')}`);
  return found;
}

function time<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

// ── generated fixtures ──────────────────────────────────────────────────────────

/** 70 nested `repeat 1 {` bodies; the model body is level 1, so the 64th repeat's `{` opens level 65. */
function nestedRepeats(depth: number, markAt: number): string {
  const lines = ['model Deep {', '  input 1x32x32'];
  for (let i = 1; i <= depth; i++) lines.push(`${'  '.repeat(i)}repeat 1 ${i === markAt ? '‹{›' : '{'}`);
  lines.push(`${'  '.repeat(depth + 1)}relu`);
  for (let i = depth; i >= 1; i--) lines.push(`${'  '.repeat(i)}}`);
  lines.push('}');
  return lines.join('\n');
}

/** `block B0 { B1 }` … `block B69 { B70 }`: the model's call of B0 reaches B64 at depth 65. */
function chainedBlocks(count: number, markCallOf: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`block B${i} { ${i + 1 === markCallOf ? `‹B${i + 1}›` : `B${i + 1}`} }`);
  lines.push(`block B${count} { relu }`, 'model Tower {', '  input 1x32x32', '  B0', '}');
  return lines.join('\n');
}

const backtick = '`';

// ── observed runs (NN6xx) ───────────────────────────────────────────────────────

const SMALL_NET = `model Net {
  input 1x28x28
  conv 8 kernel=3 padding=1 activation=relu
  maxpool 2
  dropout 0.25
  flatten
  dense 10
}`;

/** A finished run of Net (15,770 parameters: 8·9 + 8 = 80, 8·14·14·10 + 10 = 15,690). */
function observedRun(settings: ObservedRun['settings'], diagnoses: ObservedRun['diagnoses']): ObservedRun {
  return { name: '20261128-101500', dir: '/tmp/runs/Net/20261128-101500', status: 'completed', settings, params: 15_770, epochs: 9, totalEpochs: settings.epochs, bestEpoch: 5, bestValAccuracy: 0.62, lastAccuracy: 0.99, testAccuracy: 0.6, diagnoses };
}

describe('markers', () => {
  it('removes ‹ › and gives each range in the clean text, in the order the ranges open', () => {
    expect(markers('conv 6 ‹kenrel›=5 ‹‹a›b›')).toEqual({ text: 'conv 6 kenrel=5 ab', ranges: [{ start: 7, end: 13 }, { start: 16, end: 18 }, { start: 16, end: 17 }] });
    expect(markers('‹›x')).toEqual({ text: 'x', ranges: [{ start: 0, end: 0 }] });
  });

  it('refuses unbalanced markers', () => {
    expect(() => markers('a›')).toThrow();
    expect(() => markers('‹a')).toThrow();
  });
});

// ── one case per code ───────────────────────────────────────────────────────────

interface Case extends Expectation {
  fixture: string;
  /** Further assertions on the same analysis. */
  also?: (checked: Checked) => void;
  /** Upper bound on the analysis time, for the limits that exist to keep hostile input fast. */
  maxMs?: number;
  /** The latest training run the reader returns (NN6xx). */
  observed?: ObservedRun;
}

const CASES = {
  NN101: {
    severity: 'error',
    fixture: `
model LeNet {
  input 1x32x32
  conv 6 kernel=5 ‹{› relu }
}`,
    message: ['expected the end of the statement', "found '{'"],
    // The layer before the stray '{' is kept: 1·5·5·6 + 6 = 156 parameters, 32 − 5 + 1 = 28.
    also: ({ analysis }) => {
      expect(model(analysis, 'LeNet').output).toEqual([6, 28, 28]);
      expect(model(analysis, 'LeNet').params.trainable).toBe(156);
    },
  },
  NN102: {
    severity: 'error',
    // The range is the end of the line where the value should have been.
    fixture: `
model LeNet {
  input 1x32x32
  conv 6 kernel=‹\n›  relu
}`,
    message: ['missing value', "'kernel'"],
    also: ({ analysis }) => expect(model(analysis, 'LeNet').layers.map((l) => l.op)).toEqual(['conv', 'relu']),
  },
  NN103: {
    severity: 'error',
    fixture: `
model A ‹{›
  input 1x32x32
  conv 6 kernel=5

‹model› B {
  input 1x28x28
  flatten
  dense 10
}`,
    at: 1,
    message: ["'{' of model A is never closed", "before 'model'"],
    also: (checked) => {
      expectRelated(checked, 0);
      // B is analysed in full: 784·10 + 10 = 7,850 parameters.
      expect(model(checked.analysis, 'B').params.trainable).toBe(7850);
      expect(model(checked.analysis, 'B').output).toEqual([10]);
    },
  },
  NN104: {
    severity: 'error',
    fixture: `
model VGG {
  input ‹3x224x›
  relu
}`,
    message: ["'3x224x'", 'like 3x224x224'],
  },
  NN105: {
    severity: 'error',
    fixture: `
let ROOT = ‹"data/train›
model Net {
  input 1x28x28
}`,
    message: ['unterminated string', '"'],
    also: ({ analysis }) => expect(model(analysis, 'Net').output).toEqual([1, 28, 28]),
  },
  NN106: {
    severity: 'error',
    fixture: `
model Net {
  input 1x28x28
  dropout ‹0.5.1›
}`,
    message: ["malformed number '0.5.1'"],
  },
  NN107: {
    severity: 'error',
    fixture: `
model ‹{›
  input 1x28x28
}`,
    message: ['expected a model name', "found '{'"],
  },
  NN108: {
    severity: 'error',
    // A backtick left over from copying a line out of Markdown.
    fixture: `
model LeNet {
  input 1x32x32
  conv 6 kernel=5‹${backtick}›
}`,
    message: [`unexpected character '${backtick}'`],
    also: ({ analysis }) => expect(model(analysis, 'LeNet').output).toEqual([6, 28, 28]),
  },
  NN120: {
    severity: 'error',
    fixture: nestedRepeats(70, 64),
    message: ['64'],
  },
  NN201: {
    severity: 'error',
    fixture: `
model LeNet {
  input 1x32x32
  ‹conf› 6 kernel=5
}`,
    message: ["unknown layer or block 'conf'", "did you mean 'conv'"],
  },
  NN202: {
    severity: 'error',
    fixture: `
model LeNet {
  input 1x32x32
  conv 6 ‹kenrel›=5
}`,
    message: ["no argument 'kenrel'", "did you mean 'kernel'"],
    // "conv needs kernel" follows from the same typo; the core may or may not add it.
    allow: ['NN204'],
  },
  NN203: {
    severity: 'error',
    fixture: `
let channels = 16
model Net {
  input 3x32x32
  conv ‹chanels› kernel=3
}`,
    message: ["unknown name 'chanels'", "did you mean 'channels'"],
  },
  NN204: {
    severity: 'error',
    fixture: `
model LeNet {
  input 1x32x32
  ‹conv› 6
}`,
    message: ['conv needs kernel', 'kernel='],
  },
  NN205: {
    severity: 'error',
    fixture: `
model LeNet {
  input 1x32x32
  conv 6 kernel=5 bias=‹3›
}`,
    message: ['conv bias needs true or false', '(3)'],
  },
  NN206: {
    severity: 'error',
    fixture: `
block ‹Stem› { conv 32 kernel=3 }
block ‹Stem› { conv 64 kernel=3 }
model Net {
  input 3x32x32
  Stem
}`,
    at: 1,
    message: ["'Stem' is already defined as a block"],
    also: (checked) => expectRelated(checked, 0),
  },
  NN207: {
    severity: 'error',
    // Checked in declaration order: A → B → A closes at the use of A inside B.
    fixture: `
block A {
  conv 8 kernel=3
  B
}
block B {
  conv 8 kernel=3
  ‹A›
}
model Net {
  input 1x32x32
  A
}`,
    message: ['block cycle: A → B → A'],
  },
  NN208: {
    severity: 'error',
    fixture: `
model Net {
  input 784
  dense 10 ‹20›
}`,
    message: ['dense takes 1 positional argument (units)', 'positional argument 2'],
  },
  NN209: {
    severity: 'error',
    fixture: `
model ‹LeNet› {
  conv 6 kernel=5
}`,
    message: ['model LeNet has no input', 'input 3x224x224'],
  },
  NN210: {
    severity: 'error',
    fixture: `
model LeNet {
  ‹conv 6 kernel=5›
  ‹input› 1x32x32
}`,
    at: 1,
    message: ['input must be the first statement of model LeNet'],
    also: (checked) => expectRelated(checked, 0),
  },
  NN211: {
    severity: 'error',
    fixture: `
block Stem {
  ‹input› 3x224x224
  conv 64 kernel=7 stride=2 padding=3
}
model ResNet {
  input 3x224x224
  Stem
}`,
    message: ['input belongs to a model', "'in'"],
  },
  NN212: {
    severity: 'error',
    fixture: `
import ‹"blocks.nn"›
model Net {
  input 3x32x32
}`,
    message: ['cannot read "blocks.nn"'],
  },
  NN213: {
    severity: 'error',
    fixture: `
model LeNet {
  input 1x32x32
  conv 6 ‹kernel=5› ‹kernel›=3
}`,
    at: 1,
    message: ["'kernel' is given twice to conv"],
    also: (checked) => expectRelated(checked, 0),
  },
  NN214: {
    severity: 'error',
    fixture: `
model LeNet5 {
  input 1x32x32
}
train ‹LeNet› {
  epochs 5
}`,
    message: ["unknown model 'LeNet'", "did you mean 'LeNet5'"],
  },
  NN215: {
    severity: 'error',
    fixture: `
model Net {
  input 784
  dense 10
}
train Net {
  ‹epocs› 20
}`,
    message: ["unknown training setting 'epocs'", "did you mean 'epochs'"],
  },
  NN216: {
    severity: 'error',
    fixture: `
model Net {
  input 784
  dense 10
}
train Net {
  epochs ‹0›
}`,
    message: ['epochs needs a whole number ≥ 1', 'it is 0'],
  },
  NN217: {
    severity: 'error',
    fixture: `
model Net {
  input 3x32x32
  conv 16 kernel=‹flor›(2.5)
}`,
    message: ["unknown function 'flor'", "did you mean 'floor'"],
  },
  NN218: {
    severity: 'error',
    fixture: `
let groups = 0
model Net {
  input 64x28x28
  conv in.channels // ‹groups› kernel=1
}`,
    message: ['division by zero', '64 // 0'],
  },
  NN219: {
    severity: 'error',
    fixture: `
model Net {
  input 3x32x32
  conv 16 kernel=‹2.5›
}`,
    message: ['conv kernel must be a whole number', '2.5'],
  },
  NN220: {
    severity: 'error',
    fixture: `
model Net {
  input 3x32x32
  repeat ‹10001› { relu }
}`,
    message: ['10,001', '10,000'],
    maxMs: 500,
  },
  NN221: {
    severity: 'error',
    fixture: chainedBlocks(70, 64),
    message: ['deeper than 64', 'B63 → B64'],
  },
  NN222: {
    severity: 'error',
    fixture: `
model Net {
  input 784
  dropout ‹1.5›
}`,
    message: ['at least 0 and below 1', '1.5'],
  },
  NN223: {
    severity: 'warning',
    fixture: `
model Net {
  input 784
  dense 10
}
train Net {
  ‹batch 64›
  ‹batch› 32
}`,
    at: 1,
    message: ["'batch' is set twice", 'the later line wins'],
    also: (checked) => {
      expectRelated(checked, 0);
      expect(checked.analysis.trains[0]!.config.batch).toBe(32);
    },
  },
  NN224: {
    severity: 'warning',
    fixture: `
model LeNet {
  input 1x32x32
  ‹C1›: conv 6 kernel=5
  ‹C1›: conv 16 kernel=5
}`,
    at: 1,
    message: ["label 'C1' is already used"],
    also: (checked) => expectRelated(checked, 0),
  },
  NN301: {
    severity: 'error',
    fixture: `
model Tiny {
  input 1x3x3
  conv 6 kernel=‹5›
}`,
    message: ['kernel 5 on a 3×3 input leaves −1 rows', '(3 − 5) + 1 = −1'],
  },
  NN302: {
    severity: 'error',
    fixture: `
model LeNet {
  input 16x5x5
  ‹dense› 120
}`,
    message: ['16×5×5', 'flatten', '400 features'],
  },
  NN303: {
    severity: 'error',
    // The classic ResNet slip: the shortcut's 1×1 conv lacks the body's stride 2.
    fixture: `
model ResNet {
  input 64x56x56
  ‹residual› {
    conv 128 kernel=3 stride=2 padding=1
    ‹conv 128 kernel=3 padding=1›
  } shortcut {
    ‹conv 128 kernel=1›
  }
}`,
    message: ['128×28×28', '128×56×56'],
    also: (checked) => {
      expectRelated(checked, 1, 2);
      expect(checked.diagnostic.related![0]!.message).toContain('128×28×28');
      expect(checked.diagnostic.related![1]!.message).toContain('128×56×56');
    },
  },
  NN304: {
    severity: 'error',
    fixture: `
model Inception {
  input 64x28x28
  ‹parallel› concat {
    branch { ‹conv 32 kernel=1› }
    branch { ‹conv 32 kernel=3› }
  }
}`,
    message: ['spatial sizes must match', '32×28×28', '32×26×26'],
    also: (checked) => expectRelated(checked, 1, 2),
  },
  NN305: {
    severity: 'error',
    fixture: `
model Net {
  input 3x32x32
  conv 64 kernel=3 groups=‹2›
}`,
    message: ['groups=2 does not divide the 3 input channels', '1.5'],
  },
  NN306: {
    severity: 'error',
    fixture: `
model Net {
  input 6x14x14
  conv 3 kernel=5 connections=‹[[0,1],[1,2],[2,6]]›
}`,
    message: ['row 2 reads input map 6', '6 maps (0–5)'],
  },
  NN307: {
    severity: 'error',
    fixture: `
model LeNet {
  input 6x14x14
  conv 16 kernel=5 connections=‹[[0,1,2],[1,2,3],[2,3,4]]›
}`,
    message: ['3 rows', '16 output maps'],
  },
  NN308: {
    severity: 'error',
    fixture: `
model Decoder {
  input 16x7x7
  deconv 8 kernel=3 stride=2 output_padding=‹2›
}`,
    message: ['output_padding 2 must be smaller than the stride 2'],
  },
  NN309: {
    severity: 'error',
    fixture: `
model Net {
  input 784
  ‹conv› 6 kernel=5
}`,
    message: ['784 vector', 'reshape'],
  },
  NN310: {
    severity: 'warning',
    // AlexNet's first layer as usually written: (224 − 11)/4 + 1 = 54.25, so one row and one
    // column are never read; 227 = 54·4 + 11 is the size that fits.
    fixture: `
model AlexNet {
  input 3x224x224
  conv 96 kernel=11 stride=‹4› activation=relu
}`,
    message: ['54.25', 'the last 1 row', 'the last 1 column', '227×227'],
    also: ({ analysis }) => expect(model(analysis, 'AlexNet').output).toEqual([96, 54, 54]),
  },
  NN311: {
    severity: 'warning',
    // ceil(224 / 2) = 112; (112 − 1)·2 + 3 − 224 = 1 padding row in all, which goes at the bottom.
    fixture: `
model Net {
  input 3x224x224
  conv 32 kernel=3 stride=2 padding=‹same›
}`,
    message: ['0 at the top and 1 at the bottom', '0 at the left and 1 at the right', '112×112'],
    also: ({ analysis }) => expect(model(analysis, 'Net').output).toEqual([32, 112, 112]),
  },
  NN312: {
    severity: 'error',
    fixture: `
model Net {
  input 16x4x4
  reshape ‹3x5x5›
}`,
    message: ['75 elements', '256'],
  },
  NN313: {
    severity: 'error',
    fixture: `
model Net {
  input 16x8x8
  maxpool 2 padding=‹2›
}`,
    message: ['padding 2 is more than half of the 2-wide window'],
  },
  NN314: {
    severity: 'error',
    fixture: `
model Net {
  input 16x8x8
  ‹parallel› concat {
  }
}`,
    message: ['parallel has no branches', 'branch { }'],
  },
  NN320: {
    severity: 'error',
    // 10^18 elements, past 2^53 ≈ 9.007·10^15.
    fixture: `
model Huge {
  input ‹1000000x1000000x1000000›
}`,
    message: ['2^53'],
    also: ({ analysis }) => {
      expect(model(analysis, 'Huge').input).toBeNull();
      expect(model(analysis, 'Huge').output).toBeNull();
    },
  },
  NN321: {
    severity: 'error',
    fixture: `
model Wide {
  input 1x32x32
  repeat ‹10000› { repeat 200 { relu } }
}`,
    // Projected after one iteration of 200 layers: 200 + 200 · 9,999 = 2,000,000 layers.
    message: ['repeat 10,000 of 200 layers each', 'about 2,000,000 layers', 'limit of 100,000'],
    maxMs: 2000,
  },
  NN322: {
    severity: 'warning',
    // 4 MiB is the core's limit (editors pass a lower one): one character more is refused.
    fixture: `‹# a generated file›\n${'#'.repeat(4 * 2 ** 20)}`,
    message: ['characters, over the 4,194,304 NetLens analyses', 'split it into files that import each other'],
    also: ({ analysis }) => expect(analysis.models).toEqual([]),
  },
  // NN4xx: architecture advice. Numbers worked out by hand; test/advice.test.ts has the near misses.
  NN401: {
    severity: 'warning',
    // dense 512 on 64·8·8 = 4,096 features: 4,096·512 + 512 = 2,097,664 of 2,140,362 (98%);
    // after global pooling 64·512 + 512 = 33,280.
    fixture: `
model Classifier {
  input 1x8x8
  conv 64 kernel=3 padding=1 activation=relu
  conv 64 kernel=3 padding=1 activation=relu
  flatten
  ‹dense› 512 activation=relu
  dense 10
}`,
    message: ['2,097,664 of the model\'s 2,140,362 parameters (98%)', '64×8×8', '33,280 parameters', 'AlexNet'],
  },
  NN402: {
    severity: 'info',
    // 64·25·128 = 204,800 weights; two 3×3: 64·9·64 + 64·9·128 = 36,864 + 73,728 = 110,592.
    fixture: `
model Wide {
  input 3x16x16
  conv 64 kernel=3 padding=1 activation=relu
  maxpool 2
  ‹conv› 128 kernel=5 padding=2 activation=relu
  globalavgpool
  dense 10
}`,
    message: ['conv 5×5 on 64 channels', '2·9 = 18 weights per channel pair instead of 25 (28% fewer)', '204,800 → 110,592', 'VGG'],
  },
  NN403: {
    severity: 'info',
    fixture: `
model Direct5x5 {
  input 128x28x28
  ‹conv› 256 kernel=5 padding=2 bias=false
}`,
    message: ['128·5·5·256 = 819,200', '128·32 + 32·5·5·256 = 208,896', '3.9× fewer', 'Inception'],
  },
  NN404: {
    severity: 'warning',
    // 23 convs and the dense layer: 24 weight layers; the 21st is the 21st conv, reported on its
    // one statement inside the repeat.
    fixture: `
model Plain24 {
  input 3x32x32
  repeat 23 { ‹conv› 16 kernel=3 padding=1 activation=relu }
  globalavgpool
  dense 10
}`,
    message: ['24 weight layers', 'past layer 20', 'plain 34-layer net', 'residual'],
  },
  NN405: {
    severity: 'hint',
    fixture: `
model Sigmoidal {
  input 1x12x12
  ‹conv› 8 kernel=3 padding=1 activation=sigmoid
  maxpool 2
  conv 16 kernel=3 padding=1 activation=sigmoid
  globalavgpool
  dense 10
}`,
    message: ['2 sigmoid activations', 'at 3 weight layers', 'relu'],
  },
  NN406: {
    severity: 'warning',
    // Two 3×3 convs see 5×5 of 64×64: 7.8% per side. Dilation 2 on the last adds 2; one more 3×3
    // conv adds 2; a 2×2 pool and a 3×3 conv add 1 + 2·2 = 5.
    fixture: `
model Myopic {
  input 3x64x64
  conv 16 kernel=3 padding=1 activation=relu
  ‹conv› 16 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10
}`,
    message: ['sees 5×5 pixels of the 64×64 input (7.8% of each side)', 'Dilation 2 on the last 3×3 conv reaches 7×7', 'one more 3×3 conv reaches 7×7', 'reach 10×10'],
  },
  NN407: {
    severity: 'warning',
    // A 1×1 window with stride 4 reads 1 pixel in 16: 6.25%.
    fixture: `
model Skipper {
  input 3x64x64
  ‹conv› 16 kernel=1 stride=4 activation=relu
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10
}`,
    message: ['conv 1×1 with stride 4', 'reads only 6.3% of its input pixels'],
    // Skipping pixels also leaves the last conv seeing 9×9 of 64×64.
    others: ['NN406'],
  },
  // NN5xx: training risks; test/risks.test.ts has the near misses and the verdicts.
  NN501: {
    severity: 'error',
    fixture: `
model LeNet5 {
  input 1x32x32
  conv 6 kernel=5 activation=relu
  avgpool 2
  conv 16 kernel=5 activation=relu
  avgpool 2
  flatten
  dense 84 activation=relu
  dense 10
}
train LeNet5 {
  data ‹mnist›
  validation 0.1
  epochs 10
  batch 64
}`,
    message: ["model LeNet5 takes 1×32×32 but MNIST samples are 1×28×28", "pad them with 'pad=2' on the data line (LeNet-5's paper padded its 28×28 digits to 32×32), or change the model's input to 1x28x28"],
  },
  NN502: {
    severity: 'error',
    fixture: `
model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 1000
}
train Net {
  data ‹mnist›
  validation 0.1
  epochs 5
}`,
    message: ["model Net ends in 1,000 units but MNIST has 10 classes", "make its last layer 'dense 10'"],
  },
  NN503: {
    severity: 'error',
    fixture: `
model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10 activation=softmax
}
train Net {
  data mnist
  validation 0.1
  epochs 5
  loss ‹mse›
}`,
    message: ["mse on a 10-class classifier treats class labels as numbers to regress", "use crossentropy"],
  },
  NN504: {
    severity: 'warning',
    fixture: `
model Wide {
  input 3x32x32
  conv 64 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 128 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 256 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 512 activation=relu
  dense 10
}
train ‹Wide› {
  data synthetic samples=500 classes=10
  validation 0.1
  epochs 40
  batch 16
}`,
    message: ["507,530 parameters on 450 training samples is 1,128 per sample, with no regularisation (no dropout, augmentation, weight decay, early stopping or batch norm)", "overfitting risk is high. AlexNet fought this with dropout and augmentation on a million images"],
  },
  NN505: {
    severity: 'warning',
    fixture: `
model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10
}
train Net {
  data mnist
  validation 0.1
  epochs ‹1›
  batch 256
}`,
    message: ["1 epoch × ⌈54,000 / 256⌉ = 211 steps", "under 1,000 optimizer steps rarely train a network from scratch, so underfitting risk is medium"],
  },
  NN506: {
    severity: 'warning',
    fixture: `
model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10
}
train Net {
  data mnist
  validation 0.1
  epochs 5
  optimizer adam lr=‹0.01›
}`,
    message: ["lr=0.01 is above 0.003 for adam with no warm-up", "the loss is likely to diverge"],
  },
  NN507: {
    severity: 'warning',
    fixture: `
model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10
}
train Net {
  data mnist
  validation 0.1
  epochs 40
  batch ‹1024›
  optimizer sgd lr=0.1 momentum=0.9
}`,
    message: ["the linear scaling rule (Goyal et al. 2017) gives lr ≈ 0.1 × 1024 / 256 = 0.4 for SGD at batch 1024", "batches of 1,024 need a warm-up to train stably at that rate"],
  },
  NN508: {
    severity: 'warning',
    fixture: `
model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  ‹dropout› 0.8
  dense 10
}
train Net {
  data mnist
  validation 0.1
  epochs 5
}`,
    message: ["dropout 0.8 drops 80% of activations in a model of 14,378 parameters", "too little is left to learn with, so underfitting risk is medium"],
  },
  NN509: {
    severity: 'info',
    fixture: `
model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10
}
train Net {
  data mnist
  validation 0.1
  epochs 5
  optimizer ‹adam› lr=1e-3 weight_decay=1e-4
}`,
    message: ["adam adds weight_decay=1e-4 to the gradient, where Adam's scaling weakens it for the weights that need it most", "adamw decouples it (Loshchilov & Hutter 2019)"],
  },
  NN510: {
    severity: 'warning',
    fixture: `
model Net {
  input 1x28x28
  conv 16 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  maxpool 2
  conv 32 kernel=3 padding=1 activation=relu
  globalavgpool
  dense 10
}
train ‹Net› {
  data mnist
  epochs 5
}`,
    message: ["train Net has no validation split or set, so overfitting cannot be seen while it happens", "add 'validation 0.1'"],
  },
  NN601: {
    severity: 'warning',
    fixture: `${SMALL_NET}
train Net {
  data synthetic samples=256 classes=10
  validation 0.25
  epochs ‹40›
}`,
    // The trainer's message (runtime/python/trainer.py), as events.ndjson holds it.
    message: ['run 20261128-101500, epoch 9', 'validation loss rose from 0.31 (epoch 5) to 0.44 (epoch 9) while training loss fell from 0.12 to 0.05'],
    observed: observedRun({ epochs: 40, lr: 0.001, validation: true }, [{ kind: 'overfitting', epoch: 9, setting: 'epochs', message: 'validation loss rose from 0.31 (epoch 5) to 0.44 (epoch 9) while training loss fell from 0.12 to 0.05 (gap 0.39); stop earlier (early_stop), add dropout or get more data' }]),
  },
  NN602: {
    severity: 'warning',
    fixture: `${SMALL_NET}
train Net {
  data synthetic samples=256 classes=10
  validation 0.25
  epochs 5
  optimizer sgd lr=‹0.00001›
}`,
    message: ['epoch 2', 'training accuracy is 0.1 after 2 epochs, below 1.5× chance (0.15) for 10 classes'],
    observed: observedRun({ epochs: 5, optimizer: 'sgd', lr: 0.00001, validation: true }, [{ kind: 'underfitting', epoch: 2, setting: 'optimizer.lr', message: 'training accuracy is 0.1 after 2 epochs, below 1.5× chance (0.15) for 10 classes; try another learning rate or a larger model' }]),
  },
  NN603: {
    severity: 'error',
    fixture: `${SMALL_NET}
train Net {
  data synthetic samples=256 classes=10
  validation 0.25
  epochs 5
  optimizer sgd lr=‹10›
}`,
    message: ['epoch 1', 'the training loss became NaN in epoch 1; lower the learning rate'],
    observed: observedRun({ epochs: 5, optimizer: 'sgd', lr: 10, validation: true }, [{ kind: 'divergence', epoch: 1, setting: 'optimizer.lr', message: 'the training loss became NaN in epoch 1; lower the learning rate' }]),
  },
  NN604: {
    severity: 'info',
    fixture: `${SMALL_NET}
train Net {
  data synthetic samples=256 classes=10
  validation 0.25
  epochs 12
  ‹optimizer sgd›
}`,
    message: ['epoch 8', 'training loss improved by less than 1% over epochs 5–8 (2.3 to 2.29)'],
    observed: observedRun({ epochs: 12, optimizer: 'sgd', lr: 0.01, validation: true }, [{ kind: 'plateau', epoch: 8, setting: 'optimizer.lr', message: 'training loss improved by less than 1% over epochs 5–8 (2.3 to 2.29); lower the learning rate (a schedule) or stop' }]),
  },
} satisfies Record<Code, Case>;

describe('one case per code', () => {
  it('covers every code in CODES, in order', () => {
    expect(Object.keys(CASES)).toEqual(Object.keys(CODES));
  });

  // The severities are spelt out above rather than read from CODES, so the table cannot drift.
  it.each(Object.entries(CASES) as Array<[Code, Case]>)('%s', (code, spec) => {
    const { result: checked, ms } = time(() => check(spec.fixture, code, spec, spec.observed));
    spec.also?.(checked);
    if (spec.maxMs !== undefined) expect(ms, `${code} took ${ms.toFixed(0)} ms`).toBeLessThan(spec.maxMs);
  }, 60_000);
});

// ── syntax ──────────────────────────────────────────────────────────────────────

describe('syntax errors and recovery', () => {
  it('reports a stray } at the top level and keeps the model before it', () => {
    const { analysis } = check(
      `
model LeNet {
  input 1x32x32
  conv 6 kernel=5
}
‹}›`,
      'NN101',
      { severity: 'error', message: ["at the top level, found '}'"] },
    );
    expect(model(analysis, 'LeNet').output).toEqual([6, 28, 28]);
  });

  it('points an unclosed [ at its opening bracket and still reads the next model', () => {
    const checked = check(
      `
let C3 = ‹[›[0,1,2],[1,2,3]‹\n›model Net {
  input 1x28x28
  flatten
  dense 10
}`,
      'NN103',
      { severity: 'error', at: 1, message: ["'[' is never closed"] },
    );
    expectRelated(checked, 0);
    expect(model(checked.analysis, 'Net').params.trainable).toBe(7850);
  });

  it('leaves the other models in the file fully analysed after syntax errors in one', () => {
    const { text, ranges } = markers(`
model Broken {
  input 1x32x32
  conv 6 kernel=5 )
  relu (
  dense 10 = 3
}

‹model Small {
  input 1x32x32
  conv 6 kernel=5
  maxpool 2
  flatten
  dense 10
}›
`);
    const analysis = analyzeDocument(text);
    expectWellFormed(analysis);
    const small = ranges[0]!;
    expect(analysis.diagnostics.length).toBeGreaterThan(0);
    // No errors or shape findings in the intact model; architecture advice (NN4xx) may still speak.
    expect(analysis.diagnostics.filter((d) => d.span.end > small.start && d.span.start < small.end && !d.code.startsWith('NN4'))).toEqual([]);
    // conv: 1·5·5·6 + 6 = 156 → 6×28×28; maxpool 2 → 6×14×14; flatten → 1,176; dense: 1176·10 + 10 = 11,770.
    const m = model(analysis, 'Small');
    expect(m.output).toEqual([10]);
    expect(m.layers.map((l) => l.output)).toEqual([[6, 28, 28], [6, 14, 14], [1176], [10]]);
    expect(m.params.trainable).toBe(156 + 11770);
    expect(m.complete).toBe(true);
  });

  it('gives no shape for a malformed input literal rather than guessing one', () => {
    // `3x224x` is reported; reading it as the 3×224 sequence would make conv claim 16×222.
    const { analysis } = check(
      `
model VGG {
  input ‹3x224x›
  conv 16 kernel=3
}`,
      'NN104',
      { severity: 'error', message: ["'3x224x'"] },
    );
    expect(model(analysis, 'VGG').output).toBeNull();
  });

  it('reports a stray ) after the arguments once, on the )', () => {
    const { text, ranges } = markers(`
model LeNet {
  input 1x32x32
  conv 6 kernel=5 ‹)›
}`);
    const analysis = analyzeDocument(text);
    expectWellFormed(analysis);
    expect(analysis.diagnostics.map((d) => ({ code: d.code, ...brief(text, d) }))).toEqual([{ code: 'NN101', ...brief(text, { span: ranges[0]! }) }]);
  });

  it('reports a comma between arguments once, on the comma', () => {
    const { text, ranges } = markers(`
model LeNet {
  input 1x32x32
  conv 6‹,› kernel=5
}`);
    const analysis = analyzeDocument(text);
    expectWellFormed(analysis);
    expect(analysis.diagnostics.map((d) => brief(text, d))).toEqual([brief(text, { span: ranges[0]! })]);
    expect(['NN101', 'NN102']).toContain(analysis.diagnostics[0]!.code);
  });

  it('reports an unterminated string in a train setting once and reads the next line', () => {
    const { analysis } = check(
      `
model Net {
  input 1x28x28
  flatten
  dense 10
}
train Net {
  data folder(‹"data/train)›
  epochs 5
}`,
      'NN105',
      { severity: 'error', message: ['unterminated string'] },
    );
    expect(analysis.trains[0]!.config.epochs).toBe(5);
  });
});

// ── names ───────────────────────────────────────────────────────────────────────

describe('names', () => {
  it('suggests a block name for a misspelt block use', () => {
    check(
      `
block Stem(ch) {
  conv ch kernel=3 padding=1
}
model Net {
  input 3x32x32
  ‹Stme› 16
}`,
      'NN201',
      { severity: 'error', message: ["unknown layer or block 'Stme'", "did you mean 'Stem'"] },
    );
  });

  it('suggests the argument for a misspelt optional argument, with nothing else reported', () => {
    check(
      `
model Net {
  input 3x32x32
  conv 16 kernel=3 ‹strde›=2
}`,
      'NN202',
      { severity: 'error', message: ["no argument 'strde'", "did you mean 'stride'"] },
    );
  });

  it('suggests the option for a misspelt optimizer option', () => {
    check(
      `
model Net {
  input 784
  dense 10
}
train Net {
  optimizer sgd lr=0.1 ‹momentun›=0.9
}`,
      'NN202',
      { severity: 'error', message: ["optimizer sgd has no option 'momentun'", "did you mean 'momentum'"] },
    );
  });

  it('names the missing block argument and points at its declaration', () => {
    const checked = check(
      `
block Basic(‹ch›, stride = 1) {
  conv ch kernel=3 stride=stride padding=1
}
model Net {
  input 3x32x32
  ‹Basic›
}`,
      'NN204',
      { severity: 'error', at: 1, message: ["block Basic needs 'ch'", 'ch, stride'] },
    );
    expectRelated(checked, 0);
  });

  it('reports a let defined twice in one body', () => {
    check(
      `
model Net {
  input 3x32x32
  let width = 16
  let ‹width› = 32
  conv width kernel=3
}`,
      'NN206',
      { severity: 'error', message: ["'width' is already defined"] },
    );
  });

  it('reports a block that uses itself at that use', () => {
    check(
      `
block Loop {
  conv 8 kernel=3 padding=1
  ‹Loop›
}
model Net {
  input 3x32x32
  Loop
}`,
      'NN207',
      { severity: 'error', message: ['Loop → Loop'] },
    );
  });

  it('reports a three-block cycle once, at the use that closes it', () => {
    check(
      `
block A { B }
block B { C }
block C { ‹A› }
model Net {
  input 3x32x32
  A
}`,
      'NN207',
      { severity: 'error', message: ['A → B → C → A'] },
    );
  });

  it('reports a third positional argument to a block that takes two', () => {
    check(
      `
block Basic(ch, stride = 1) {
  conv ch kernel=3 stride=stride padding=1
}
model Net {
  input 3x32x32
  Basic 16 2 ‹3›
}`,
      'NN208',
      { severity: 'error', message: ['block Basic takes 2 positional arguments (ch, stride)'] },
    );
  });

  it('reports a function called without arguments, in good English', () => {
    check(
      `
model Net {
  input 3x32x32
  conv ‹max()› kernel=3
}`,
      'NN208',
      { severity: 'error', message: ['max() takes at least 1 argument, got 0'] },
    );
  });

  it('checks a block that no model uses', () => {
    // A file of blocks meant for import has no model; its mistakes must still show.
    const { text, ranges } = markers(`
block Stem {
  ‹input› 3x224x224
  ‹conf› 64 kernel=7
  conv 64 ‹kenrel›=3
}`);
    const analysis = analyzeDocument(text);
    expectWellFormed(analysis);
    expect(analysis.diagnostics.map((d) => ({ code: d.code, ...brief(text, d) })).filter((d) => d.code !== 'NN204')).toEqual([
      { code: 'NN211', ...brief(text, { span: ranges[0]! }) },
      { code: 'NN201', ...brief(text, { span: ranges[1]! }) },
      { code: 'NN202', ...brief(text, { span: ranges[2]! }) },
    ]);
  });

  it('checks a top-level constant that nothing uses', () => {
    const { text, ranges } = markers(`
let RATE = 1 / ‹0›
let WIDTH = ‹widht›
model Net {
  input 784
  dense 10
}`);
    const analysis = analyzeDocument(text);
    expectWellFormed(analysis);
    expect(analysis.diagnostics.map((d) => ({ code: d.code, ...brief(text, d) }))).toEqual([
      { code: 'NN218', ...brief(text, { span: ranges[0]! }) },
      { code: 'NN203', ...brief(text, { span: ranges[1]! }) },
    ]);
  });
});

// ── shapes ──────────────────────────────────────────────────────────────────────

describe('shapes', () => {
  it('reports an add of two branches with both shapes and both sides', () => {
    const checked = check(
      `
model Net {
  input 64x56x56
  ‹parallel› add {
    branch { ‹conv 64 kernel=3 padding=1› }
    branch { ‹conv 64 kernel=3› }
  }
}`,
      'NN303',
      { severity: 'error', message: ['64×56×56', '64×54×54'] },
    );
    expectRelated(checked, 1, 2);
  });

  it('reports an identity shortcut that no longer fits the body', () => {
    const checked = check(
      `
model ResNet {
  input 64x56x56
  ‹residual› {
    ‹conv 128 kernel=3 stride=2 padding=1›
  }
}`,
      'NN303',
      { severity: 'error', message: ['128×28×28', 'identity shortcut', '64×56×56'] },
    );
    // The identity side has no statement of its own, so it points back at the residual.
    expectRelated(checked, 1, 0);
  });

  it('points a shape error inside a block at the use that gave it its input', () => {
    const checked = check(
      `
block Head(classes) {
  ‹dense› classes
}
model Net {
  input 16x5x5
  ‹Head 10›
}`,
      'NN302',
      { severity: 'error', message: ['16×5×5', 'flatten'] },
    );
    expect(relatedOf(checked)).toEqual([brief(checked.text, { span: checked.ranges[1]! })]);
    expect(checked.diagnostic.related![0]!.message).toContain('in = 16×5×5');
  });
});

// ── limits ──────────────────────────────────────────────────────────────────────

describe('limits', () => {
  it('refuses repeat 10001 without expanding it', () => {
    const { result: analysis, ms } = time(() => analyzeDocument('model Net {\n  input 3x32x32\n  repeat 10001 { conv 3 kernel=3 padding=1 }\n}'));
    expect(analysis.diagnostics.map((d) => d.code)).toEqual(['NN220']);
    expect(model(analysis, 'Net').layers).toEqual([]);
    expect(ms).toBeLessThan(500);
  });

  it('stops at 70 nested parentheses in a layer argument with one error and no crash', () => {
    const parens = 70;
    const text = `model Net {\n  input 3x32x32\n  conv ${'('.repeat(parens)}6${')'.repeat(parens)} kernel=3\n  relu\n}`;
    const analysis = analyzeDocument(text);
    expectWellFormed(analysis);
    expect(analysis.diagnostics.map((d) => [d.code, slice(text, d.span)])).toEqual([['NN120', '(']]);
    expect(model(analysis, 'Net').layers.map((l) => l.op)).toEqual(['conv', 'relu']);
  });

  it('stops at 70 nested parentheses in a constant without losing the model after it', () => {
    const parens = 70;
    // At the top level the constant's expression is level 1, so the 65th '(' is the first too deep.
    const fixture = `let DEPTH = ${'('.repeat(64)}‹(›${'('.repeat(parens - 65)}1${')'.repeat(parens)}\nmodel Net {\n  input 784\n  dense 10\n}`;
    const { analysis } = check(fixture, 'NN120', { severity: 'error', message: ['64'] });
    expect(model(analysis, 'Net').params.trainable).toBe(7850);
  });

  it('stops at 70 nested lists without losing the model after it', () => {
    const text = `let T = ${'['.repeat(70)}1${']'.repeat(70)}\nmodel Net {\n  input 784\n  dense 10\n}`;
    const analysis = analyzeDocument(text);
    expectWellFormed(analysis);
    expect(analysis.diagnostics.map((d) => d.code)).toEqual(['NN120']);
    expect(model(analysis, 'Net').params.trainable).toBe(7850);
  });

  it('reports a dense layer whose parameters pass 2^53 instead of a rounded count', () => {
    // 784·10^14 + 10^14 ≈ 7.85·10^16 parameters.
    const { analysis } = check(
      `
model Huge {
  input 784
  ‹dense› 100000000000000
}`,
      'NN320',
      { severity: 'error', message: ['2^53'] },
    );
    const m = model(analysis, 'Huge');
    expect(m.output).toBeNull();
    expect(m.complete).toBe(false);
    for (const n of [m.params.trainable, m.params.nonTrainable, m.macs]) expect(Number.isSafeInteger(n)).toBe(true);
  });

  it('reports a model whose layers are each countable but whose total is not', () => {
    // Each branch: 1·4·10^15 + 4·10^15 = 8·10^15 < 2^53; both: 1.6·10^16 > 2^53.
    const { analysis } = check(
      `
model ‹Twin› {
  input 1
  parallel concat {
    branch { dense 4000000000000000 }
    branch { dense 4000000000000000 }
  }
}`,
      'NN320',
      { severity: 'error', message: ['2^53'] },
    );
    expect(model(analysis, 'Twin').output).toBeNull();
    expect(model(analysis, 'Twin').complete).toBe(false);
  });
});

// ── robustness ──────────────────────────────────────────────────────────────────

const BROKEN: Array<[string, string]> = [
  ['empty file', ''],
  ['only white space', '  \n\t\n  '],
  ['only comments', '# LeNet-5\n# to be written\n'],
  ['a lone keyword', 'model'],
  ['a name and no body', 'model LeNet'],
  ['an unclosed body at the end', 'model LeNet {'],
  ['input without a shape at the end', 'model LeNet {\n  input'],
  ['a truncated layer', 'model LeNet {\n  input 1x32x32\n  conv 6 ker'],
  ['a truncated named value', 'model LeNet {\n  input 1x32x32\n  conv 6 kernel='],
  ['} at the top level', '}'],
  ['several }', '}}}\n}'],
  ['a lone {', '{'],
  ['brackets the wrong way round', ')(][}{'],
  ['random punctuation', '=,.:;+-*/%<>!=//'],
  ['characters the language does not use', '@#$^&|~?\\'],
  ['an unclosed string at the top level', '"data/train'],
  ['an unclosed string in a layer', 'model M {\n  input 1x32x32\n  conv 6 kernel="same\n}'],
  ['an unclosed string in an import', 'import "blocks'],
  ['an unclosed parameter list', 'model M(a, b = {\n  input 1\n}'],
  ['a truncated expression', 'let x = 1 +'],
  ['an unclosed parenthesis', 'let x = (1 + 2'],
  ['an unclosed list', 'let x = [1, [2, 3'],
  ['an unclosed parallel', 'model M {\n  input 1x32x32\n  parallel {\n    branch {\n'],
  ['shortcut if without a condition', 'model M {\n  input 1x32x32\n  residual {\n  } shortcut if {\n  }\n}'],
  ['repeat without a count', 'model M {\n  input 1x32x32\n  repeat { relu }\n}'],
  ['else without a body', 'model M {\n  input 1x32x32\n  if true { relu } else\n}'],
  ['malformed numbers', 'let a = 1e\nlet b = 1e-\nlet c = .5.\nlet d = 3kernel'],
  ['malformed dimensions', 'model M {\n  input 1xx2x\n}'],
  ['in outside a body', 'let a = in.channels\nmodel M {\n  input in\n}'],
  ['a truncated train block', 'train M {\n  optimizer sgd lr='],
  ['a truncated device', 'model M {\n  input 1\n}\ntrain M {\n  device gpu:\n}'],
  ['unicode names and symbols', 'model Modèle {\n  input 1×28×28\n  conv 6 kernel=5×5 → relu\n}'],
  ['emoji', '😀 model M { input 1 } 🚀'],
  ['control characters', '\u0000\u0001\u0007model\u0000'],
  ['Windows line endings', 'model M {\r\n  input 1x32x32\r\n  relu\r\n}\r\n'],
  ['a lone surrogate', 'model M {\n  input 1\n  \ud83d\n}'],
];

describe('robustness', () => {
  it.each(BROKEN)('never throws on %s', (_name, text) => {
    let analysis: Analysis | undefined;
    expect(() => {
      analysis = analyzeDocument(text);
    }).not.toThrow();
    expectWellFormed(analysis!);
  });

  it('reports a file that is only a stray } once', () => {
    const analysis = analyzeDocument('}');
    expect(analysis.diagnostics.map((d) => [d.code, d.span])).toEqual([['NN101', { start: 0, end: 1 }]]);
  });

  it('keeps checking the layers after an unknown one', () => {
    const checked = check(
      `
model LeNet {
  input 1x32x32
  ‹conf› 6 kernel=5
  conv 6 ‹kenrel›=3
  dense 10 bias=‹maybe›
}`,
      'NN202',
      { severity: 'error', at: 1, message: ["did you mean 'kernel'"], others: ['NN201', 'NN203'], allow: ['NN204'] },
    );
    expect(checked.analysis.diagnostics.find((d) => d.code === 'NN201')!.span).toEqual(checked.ranges[0]);
    expect(checked.analysis.diagnostics.find((d) => d.code === 'NN203')!.span).toEqual(checked.ranges[2]);
  });

  it('keeps the shapes flowing past a warning', () => {
    // maxpool 3 stride 2 on 32: (32 − 3)/2 + 1 = 15.5 → 15, a warning, and conv goes on from 15×15.
    const { analysis } = check(
      `
model Net {
  input 8x32x32
  maxpool 3 stride=‹2›
  conv 16 kernel=3
}`,
      'NN310',
      { severity: 'warning', message: ['15.5', '33×33'] },
    );
    expect(model(analysis, 'Net').output).toEqual([16, 13, 13]);
  });
});

describe('observed runs (NN6xx) follow the file', () => {
  const file = (epochs: number, extraLayer = '') => `${SMALL_NET.replace('  flatten', `${extraLayer}  flatten`)}
train Net {
  data synthetic samples=256 classes=10
  validation 0.25
  epochs ${epochs}
}`;
  const run = observedRun({ epochs: 40, lr: 0.001, validation: true }, [{ kind: 'overfitting', epoch: 9, setting: 'epochs', message: 'validation loss rose' }]);
  const codes = (text: string) => analyzeDocument(text, { observed: () => run }).diagnostics.filter((d) => d.code.startsWith('NN6')).map((d) => d.code);

  it('drops the diagnosis once the setting it blames changes, and keeps the run for the hover', () => {
    expect(codes(file(40))).toEqual(['NN601']);
    const changed = analyzeDocument(file(8), { observed: () => run });
    expect(changed.diagnostics.filter((d) => d.code.startsWith('NN6'))).toEqual([]);
    expect(changed.trains[0]!.observed?.run.name).toBe('20261128-101500');
  });

  it('calls the run stale when the model no longer has the parameters it trained', () => {
    // One more conv 8→8: 8·8·9 + 8 = 584 parameters more than the 15,770 the run trained.
    const text = file(40, '  conv 8 kernel=3 padding=1\n');
    expect(codes(text)).toEqual([]);
    expect(analyzeDocument(text, { observed: () => run }).trains[0]!.observed?.stale).toBe('the model now has 16,354 parameters; run 20261128-101500 trained 15,770');
  });

  it('asks the reader for the train block’s model and file', () => {
    const asked: string[] = [];
    analyzeDocument(file(40), { uri: 'file:///w/net.nn', observed: (model, from) => (asked.push(`${model} ${from}`), undefined) });
    expect(asked).toEqual(['Net file:///w/net.nn']);
  });
});
