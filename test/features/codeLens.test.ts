// Code lens, in process: one lens per model of the document, on its name, with the totals a reader
// checks first and the command that opens the summary.
import { describe, expect, it } from 'vitest';
import { provideCodeLenses } from '../../server/src/features/codeLens';
import { scaled3 } from '../../server/src/features/instances';
import { analyzeDocument } from '../../server/src/language/index';
import { OPEN_RUN_COMMAND, SHOW_SUMMARY_COMMAND, TRAIN_COMMAND } from '../../server/src/protocol';
import { observedFromEvents } from '../../server/src/runFacts';
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

  it('puts ▶ Train, the verdict and the latest run above a train block', () => {
    const text = 'model Net {\n  input 4\n  dense 2\n}\ntrain Net {\n  data synthetic samples=600 classes=2\n  validation 0.2\n  epochs 3\n}\n';
    const events = [
      '{"v":1,"type":"start","time":"2026-11-28T10:00:00Z","params":10,"epochs":3}',
      '{"v":1,"type":"epoch","time":"2026-11-28T10:00:01Z","epoch":1,"loss":0.6,"accuracy":0.7,"valLoss":0.5,"valAccuracy":0.75,"lr":0.001,"seconds":1}',
      '{"v":1,"type":"epoch","time":"2026-11-28T10:00:02Z","epoch":2,"loss":0.4,"accuracy":0.8,"valLoss":0.45,"valAccuracy":0.8125,"lr":0.001,"seconds":1}',
      '{"v":1,"type":"epoch","time":"2026-11-28T10:00:03Z","epoch":3,"loss":0.3,"accuracy":0.85,"valLoss":0.47,"valAccuracy":0.8,"lr":0.001,"seconds":1}',
      '{"v":1,"type":"end","time":"2026-11-28T10:00:04Z","status":"completed","epochs":3,"bestEpoch":2,"testAccuracy":0.79}',
    ].join('\n');
    const run = observedFromEvents(events, '/w/runs/Net/20261128-100000');
    const analysis = analyzeDocument(text, { uri: 'file:///w/main.nn', observed: () => run });
    const onTrain = provideCodeLenses(analysis).filter((l) => l.range.start.line === 4).map((l) => l.command!);
    expect(onTrain.map((c) => c.command)).toEqual([TRAIN_COMMAND, SHOW_SUMMARY_COMMAND, OPEN_RUN_COMMAND]);
    expect(onTrain[0]).toEqual({ title: '▶ Train', command: TRAIN_COMMAND, arguments: ['file:///w/main.nn', 'Net'] });
    // The best epoch is the lowest validation loss (epoch 2, 0.45), whose accuracy is 81.25%.
    expect(onTrain[2]).toEqual({ title: 'last run: completed after 3 epochs · best val acc 81.3% (epoch 2) · test acc 79.0%', command: OPEN_RUN_COMMAND, arguments: ['/w/runs/Net/20261128-100000'] });
  });
});
