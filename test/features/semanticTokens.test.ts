import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provideSemanticTokens, SEMANTIC_TOKENS_LEGEND } from '../../server/src/features/semanticTokens';
import { analyzeDocument } from '../../server/src/language/index';

interface Decoded {
  line: number;
  character: number;
  text: string;
  /** type.modifier.modifier, modifiers in legend order */
  kind: string;
}

/** Undo the delta encoding, as an editor does. */
function decode(text: string, uri = '/w/main.nn', files: Record<string, string> = {}): Decoded[] {
  const analysis = analyzeDocument(text, { uri, load: (u) => files[u.replace('/w/', '')] });
  const { data } = provideSemanticTokens(analysis);
  expect(data.length % 5).toBe(0);
  const lines = text.split('\n');
  const out: Decoded[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [deltaLine, deltaStart, length, type, modifiers] = data.slice(i, i + 5) as [number, number, number, number, number];
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    const mods = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, bit) => modifiers & (1 << bit));
    out.push({ line, character, text: lines[line]!.slice(character, character + length), kind: [SEMANTIC_TOKENS_LEGEND.tokenTypes[type], ...mods].join('.') });
  }
  return out;
}

/** The kinds of every token with this text, in order. */
const kinds = (tokens: Decoded[], text: string): string[] => tokens.filter((t) => t.text === text).map((t) => t.kind);

const FILE = `# A block and a model.
let WIDTH = 16
block Widen(ch, stride = 1) {
  let wide = ch * 2
  conv wide kernel=3x3 stride=stride padding=same activation=relu
  repeat i in 2 { conv in.channels + i kernel=1 }
}
model Net(classes = 10) {
  input 3x32x32
  stem: Widen WIDTH stride=2
  parallel concat { branch left { relu } branch { } }
  dense max(classes, 2) activation=softmax
}
train Net(classes=10) {
  data idx("images", "labels")
  optimizer sgd lr=0.1 momentum=0.9
  device gpu:0
}
`;

describe('semantic tokens', () => {
  const tokens = decode(FILE);

  it('layers, blocks and models', () => {
    expect(kinds(tokens, 'conv')).toEqual(['function.defaultLibrary', 'function.defaultLibrary']);
    expect(kinds(tokens, 'dense')).toEqual(['function.defaultLibrary']);
    expect(kinds(tokens, 'Widen')).toEqual(['function.declaration', 'function']);
    expect(kinds(tokens, 'Net')).toEqual(['class.declaration', 'class']);
  });

  it('parameters: declarations, references and argument names', () => {
    expect(kinds(tokens, 'ch')).toEqual(['parameter.declaration.readonly', 'parameter']);
    // declaration, the argument name kernel-style, the reference
    expect(kinds(tokens, 'stride')).toEqual(['parameter.declaration.readonly', 'parameter', 'parameter', 'parameter']);
    expect(kinds(tokens, 'classes')).toEqual(['parameter.declaration.readonly', 'parameter', 'parameter']);
    expect(kinds(tokens, 'kernel')).toEqual(['parameter', 'parameter']);
  });

  it('constants, repeat indices and labels', () => {
    expect(kinds(tokens, 'WIDTH')).toEqual(['variable.declaration.readonly', 'variable.readonly']);
    expect(kinds(tokens, 'wide')).toEqual(['variable.declaration.readonly', 'variable.readonly']);
    expect(kinds(tokens, 'i')).toEqual(['variable.declaration.readonly', 'variable.readonly']);
    expect(kinds(tokens, 'stem')).toEqual(['label.declaration']);
    expect(kinds(tokens, 'left')).toEqual(['label.declaration']);
  });

  it('keywords, words, members and functions', () => {
    for (const k of ['let', 'block', 'model', 'train', 'input', 'parallel', 'branch', 'repeat', 'in']) expect(kinds(tokens, k)[0]).toBe('keyword');
    expect(kinds(tokens, 'same')).toEqual(['enumMember.defaultLibrary']);
    expect(kinds(tokens, 'relu')).toEqual(['enumMember.defaultLibrary', 'function.defaultLibrary']);
    expect(kinds(tokens, 'concat')).toEqual(['enumMember.defaultLibrary']);
    expect(kinds(tokens, 'channels')).toEqual(['property.readonly.defaultLibrary']);
    expect(kinds(tokens, 'max')).toEqual(['function.defaultLibrary']);
  });

  it('numbers, dimension literals, strings, operators and comments', () => {
    expect(kinds(tokens, '3x3')).toEqual(['number']);
    expect(kinds(tokens, '3x32x32')).toEqual(['number']);
    expect(kinds(tokens, '0.9')).toEqual(['number']);
    expect(kinds(tokens, '"images"')).toEqual(['string']);
    expect(kinds(tokens, '*')).toEqual(['operator']);
    expect(kinds(tokens, '+')).toEqual(['operator']);
    expect(kinds(tokens, '# A block and a model.')).toEqual(['comment']);
  });

  it('training keys, words and options', () => {
    expect(kinds(tokens, 'optimizer')).toEqual(['property.defaultLibrary']);
    expect(kinds(tokens, 'data')).toEqual(['property.defaultLibrary']);
    expect(kinds(tokens, 'sgd')).toEqual(['enumMember.defaultLibrary']);
    expect(kinds(tokens, 'idx')).toEqual(['function.defaultLibrary']);
    expect(kinds(tokens, 'lr')).toEqual(['parameter']);
    expect(kinds(tokens, 'gpu')).toEqual(['enumMember.defaultLibrary']);
  });

  it('imported blocks and constants', () => {
    const imported = decode('import "lib.nn"\nmodel M {\n  input 3x8x8\n  ConvBN K\n}\n', '/w/main.nn', { 'lib.nn': 'let K = 4\nblock ConvBN(ch) { conv ch kernel=1 }\n' });
    expect(kinds(imported, 'ConvBN')).toEqual(['function']);
    expect(kinds(imported, 'K')).toEqual(['variable.readonly']);
  });

  it('shadowing: a let in a body hides a constant of the same name', () => {
    const shadow = decode('let n = 1\nblock B(n2) {\n  repeat n in 2 { conv n kernel=1 }\n}\n');
    expect(kinds(shadow, 'n')).toEqual(['variable.declaration.readonly', 'variable.declaration.readonly', 'variable.readonly']);
  });

  // Every example: tokens in order, inside one line, never overlapping, each a real piece of text.
  const examples = join(__dirname, '../../examples');
  for (const name of readdirSync(examples).filter((f) => f.endsWith('.nn'))) {
    it(`encodes ${name} in order without overlaps`, () => {
      const text = readFileSync(join(examples, name), 'utf8');
      const decoded = decode(text);
      expect(decoded.length).toBeGreaterThan(20);
      for (let i = 1; i < decoded.length; i++) {
        const a = decoded[i - 1]!;
        const b = decoded[i]!;
        expect(b.line > a.line || (b.line === a.line && b.character >= a.character + a.text.length), `${a.text} then ${b.text}`).toBe(true);
      }
      for (const t of decoded) expect(t.text.trim()).toBe(t.text);
      expect(decoded.filter((t) => t.kind === 'comment').length).toBe(text.split('\n').filter((l) => l.includes('#')).length);
    });
  }

  it('a broken file still gets tokens, and no throw', () => {
    const broken = decode('model M {\n  input 3x8x8\n  conv 8 kernel=\n  residual { relu\n');
    expect(kinds(broken, 'conv')).toEqual(['function.defaultLibrary']);
    expect(kinds(broken, 'residual')).toEqual(['keyword']);
  });
});
