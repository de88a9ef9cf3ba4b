import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type MarkupContent } from 'vscode-languageserver';
import { provideCompletion } from '../../server/src/features/completion';
import { analyzeDocument, type Analysis } from '../../server/src/language/index';

// Completion on half-typed text: the cursor is marked `|` in each fixture.
function complete(fixture: string, files: Record<string, string> = {}): { items: CompletionItem[]; labels: string[]; analysis: Analysis } {
  const offset = fixture.indexOf('|');
  if (offset < 0) throw new Error('no | in the fixture');
  const text = fixture.slice(0, offset) + fixture.slice(offset + 1);
  const analysis = analyzeDocument(text, { uri: '/w/main.nn', load: (uri) => files[uri.replace('/w/', '')] });
  const items = provideCompletion(analysis, analysis.lines.position(offset));
  return { items, labels: items.map((i) => i.label), analysis };
}

const item = (items: CompletionItem[], label: string): CompletionItem => {
  const found = items.find((i) => i.label === label);
  if (!found) throw new Error(`no completion '${label}' in ${items.map((i) => i.label).join(' ')}`);
  return found;
};
const doc = (i: CompletionItem): string => (typeof i.documentation === 'string' ? i.documentation : (i.documentation as MarkupContent | undefined)?.value ?? '');

const MODEL = (body: string): string => `model M(classes = 10) {\n  input 3x32x32\n${body}\n}\n`;

describe('argument names', () => {
  it('offers the arguments not yet given, inserting name=', () => {
    const { items, labels } = complete(MODEL('  conv 64 ker|'));
    expect(labels).toEqual(expect.arrayContaining(['kernel=', 'stride=', 'padding=', 'dilation=', 'groups=', 'bias=', 'activation=']));
    // filters was given by position
    expect(labels).not.toContain('filters=');
    const kernel = item(items, 'kernel=');
    expect(kernel.insertText).toBe('kernel=');
    expect(kernel.textEdit).toMatchObject({ newText: 'kernel=', range: { start: { line: 2, character: 10 }, end: { line: 2, character: 13 } } });
    expect(doc(kernel)).toContain('Window size');
    expect(doc(kernel)).toContain('required');
    expect(item(items, 'stride=').detail).toBe('stride=1');
    expect(item(items, 'padding=').detail).toBe('padding=valid');
    expect(doc(item(items, 'bias='))).toContain('default true');
  });

  it('leaves out arguments given before or after the cursor', () => {
    const { labels } = complete(MODEL('  conv 64 kernel=3 | activation=relu'));
    expect(labels).not.toContain('kernel=');
    expect(labels).not.toContain('activation=');
    expect(labels).toContain('stride=');
  });

  it('offers names in scope beside the argument names while a positional slot is open', () => {
    const { labels } = complete(MODEL('  conv |'));
    expect(labels).toContain('kernel=');
    expect(labels).toContain('classes');
    expect(labels).toContain('in');
    expect(labels).toContain('max');
  });

  it('works for block uses, with the block parameters', () => {
    const text = 'block Basic(ch, stride = 1) { conv ch kernel=3 stride=stride }\n' + MODEL('  Basic 64 |');
    const { items, labels } = complete(text);
    expect(labels).toContain('stride=');
    expect(labels).not.toContain('ch=');
    expect(item(items, 'stride=').detail).toBe('stride=1');
  });

  it('works in the call form', () => {
    expect(complete(MODEL('  conv(8, |')).labels).toContain('kernel=');
  });
});

describe('enum values', () => {
  it('padding= offers same and valid first', () => {
    const { labels, items } = complete(MODEL('  conv 64 kernel=3 padding=|'));
    expect(labels.slice(0, 2)).toEqual(['same', 'valid']);
    expect(item(items, 'same').kind).toBe(CompletionItemKind.EnumMember);
    expect(doc(item(items, 'same'))).toContain('ceil(input / stride)');
  });

  it('activation= offers every activation, none and linear', () => {
    const { labels } = complete(MODEL('  conv 64 kernel=3 activation=|'));
    for (const a of ['relu', 'relu6', 'leakyrelu', 'elu', 'gelu', 'silu', 'tanh', 'sigmoid', 'hardswish', 'softmax', 'none', 'linear']) expect(labels).toContain(a);
  });

  it('a partly typed value still completes', () => {
    expect(complete(MODEL('  dense 10 activation=so|')).labels).toContain('softmax');
  });

  it('mode= and bias=', () => {
    expect(complete(MODEL('  upsample 2 mode=|')).labels.slice(0, 2)).toEqual(['nearest', 'bilinear']);
    expect(complete(MODEL('  conv 8 kernel=1 bias=|')).labels.slice(0, 2)).toEqual(['true', 'false']);
  });

  it('merge modes after parallel', () => {
    expect(complete(MODEL('  parallel |')).labels).toEqual(['concat', 'add', 'mul', 'max', 'avg']);
    expect(complete(MODEL('  p: parallel |')).labels).toEqual(['concat', 'add', 'mul', 'max', 'avg']);
  });

  it('branch inside parallel', () => {
    expect(complete(MODEL('  parallel add {\n    |\n  }')).labels).toEqual(['branch', 'branch']);
  });
});

describe('statement starts', () => {
  it('a new line in a model body: layers, blocks, keywords and snippets', () => {
    const text = 'block Stem(ch = 16) { conv ch kernel=3 }\n' + MODEL('  conv 8 kernel=3\n  |');
    const { items, labels } = complete(text);
    for (const op of ['conv', 'dense', 'maxpool', 'batchnorm', 'relu', 'flatten', 'Stem', 'parallel', 'residual', 'repeat', 'if', 'let']) expect(labels).toContain(op);
    // The model already has its input.
    expect(labels).not.toContain('input');
    expect(item(items, 'conv').detail).toBe('conv filters kernel= stride=1 padding=valid dilation=1 groups=1 bias=true connections= activation=none');
    expect(item(items, 'Stem').detail).toBe('block Stem(ch = 16)');
    const snippets = items.filter((i) => i.kind === CompletionItemKind.Snippet);
    expect(snippets.map((s) => s.label)).toEqual(expect.arrayContaining(['residual', 'inception']));
    for (const s of snippets) expect(s.insertTextFormat).toBe(InsertTextFormat.Snippet);
  });

  it('input only as the first statement of a model', () => {
    expect(complete('model M {\n  |\n}\n').labels).toContain('input');
    expect(complete('block B {\n  |\n}\n').labels).not.toContain('input');
    expect(complete(MODEL('  repeat 2 {\n    |\n  }')).labels).not.toContain('input');
  });

  it('typed letters still complete the statement', () => {
    const { items } = complete(MODEL('  con|'));
    expect(item(items, 'conv').textEdit).toMatchObject({ newText: 'conv', range: { start: { line: 2, character: 2 }, end: { line: 2, character: 5 } } });
  });

  it('after a label: layers and groups, not let or if', () => {
    const { labels } = complete(MODEL('  C1: |'));
    expect(labels).toContain('conv');
    expect(labels).toContain('residual');
    expect(labels).not.toContain('let');
    expect(labels).not.toContain('if');
  });

  it('blocks from imports, with their parameter lists and documentation', () => {
    const lib = '# A 3x3 convolution, batch norm and ReLU.\nblock ConvBN(ch, stride = 1) {\n  conv ch kernel=3 stride=stride padding=1\n  batchnorm\n  relu\n}\n';
    const { items } = complete('import "lib.nn"\n' + MODEL('  |'), { 'lib.nn': lib });
    const block = item(items, 'ConvBN');
    expect(block.detail).toBe('block ConvBN(ch, stride = 1)');
    expect(doc(block)).toContain('A 3x3 convolution, batch norm and ReLU.');
    expect(doc(block)).toContain('ConvBN ch stride=1');
  });

  it('else after an if, shortcut after a residual', () => {
    expect(complete(MODEL('  if classes > 2 { relu }\n  |')).labels[0]).toBe('else');
    expect(complete(MODEL('  residual { relu } |')).labels[0]).toBe('shortcut');
  });

  it('nothing right after a complete token with no space', () => {
    expect(complete(MODEL('  conv 64|')).labels).toEqual([]);
  });
});

describe('names in scope', () => {
  const BLOCK = `let WIDTH = 64
block B(ch, stride = 1) {
  let before = ch * 2
  repeat i in 3 {
    let inner = i + 1
    conv |
  }
  let after = 1
}
`;
  it('parameters, lets before the cursor, the repeat index and top-level constants', () => {
    const { items, labels } = complete(BLOCK);
    for (const name of ['ch', 'stride', 'before', 'i', 'inner', 'WIDTH']) expect(labels).toContain(name);
    expect(labels).not.toContain('after');
    expect(item(items, 'stride').detail).toBe('parameter of block B = 1');
    expect(item(items, 'before').detail).toBe('let before = ch * 2');
    expect(item(items, 'WIDTH').detail).toBe('let WIDTH = 64');
    expect(item(items, 'i').detail).toContain('repeat index');
  });

  it('a let inside a body is not visible after it', () => {
    const { labels } = complete(MODEL('  repeat 2 { let x = 1 }\n  conv |'));
    expect(labels).not.toContain('x');
  });

  it('functions insert a call', () => {
    const { items } = complete(MODEL('  dense m|'));
    expect(item(items, 'max')).toMatchObject({ insertText: 'max($0)', insertTextFormat: InsertTextFormat.Snippet });
    for (const f of ['min', 'max', 'floor', 'ceil', 'round', 'abs']) expect(items.map((i) => i.label)).toContain(f);
  });

  it('after an operator, names again', () => {
    expect(complete(MODEL('  conv classes * |')).labels).toContain('classes');
    expect(complete(MODEL('  conv classes * |')).labels).not.toContain('kernel=');
  });

  it('constants from imports, and in let values at the top level', () => {
    const { labels } = complete('import "lib.nn"\nlet B = |\n', { 'lib.nn': 'let A = 3\n' });
    expect(labels).toContain('A');
    expect(labels).not.toContain('in');
  });
});

describe('in. members', () => {
  it('an image has channels, height, width and size, with their values', () => {
    const { items, labels } = complete('model M {\n  input 3x32x32\n  conv 8 kernel=3\n  conv in.| kernel=1\n}\n');
    expect(labels).toEqual(['channels', 'height', 'width', 'size']);
    expect(item(items, 'channels').detail).toBe('in.channels = 8');
    expect(item(items, 'height').detail).toBe('in.height = 30');
  });

  it('a sequence has length, a vector only channels and size', () => {
    expect(complete('model M {\n  input 4x100\n  conv in.| kernel=3\n}\n').labels).toEqual(['channels', 'length', 'size']);
    expect(complete('model M {\n  input 784\n  dense 10\n  let n = in.|\n}\n').labels).toEqual(['channels', 'size']);
  });

  it('in a block used with several shapes, the values of every use', () => {
    const text = 'block B { conv in.| kernel=1 }\nmodel M {\n  input 3x8x8\n  B\n}\nmodel N {\n  input 5x8x8\n  B\n}\n';
    const { items } = complete(text);
    expect(item(items, 'channels').detail).toBe('in.channels = 3 | 5');
  });

  it('while the member is half typed', () => {
    expect(complete(MODEL('  conv in.ch|')).labels).toContain('channels');
  });
});

describe('train blocks', () => {
  const TRAIN = (line: string): string => `model M { input 1x28x28; flatten; dense 10 }\ntrain M {\n  epochs 3\n${line}\n}\n`;

  it('setting keys at the start of a line', () => {
    const { labels, items } = complete(TRAIN('  |'));
    for (const key of ['data', 'validation', 'epochs', 'batch', 'seed', 'optimizer', 'schedule', 'loss', 'augment', 'early_stop', 'engine', 'device', 'precision']) expect(labels).toContain(key);
    expect(item(items, 'optimizer').detail).toBe('optimizer sgd | adam | adamw | rmsprop | adadelta');
  });

  it('optimizer words, then their options', () => {
    expect(complete(TRAIN('  optimizer |')).labels).toEqual(['sgd', 'adam', 'adamw', 'rmsprop', 'adadelta']);
    const { labels, items } = complete(TRAIN('  optimizer sgd lr=0.1 |'));
    expect(labels).toEqual(['momentum=', 'nesterov=', 'weight_decay=']);
    expect(doc(item(items, 'momentum='))).toContain('default 0');
    expect(complete(TRAIN('  optimizer adamw |')).labels).toEqual(['lr=', 'weight_decay=']);
  });

  it('loss, schedule, engine, device and precision words', () => {
    expect(complete(TRAIN('  loss |')).labels).toEqual(['crossentropy', 'nll', 'bce', 'mse']);
    expect(complete(TRAIN('  schedule |')).labels).toEqual(['none', 'step', 'cosine', 'onecycle', 'warmup']);
    expect(complete(TRAIN('  schedule step |')).labels).toEqual(['every=', 'gamma=']);
    expect(complete(TRAIN('  engine |')).labels).toEqual(['auto', 'torch', 'tfjs']);
    expect(complete(TRAIN('  device |')).labels).toEqual(['auto', 'cpu', 'gpu', 'gpus=']);
    expect(complete(TRAIN('  precision |')).labels).toEqual(['auto', 'fp32', 'bf16', 'fp16']);
  });

  it('data sources as snippets, and options with word values', () => {
    const { items } = complete(TRAIN('  data |'));
    expect(items.slice(0, 5).map((i) => i.label)).toEqual(['mnist', 'idx', 'folder', 'csv', 'synthetic']);
    expect(item(items, 'idx')).toMatchObject({ insertText: 'idx("${1:images}", "${2:labels}")', insertTextFormat: InsertTextFormat.Snippet });
    expect(complete(TRAIN('  data synthetic samples=100 |')).labels).toEqual(expect.arrayContaining(['classes=', 'shape=']));
    expect(complete(TRAIN('  early_stop monitor=|')).labels).toEqual(['val_loss', 'val_accuracy', 'loss']);
    expect(complete(TRAIN('  optimizer sgd nesterov=|')).labels).toEqual(['true', 'false']);
  });

  it('the model after train', () => {
    expect(complete('model A { input 4; dense 2 }\nmodel B { input 4; dense 3 }\ntrain |').labels).toEqual(['A', 'B']);
  });
});

describe('top level and snippets', () => {
  it('declaration keywords and snippets', () => {
    const { labels } = complete('|');
    expect(labels).toEqual(expect.arrayContaining(['model', 'block', 'train', 'let', 'import', 'residual block', 'inception block']));
  });

  // A snippet with each placeholder at its default must be a correct file, whatever it is inserted into.
  const expand = (body: string, indent: string): string =>
    body
      .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
      .replace(/\$\{\d+:([^}]*)\}/g, '$1')
      .replace(/\$\d/g, '')
      .replace(/\n/g, `\n${indent}`)
      .replace(/\t/g, '  ');

  it('the top-level snippets analyse without errors', () => {
    const base = 'model Base {\n  input 1x28x28\n  conv 8 kernel=3\n  flatten\n  dense 10\n}\n';
    const { items } = complete(base + '|');
    for (const label of ['model', 'residual block', 'inception block', 'train']) {
      const text = base + expand(item(items.filter((i) => i.kind === CompletionItemKind.Snippet), label).insertText!, '') + '\n';
      const errors = analyzeDocument(text).diagnostics.filter((d) => d.severity === 'error');
      expect(errors, `${label}:\n${text}`).toEqual([]);
    }
  });

  it('the train snippet offers the file’s models', () => {
    const { items } = complete('model A { input 4; dense 2 }\nmodel B { input 4; dense 3 }\n|');
    expect(items.find((i) => i.label === 'train' && i.kind === CompletionItemKind.Snippet)!.insertText).toMatch(/^train \$\{1\|A,B\|\} \{/);
  });

  it('the body snippets analyse without errors, and the residual one matches its shortcut', () => {
    const fixture = 'block Basic(ch, stride = 1) {\n  |\n}\nmodel M {\n  input 3x32x32\n  Basic 16\n  Basic 32 stride=2\n}\n';
    const { items } = complete(fixture);
    for (const label of ['residual', 'inception']) {
      const snippet = items.find((i) => i.label === label && i.kind === CompletionItemKind.Snippet)!;
      let inserted = expand(snippet.insertText!, '  ');
      if (label === 'inception') inserted = inserted.replace(/\b(c1|c3r|c3|c5r|c5|proj)\b/g, '8');
      const text = fixture.replace('|', inserted);
      const analysis = analyzeDocument(text);
      expect(analysis.diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
    }
  });
});

describe('robustness', () => {
  it('no completion in comments or strings', () => {
    expect(complete(MODEL('  conv 8 kernel=3  # conv |')).labels).toEqual([]);
    expect(complete('import "li|b.nn"\n').labels).toEqual([]);
  });

  // Every prefix of every example, completed at its end: the text a user has while typing.
  const examples = join(__dirname, '../../examples');
  for (const name of readdirSync(examples).filter((f) => f.endsWith('.nn'))) {
    it(`never throws while typing ${name}`, () => {
      const text = readFileSync(join(examples, name), 'utf8');
      for (let cut = 0; cut <= text.length; cut += 13) {
        const prefix = text.slice(0, cut);
        const analysis = analyzeDocument(prefix);
        expect(() => provideCompletion(analysis, analysis.lines.position(cut))).not.toThrow();
      }
      const analysis = analyzeDocument(text);
      for (let offset = 0; offset <= text.length; offset += 7) {
        const items = provideCompletion(analysis, analysis.lines.position(offset));
        for (const i of items) expect(i.textEdit).toBeDefined();
      }
    });
  }
});

describe('inside literals', () => {
  it('nothing in the middle of a number or a dimension literal', () => {
    expect(complete(MODEL('  conv 6|4 kernel=3')).labels).toEqual([]);
    expect(complete('model M {\n  input 3x2|24x224\n}\n').labels).toEqual([]);
  });
});

describe('train arguments', () => {
  it('the model parameters not yet passed', () => {
    const { labels, items } = complete('model Net(classes, width = 16) { input 4; dense classes }\ntrain Net(width=8, |');
    expect(labels).toEqual(['classes=']);
    expect(item(items, 'classes=').detail).toContain('no default');
  });
});
