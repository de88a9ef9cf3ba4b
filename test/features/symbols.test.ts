// The outline and workspace symbols, in process. The outline is compared as an indented tree,
// one symbol a line: `name  [Kind]  detail`.
import { describe, expect, it } from 'vitest';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { fuzzyScore, provideDocumentSymbols, provideWorkspaceSymbols } from '../../server/src/features/symbols';
import { analyzeDocument, type Analysis } from '../../server/src/language/index';
import { markers } from '../helpers/markers';

const KIND = Object.fromEntries(Object.entries(SymbolKind).map(([name, value]) => [value, name])) as Record<number, string>;

function tree(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.name}  [${KIND[s.kind]}]${s.detail ? `  ${s.detail}` : ''}`, ...tree(s.children ?? [], depth + 1)]);
}

function outline(text: string, uri = 'file:///w/main.nn', load?: (uri: string) => string | undefined): string[] {
  return tree(provideDocumentSymbols(analyzeDocument(text, { uri, load })));
}

describe('document symbols', () => {
  it('lists models, then blocks, train blocks and constants, with layers and groups as children', () => {
    const text = [
      'let WIDTH = 16',
      'block ConvBN(ch, stride = 1) {',
      '  conv ch kernel=3 stride=stride padding=1 bias=false',
      '  batchnorm',
      '  if stride != 1 { relu } else { tanh }',
      '}',
      'model Net(classes = 10) {',
      '  input 3x32x32',
      '  stem: ConvBN WIDTH',
      '  stage: repeat i in 2 {',
      '    let w = WIDTH * 2',
      '    residual {',
      '      ConvBN w',
      '    } shortcut if in.channels != w {',
      '      conv w kernel=1',
      '    }',
      '  }',
      '  mix: parallel concat {',
      '    branch a { conv 8 kernel=1 }',
      '    branch { }',
      '  }',
      '  globalavgpool',
      '  fc: dense classes',
      '}',
      'train Net(classes=10) {',
      '  epochs 5',
      '  optimizer sgd lr=0.1',
      '}',
    ].join('\n');
    expect(outline(text)).toEqual([
      'Net  [Class]  model(classes = 10)',
      '  input  [Property]  3x32x32',
      '  stem  [Module]  ConvBN WIDTH → 16×32×32',
      '  stage  [Array]  repeat i in 2 → 32×32×32',
      '    w  [Variable]  = WIDTH * 2',
      '    residual  [Struct]  → 32×32×32',
      '      ConvBN  [Module]  w → 32×32×32',
      '      shortcut  [Namespace]  if in.channels != w',
      '        conv  [Field]  w kernel=1 → 32×32×32',
      '  mix  [Struct]  parallel concat → 40×32×32',
      '    a  [Namespace]',
      '      conv  [Field]  8 kernel=1 → 8×32×32',
      '    branch2  [Namespace]',
      '  globalavgpool  [Field]  → 40',
      '  fc  [Field]  dense classes → 10',
      'ConvBN  [Function]  block(ch, stride = 1)',
      '  conv  [Field]  ch kernel=3 stride=stride padding=1 bias=false',
      '  batchnorm  [Field]',
      '  if  [Boolean]  stride != 1',
      '    relu  [Field]',
      '  else  [Boolean]',
      '    tanh  [Field]',
      'train Net  [Event]  (classes=10)',
      '  epochs  [Property]  5',
      '  optimizer  [Property]  sgd lr=0.1',
      'WIDTH  [Constant]  = 16',
    ]);
  });

  it('shows first and last shapes when a repeat gives a layer several', () => {
    expect(outline('model M {\n  input 4\n  repeat i in 3 { dense 8 * (i + 1) }\n}')).toEqual([
      'M  [Class]  model',
      '  input  [Property]  4',
      '  repeat  [Array]  i in 3 → 24',
      '    dense  [Field]  8 * (i + 1) → 8 … 24',
    ]);
  });

  it('gives each symbol a selection inside its range', () => {
    const { text, ranges } = markers('model ‹M› {\n  input 4\n  ‹fc›: dense 3\n}\nblock ‹B› { ‹relu› }');
    const analysis = analyzeDocument(text);
    const symbols = provideDocumentSymbols(analysis);
    const selections = [symbols[0]!.selectionRange, symbols[0]!.children![1]!.selectionRange, symbols[1]!.selectionRange, symbols[1]!.children![0]!.selectionRange];
    expect(selections).toEqual(ranges.map((r) => analysis.lines.range(r)));
    const inside = (s: DocumentSymbol): boolean =>
      analysis.lines.offset(s.selectionRange.start) >= analysis.lines.offset(s.range.start) &&
      analysis.lines.offset(s.selectionRange.end) <= analysis.lines.offset(s.range.end) &&
      (s.children ?? []).every(inside);
    expect(symbols.every(inside)).toBe(true);
  });

  it('survives broken input with non-empty names', () => {
    for (const text of ['model {', 'block (', 'train {', 'model M { input 4; : dense 3 }', 'let = 3', 'model M { input 4; parallel { branch { ', 'model M { input 4; repeat { dense 3']) {
      const symbols = provideDocumentSymbols(analyzeDocument(text));
      const names = tree(symbols).map((line) => line.trim().split('  ')[0]);
      expect(names.every((n) => n && n.length > 0), text).toBe(true);
    }
  });

  it('lists only the document’s own declarations, not its imports', () => {
    expect(outline('import "b.nn"\nmodel M { input 4; B }', 'file:///w/main.nn', () => 'block B { relu }')).toEqual(['M  [Class]  model', '  input  [Property]  4', '  B  [Module]  → 4']);
  });
});

describe('workspace symbols', () => {
  const analyses = (): Analysis[] => {
    const files: Record<string, string> = {
      'file:///w/main.nn': 'import "blocks.nn"\nlet WIDTH = 8\nmodel ResNet18 { input 3x8x8; Stem }\ntrain ResNet18 { epochs 1 }',
      'file:///w/blocks.nn': 'block Stem { relu }\nblock BasicStage { relu }',
      'file:///w/other.nn': 'model LeNet5 { input 1x32x32 }',
    };
    const load = (uri: string) => files[uri];
    return ['file:///w/main.nn', 'file:///w/other.nn', 'file:///w/blocks.nn'].map((uri) => analyzeDocument(files[uri]!, { uri, load }));
  };
  const query = (q: string) => provideWorkspaceSymbols(analyses(), q).map((s) => `${s.name} [${KIND[s.kind]}] ${s.containerName}`);

  it('lists models, blocks, constants and train blocks of every file once', () =>
    expect(query('').sort()).toEqual([
      'BasicStage [Function] blocks.nn',
      'LeNet5 [Class] other.nn',
      'ResNet18 [Class] main.nn',
      'Stem [Function] blocks.nn',
      'WIDTH [Constant] main.nn',
      'train ResNet18 [Event] main.nn',
    ]));

  it.each([
    ['rn18', ['ResNet18 [Class] main.nn', 'train ResNet18 [Event] main.nn']],
    ['stem', ['Stem [Function] blocks.nn']],
    ['bs', ['BasicStage [Function] blocks.nn']],
    ['WID', ['WIDTH [Constant] main.nn']],
    ['lenet', ['LeNet5 [Class] other.nn']],
    ['zz', []],
  ])('matches %s as a subsequence, any case', (q, names) => expect(query(q)).toEqual(names));

  it('points at the name', () => {
    const [stem] = provideWorkspaceSymbols(analyses(), 'Stem');
    expect(stem!.location).toEqual({ uri: 'file:///w/blocks.nn', range: { start: { line: 0, character: 6 }, end: { line: 0, character: 10 } } });
  });

  it.each([
    ['', 'anything', 0],
    ['res', 'ResNet18', 3],
    ['net', 'ResNet18', 2],
    ['rn', 'ResNet18', 1],
    ['stem', 'Stem', 4],
    ['x', 'Stem', undefined],
  ])('scores %j against %s', (q, text, score) => expect(fuzzyScore(q, text)).toBe(score));
});
