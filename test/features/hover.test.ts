// Hover, in process: the fixture marks the hovered token with ‹…›; the hover is asked at its
// start and must cover exactly that range. Numbers come from the layer definitions and the lecture
// notes' Inception bottleneck (../shared/reference/published.md): a 5×5 conv from 128 to 256
// channels holds 128·5·5·256 = 819,200 weights; 1×1 to 32 first, then the 5×5, 204,800 + 4,096.
import { describe, expect, it } from 'vitest';
import type { MarkupContent } from 'vscode-languageserver';
import { provideHover } from '../../server/src/features/hover';
import { analyzeDocument } from '../../server/src/language/index';
import { markers } from '../helpers/markers';

function hover(fixture: string, files: Record<string, string> = {}): string | null {
  const { text, ranges } = markers(fixture);
  const target = ranges[0]!;
  const analysis = analyzeDocument(text, { uri: 'file:///w/main.nn', load: (uri) => files[uri.replace('file:///w/', '')] });
  const result = provideHover(analysis, analysis.lines.position(target.start));
  if (!result) return null;
  expect(result.range, 'the hover covers the marked token').toEqual(analysis.lines.range(target));
  return (result.contents as MarkupContent).value;
}

describe('hover on a layer', () => {
  it('shows shapes, the formula with numbers, the share, MACs, receptive field, memory and the doc', () => {
    const text = hover('model M {\n  input 128x28x28\n  ‹conv› 256 kernel=5\n}\n')!;
    expect(text).toContain('**conv** `128×28×28` → `256×24×24` · in M');
    expect(text).toContain('Parameters: `128·5·5·256 + 256` = **819,456** (100.0% of 819,456)');
    expect(text).toContain(`MACs: ${(256 * 24 * 24 * 128 * 25).toLocaleString('en-US')} (472 M)`);
    expect(text).toContain('Receptive field: 5, jump 1');
    expect(text).toContain('Activations: 576 KiB per sample (float32)'); // 256·24·24·4 bytes
    expect(text).toContain('---\nConvolution');
  });

  it("gives each conv of the bottleneck its share of the model's parameters", () => {
    const fixture = (first: string, second: string) => `model M {\n  input 128x28x28\n  ${first} 32 kernel=1 bias=false\n  ${second} 256 kernel=5 bias=false\n}\n`;
    expect(hover(fixture('‹conv›', 'conv'))).toContain('`128·1·1·32` = **4,096** (2.0% of 208,896)');
    expect(hover(fixture('conv', '‹conv›'))).toContain('`32·5·5·256` = **204,800** (98.0% of 208,896)');
  });

  it('covers the label too, and names it', () => {
    expect(hover('model M {\n  input 4\n  fc: ‹dense› 2\n}\n')).toMatch(/^\*\*fc: dense\*\* `4` → `2` · in M\n\nParameters: `4·2 \+ 2` = \*\*10\*\*/);
  });

  it('counts non-trainable batch-norm statistics apart', () => {
    expect(hover('model M {\n  input 16x8x8\n  ‹batchnorm›\n}\n')).toContain('Parameters: `2·16` = **32** (100.0% of 32) + 32 non-trainable (running statistics)');
  });

  it('shows each distinct instance of a line that a block expands several times', () => {
    const text = hover('block B(ch) {\n  ‹conv› ch kernel=3 padding=1\n}\nmodel M {\n  input 3x8x8\n  B 4\n  B 4\n  B 8\n}\n')!;
    expect(text).toContain('**conv** · used 3 times in M, 3 different ways:');
    // The second B 4 reads the first one's 4 maps: 112 + 148 + 296 = 556 parameters in M.
    expect(text).toContain('| 3×8×8 → 4×8×8 | `3·3·3·4 + 4` = **112** (20.1%) | 6,912 (6.91 K) | 3, jump 1 | ×1 |');
    expect(text).toContain('| 4×8×8 → 4×8×8 | `4·3·3·4 + 4` = **148** (26.6%) |');
    expect(text).toContain('| 4×8×8 → 8×8×8 | `4·3·3·8 + 8` = **296** (53.2%) |');
  });

  it('says used N times when every instance is the same', () => {
    expect(hover('model M {\n  input 4x8x8\n  repeat 3 { ‹conv› 4 kernel=1 }\n}\n')).toContain('**conv** `4×8×8` → `4×8×8` · used 3 times in M');
  });

  it('says when no model reaches the line', () => {
    expect(hover('block Unused { ‹relu› }\n')).toContain('**relu**: not part of any model here');
  });

  it('says the output is unknown after an error', () => {
    expect(hover('model M {\n  input 3x4x4\n  ‹conv› 8 kernel=9\n}\n')).toContain('Output unknown');
  });

  it('answers anywhere on the line, covering the statement', () => {
    const { text } = markers('model M {\n  input 3x8x8\n  ‹conv 8 kernel=3 stride=1›\n}\n');
    const analysis = analyzeDocument(text);
    const onValue = provideHover(analysis, analysis.lines.position(text.indexOf('stride=1') + 7))!;
    expect(onValue.range).toEqual(analysis.lines.range({ start: text.indexOf('conv'), end: text.indexOf('stride=1') + 8 }));
    expect(hover('model M {\n  ‹input 3x8x8›\n  conv 8 kernel=3\n}\n')).toBe('**input** `3×8×8` (C×H×W, without the batch)');
  });

  it('documents a named argument', () => {
    expect(hover('model M {\n  input 3x8x8\n  conv 8 ‹kernel›=3\n}\n')).toBe('**kernel** (conv): Window size: an int or HxW (kernel=1x7). Required.');
    expect(hover('model M {\n  input 3x8x8\n  conv 8 kernel=3 ‹stride›=1\n}\n')).toContain('Default: `1`.');
  });
});

describe('hover on a block use, residual or repeat', () => {
  const blocks = 'block Pair(ch) {\n  conv ch kernel=3 padding=1\n  relu\n}\n';

  it('shows the totals of what a block use expands to, and the block signature', () => {
    const text = hover(`# Two maps.\n${blocks}model M {\n  input 3x8x8\n  ‹Pair› 16\n  flatten\n  dense 10\n}\n`)!;
    expect(text).toContain('**Pair** `3×8×8` → `16×8×8` · in M');
    expect(text).toContain('Expands to 2 layers: **448** parameters (4.2% of 10,698)');
    expect(text).toContain(`MACs: ${(16 * 64 * 27).toLocaleString('en-US')} (27.6 K)`);
    expect(text).toContain('`block Pair(ch)` — Two maps.');
  });

  it('reads an imported block', () => {
    expect(hover('import "blocks.nn"\nmodel M {\n  input 3x8x8\n  s: ‹Pair› 16\n}\n', { 'blocks.nn': blocks })).toContain('**s: Pair** `3×8×8` → `16×8×8` · in M');
  });

  it('lists distinct uses on the block name', () => {
    const text = hover(`block ‹Pair›(ch) {\n  conv ch kernel=3 padding=1\n}\nmodel M {\n  input 3x8x8\n  Pair 4\n  Pair 4\n}\n`)!;
    expect(text).toContain('**block Pair**(ch)');
    expect(text).toContain('Used twice in M.');
    expect(text).toContain('| 3×8×8 → 4×8×8 | 1 | 112 (43.1%) | 6,912 (6.91 K) | ×1 |');
    expect(text).toContain('| 4×8×8 → 4×8×8 | 1 | 148 (56.9%) |');
  });

  it('totals a residual at its keyword', () => {
    expect(hover('model M {\n  input 4x8x8\n  ‹residual› { conv 4 kernel=3 padding=1 }\n}\n')).toContain('**residual** `4×8×8` → `4×8×8` · in M\n\nExpands to 2 layers: **148** parameters');
  });
});

describe('hover on values', () => {
  const resnetish = 'block Basic(ch, stride = 1) {\n  residual {\n    conv ch kernel=3 stride=stride padding=1\n  } shortcut if stride != 1 or ‹in.channels› != ch {\n    conv ch kernel=1 stride=stride\n  }\n}\nmodel M {\n  input 3x32x32\n  Basic 16\n  Basic 16\n  Basic 32 stride=2\n}\n';

  it('gives in.channels per use where it differs', () => {
    expect(hover(resnetish)).toBe('`in.channels` (the shape arriving here) takes 2 values in 3 passes in M: `3` · `16` (×2)');
  });

  it('gives one value when every use agrees', () => {
    expect(hover('model M {\n  input 3x32x32\n  conv ‹in.channels› * 2 kernel=1\n}\n')).toBe('`in.channels` = `3` (the shape arriving here)');
    expect(hover('model M {\n  input 3x32x32\n  conv 4 kernel=1\n  dense ‹in.size›\n}\n')).toBe('`in.size` = `4096` (the shape arriving here)');
  });

  it('gives a parameter, a let and a constant their values', () => {
    expect(hover(resnetish.replace('‹in.channels›', 'in.channels').replace('conv ch kernel=1', 'conv ‹ch› kernel=1'))).toBe('`ch` (here) takes 2 values in 2 passes in M: `16` · `32`');
    expect(hover(resnetish.replace('‹in.channels›', 'in.channels').replace('Basic(ch, stride', 'Basic(ch, ‹stride›'))).toBe('`stride` (parameter of block Basic) takes 2 values in 3 uses in M: `1` (×2) · `2`');
    expect(hover('let ‹WIDTH› = 4 * 8\nmodel M {\n  input 3x8x8\n  conv WIDTH kernel=1\n}\n')).toBe('`WIDTH` = `32` (constant)');
    expect(hover('let WIDTH = 4 * 8\nmodel M {\n  input 3x8x8\n  conv ‹WIDTH› kernel=1\n}\n')).toBe('`WIDTH` = `32` (here)');
    expect(hover('model M {\n  input 3x8x8\n  let ‹w› = in.height // 2\n  conv w kernel=1\n}\n')).toBe('`w` = `4` (in model M)');
  });

  it('leaves words that are values (relu, same) to the statement', () => {
    expect(hover('model M {\n  input 3x8x8\n  ‹conv› 4 kernel=3 padding=same\n}\n')).toContain('**conv**');
    const { text } = markers('model M {\n  input 3x8x8\n  conv 4 kernel=3 padding=‹same›\n}\n');
    const analysis = analyzeDocument(text);
    expect((provideHover(analysis, analysis.lines.position(text.indexOf('same')))?.contents as MarkupContent).value).toContain('**conv**');
  });
});

describe('hover on models and training', () => {
  it('shows the summary table on a model name', () => {
    const text = hover('model ‹Tiny› {\n  input 4\n  dense 2\n}\n')!;
    expect(text).toMatch(/^```text\nModel Tiny: input 4 → output 2\n/);
    expect(text).toContain('Total params:          10');
    expect(text.endsWith('\n```')).toBe(true);
  });

  it('documents a training setting and its options', () => {
    const train = (marked: string) => `model M {\n  input 4\n  dense 2\n}\ntrain M {\n  ${marked}\n}\n`;
    const optimizer = hover(train('‹optimizer› adam lr=0.001'))!;
    expect(optimizer).toMatch(/^\*\*optimizer\*\*: The optimizer and its settings\./);
    expect(optimizer).toContain('- `sgd` lr=0.01 momentum=0 nesterov=false weight_decay=0');
    expect(hover(train('optimizer sgd ‹momentum›=0.9'))).toBe('**momentum** (optimizer sgd): Momentum. Default: `0`.');
    expect(hover(train('‹epochs› 3'))).toBe('**epochs**: Passes over the training data.\n\nNumber of epochs. Default: `10`.');
    expect(hover(train('optimizer ‹adam›'))).toContain('**optimizer adam** lr=0.001 weight_decay=0');
  });

  it('answers null on blank space, comments and imports', () => {
    expect(hover('model M {\n  input 4\n‹ ›\n}\n')).toBeNull();
    expect(hover('‹#› a comment\nmodel M {\n  input 4\n}\n')).toBeNull();
  });
});
