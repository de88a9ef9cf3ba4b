// The data against the model's input: one error before training starts, with both shapes and a
// fix the data line can take (the same advice as the analyzer's NN501).
import { type Dataset, formatShape } from './dataset';
import { DataError } from './errors';
import type { Preprocess } from './transform';

function fix(input: readonly number[], sample: readonly number[], prep: Preprocess): string | undefined {
  if (input.length !== 3 || sample.length !== 3 || input[0] !== sample[0]) return undefined;
  const dh = input[1]! - sample[1]!;
  const dw = input[2]! - sample[2]!;
  if (!prep.resize && dh === dw && dh > 0 && dh % 2 === 0) return `add pad=${dh / 2 + (prep.pad ?? 0)} to the data line`;
  return `${prep.resize ? 'change the data line to' : 'add'} resize=${input[1]}x${input[2]}${prep.resize ? '' : ' to the data line'}`;
}

export function checkShape(dataset: Dataset, input: readonly number[], prep: Preprocess = {}, model = 'the model'): void {
  const sample = dataset.shape;
  if (sample.length === input.length && sample.every((d, i) => d === input[i])) return;
  const options = [fix(input, sample, prep), `change the model's input to ${sample.join('x')}`].filter((s): s is string => s !== undefined);
  throw new DataError('size', `${model} takes ${formatShape(input)} but ${dataset.name} samples are ${formatShape(sample)}: ${options.join(', or ')}`);
}
