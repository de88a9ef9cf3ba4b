// Shapes are channels first and never include the batch: [C, H, W] for images, [C, L] for
// sequences, [N] for vectors. Formatting follows the papers: 64×56×56.

export type Shape = readonly number[];

export function formatShape(shape: Shape): string {
  return shape.join('×');
}

export function rankName(shape: Shape): string {
  if (shape.length === 3) return 'image';
  if (shape.length === 2) return 'sequence';
  if (shape.length === 1) return 'vector';
  return `${shape.length}-axis tensor`;
}

/** Product of sizes, or undefined past 2^53 where doubles stop counting exactly. */
export function safeProduct(values: readonly number[]): number | undefined {
  let product = 1;
  for (const value of values) {
    product *= value;
    if (!Number.isSafeInteger(product)) return undefined;
  }
  return product;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** 1.81 G, 714.2 M: for MACs and FLOPs, where three significant figures say enough. */
export function formatScaled(n: number): string {
  const units: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [scale, unit] of units) {
    if (Math.abs(n) >= scale) return `${trimNumber(n / scale)} ${unit}`;
  }
  return String(n);
}

export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [scale, unit] of units) {
    if (bytes >= scale) return `${trimNumber(bytes / scale)} ${unit}`;
  }
  return `${bytes} B`;
}

function trimNumber(x: number): string {
  if (x >= 100) return x.toFixed(1).replace(/\.0$/, '');
  if (x >= 10) return x.toFixed(2).replace(/\.?0+$/, '');
  return x.toFixed(3).replace(/\.?0+$/, '');
}
