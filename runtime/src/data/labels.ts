// Labels against the model's classes: the first one out of range is an error that names its row.
import { DataError } from './errors';

/**
 * Throws for the first label that is negative, not whole, or ≥ `classes` (when the model's class
 * count is known). `where(i)` names row i for the message: "line 7 of iris.csv", …
 */
export function checkLabels(labels: ArrayLike<number>, classes: number | undefined, where: (i: number) => string, path: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || !Number.isInteger(label)) {
      throw new DataError('label', `label ${label} at ${where(i)} is not a class index (a whole number ≥ 0)`, path);
    }
    if (classes !== undefined && label >= classes) {
      throw new DataError('label', `label ${label} at ${where(i)} is out of range: the model has ${classes} classes (0–${classes - 1})`, path);
    }
  }
}

/** The number of classes labels imply: the largest + 1 (0 for none). */
export function classCount(labels: ArrayLike<number>): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]!);
  return max + 1;
}
