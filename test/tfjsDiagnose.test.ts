// The diagnosis rules (runtime/src/train/diagnose.ts) that the tfjs trainer shares with the
// torch trainer's Diagnoser, on hand-made curves: each rule fires at its threshold and not just
// short of it, with the evidence keys and the message docs/events.md documents.
import { describe, expect, it } from 'vitest';
import { Diagnoser, fmt } from '../runtime/src/train/diagnose';

/** Feeds whole epochs (loss, accuracy, validation loss); the diagnoses of each epoch. */
function run(classes: number, epochs: Array<[number, number, number | null]>, firstStep = epochs[0]?.[0] ?? 1) {
  const d = new Diagnoser(classes);
  d.step(1, firstStep);
  return epochs.map(([loss, acc, val], i) => d.epoch(i + 1, loss, acc, val));
}

describe('Python %.4g', () => {
  it.each([
    [0.5026, '0.5026'],
    [2.2204, '2.22'],
    [1.839, '1.839'],
    [12345.6, '1.235e+04'],
    [0.000012345, '1.234e-05'],
    [0.00012345, '0.0001234'],
    [100, '100'],
    [0.15, '0.15'],
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [null, 'n/a'],
  ] as const)('%s → %s', (x, text) => expect(fmt(x)).toBe(text));
});

describe('diagnoses', () => {
  it('reports overfitting as in docs/events.md: validation loss 10% above its best for 3 epochs while training loss falls', () => {
    const seen = run(10, [
      [1.2, 0.6, 1.839],
      [0.9, 0.7, 1.938],
      [0.7, 0.8, 2.149],
      [0.5026, 0.9, 2.723],
    ]);
    expect(seen.slice(0, 3).flat()).toEqual([]);
    expect(seen[3]).toEqual([
      {
        kind: 'overfitting',
        epoch: 4,
        setting: 'epochs',
        evidence: { valLoss: [1.839, 2.723], epochs: [1, 4], trainLoss: [1.2, 0.5026], gap: 2.723 - 0.5026 },
        message: 'validation loss rose from 1.839 (epoch 1) to 2.723 (epoch 4) while training loss fell from 1.2 to 0.5026 (gap 2.22); stop earlier (early_stop), add dropout or get more data',
      },
    ]);
  });

  it('sees overfitting through a noisy validation curve, from its best epoch', () => {
    // A real run's curve (300 MNIST digits, half held out): the best is epoch 3, and epoch 6 dips
    // on the way up. Epoch 7 is 4 epochs past the best and 31% above it.
    const curve: Array<[number, number, number]> = [[3.401, 0.3, 1.3876], [0.9008, 0.77, 0.9973], [0.3256, 0.91, 0.9045], [0.2566, 0.93, 0.9452], [0.0902, 0.98, 0.9768], [0.0304, 0.99, 0.9233], [0.0345, 0.99, 1.185]];
    const seen = run(10, curve);
    expect(seen.slice(0, 6).flat()).toEqual([]);
    expect(seen[6]![0]).toMatchObject({ kind: 'overfitting', epoch: 7, evidence: { valLoss: [0.9045, 1.185], epochs: [3, 7], trainLoss: [0.3256, 0.0345] } });
  });

  it('does not call a rise under 10%, or one under 3 epochs old, overfitting', () => {
    expect(run(10, [[1.2, 0.6, 1.8], [0.9, 0.7, 1.9], [0.7, 0.8, 1.9], [0.5, 0.9, 1.97]]).flat()).toEqual([]);
    expect(run(10, [[1.2, 0.6, 1.8], [0.9, 0.7, 1.7], [0.7, 0.8, 2.5], [0.5, 0.9, 2.7]]).flat()).toEqual([]);
  });

  it('reports underfitting below 1.5× chance after two epochs, once', () => {
    const seen = run(10, [[2.3, 0.1, null], [2.2, 0.149, null], [2.1, 0.1, null]]);
    expect(seen[0]).toEqual([]);
    expect(seen[1]).toEqual([
      {
        kind: 'underfitting',
        epoch: 2,
        setting: 'optimizer.lr',
        evidence: { accuracy: 0.149, threshold: 0.15, chance: 0.1, epochs: 2 },
        message: 'training accuracy is 0.149 after 2 epochs, below 1.5× chance (0.15) for 10 classes; try another learning rate or a larger model',
      },
    ]);
    expect(seen[2]).toEqual([]);
    expect(run(10, [[2.3, 0.15, null], [2.2, 0.15, null]]).flat()).toEqual([]);
  });

  it('reports a plateau when the loss improved by less than 1% over 3 epochs', () => {
    const seen = run(2, [[1.0, 0.9, null], [0.998, 0.9, null], [0.995, 0.9, null], [0.991, 0.9, null]]);
    expect(seen[3]).toHaveLength(1);
    expect(seen[3]![0]).toMatchObject({ kind: 'plateau', epoch: 4, setting: 'optimizer.lr', evidence: { trainLoss: [1.0, 0.998, 0.995, 0.991], epochs: [1, 4] } });
    expect(seen[3]![0]!.evidence.improvement).toBeCloseTo(0.009, 12);
    expect(run(2, [[1.0, 0.9, null], [0.998, 0.9, null], [0.995, 0.9, null], [0.989, 0.9, null]]).flat()).toEqual([]);
  });

  it('reports divergence against the first epoch, or in the first epoch against the first step', () => {
    const later = run(10, [[1.0, 0.5, null], [3.01, 0.5, null]]);
    expect(later[1]).toEqual([
      { kind: 'divergence', epoch: 2, setting: 'optimizer.lr', evidence: { loss: 3.01, firstEpochLoss: 1.0 }, message: "training loss 3.01 in epoch 2 is more than 3× the first epoch's 1; lower the learning rate" },
    ]);
    expect(run(10, [[1.0, 0.5, null], [3.0, 0.5, null]]).flat()).toEqual([]);
    const first = run(10, [[7, 0.5, null]], 2);
    expect(first[0]).toMatchObject([{ kind: 'divergence', evidence: { loss: 7, firstStepLoss: 2 } }]);
  });

  it('reports a NaN step at once, with a null loss in the evidence', () => {
    const d = new Diagnoser(10);
    expect(d.step(1, 2.3)).toBeNull();
    d.epoch(1, 2.0, 0.5, null);
    expect(d.step(2, Number.NaN)).toEqual({ kind: 'divergence', epoch: 2, setting: 'optimizer.lr', evidence: { loss: null, firstEpochLoss: 2.0 }, message: 'the training loss became NaN in epoch 2; lower the learning rate' });
  });

  it('carries its state through a checkpoint: a kind reported before resuming is not reported again', () => {
    const d = new Diagnoser(10);
    d.step(1, 2.3);
    d.epoch(1, 2.3, 0.1, null);
    expect(d.epoch(2, 2.2, 0.1, null).map((x) => x.kind)).toEqual(['underfitting']);
    const resumed = new Diagnoser(10, JSON.parse(JSON.stringify(d.state())));
    expect(resumed.epoch(3, 2.2, 0.1, null)).toEqual([]);
    expect(resumed.state().loss).toEqual([2.3, 2.2, 2.2]);
  });
});
