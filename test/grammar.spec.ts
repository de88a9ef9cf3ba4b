// The TextMate grammar (syntaxes/nn.tmLanguage.json), as VS Code runs it: vscode-textmate with
// the Oniguruma regex engine. Each fixture in test/fixtures/grammar/*.nn is tokenized and
// compared with its snapshot, `<name>.tokens`: each source line (`── N │ …`), then one line per
// token, `text  scope scope…` (the root scope source.nn left out). Update with `npx vitest run
// test/grammar.spec.ts -u` and read the diff.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAYERS, WORDS } from '../server/src/language/layers';
import { KEYWORDS } from '../server/src/language/scanner';
import { SETTINGS } from '../server/src/language/train';

const ROOT = join(__dirname, '..');
const FIXTURES = join(__dirname, 'fixtures', 'grammar');
const GRAMMAR_PATH = join(ROOT, 'syntaxes', 'nn.tmLanguage.json');

let grammar: textmate.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => (scopeName === 'source.nn' ? textmate.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null),
  });
  const loaded = await registry.loadGrammar('source.nn');
  if (!loaded) throw new Error('the grammar source.nn did not load');
  grammar = loaded;
});

interface Token {
  text: string;
  scopes: string[];
}

/** Tokens of each line, whitespace-only tokens left out. */
function tokenize(source: string): Token[][] {
  let state = textmate.INITIAL;
  return source.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens
      .map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.filter((s) => s !== 'source.nn') }))
      .filter((t) => t.text.trim() !== '');
  });
}

function dump(source: string): string {
  const lines = source.replace(/\n$/, '').split('\n');
  const tokens = tokenize(lines.join('\n'));
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    out.push(`── ${i + 1} │ ${line}`);
    for (const t of tokens[i]!) out.push(`${t.text.trim()}  ${t.scopes.join(' ') || '-'}`);
  });
  return out.join('\n') + '\n';
}

/** The scopes of the first token whose text is `text`. */
function scopesOf(source: string, text: string): string[] {
  const tokens = tokenize(source).flat();
  const token = tokens.find((t) => t.text.trim() === text);
  if (!token) throw new Error(`no token '${text}' in: ${source}`);
  return token.scopes;
}

const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.nn')).sort();

describe('grammar snapshots', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });
  for (const file of fixtures) {
    it(file, async () => {
      const source = readFileSync(join(FIXTURES, file), 'utf8');
      await expect(dump(source)).toMatchFileSnapshot(join(FIXTURES, file.replace(/\.nn$/, '.tokens')));
    });
  }
});

// Spot checks that say in words what the snapshots hold, so a wrong snapshot cannot be accepted
// by `-u` without a test failing here.
describe('grammar scopes', () => {
  const cases: Array<[string, string, string]> = [
    ['# note', '#', 'punctuation.definition.comment.nn'],
    ['# note', 'note', 'comment.line.number-sign.nn'],
    ['  relu # {', '{', 'comment.line.number-sign.nn'],
    ['import "a.nn"', 'import', 'keyword.control.import.nn'],
    ['model Net(classes = 10) {', 'model', 'storage.type.model.nn'],
    ['model Net(classes = 10) {', 'Net', 'entity.name.type.model.nn'],
    ['model Net(classes = 10) {', 'classes', 'variable.parameter.nn'],
    ['block Basic(ch, stride = 1) {', 'Basic', 'entity.name.function.block.nn'],
    ['block Basic(ch, stride = 1) {', 'stride', 'variable.parameter.nn'],
    ['let WIDTH = 64', 'WIDTH', 'variable.other.constant.nn'],
    ['  fc: dense classes', 'fc', 'entity.name.tag.label.nn'],
    ['  fc: dense classes', 'dense', 'support.function.layer.nn'],
    ['  conv 64 kernel=3 padding=same', 'kernel', 'variable.parameter.nn'],
    ['  conv 64 kernel=3 padding=same', 'same', 'support.constant.nn'],
    ['  conv 64 kernel=3 padding=same', '64', 'constant.numeric.integer.nn'],
    ['  adaptiveavgpool 6x6', 'adaptiveavgpool', 'support.function.layer.nn'],
    ['  input 3x224x224', 'input', 'keyword.other.input.nn'],
    ['  input 3x224x224', '3x224x224', 'constant.numeric.dimension.nn'],
    ['let r = 1e-3', '1e-3', 'constant.numeric.float.nn'],
    ['let r = 1_000', '1_000', 'constant.numeric.integer.nn'],
    ['let r = .5', '.5', 'constant.numeric.float.nn'],
    ['let s = "a\\"b"', '\\"', 'constant.character.escape.nn'],
    ['  conv in.channels kernel=1', 'in', 'variable.language.in.nn'],
    ['  conv in.channels kernel=1', 'channels', 'support.variable.property.nn'],
    ['  Basic 64 stride=2', 'Basic', 'entity.name.function.block.nn'],
    ['  parallel concat {', 'parallel', 'keyword.other.parallel.nn'],
    ['  parallel concat {', 'concat', 'support.constant.merge.nn'],
    ['  } shortcut if stride != 1 {', 'shortcut', 'keyword.other.shortcut.nn'],
    ['  } shortcut if stride != 1 {', '!=', 'keyword.operator.comparison.nn'],
    ['  repeat i in 3 {', 'i', 'variable.other.loop.nn'],
    ['  let n = a // 2', '//', 'keyword.operator.arithmetic.nn'],
    ['  if a and not b {', 'and', 'keyword.operator.logical.nn'],
    ['train Net {\n  optimizer sgd lr=0.1\n}', 'optimizer', 'keyword.other.setting.nn'],
    ['train Net {\n  optimizer sgd lr=0.1\n}', 'sgd', 'support.constant.nn'],
    ['train Net {\n  optimizer sgd lr=0.1\n}', 'lr', 'variable.parameter.nn'],
    ['train Net {\n  data idx("a", "b")\n}', 'idx', 'support.function.data.nn'],
  ];
  for (const [source, text, scope] of cases) {
    it(`${JSON.stringify(text)} in ${JSON.stringify(source)} is ${scope}`, () => {
      expect(scopesOf(source, text)).toContain(scope);
    });
  }
});

describe('language configuration', () => {
  const config = JSON.parse(readFileSync(join(ROOT, 'language-configuration.json'), 'utf8')) as {
    comments: { lineComment: string };
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  };
  it('uses # for comments', () => {
    expect(config.comments.lineComment).toBe('#');
  });
  it('keeps dimension literals and numbers as one word', () => {
    const word = new RegExp(config.wordPattern, 'g');
    expect('input 3x224x224'.match(word)).toEqual(['input', '3x224x224']);
    expect('lr=1e-3 n=1_000 in.channels'.match(word)).toEqual(['lr', '1e-3', 'n', '1_000', 'in', 'channels']);
  });
  it('indents after an opening bracket and outdents at a closing one', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    expect(increase.test('model Net {')).toBe(true);
    expect(increase.test('  residual {   # body')).toBe(true);
    expect(increase.test('block B(')).toBe(true);
    expect(increase.test('  conv 8 kernel=3')).toBe(false);
    expect(increase.test('  let s = "{"')).toBe(false);
    expect(increase.test('  relu # {')).toBe(false);
    expect(decrease.test('  }')).toBe(true);
    expect(decrease.test('  } shortcut {')).toBe(true);
    expect(decrease.test('  conv 8 kernel=3')).toBe(false);
  });
});

// The grammar's word lists are written out by hand; these hold them to the language core's tables.
describe('grammar word lists follow the language core', () => {
  const settingsEntries = Object.entries(SETTINGS) as Array<[string, { kinds?: Record<string, Record<string, { type: unknown }>>; options?: Record<string, { type: unknown }> }]>;
  const trainWords = new Set<string>(['mnist', 'synthetic']);
  for (const [, spec] of settingsEntries) {
    for (const [kind, options] of Object.entries(spec.kinds ?? {})) {
      trainWords.add(kind);
      for (const option of Object.values(options)) if (typeof option.type === 'object' && option.type && 'oneOf' in option.type) for (const w of (option.type as { oneOf: string[] }).oneOf) trainWords.add(w);
    }
    for (const option of Object.values(spec.options ?? {})) if (typeof option.type === 'object' && option.type && 'oneOf' in option.type) for (const w of (option.type as { oneOf: string[] }).oneOf) trainWords.add(w);
  }

  it('every layer is a layer', () => {
    const wrong = Object.keys(LAYERS).filter((op) => !scopesOf(`model M {\n  ${op} 3\n}`, op).includes('support.function.layer.nn'));
    expect(wrong).toEqual([]);
  });
  it('every layer in the call form and after a label is a layer', () => {
    const wrong = Object.keys(LAYERS).filter((op) => !scopesOf(`model M {\n  x: ${op}(3)\n}`, op).includes('support.function.layer.nn'));
    expect(wrong).toEqual([]);
  });
  it('every argument word is a constant', () => {
    const wrong = [...WORDS].filter((w) => !scopesOf(`model M {\n  conv 8 activation=${w}\n}`, w).includes('support.constant.nn'));
    expect(wrong).toEqual([]);
  });
  it('every train setting is a setting', () => {
    const wrong = Object.keys(SETTINGS).filter((key) => !scopesOf(`train M {\n  ${key} 1\n}`, key).includes('keyword.other.setting.nn'));
    expect(wrong).toEqual([]);
  });
  it('every train word is a constant', () => {
    expect(trainWords.size).toBeGreaterThan(20);
    const wrong = [...trainWords].filter((w) => !scopesOf(`train M {\n  engine ${w}\n}`, w).includes('support.constant.nn'));
    expect(wrong).toEqual([]);
  });
  it('no keyword is taken for a block use', () => {
    const wrong = [...KEYWORDS].filter((k) => scopesOf(`model M {\n  ${k} x\n}`, k).includes('entity.name.function.block.nn'));
    expect(wrong).toEqual([]);
  });
});

describe('the examples', () => {
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.nn'));
  for (const file of examples) {
    it(`every token of examples/${file} has a scope`, () => {
      const source = readFileSync(join(ROOT, 'examples', file), 'utf8');
      const bare = tokenize(source)
        .flatMap((tokens, line) => tokens.filter((t) => t.scopes.length === 0).map((t) => `${line + 1}: ${t.text}`));
      expect(bare).toEqual([]);
    });
  }
});
