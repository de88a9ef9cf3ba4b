// The data layer of `netlens train`: every source of a train block loaded into memory as
// channels-first floats, the validation split, the normalisation, the batches with their
// augmentations, and .npy files for the trainers. docs/engines.md ("Data") describes each step exactly.
import { resolve } from 'node:path';
import type { DataSource, TrainConfig } from '../../../server/src/language/index';
import { loadCsv } from './csv';
import { type Dataset, type LoadOptions, subset } from './dataset';
import { DataError } from './errors';
import { loadFolder } from './folder';
import { loadIdx } from './idx';
import { loadMnist } from './mnist';
import { type Stats, channelStats } from './normalise';
import { STREAM, range, shuffle, stream } from './random';
import { checkShape } from './shape';
import { splitValidation } from './split';
import { loadSynthetic } from './synthetic';
import { prepareDataset } from './transform';

export { type Augment, AUGMENT_DEFAULTS, addNoise, augmentSample, checkAugments, crop, hflip, rotate } from './augment';
export { type Batch, Batcher, type BatcherOptions } from './batcher';
export { type Dataset, type LoadOptions, count, sampleSize, subset } from './dataset';
export { DataError, type DataErrorCode, isDataError } from './errors';
export { mnistFiles } from './mnist';
export { type Stats, channelStats, normalise, standardise } from './normalise';
export { toNpy } from './npy';
export { deriveSeed, mulberry32, normals, shuffle, STREAM } from './random';
export { checkShape } from './shape';
export { splitValidation, validationIndices } from './split';
export { SYNTHETIC_NOISE } from './synthetic';
export { padSample, prepareDataset, resizeSample } from './transform';

/** One source of a train block, loaded and cut to its `limit=`; relative paths are relative to `baseDir` (the .nn file's folder). */
export function loadSource(source: DataSource, baseDir: string, options: LoadOptions = {}): Dataset {
  const data = loadWhole(source, baseDir, options);
  return source.limit === undefined ? data : limitSamples(data, source.limit, options.seed ?? 0, options.split === 'test' ? 1 : 0);
}

/**
 * `limit=N`: N samples drawn with the seed's limit stream (so the subset holds every class in
 * about its share, and is the same on every run), kept in file order.
 */
export function limitSamples(data: Dataset, limit: number, seed: number, split: number): Dataset {
  const n = data.y.length;
  if (limit >= n) return data;
  const chosen = shuffle(range(n), stream(seed, STREAM.limit, split)).slice(0, limit).sort();
  return subset(data, chosen, `${data.name}, ${limit.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} samples`);
}

function loadWhole(source: DataSource, baseDir: string, options: LoadOptions): Dataset {
  const prep = { pad: source.pad, resize: source.resize };
  switch (source.kind) {
    case 'mnist':
      return prepareDataset(loadMnist(options), prep);
    case 'idx':
      return prepareDataset(loadIdx(resolve(baseDir, source.images), resolve(baseDir, source.labels), options), prep);
    case 'folder':
      return loadFolder(resolve(baseDir, source.dir), source.dir, prep, options);
    case 'csv':
      return prepareDataset(loadCsv(resolve(baseDir, source.file), source.label, options), prep);
    case 'synthetic':
      return prepareDataset(loadSynthetic(source, options), prep);
  }
}

export interface PreparedData {
  /** Unnormalised; give it to a Batcher with `stats`. */
  train: Dataset;
  validation?: Dataset;
  test?: Dataset;
  /** Per-channel mean and std of `train`, for every split. */
  stats: Stats;
}

export interface ModelFacts {
  name?: string;
  /** The model's input shape; every split must match it. */
  input?: number[];
  /** The model's number of classes; a label beyond it is an error. */
  classes?: number;
}

/** Every split a train block names, loaded and checked against the model, before training starts. */
export function prepareData(config: Pick<TrainConfig, 'data' | 'test' | 'validation' | 'seed'>, baseDir: string, model: ModelFacts = {}): PreparedData {
  if (!config.data) throw new DataError('config', 'the train block has no data line');
  const options = { seed: config.seed, classes: model.classes, shape: model.input };
  let train = loadSource(config.data, baseDir, { ...options, split: 'train' });
  let validation: Dataset | undefined;
  if (config.validation && 'fraction' in config.validation) ({ train, validation } = splitValidation(train, config.validation.fraction, config.seed));
  else if (config.validation) validation = loadSource(config.validation.source, baseDir, { ...options, split: 'train' });
  const test = config.test && loadSource(config.test, baseDir, { ...options, split: 'test' });
  if (model.input) {
    const label = model.name ? `model ${model.name}` : undefined;
    checkShape(train, model.input, config.data, label);
    if (validation && config.validation && 'source' in config.validation) checkShape(validation, model.input, config.validation.source, label);
    if (test && config.test) checkShape(test, model.input, config.test, label);
  }
  return { train, ...(validation ? { validation } : {}), ...(test ? { test } : {}), stats: channelStats(train) };
}
