import { describe, expect, it } from 'vitest';
import type { MarkupContent, SignatureHelp } from 'vscode-languageserver';
import { provideSignatureHelp } from '../../server/src/features/signatureHelp';
import { analyzeDocument } from '../../server/src/language/index';

// Signature help while typing arguments; the cursor is marked `|`.
function help(fixture: string, files: Record<string, string> = {}): SignatureHelp | null {
  const offset = fixture.indexOf('|');
  const text = fixture.slice(0, offset) + fixture.slice(offset + 1);
  const analysis = analyzeDocument(text, { uri: '/w/main.nn', load: (uri) => files[uri.replace('/w/', '')] });
  return provideSignatureHelp(analysis, analysis.lines.position(offset));
}

/** The label and the text of the active parameter, as the editor would highlight it. */
function active(fixture: string, files: Record<string, string> = {}): [string, string] | null {
  const result = help(fixture, files);
  if (!result) return null;
  const signature = result.signatures[result.activeSignature ?? 0]!;
  const parameter = signature.parameters?.[result.activeParameter ?? 0];
  const range = parameter?.label as [number, number] | undefined;
  return [signature.label, range ? signature.label.slice(range[0], range[1]) : ''];
}

const MODEL = (body: string): string => `model M {\n  input 3x32x32\n${body}\n}\n`;
const CONV = 'conv filters kernel= stride=1 padding=valid dilation=1 groups=1 bias=true connections= activation=none';

describe('layers', () => {
  it('labels every argument with its default, positional ones by name', () => {
    expect(active(MODEL('  conv |'))).toEqual([CONV, 'filters']);
    expect(active(MODEL('  maxpool |'))![0]).toBe('maxpool size stride= padding=valid ceil=false');
    expect(active(MODEL('  dense 10 |'))![0]).toBe('dense units bias=true activation=none');
  });

  it('gives each parameter its range in the label and its documentation', () => {
    const result = help(MODEL('  conv |'))!;
    const signature = result.signatures[0]!;
    const labels = signature.parameters!.map((p) => signature.label.slice(...(p.label as [number, number])));
    expect(labels).toEqual(['filters', 'kernel=', 'stride=1', 'padding=valid', 'dilation=1', 'groups=1', 'bias=true', 'connections=', 'activation=none']);
    expect((signature.parameters![1]!.documentation as MarkupContent).value).toBe('`kernel` (pair, required): Window size: an int or HxW (kernel=1x7).');
    expect((signature.documentation as MarkupContent).value).toContain('Convolution');
  });

  it('the active parameter follows the cursor', () => {
    expect(active(MODEL('  conv 6|'))![1]).toBe('filters');
    // filters given: the first required argument still missing
    expect(active(MODEL('  conv 64 |'))![1]).toBe('kernel=');
    expect(active(MODEL('  conv 64 kernel=3 padding=|'))![1]).toBe('padding=valid');
    expect(active(MODEL('  conv 64 kernel=3 padding=sa|'))![1]).toBe('padding=valid');
    expect(active(MODEL('  conv 64 kernel=3 act|'))![1]).toBe('activation=none');
    expect(active(MODEL('  conv ch * |'))![1]).toBe('filters');
    expect(active(MODEL('  C1: conv 6 kernel=5 |'))![1]).toBe('');
  });

  it('editing an argument in the middle of a line', () => {
    expect(active(MODEL('  conv 64 kernel=| stride=2'))![1]).toBe('kernel=');
  });

  it('the call form counts commas', () => {
    expect(active(MODEL('  conv(8, |'))![1]).toBe('kernel=');
    expect(active(MODEL('  conv(8, kernel=3, stride=|'))![1]).toBe('stride=1');
    expect(help(MODEL('  conv(8, kernel=3)|'))).toBeNull();
  });
});

describe('blocks', () => {
  const BLOCKS = '# Two 3x3 convolutions.\nblock Basic(ch, stride = 1) { conv ch kernel=3 stride=stride }\nblock Inception(c1, c3r, c3, c5r, c5, proj) { conv c1 kernel=1 }\n';

  it('labels a block with its parameters and defaults as written', () => {
    expect(active(BLOCKS + MODEL('  Basic |'))).toEqual(['Basic ch stride=1', 'ch']);
    expect(active(BLOCKS + MODEL('  Basic 64 |'))).toEqual(['Basic ch stride=1', 'stride=1']);
    expect((help(BLOCKS + MODEL('  Basic |'))!.signatures[0]!.documentation as MarkupContent).value).toBe('Two 3x3 convolutions.');
  });

  it('positional block arguments in order, in both forms', () => {
    expect(active(BLOCKS + MODEL('  Inception 64 96 128 |'))![1]).toBe('c5r');
    expect(active(BLOCKS + MODEL('  Inception(64, 96, |'))![1]).toBe('c3');
  });

  it('blocks from imports', () => {
    expect(active('import "lib.nn"\n' + MODEL('  ConvBN 8 |'), { 'lib.nn': 'block ConvBN(ch, k = 3) { conv ch kernel=k }\n' })).toEqual(['ConvBN ch k=3', 'k=3']);
  });
});

describe('training settings', () => {
  const TRAIN = (line: string): string => `model M { input 4; dense 2 }\ntrain M {\n${line}\n}\n`;
  it('an optimizer with its options', () => {
    expect(active(TRAIN('  optimizer sgd lr=0.1 momentum=|'))).toEqual(['optimizer sgd lr=0.01 momentum=0 nesterov=false weight_decay=0', 'momentum=0']);
    expect(active(TRAIN('  optimizer |'))).toEqual(['optimizer sgd|adam|adamw|rmsprop|adadelta', 'sgd|adam|adamw|rmsprop|adadelta']);
  });
});

describe('no help', () => {
  it('outside arguments', () => {
    expect(help(MODEL('  conv|'))).toBeNull();
    expect(help(MODEL('  |'))).toBeNull();
    expect(help(MODEL('  parallel |'))).toBeNull();
    expect(help('|')).toBeNull();
    expect(help(MODEL('  unknownthing |'))).toBeNull();
    expect(help(MODEL('  conv 8 kernel=3  # conv |'))).toBeNull();
  });
});

describe('inside a number', () => {
  it('still helps', () => {
    expect(active(MODEL('  conv 6|4 kernel=3'))![1]).toBe('filters');
  });
});
