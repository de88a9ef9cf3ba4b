// Both engines train the examples that fit on this machine: every classifier in examples/ takes
// real optimizer steps with the torch engine (ResNet-50 and VGG-16 included, at 224×224, two
// images a step), and the LeNet-5s with the tfjs engine (plain tfjs runs the big ones at seconds
// per image). A train block on synthetic data shaped like the model's input is added to a copy of
// each file; the start event must report the analyzer's parameter count, and the run must end
// completed with finite losses.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainEvent } from '../runtime/src/events';
import { analyzeDocument } from '../server/src/language/index';
import { run } from './helpers/spawn';
import { parseStream } from './helpers/train';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist/netlens.js');
const work = mkdtempSync(join(tmpdir(), 'netlens-examples-train-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Case { file: string; model: string; params: number; input: number[]; classes: number }

/** Every model of the examples whose output is a class vector. */
function classifiers(): Case[] {
  const files = ['lenet5', 'alexnet', 'vgg16', 'googlenet', 'resnet'];
  return files.flatMap((name) => {
    const analysis = analyzeDocument(readFileSync(join(ROOT, 'examples', `${name}.nn`), 'utf8'));
    return analysis.models
      .filter((m) => m.complete && m.output?.length === 1 && m.input)
      .map((m) => ({ file: name, model: m.name, params: m.params.trainable, input: [...m.input!], classes: m.output![0]! }));
  });
}

async function train(c: Case, engine: 'torch' | 'tfjs'): Promise<TrainEvent[]> {
  const source = readFileSync(join(ROOT, 'examples', `${c.file}.nn`), 'utf8').replace(/^train \w+ \{[^}]*\}/gm, '');
  // As many classes as the model has outputs (NN502 holds them equal); 4 samples, 2 a step.
  const block = `\ntrain ${c.model} {\n  data synthetic samples=4 classes=${c.classes} shape=${c.input.join('x')}\n  epochs 1\n  batch 2\n  optimizer sgd lr=0.001\n  seed 1\n}\n`;
  const file = join(work, `${c.model}-${engine}.nn`);
  writeFileSync(file, source + block);
  const result = await run(process.execPath, [CLI, 'train', file, '--model', c.model, '--engine', engine, '--events', 'ndjson'], { cwd: work });
  expect(result.status, `${result.stderr}\n${result.stdout.slice(-2000)}`).toBe(0);
  return parseStream(result.stdout, `${c.model} (${engine})`);
}

const CASES = classifiers();

describe('the examples train', () => {
  it('finds the classifiers of the examples', () => {
    expect(CASES.map((c) => c.model)).toEqual(['LeNet5', 'LeNet5Modern', 'AlexNet', 'AlexNet2012', 'VGG16', 'GoogLeNet', 'GoogLeNetTorchvision', 'ResNet18', 'ResNet34', 'ResNet50']);
  });

  it.each(CASES.map((c) => [c.model, c] as const))('%s takes two optimizer steps with the torch engine', async (_name, c) => {
    const events = await train(c, 'torch');
    const start = events.find((e) => e.type === 'start')!;
    expect(start).toMatchObject({ engine: 'torch', params: c.params, stepsPerEpoch: 2 });
    const epoch = events.find((e) => e.type === 'epoch');
    expect(epoch?.type === 'epoch' && Number.isFinite(epoch.loss)).toBe(true);
    expect(events[events.length - 1]).toMatchObject({ type: 'end', status: 'completed', epochs: 1 });
  }, 600_000);

  it.each(CASES.filter((c) => c.file === 'lenet5').map((c) => [c.model, c] as const))('%s takes two optimizer steps with the tfjs engine', async (_name, c) => {
    const events = await train(c, 'tfjs');
    expect(events.find((e) => e.type === 'start')).toMatchObject({ engine: 'tfjs', params: c.params });
    expect(events[events.length - 1]).toMatchObject({ type: 'end', status: 'completed', epochs: 1 });
  }, 600_000);
});
