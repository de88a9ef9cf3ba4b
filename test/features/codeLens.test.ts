// Code lens, in process: one lens per model of the document, on its name, with the totals a reader
// checks first and the command that opens the summary.
import { describe, expect, it } from 'vitest';
import { provideCodeLenses } from '../../server/src/features/codeLens';
import { scaled3 } from '../../server/src/features/instances';
import { analyzeDocument } from '../../server/src/language/index';
import { SHOW_SUMMARY_COMMAND } from '../../server/src/protocol';
import { markers } from '../helpers/markers';

function lenses(fixture: string, files: Record<string, string> = {}) {
  const { text, ranges } = markers(fixture);
  const analysis = analyzeDocument(text, { uri: 'file:///w/main.nn', load: (uri) => files[uri.replace('file:///w/', '')] });
  const result = provideCodeLenses(analysis);
  expect(result.map((l) => l.range)).toEqual(ranges.map((r) => analysis.lines.range(r)));
  return result.map((l) => l.command!);
}

describe('code lens', () => {
  it('reads parameters, MACs and the output above each model and opens its summary', () => {
    const commands = lenses('model ‹A› {\n  input 128x28x28\n  conv 256 kernel=5\n}\nmodel ‹B› {\n  input 4\n  dense 2\n}\n');
    expect(commands).toEqual([
      { title: '819,456 params · 472 M MACs · output 256×24×24', command: SHOW_SUMMARY_COMMAND, arguments: ['file:///w/main.nn', 'A'] },
      { title: '10 params · 8 MACs · output 2', command: SHOW_SUMMARY_COMMAND, arguments: ['file:///w/main.nn', 'B'] },
    ]);
  });

  it('counts trainable parameters only, as torchvision does', () => {
    expect(lenses('model ‹M› {\n  input 16x8x8\n  batchnorm\n}\n')[0]!.title).toBe('32 params · 0 MACs · output 16×8×8');
  });

  it('says when errors leave a model incomplete', () => {
    expect(lenses('model ‹M› {\n  input 4\n  dense 2\n  conv 3 kernel=3\n}\n')[0]!.title).toBe('incomplete (errors leave shapes unknown) · 10 params · 8 MACs so far');
  });

  it('rounds MACs to three significant figures', () => {
    expect([1_814_073_344, 714_197_696, 11_513_626_624, 999_600_000, 999, 15_470_264_320].map(scaled3)).toEqual(['1.81 G', '714 M', '11.5 G', '1 G', '999', '15.5 G']);
  });
});
