// The tfjs training run, step for step the torch trainer's (runtime/python/trainer.py): the
// start event, batches with the loss and accuracy so far (at most 10 events a second), an epoch
// event with validation, the diagnoses, checkpoints (last, best), early stopping, cancel with a
// mid-epoch checkpoint, exact resume, and the end event with the test metrics.
import { join } from 'node:path';
import type { LayersModel, Tensor, Tensor1D, Variable } from '@tensorflow/tfjs';
import type { IR } from '../../ir';
import { Diagnoser, fmt, type DiagnoserState } from '../../train/diagnose';
import type { Job } from '../../train/run';
import { type Backend, type Tf, loadBackend } from './backend';
import { type CheckpointHeader, CHECKPOINT_VERSION, readCheckpoint, writeCheckpoint } from './checkpoint';
import { type Split, loadSplit, trainBatcher } from './data';
import { stepClock } from './layers/index';
import { correctCount, makeLoss, type LossFn } from './loss';
import { buildModel } from './model';
import { JobError, Optimizer, makeSchedule } from './optim';
import { tfjsSupport } from './support';

export type Emit = (type: string, fields: Record<string, unknown>) => void;
type Log = (message: string) => void;

const BATCH_INTERVAL = 0.1;
export const CHECKPOINT_EXT = 'tfjs';

interface Best {
  loss: number | null;
  epoch: number | null;
  valLoss: number | null;
  monitor: number | null;
  bad: number;
}

type Partial = NonNullable<CheckpointHeader['partial']>;

/** The device and precision, with the reasons that go into the start event. */
function choose(backend: Backend, settings: NonNullable<Job['settings']>): { device: string; why: string[] } {
  const want = String(settings.device || 'auto');
  if (want.startsWith('gpu') && backend.device !== 'gpu') {
    throw new JobError('device', `device ${want} was asked for, but the tfjs engine has no GPU backend (${backend.why}); install @tensorflow/tfjs-node-gpu (CUDA), or train with engine torch`);
  }
  const device = want === 'cpu' ? 'device cpu as set' : want.startsWith('gpu') ? `device ${want} as set` : backend.device === 'gpu' ? 'device auto: tfjs-node-gpu has a GPU' : 'device auto: no GPU backend, so the CPU';
  const precision = String(settings.precision || 'auto');
  const precisionWhy = precision === 'bf16' || precision === 'fp16' ? `precision fp32: ${precision} autocast is torch-only, the tfjs engine computes in float32` : 'precision fp32';
  return { device: backend.device, why: [`backend ${backend.name}: ${backend.why}`, device, precisionWhy] };
}

function evaluate(tf: Tf, model: LayersModel, loss: LossFn, split: Split, batch: number): [number, number] {
  let total = 0;
  let correct = 0;
  const size = split.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < split.count; i += batch) {
    const n = Math.min(batch, split.count - i);
    tf.tidy(() => {
      const x = tf.tensor(split.x.subarray(i * size, (i + n) * size), [n, ...split.shape]);
      const y = tf.tensor1d(split.y.subarray(i, i + n), 'int32');
      const out = model.apply(x, { training: false }) as Tensor;
      total += loss(out, y).dataSync()[0]! * n;
      correct += correctCount(tf, out, y);
    });
  }
  return [total / split.count, correct / split.count];
}

export async function runTraining(job: Job, ir: IR, cancel: { requested: boolean }, emit: Emit, log: Log): Promise<number> {
  const t0 = Date.now();
  const settings = job.settings!;
  const runDir = job.runDir;
  const classes = Number(job.classes) || 0;
  const support = tfjsSupport(ir);
  if (!support.ok) throw new JobError('module', support.message);

  const train = loadSplit(runDir, job.data?.train, 'training', classes);
  if (!train) throw new JobError('data', 'job.json has no training data');
  const val = loadSplit(runDir, job.data?.val, 'validation', classes);
  const test = loadSplit(runDir, job.data?.test, 'test', classes);
  if (train.shape.join('x') !== ir.input.join('x')) {
    throw new JobError('data', `the model ${ir.model} takes input ${ir.input.join('×')} but the training data has samples of shape ${train.shape.join('×')}; pad or resize the data in the train block (e.g. data mnist pad=2)`);
  }

  const backend = loadBackend(undefined, settings.device);
  const tf = backend.tf;
  const { device, why } = choose(backend, settings);
  let model: LayersModel;
  try {
    model = buildModel(tf, ir, { seed: settings.seed }).model;
  } catch (error) {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw new JobError('module', `the tfjs model for ${ir.model} could not be built: ${(error as Error).message}`);
  }

  const epochs = settings.epochs;
  const batch = settings.batch;
  const batcher = trainBatcher(train, job, classes);
  const stepsPerEpoch = batcher.steps;
  const vars = model.trainableWeights.map((w) => w.read() as Variable);
  const optimizer = new Optimizer(tf, settings.optimizer, vars);
  const schedule = makeSchedule(settings.schedule, settings.optimizer.lr, epochs, stepsPerEpoch);
  const lossFn = makeLoss(tf, settings.loss, job.outputActivation);
  const early = settings.earlyStop;
  let monitor = early?.monitor ?? 'val_loss';
  if (early && !val && monitor.startsWith('val_')) {
    log(`netlens tfjs trainer: early_stop monitor=${monitor} without validation data: monitoring the training loss`);
    monitor = 'loss';
  }

  // What a checkpoint carries.
  let startEpoch = 0;
  let globalStep = 0;
  let best: Best = { valLoss: null, epoch: null, monitor: null, bad: 0, loss: null };
  let partial: Partial | null = null;
  let diagState: DiagnoserState | null = null;
  let resumedFrom: number | null = null;
  if (job.resume) {
    ({ startEpoch, globalStep, best, partial, diagState } = resume(tf, join(runDir, job.resume), model, optimizer));
    resumedFrom = startEpoch;
  }
  const diag = new Diagnoser(classes, diagState);
  const params = vars.reduce((s, v) => s + v.size, 0);
  emit('start', {
    engine: 'tfjs', backend: backend.name, device, precision: 'fp32', why: [job.engine?.why, ...why].filter(Boolean).join('; '),
    model: ir.model, params, samples: train.count, valSamples: val?.count ?? null, testSamples: test?.count ?? null,
    epochs, batch, stepsPerEpoch, resumedFrom,
  });

  const evalBatch = Math.max(batch, 256);
  const epochsDone = { value: startEpoch };
  const checkpoint = (epochDone: number, isBest = false, partialState: Partial | null = null) => {
    const header: CheckpointHeader = {
      version: CHECKPOINT_VERSION, engine: 'tfjs', epoch: epochDone, step: globalStep, best: { ...best }, diagnosis: diag.state(), partial: partialState,
      rng: { seed: settings.seed },
      weights: model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] })),
      optimizer: { name: settings.optimizer.name, t: optimizer.t, slots: 0, shapes: vars.map((v) => v.shape) },
    };
    const state = optimizer.getState();
    header.optimizer.slots = state.slots[0]?.length ?? 0;
    const weights = model.weights.map((w) => w.read().dataSync() as Float32Array);
    for (const name of ['last', ...(isBest ? ['best'] : [])]) {
      const file = `${name}.${CHECKPOINT_EXT}`;
      writeCheckpoint(join(runDir, 'checkpoints', file), header, weights, state);
      emit('checkpoint', { epoch: partialState === null ? epochDone : epochDone + 1, step: globalStep, path: `checkpoints/${file}`, best: name === 'best' });
    }
  };
  const finish = (status: string, reason: string | null = null, testMetrics = true): number => {
    let testLoss: number | null = null;
    let testAccuracy: number | null = null;
    if (test && testMetrics) [testLoss, testAccuracy] = evaluate(tf, model, lossFn, test, evalBatch);
    emit('end', { status, epochs: epochsDone.value, bestEpoch: best.epoch, bestValLoss: best.valLoss, testLoss, testAccuracy, seconds: (Date.now() - t0) / 1000, reason });
    return status === 'failed' ? 1 : 0;
  };

  let lastBatchEvent = 0;
  const stepsTotal = epochs * stepsPerEpoch;
  const runStart = Date.now();
  let stepsThisRun = 0;
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    let tEpoch = Date.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let first = 0;
    if (partial && partial.epoch === epoch) {
      ({ lossSum, correct, seen } = partial);
      first = partial.stepInEpoch;
      tEpoch -= partial.seconds * 1000;
    }
    partial = null;
    let lrUsed = schedule(globalStep).lr;
    for (const b of batcher.epoch(epoch, first)) {
      const s = b.step;
      stepClock.epoch = epoch;
      stepClock.step = s;
      const rates = schedule(globalStep);
      const { loss, right } = trainStep(tf, model, lossFn, vars, optimizer, b.x, b.y, b.size, train.shape, rates, (lv) => diag.step(epoch + 1, lv));
      if (typeof loss !== 'number') {
        emit('diagnosis', { ...loss });
        epochsDone.value = epoch;
        return finish('failed', `divergence: ${loss.message}`, false);
      }
      lrUsed = rates.lr;
      globalStep += 1;
      stepsThisRun += 1;
      lossSum += loss * b.size;
      correct += right;
      seen += b.size;
      const t = Date.now();
      if ((t - lastBatchEvent) / 1000 >= BATCH_INTERVAL) {
        lastBatchEvent = t;
        const rate = (t - runStart) / 1000 / stepsThisRun;
        const doneSteps = epoch * stepsPerEpoch + s + 1;
        emit('batch', { step: globalStep, epoch: epoch + 1, loss: lossSum / seen, accuracy: correct / seen, samplesPerSec: seen / Math.max((t - tEpoch) / 1000, 1e-9), eta: rate * (stepsTotal - doneSteps) });
      }
      // Let a signal through: the handlers run between steps.
      await new Promise((r) => setImmediate(r));
      if (cancel.requested && s < stepsPerEpoch - 1) {
        epochsDone.value = epoch;
        checkpoint(epoch, false, { epoch, stepInEpoch: s + 1, lossSum, correct, seen, seconds: (Date.now() - tEpoch) / 1000 });
        return finish('cancelled', `cancelled by a signal after step ${s + 1} of epoch ${epoch + 1}`, false);
      }
    }

    const trainLoss = lossSum / seen;
    const trainAcc = correct / seen;
    const [valLoss, valAcc] = val ? evaluate(tf, model, lossFn, val, evalBatch) : [null, null];
    epochsDone.value = epoch + 1;
    emit('epoch', { epoch: epoch + 1, loss: trainLoss, accuracy: trainAcc, valLoss, valAccuracy: valAcc, lr: lrUsed, seconds: (Date.now() - tEpoch) / 1000 });
    const diagnoses = diag.epoch(epoch + 1, trainLoss, trainAcc, valLoss);
    for (const d of diagnoses) emit('diagnosis', { ...d });
    if (diagnoses.some((d) => d.kind === 'divergence')) {
      checkpoint(epoch + 1);
      return finish('failed', `divergence: ${diagnoses[0]!.message}`, false);
    }
    // Best: the lowest validation loss (the training loss without validation).
    const key = valLoss ?? trainLoss;
    const isBest = best.loss === null || key < best.loss;
    if (isBest) best = { ...best, loss: key, epoch: epoch + 1, valLoss };
    const stop = early ? earlyStop(best, monitor, early.patience, { val_loss: valLoss, val_accuracy: valAcc, loss: trainLoss }) : null;
    checkpoint(epoch + 1, isBest);
    if (stop) return finish('early-stopped', stop);
    if (cancel.requested && epoch + 1 < epochs) return finish('cancelled', `cancelled by a signal at the end of epoch ${epoch + 1}`, false);
  }
  return finish('completed');
}

/** Updates the early-stopping counters in `best`; the reason to stop, or null. */
function earlyStop(best: Best, monitor: string, patience: number, values: Record<string, number | null>): string | null {
  const value = values[monitor] ?? null;
  const improved = best.monitor === null || (value !== null && (monitor === 'val_accuracy' ? value > best.monitor : value < best.monitor));
  if (improved) {
    best.monitor = value;
    best.bad = 0;
    return null;
  }
  best.bad += 1;
  return best.bad >= Math.trunc(patience ?? 5) ? `${monitor} did not improve for ${best.bad} epochs (best ${fmt(best.monitor)})` : null;
}

/** One optimizer step; the loss and the correct count, or the divergence diagnosis (the step is then not applied). */
function trainStep(
  tf: Tf,
  model: LayersModel,
  lossFn: LossFn,
  vars: Variable[],
  optimizer: Optimizer,
  xData: Float32Array,
  yData: Int32Array,
  n: number,
  shape: number[],
  rates: ReturnType<ReturnType<typeof makeSchedule>>,
  check: (loss: number) => ReturnType<Diagnoser['step']>,
): { loss: number | NonNullable<ReturnType<Diagnoser['step']>>; right: number } {
  const x = tf.tensor(xData, [n, ...shape]);
  const y = tf.tensor1d(yData, 'int32') as Tensor1D;
  let out: Tensor | undefined;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const o = model.apply(x, { training: true }) as Tensor;
      out = tf.keep(o);
      return lossFn(o, y);
    }, vars);
    const loss = value.dataSync()[0]!;
    value.dispose();
    const bad = check(loss);
    if (bad) {
      tf.dispose(grads);
      return { loss: bad, right: 0 };
    }
    optimizer.step(vars.map((v) => grads[v.name] ?? tf.zerosLike(v)), rates);
    tf.dispose(grads);
    return { loss, right: correctCount(tf, out!, y) };
  } finally {
    tf.dispose([x, y, ...(out ? [out] : [])]);
  }
}

function resume(tf: Tf, path: string, model: LayersModel, optimizer: Optimizer) {
  let ck;
  try {
    ck = readCheckpoint(path);
  } catch (error) {
    throw new JobError('resume', `the checkpoint ${path} cannot be read: ${(error as Error).message}`);
  }
  const names = model.weights.map((w) => `${w.originalName} [${w.shape.join(', ')}]`);
  const saved = ck.header.weights.map((w) => `${w.name} [${w.shape.join(', ')}]`);
  const mismatch = names.findIndex((n, i) => n !== saved[i]);
  if (names.length !== saved.length || mismatch >= 0) {
    throw new JobError('resume', `the checkpoint ${path} does not match this model: ${mismatch >= 0 ? `weight ${names[mismatch]} is ${saved[mismatch] ?? 'missing'} there` : `${saved.length} weights there, ${names.length} here`}`);
  }
  model.weights.forEach((w, i) => w.write(tf.tensor(ck.weights[i]!, w.shape as number[])));
  optimizer.setState(ck.optimizer);
  const h = ck.header;
  return { startEpoch: h.epoch, globalStep: h.step, best: h.best as unknown as Best, partial: h.partial, diagState: h.diagnosis as DiagnoserState | null };
}
