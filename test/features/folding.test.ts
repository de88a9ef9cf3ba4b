import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provideFoldingRanges } from '../../server/src/features/folding';
import { analyzeDocument } from '../../server/src/language/index';

/** Ranges as `start-end` (0-based lines), with their kind when they have one. */
function folds(text: string): string[] {
  return provideFoldingRanges(analyzeDocument(text)).map((r) => `${r.startLine}-${r.endLine}${r.kind ? ` ${r.kind}` : ''}`);
}

describe('folding', () => {
  it('bodies fold to the line before their closing brace, so } else { stays visible', () => {
    const text = [
      /* 0 */ 'block B(ch, s = 1) {',
      /* 1 */ '  residual {',
      /* 2 */ '    conv ch kernel=3 padding=1',
      /* 3 */ '    batchnorm',
      /* 4 */ '  } shortcut if s != 1 {',
      /* 5 */ '    conv ch kernel=1 stride=s',
      /* 6 */ '  }',
      /* 7 */ '  if ch > 8 {',
      /* 8 */ '    relu',
      /* 9 */ '  } else {',
      /* 10 */ '    tanh',
      /* 11 */ '  }',
      /* 12 */ '  repeat 2 { relu }',
      /* 13 */ '}',
    ].join('\n');
    expect(folds(text)).toEqual(['0-12', '1-3', '4-5', '7-8', '9-10']);
  });

  it('parallel and branch bodies, and a body that ends on a code line', () => {
    const text = ['model M {', '  input 3x8x8', '  parallel concat {', '    branch {', '      conv 4 kernel=1', '      relu }', '    branch { }', '  }', '}'].join('\n');
    expect(folds(text)).toEqual(['0-7', '2-6', '3-5']);
  });

  it('train blocks', () => {
    expect(folds('model M { input 4; dense 2 }\ntrain M {\n  epochs 3\n  batch 8\n}\n')).toEqual(['1-3']);
  });

  it("multi-line lists: LeNet-5's C3 table", () => {
    const text = readFileSync(join(__dirname, '../../examples/lenet5.nn'), 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('let C3_TABLE'));
    expect(folds(text)).toContain(`${line}-${line + 2}`);
  });

  it('a multi-line list closed on its own line folds up to the line before', () => {
    expect(folds('let T = [\n  1,\n  2,\n]\n')).toEqual(['0-2']);
  });

  it('runs of two or more comment lines, not trailing comments', () => {
    const text = ['# one', '# two', '# three', 'let A = 1  # trailing', 'let B = 2  # trailing', '', '# alone', 'let C = 3'].join('\n');
    expect(folds(text)).toEqual(['0-2 comment']);
  });

  it('consecutive imports', () => {
    expect(folds('import "a.nn"\nimport "b.nn"\nimport "c.nn"\nlet x = 1\n')).toEqual(['0-2 imports']);
  });

  it('an unclosed body still folds, and stray closers do not throw', () => {
    expect(folds('model M {\n  input 3x8x8\n  conv 8 kernel=3\n')).toEqual(['0-2']);
    expect(() => folds('}\n)\nmodel M { ]\n}\n')).not.toThrow();
  });

  it('one range per start line', () => {
    expect(folds('let T = [[1,\n  2], [3,\n  4]]\n')).toEqual(['0-2', '1-2']);
    expect(folds('model M(a = [1,\n  2]) {\n  input 3x8x8\n  relu\n}\n')).toEqual(['0-1', '1-3']);
  });
});
