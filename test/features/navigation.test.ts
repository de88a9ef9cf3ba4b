// Definition, references and rename, in process. Fixtures mark the cursor with `|` and the
// expected ranges with `‹…›`; several files are analysed together through an in-memory `load`.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseError, type Location, type WorkspaceEdit } from 'vscode-languageserver';
import { prepareRename, provideDefinition, provideReferences, provideRename } from '../../server/src/features/navigation';
import { analyzeDocument, LineIndex, type Analysis, type Span } from '../../server/src/language/index';
import { markers } from '../helpers/markers';

const CURSOR = '|';
const uriOf = (name: string): string => `file:///w/${name}`;

interface Files {
  text: Record<string, string>;
  ranges: Record<string, Span[]>;
  cursor: { uri: string; offset: number };
  analysis: (name: string) => Analysis;
  /** The analyses of every file but `name`: the other open documents. */
  others: (name: string) => Analysis[];
}

/** Files by name (main.nn, blocks.nn); exactly one holds the cursor `|`. */
function files(fixtures: Record<string, string>): Files {
  const text: Record<string, string> = {};
  const ranges: Record<string, Span[]> = {};
  let cursor: Files['cursor'] | undefined;
  for (const [name, fixture] of Object.entries(fixtures)) {
    const marked = markers(fixture);
    const at = marked.text.indexOf(CURSOR);
    const uri = uriOf(name);
    if (at >= 0) {
      if (cursor) throw new Error('more than one cursor');
      cursor = { uri, offset: at };
    }
    const shift = (n: number): number => (at >= 0 && n > at ? n - 1 : n);
    text[uri] = at >= 0 ? marked.text.slice(0, at) + marked.text.slice(at + 1) : marked.text;
    ranges[uri] = marked.ranges.map((r) => ({ start: shift(r.start), end: shift(r.end) }));
  }
  if (!cursor) throw new Error('no cursor');
  const analyses = new Map<string, Analysis>();
  const analysis = (name: string): Analysis => {
    const uri = name.includes(':') ? name : uriOf(name);
    let a = analyses.get(uri);
    if (!a) analyses.set(uri, (a = analyzeDocument(text[uri]!, { uri, load: (target) => text[target] })));
    return a;
  };
  const others = (name: string): Analysis[] => Object.keys(text).filter((u) => u !== uriOf(name) && u !== name).map(analysis);
  return { text, ranges, cursor, analysis, others };
}

/** Locations as `file:start-end` strings with the text they cover, sorted, for readable diffs. */
function show(f: Files, locations: Array<{ uri: string; range: Location['range'] }>): string[] {
  return locations
    .map((l) => {
      const lines = new LineIndex(f.text[l.uri] ?? '');
      const start = lines.offset(l.range.start);
      const end = lines.offset(l.range.end);
      return `${l.uri.slice(9)}:${start}-${end} ${(f.text[l.uri] ?? '').slice(start, end)}`;
    })
    .sort();
}

function expected(f: Files): string[] {
  return Object.entries(f.ranges)
    .flatMap(([uri, spans]) => spans.map((s) => `${uri.slice(9)}:${s.start}-${s.end} ${f.text[uri]!.slice(s.start, s.end)}`))
    .sort();
}

function cursorAnalysis(f: Files): { analysis: Analysis; position: { line: number; character: number } } {
  const analysis = f.analysis(f.cursor.uri);
  return { analysis, position: analysis.lines.position(f.cursor.offset) };
}

/** Definition at the cursor must be exactly the marked ranges (none marked: no definition). */
function expectDefinition(fixtures: Record<string, string> | string): void {
  const f = files(typeof fixtures === 'string' ? { 'main.nn': fixtures } : fixtures);
  const { analysis, position } = cursorAnalysis(f);
  expect(show(f, provideDefinition(analysis, position))).toEqual(expected(f));
}

function expectReferences(fixtures: Record<string, string> | string, includeDeclaration = true): void {
  const f = files(typeof fixtures === 'string' ? { 'main.nn': fixtures } : fixtures);
  const { analysis, position } = cursorAnalysis(f);
  expect(show(f, provideReferences(analysis, position, includeDeclaration, f.others(f.cursor.uri)))).toEqual(expected(f));
}

function rename(fixtures: Record<string, string> | string, newName: string): { f: Files; edit: WorkspaceEdit | null } {
  const f = files(typeof fixtures === 'string' ? { 'main.nn': fixtures } : fixtures);
  const { analysis, position } = cursorAnalysis(f);
  return { f, edit: provideRename(analysis, position, newName, f.others(f.cursor.uri)) };
}

/** Rename must edit exactly the marked ranges, all to `newName`. */
function expectRename(fixtures: Record<string, string> | string, newName: string): void {
  const { f, edit } = rename(fixtures, newName);
  const edits = Object.entries(edit?.changes ?? {}).flatMap(([uri, list]) => list.map((e) => ({ uri, range: e.range, newText: e.newText })));
  expect(new Set(edits.map((e) => e.newText))).toEqual(new Set([newName]));
  expect(show(f, edits)).toEqual(expected(f));
}

function renameError(fixtures: Record<string, string> | string, newName: string): string {
  try {
    rename(fixtures, newName);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`renaming to '${newName}' was accepted`);
}

describe('definition', () => {
  it.each([
    ['a block use', 'block ‹B› { relu }\nmodel M { input 4; |B }'],
    ['a block use, cursor at the end of the name', 'block ‹Stem› { relu }\nmodel M { input 4; Stem| }'],
    ['a block in call form', 'block ‹B›(c) { dense c }\nmodel M { input 4; B|(3) }'],
    ['a model from train', 'model ‹Net› { input 4 }\ntrain |Net { epochs 1 }'],
    ['a top-level let', 'let ‹W› = 8\nmodel M { input 4; dense |W }'],
    ['a top-level let used before it is written', 'model M { input 4; dense |W }\nlet ‹W› = 8'],
    ['a let from another let', 'let ‹A› = 2\nlet B = |A * 2'],
    ['a let in a train setting', 'let ‹LR› = 0.1\nmodel M { input 4 }\ntrain M { optimizer sgd lr=|LR }'],
    ['a let in a train argument', 'let ‹K› = 3\nmodel M(k) { input 4; dense k }\ntrain M(k=|K)'],
    ['a model parameter from a train argument name', 'model M(‹k›) { input 4; dense k }\ntrain M(|k=3)'],
    ['a block parameter', 'block B(‹ch›) { conv |ch kernel=1 }'],
    ['a block parameter in a later default', 'block B(‹ch›, out = |ch * 2) { conv out kernel=1 }'],
    ['a block parameter from a named argument', 'block B(c, ‹stride› = 1) { conv c kernel=3 stride=stride }\nmodel M { input 3x8x8; B 4 |stride=2 }'],
    ['a parameter in a shortcut condition', 'block B(‹s› = 1) { residual { relu } shortcut if |s != 1 { relu } }'],
    ['a body let', 'model M { input 4; let ‹n› = 3; dense |n }'],
    ['a repeat index', 'model M { input 4; repeat ‹i› in 3 { dense |i + 1 } }'],
    ['a let inside a branch', 'model M { input 3x8x8; parallel { branch { let ‹c› = 2; conv |c kernel=1 } } }'],
    ['a label (its own declaration)', 'model M { input 4; ‹f|c›: dense 3 }'],
    ['a branch label', 'model M { input 4; parallel { branch ‹l|eft› { relu } } }'],
    ['the declaration itself', 'block ‹B|asic› { relu }'],
  ])('%s', (_, fixture) => expectDefinition(fixture));

  it.each([
    ['a built-in layer', 'model M { input 4; de|nse 3 }'],
    ['a word', 'model M { input 3x8x8; conv 4 kernel=3 activation=re|lu }'],
    ['a keyword', 'mo|del M { input 4 }'],
    ['a number', 'model M { input 4; dense 1|0 }'],
    ['a setting option name', 'model M { input 4 }\ntrain M { optimizer sgd l|r=0.1 }'],
    ['an unknown name', 'model M { input 4; dense |nope }'],
    ['a function name', 'model M { input 4; dense m|ax(2, 3) }'],
    ['a shape member', 'model M { input 4; dense in.chan|nels }'],
  ])('none on %s', (_, fixture) => expectDefinition(fixture));

  describe('scoping', () => {
    it.each([
      ['a body let shadows a top-level let', 'let n = 1\nmodel M { input 4; let ‹n› = 3; dense |n }'],
      ['a parameter shadows a top-level let', 'let ch = 1\nblock B(‹ch›) { conv |ch kernel=1 }'],
      ['a body let is visible only after it', 'let ‹n› = 1\nmodel M { input 4; dense |n; let n = 3 }'],
      ['a let in its own value means the outer one', 'let ‹n› = 1\nmodel M { input 4; let n = |n + 1; dense n }'],
      ['an inner let shadows an outer body let', 'model M { input 4; let n = 1; repeat 2 { let ‹n› = 2; dense |n } }'],
      ['a let in an if branch is gone after the if', 'let ‹c› = 1\nmodel M { input 4; if true { let c = 2 } dense |c }'],
      ['a let in one branch is not seen by the next', 'let ‹c› = 1\nmodel M { input 4; parallel { branch { let c = 2 } branch { dense |c } } }'],
      ['the repeat count is outside the iteration', 'let ‹i› = 2\nmodel M { input 4; repeat i in |i { dense 3 } }'],
      ['a default sees only earlier parameters', 'let ‹b› = 1\nblock B(a = |b, b = 2) { dense a }'],
      ['the second of two body lets wins after it', 'model M { input 4; let n = 1; let ‹n› = 2; dense |n }'],
      ['a top-level let in a block body', 'let ‹W› = 8\nblock B { conv |W kernel=1 }'],
    ])('%s', (_, fixture) => expectDefinition(fixture));
  });

  describe('imports', () => {
    it('jumps from a use into the imported file', () =>
      expectDefinition({
        'main.nn': 'import "blocks.nn"\nmodel M { input 3x8x8; |Stem 4 }',
        'blocks.nn': 'block ‹Stem›(c) { conv c kernel=3 }',
      }));

    it('follows a relative path from the importing file', () =>
      expectDefinition({
        'main.nn': 'import "lib/a.nn"\nmodel M { input 4; dense |A }',
        'lib/a.nn': 'import "../consts.nn"\nlet ‹A› = 2',
        'consts.nn': 'let A = 3',
      }));

    it('finds an imported constant', () =>
      expectDefinition({
        'main.nn': 'import "c.nn"\nmodel M { input 4; dense |WIDTH }',
        'c.nn': 'let ‹WIDTH› = 8',
      }));

    it('finds a parameter of an imported block from a named argument', () =>
      expectDefinition({
        'main.nn': 'import "b.nn"\nmodel M { input 3x8x8; B 4 |s=2 }',
        'b.nn': 'block B(c, ‹s› = 1) { conv c kernel=3 stride=s }',
      }));

    it('finds a model of an imported file from train', () =>
      expectDefinition({
        'main.nn': 'import "m.nn"\ntrain |Net { epochs 1 }',
        'm.nn': 'model ‹Net› { input 4 }',
      }));

    it('prefers the file’s own name to an imported one', () =>
      expectDefinition({
        'main.nn': 'import "b.nn"\nblock ‹B› { relu }\nmodel M { input 4; |B }',
        'b.nn': 'block B { tanh }',
      }));

    it('prefers an earlier import to a later one', () =>
      expectDefinition({
        'main.nn': 'import "a.nn"\nimport "b.nn"\nmodel M { input 4; |B }',
        'a.nn': 'block ‹B› { relu }',
        'b.nn': 'block B { tanh }',
      }));

    it('does not see what an import imports', () =>
      expectDefinition({
        'main.nn': 'import "a.nn"\nmodel M { input 4; |C }',
        'a.nn': 'import "c.nn"',
        'c.nn': 'block C { relu }',
      }));

    it('opens the file of an import path', () => {
      const f = files({ 'main.nn': 'import "lib/bl|ocks.nn"\n', 'lib/blocks.nn': '' });
      const { analysis, position } = cursorAnalysis(f);
      expect(provideDefinition(analysis, position)).toEqual([{ uri: uriOf('lib/blocks.nn'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
    });

    it('leads nowhere from a path that cannot be read', () => expectDefinition({ 'main.nn': 'import "mis|sing.nn"\n' }));

    it('works inside an imported block from the importer’s analysis', () =>
      expectDefinition({
        'main.nn': 'import "b.nn"\nmodel M { input 4; B }',
        'b.nn': 'let ‹K› = 3\nblock B { dense |K }',
      }));
  });
});

describe('references', () => {
  it('finds every use of a block, with its declaration', () =>
    expectReferences('block ‹B|› { relu }\nmodel M { input 4; ‹B›; r: ‹B›\n  repeat 2 { ‹B›() } }'));

  it('leaves the declaration out when asked', () => expectReferences('block B| { relu }\nmodel M { input 4; ‹B›; ‹B› }', /*includeDeclaration*/ false));

  it('finds a constant in expressions, defaults, train arguments and settings', () =>
    expectReferences(
      'let ‹L|R› = 0.1\nlet X = ‹LR› * 2\nblock B(c = ‹LR›) { dense c }\nmodel M(k) { input 4; dense ‹LR› }\ntrain M(k=‹LR›) { optimizer sgd lr=‹LR› }',
    ));

  it('keeps a shadowed constant apart from the let that shadows it', () =>
    expectReferences('let ‹n|› = 1\nmodel M { input 4; dense ‹n›; let n = 2; dense n }\nblock B(n) { dense n }\nblock C { dense ‹n› }'));

  it('finds a body let only within its scope', () =>
    expectReferences('let n = 1\nmodel M { input 4; let ‹n›| = 2; dense ‹n›; repeat 2 { dense ‹n›; let n = 3; dense n } }\nblock B { dense n }'));

  it('finds a parameter in the body and at named arguments', () =>
    expectReferences('block B(c, ‹s|› = 1) { conv c kernel=3 stride=‹s› }\nmodel M { input 3x8x8; B 4 ‹s›=2; B 4; B(4, ‹s›=1) }'));

  it('finds a model parameter in a train block', () => expectReferences('model M(‹k›|) { input 4; dense ‹k› }\ntrain M(‹k›=3)\ntrain M(3)'));

  it('finds a repeat index', () => expectReferences('model M { input 4; repeat ‹i›| in 3 { dense ‹i› + 1; repeat 2 { dense ‹i› } } }'));

  it('finds a label as its declaration only', () => expectReferences('model M { input 4; ‹f|c›: dense 3; fc2: dense 2 }'));

  it('finds the uses of a block in the documents that import it', () =>
    expectReferences({
      'blocks.nn': 'block ‹St|em›(c) { conv c kernel=3 }\nblock Twice { ‹Stem› 2; ‹Stem› 2 }',
      'main.nn': 'import "blocks.nn"\nmodel M { input 3x8x8; ‹Stem› 4 }',
      'other.nn': 'block Stem { relu }\nmodel N { input 3x8x8; Stem }',
      'far.nn': 'import "main.nn"\nmodel F { input 3x8x8; Stem }',
    }));

  it('finds the uses of an imported block from a use', () =>
    expectReferences({
      'main.nn': 'import "blocks.nn"\nmodel M { input 3x8x8; ‹St|em› 4; ‹Stem› 2 }',
      'blocks.nn': 'block ‹Stem›(c) { conv c kernel=3 }',
    }));

  it('finds named arguments in an importer for a parameter', () =>
    expectReferences({
      'b.nn': 'block B(c, ‹s›| = 1) { conv c kernel=3 stride=‹s› }',
      'main.nn': 'import "b.nn"\nmodel M { input 3x8x8; B 4 ‹s›=2 }',
    }));

  it('finds nothing on a built-in layer', () => expectReferences('model M { input 4; den|se 3 }'));
});

describe('prepareRename', () => {
  const prepare = (fixture: string) => {
    const f = files({ 'main.nn': fixture });
    const { analysis, position } = cursorAnalysis(f);
    const result = prepareRename(analysis, position);
    return result && { text: f.text[f.cursor.uri]!.slice(analysis.lines.offset(result.range.start), analysis.lines.offset(result.range.end)), placeholder: result.placeholder };
  };

  it.each([
    ['a block use', 'block B { relu }\nmodel M { input 4; |B }', 'B'],
    ['a block declaration', 'block Ste|m { relu }', 'Stem'],
    ['a let', 'let WIDTH| = 3', 'WIDTH'],
    ['a parameter use', 'block B(ch) { conv c|h kernel=1 }', 'ch'],
    ['a label', 'model M { input 4; |fc: dense 3 }', 'fc'],
    ['a model in train', 'model Net { input 4 }\ntrain N|et', 'Net'],
  ])('%s', (_, fixture, text) => expect(prepare(fixture)).toEqual({ text, placeholder: text }));

  it.each([
    ['a keyword', 'bl|ock B { relu }'],
    ['a number', 'model M { input 4; dense 1|0 }'],
    ['a built-in layer', 'model M { input 4; |dense 10 }'],
    ['a word', 'model M { input 3x8x8; conv 4 kernel=3 padding=sa|me }'],
    ['white space', 'model M { input 4; |  dense 10 }'],
  ])('null on %s', (_, fixture) => expect(prepare(fixture)).toBeNull());
});

describe('rename', () => {
  it('renames a block and its uses', () => expectRename('block ‹B|› { relu }\nmodel M { input 4; ‹B›; ‹B›() }', 'Act'));

  it('renames a constant everywhere it is read', () =>
    expectRename('let ‹W› = 8\nmodel M(c = ‹W›) { input 4; dense ‹W|› }\ntrain M { optimizer sgd lr=‹W› }', 'WIDTH'));

  it('renames a body let without touching the constant it shadows', () =>
    expectRename('let n = 1\nmodel M { input 4; dense n; let ‹n› = 2; dense ‹n|› }', 'm'));

  it('renames a parameter without touching the constant it shadows', () =>
    expectRename('let ch = 1\nblock B(‹ch›) { conv ‹c|h› kernel=1 }\nmodel M { input 3x8x8; B ‹ch›=4; conv ch kernel=1 }', 'width'));

  it('renames a label', () => expectRename('model M { input 4; ‹f|c›: dense 3 }', 'logits'));

  it('renames a repeat index', () => expectRename('model M { input 4; repeat ‹i› in 3 { dense ‹i|› + 1 } }', 'k'));

  it('renames a model and its train blocks', () => expectRename('model ‹N|et› { input 4 }\ntrain ‹Net› { epochs 1 }\ntrain ‹Net›', 'LeNet'));

  it('renames across two files from the definition', () =>
    expectRename(
      {
        'blocks.nn': 'block ‹Ste|m›(c) { conv c kernel=3 }',
        'main.nn': 'import "blocks.nn"\nmodel M { input 3x8x8; ‹Stem› 4; s: ‹Stem›(2) }',
      },
      'Head',
    ));

  it('renames across two files from a use', () =>
    expectRename(
      {
        'main.nn': 'import "blocks.nn"\nmodel M { input 3x8x8; ‹Ste|m› 4 }',
        'blocks.nn': 'block ‹Stem›(c) { conv c kernel=3 }',
      },
      'Head',
    ));

  it('renames a parameter and the named arguments in an importer', () =>
    expectRename(
      {
        'b.nn': 'block B(c, ‹s›| = 1) { conv c kernel=3 stride=‹s› }',
        'main.nn': 'import "b.nn"\nmodel M { input 3x8x8; B 4 ‹s›=2; B 2 }',
      },
      'stride',
    ));

  it('accepts the same name', () => expectRename('let ‹W|› = 8\nmodel M { input 4; dense ‹W› }', 'W'));

  it('returns null where there is nothing to rename', () => {
    expect(rename('model M { input 4; de|nse 3 }', 'fc').edit).toBeNull();
  });

  describe('refuses', () => {
    it.each([
      ['a malformed name', 'let W| = 1', '3x', /'3x' is not a name/],
      ['an empty name', 'let W| = 1', '', /not a name/],
      ['a name with a space', 'let W| = 1', 'a b', /not a name/],
      ['a keyword', 'let W| = 1', 'repeat', /'repeat' is a keyword/],
      ['a built-in layer for a block', 'block B| { relu }', 'conv', /'conv' is a built-in layer/],
      ['a name another declaration has', 'let W| = 1\nblock Stem { relu }', 'Stem', /'Stem' is already the block at line 2/],
      ['a parameter’s name for a body let', 'block B(ch) { let n| = 2; dense n }', 'ch', /'ch' is already the parameter at line 1/],
      ['another parameter’s name', 'block B(a|, b) { dense a }', 'b', /already the parameter/],
      ['a body let’s name for a parameter', 'block B(a|) { let n = 2; dense a }', 'n', /already the let/],
      ['a let’s name for the repeat index', 'model M { input 4; repeat i| in 2 { let k = 1; dense i } }', 'k', /already the let/],
      ['a label’s name in the same body', 'model M { input 4; a|: dense 3; b: dense 2 }', 'b', /already the label/],
      ['a branch label’s name in the same parallel', 'model M { input 4; parallel { branch l| { relu } branch r { tanh } } }', 'r', /already the label/],
    ])('%s', (_, fixture, newName, message) => expect(renameError(fixture, newName)).toMatch(message));

    it('a name that would capture a later use of a constant', () =>
      expect(renameError('let W = 8\nmodel M { input 4; let n| = 2; dense n; dense W }', 'W')).toMatch(/would change the use of 'W' at line 2: it names the constant at line 1/));

    it('a name that an inner let would hide from a use', () =>
      expect(renameError('let W| = 8\nmodel M { input 4; let n = 2; dense W }', 'n')).toMatch(/would make the use at line 2 name the let at line 2/));

    it('a name that is a word used in scope', () =>
      expect(renameError('model M { input 3x8x8; let a| = 1; conv 4 kernel=3 activation=relu }', 'relu')).toMatch(/the word 'relu'/));

    it('a block name that an importer’s own block would hide', () =>
      expect(
        renameError(
          {
            'blocks.nn': 'block Stem| { relu }',
            'main.nn': 'import "blocks.nn"\nblock Head { tanh }\nmodel M { input 4; Stem; Head }',
          },
          'Head',
        ),
      ).toMatch(/would make the use at main\.nn:3 name the block at main\.nn:2/));
  });

  it('allows a constant to take the name of a body let declared after its uses', () =>
    expectRename('let ‹n|› = 1\nmodel M { input 4; dense ‹n›; let m = 3; dense m }', 'm'));

  it('allows a name only an unrelated scope uses', () => expectRename('block A(‹x|›) { dense ‹x› }\nblock B(y) { dense y }', 'y'));

  it('allows a body let to take a constant’s name no one in its scope reads', () =>
    expectRename('let W = 8\nmodel M { input 4; let ‹n|› = 2; dense ‹n› }\nblock B { dense W }', 'W'));

  it('is refused with a ResponseError whose message names the problem', () => {
    try {
      rename('let W| = 1', 'model');
    } catch (error) {
      expect(error).toMatchObject({ code: -32803, message: "Cannot rename 'W': 'model' is a keyword of the language and cannot be a name" });
      return;
    }
    throw new Error('accepted');
  });
});

describe('broken input', () => {
  // Mutated examples (deleted, duplicated and random characters, stray braces): nothing throws but
  // a refused rename, and whatever prepareRename accepts, rename edits.
  it('answers every request on 150 mutated examples', () => {
    const dir = join(__dirname, '..', '..', 'examples');
    const texts = readdirSync(dir).filter((f) => f.endsWith('.nn')).map((f) => readFileSync(join(dir, f), 'utf8'));
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let k = 0; k < 150; k++) {
      let text = texts[random(texts.length)]!;
      for (let m = 0, edits = 1 + random(4); m < edits; m++) {
        const i = random(text.length);
        const j = Math.min(text.length, i + random(20));
        const op = random(4);
        if (op === 0) text = text.slice(0, i) + text.slice(j); // delete
        else if (op === 1) text = text.slice(0, j) + text.slice(i); // duplicate
        else text = text.slice(0, i) + (op === 2 ? String.fromCharCode(random(128)) : '{') + text.slice(i);
      }
      const analysis = analyzeDocument(text, { uri: uriOf('x.nn') });
      for (let p = 0; p < 5; p++) {
        const position = analysis.lines.position(random(text.length + 1));
        provideDefinition(analysis, position);
        provideReferences(analysis, position, /*includeDeclaration*/ true, []);
        const prepared = prepareRename(analysis, position);
        try {
          const edit = provideRename(analysis, position, 'zz_fresh', []);
          expect(edit !== null, text).toBe(prepared !== null);
        } catch (error) {
          if (!(error instanceof ResponseError)) throw error;
        }
      }
    }
  });
});
