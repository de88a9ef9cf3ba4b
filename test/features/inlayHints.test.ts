// Inlay hints, in process: one line per case where it fits. The fixture marks where each hint
// should sit with ‹›, an empty range at the end of its statement.
import { describe, expect, it } from 'vitest';
import { provideInlayHints } from '../../server/src/features/inlayHints';
import { analyzeDocument, type Analysis } from '../../server/src/language/index';
import { DEFAULT_SETTINGS, type Settings } from '../../server/src/protocol';
import { markers } from '../helpers/markers';

const everything = (a: Analysis) => ({ start: { line: 0, character: 0 }, end: a.lines.position(a.text.length) });

function hints(fixture: string, settings: Settings = DEFAULT_SETTINGS, range?: (a: Analysis) => ReturnType<typeof everything>) {
  const { text, ranges } = markers(fixture);
  const analysis = analyzeDocument(text);
  const result = provideInlayHints(analysis, (range ?? everything)(analysis), settings);
  expect(result.map((h) => h.position), 'hints sit where the fixture marks them').toEqual(ranges.map((r) => analysis.lines.position(r.start)));
  return result.map((h) => h.label);
}

describe('inlay hints', () => {
  it('ends each layer line with its output shape', () => {
    expect(hints('model M {\n  input 3x32x32\n  conv 6 kernel=5‹›   # a comment\n  maxpool 2‹›\n  flatten‹›\n  dense 10‹›\n}\n')).toEqual(['→ 6×28×28', '→ 6×14×14', '→ 1176', '→ 10']);
  });

  it('gives a block use, a residual and a parallel the shape they produce', () => {
    const fixture = 'block Pair(ch) {\n  conv ch kernel=1‹›\n}\nmodel M {\n  input 3x8x8\n  Pair 4‹›\n  residual {\n    conv 4 kernel=1‹›\n  }‹›\n  parallel {\n    branch { conv 2 kernel=1‹› }\n    branch { }\n  }‹›\n}\n';
    expect(hints(fixture)).toEqual(['→ 4×8×8', '→ 4×8×8', '→ 4×8×8', '→ 4×8×8', '→ 2×8×8', '→ 6×8×8']);
  });

  it('joins the distinct shapes of a line that several uses expand, three at most', () => {
    const fixture = (uses: string) => `block B(ch) {\n  conv ch kernel=1‹›\n}\nmodel M {\n  input 3x8x8\n${uses}}\n`;
    expect(hints(fixture('  B 4‹›\n  B 4‹›\n'))).toEqual(['→ 4×8×8', '→ 4×8×8', '→ 4×8×8']);
    expect(hints(fixture('  B 4‹›\n  B 8‹›\n'))).toEqual(['→ 4×8×8 | 8×8×8', '→ 4×8×8', '→ 8×8×8']);
    expect(hints(fixture('  B 1‹›\n  B 2‹›\n  B 3‹›\n  B 4‹›\n'))[0]).toBe('→ 1×8×8 | 2×8×8 | 3×8×8 | …');
  });

  it('adds parameter counts when the setting is on, or shows them alone', () => {
    const fixture = 'model M {\n  input 128x28x28\n  conv 256 kernel=5‹›\n  relu‹›\n}\n';
    expect(hints(fixture, { ...DEFAULT_SETTINGS, inlayHints: { shapes: true, parameters: true } })).toEqual(['→ 256×24×24 · 819,456 params', '→ 256×24×24 · 0 params']);
    expect(hints(fixture, { ...DEFAULT_SETTINGS, inlayHints: { shapes: false, parameters: true } })).toEqual(['819,456 params', '0 params']);
    expect(hints('model M {\n  input 4\n  dense 2\n}\n', { ...DEFAULT_SETTINGS, inlayHints: { shapes: false, parameters: false } })).toEqual([]);
  });

  it('leaves out lines whose shape is unknown, and blocks no model uses', () => {
    expect(hints('model M {\n  input 3x4x4\n  conv 8 kernel=9\n  relu\n}\nblock Unused { relu }\n')).toEqual([]);
  });

  it('answers only within the range asked for', () => {
    const fixture = 'model M {\n  input 4\n  dense 8\n  dense 6‹›\n  dense 2\n}\n';
    expect(hints(fixture, DEFAULT_SETTINGS, () => ({ start: { line: 3, character: 0 }, end: { line: 3, character: 20 } }))).toEqual(['→ 6']);
  });
});
