import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatDocument, formatText } from '../../server/src/features/formatting';
import { analyzeDocument, type Analysis } from '../../server/src/language/index';

const SPACES: FormattingOptions = { tabSize: 2, insertSpaces: true };

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.nn', 'nn', 1, text), edits);
}

/** What a file means: every model's layers with their shapes and counts, the train blocks, and the diagnostics. */
function meaning(analysis: Analysis): unknown {
  return {
    models: analysis.models.map((m) => ({
      name: m.name,
      params: m.params,
      macs: m.macs,
      output: m.output,
      layers: m.layers.map((n) => [n.path, n.op, n.input, n.output, n.params, n.macs]),
    })),
    trains: analysis.trains.map((t) => ({ ...t.config, spans: undefined, modelArgs: [...t.config.modelArgs] })),
    diagnostics: analysis.diagnostics.map((d) => `${d.code} ${d.message}`),
  };
}

const root = join(__dirname, '../..');
const sources = [
  ...readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.nn')).map((f) => join(root, 'examples', f)),
  ...readdirSync(join(root, 'test/fixtures/parse/ok')).filter((f) => f.endsWith('.nn')).map((f) => join(root, 'test/fixtures/parse/ok', f)),
];
const load = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

describe('formatting keeps the meaning of every example and fixture', () => {
  for (const path of sources) {
    it(path.slice(root.length + 1), () => {
      const text = readFileSync(path, 'utf8');
      const formatted = apply(text, formatDocument(text, SPACES));
      expect(formatText(text, SPACES)).toBe(formatted);
      const before = analyzeDocument(text, { uri: path, load });
      const after = analyzeDocument(formatted, { uri: path, load });
      expect(meaning(after)).toEqual(meaning(before));
      // Idempotent: formatting the result changes nothing.
      expect(formatDocument(formatted, SPACES)).toEqual([]);
      for (const options of [{ tabSize: 4, insertSpaces: true }, { tabSize: 4, insertSpaces: false }]) {
        const other = formatText(text, options)!;
        expect(meaning(analyzeDocument(other, { uri: path, load }))).toEqual(meaning(before));
        expect(formatText(other, options)).toBe(other);
      }
    });
  }
});

describe('golden files', () => {
  const dir = join(root, 'test/fixtures/format');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.in.nn'))) {
    it(name, async () => {
      const text = readFileSync(join(dir, name), 'utf8');
      const formatted = formatText(text, SPACES);
      expect(formatted).not.toBeNull();
      await expect(formatted).toMatchFileSnapshot(join(dir, name.replace('.in.nn', '.out.nn')));
      expect(formatText(formatted!, SPACES)).toBe(formatted);
      const uri = join(dir, name);
      expect(meaning(analyzeDocument(formatted!, { uri, load }))).toEqual(meaning(analyzeDocument(text, { uri, load })));
    });
  }
});

describe('formatting', () => {
  const format = (text: string, options = SPACES): string | null => formatText(text, options);

  it('indents with the editor’s tab size or with tabs', () => {
    const text = 'model M {\ninput 3x8x8\nrepeat 2 {\nrelu\n}\n}\n';
    expect(format(text, { tabSize: 4, insertSpaces: true })).toBe('model M {\n    input 3x8x8\n    repeat 2 {\n        relu\n    }\n}\n');
    expect(format(text, { tabSize: 4, insertSpaces: false })).toBe('model M {\n\tinput 3x8x8\n\trepeat 2 {\n\t\trelu\n\t}\n}\n');
  });

  it('ends with exactly one newline, without trailing white space', () => {
    expect(format('let A = 1   \n\n\n')).toBe('let A = 1\n');
    expect(format('let A = 1')).toBe('let A = 1\n');
    expect(format('')).toBe('');
    expect(format('\n\n# only a comment   \n\n')).toBe('# only a comment\n');
  });

  it('keeps CRLF line ends', () => {
    expect(format('model M {\r\n    input 4\r\n}\r\n')).toBe('model M {\r\n  input 4\r\n}\r\n');
  });

  it('leaves a file with syntax errors alone', () => {
    const text = 'model M {\n    input 3x8x8\n  conv 8 kernel=\n}\n';
    expect(formatDocument(text, SPACES)).toEqual([]);
    for (const name of readdirSync(join(root, 'test/fixtures/parse/err')).filter((f) => f.endsWith('.nn'))) {
      expect(formatDocument(readFileSync(join(root, 'test/fixtures/parse/err', name), 'utf8'), SPACES), name).toEqual([]);
    }
  });

  it('returns one edit covering only the lines that change', () => {
    const text = 'let A = 1\nlet B=2\nlet C = 3\n';
    const edits = formatDocument(text, SPACES);
    expect(edits).toEqual([{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, newText: 'let B = 2\n' }]);
    expect(formatDocument('let A = 1\n', SPACES)).toEqual([]);
  });

  it('keeps every comment, full-line and trailing', () => {
    for (const path of sources) {
      const text = readFileSync(path, 'utf8');
      const comments = (s: string): string[] => s.split('\n').flatMap((l) => (l.includes('#') ? [l.slice(l.indexOf('#')).trimEnd()] : []));
      expect(comments(format(text)!)).toEqual(comments(text));
    }
  });

  // Re-spaced and re-wrapped versions of the examples: each still means the same and is a fixed point.
  it('survives white space shuffled into the examples', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const noise = [' ', '  ', '\n', '\n\n', '\t', ';', ' # c\n', '\n# x\n', ''];
    let clean = 0;
    for (let round = 0; round < 400; round++) {
      const path = sources[random(sources.length)]!;
      let text = readFileSync(path, 'utf8');
      for (let m = 0; m < 1 + random(5); m++) {
        const spots = [...text.matchAll(/[ \n;]/g)].map((x) => x.index!);
        const at = spots[random(spots.length)]!;
        text = text.slice(0, at) + noise[random(noise.length)] + text.slice(at + 1);
      }
      const uri = path;
      const before = analyzeDocument(text, { uri, load });
      if (before.diagnostics.some((d) => d.code.startsWith('NN1'))) continue;
      clean++;
      const formatted = format(text);
      expect(formatted, text).not.toBeNull();
      expect(format(formatted!)).toBe(formatted);
      expect(meaning(analyzeDocument(formatted!, { uri, load }))).toEqual(meaning(before));
    }
    expect(clean).toBeGreaterThan(100);
  });
});


