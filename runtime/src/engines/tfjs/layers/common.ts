// What every NetLens layer for TensorFlow.js shares: a plain JSON spec as its config (so the
// layer serialises and registers like a Keras one), the output shape known from the IR, and
// weights that start as PyTorch's defaults, drawn from a seeded stream so a run is reproducible.
import type { LayerVariable, Tensor } from '@tensorflow/tfjs';
import { deriveSeed, mulberry32 } from '../../../data/random';
import type { Tf } from '../backend';

/** JSON-safe values, as a layer config holds them. */
export type SpecValue = number | string | boolean | null | SpecValue[] | { [key: string]: SpecValue };
export type Spec = { [key: string]: SpecValue };

/** Every spec has the per-sample output shape, channels last (the IR's shape reordered). */
export interface BaseSpec {
  out: number[];
  /** Seed of the weights' stream; null leaves them zero (a model built only to be counted). */
  seed: number | null;
}

export type Kwargs = { training?: boolean } & Record<string, unknown>;

/** The abstract base every NetLens layer extends, made from the loaded `tf`. */
export function defineBase(tf: Tf) {
  abstract class NetLensLayer<S extends BaseSpec> extends tf.layers.Layer {
    readonly spec: S;

    constructor(spec: S, name?: string) {
      super(name ? { name } : {});
      this.spec = spec;
    }

    override computeOutputShape(): (number | null)[] {
      return [null, ...this.spec.out];
    }

    override getConfig() {
      return { ...super.getConfig(), spec: this.spec as unknown as Spec };
    }

    /** A weight of `shape` drawn uniform in ±bound (one bound for all, or per row of the last axis). */
    protected uniform(name: string, shape: number[], bound: number | ((index: number) => number), trainable = true): LayerVariable {
      const weight = this.addWeight(name, shape, 'float32', tf.initializers.zeros(), undefined, trainable);
      if (this.spec.seed !== null) weight.write(tf.tensor(uniformValues(shape, bound, deriveSeed(this.spec.seed, hashName(name))), shape));
      return weight;
    }

    /** A weight filled with one value (batch-norm scales, running variances, subsample coefficients). */
    protected filled(name: string, shape: number[], value: number, trainable = true): LayerVariable {
      return this.addWeight(name, shape, 'float32', value === 0 ? tf.initializers.zeros() : tf.initializers.constant({ value }), undefined, trainable);
    }

    protected one(inputs: Tensor | Tensor[]): Tensor {
      return Array.isArray(inputs) ? inputs[0]! : inputs;
    }
  }
  return NetLensLayer;
}

/**
 * Uniform values in ±bound(i), where i is the index along the last axis (the output map of a
 * conv kernel [kh, kw, in, out], a unit of a dense kernel): PyTorch's default initialisation,
 * with a per-map bound where maps differ in fan-in (connection tables).
 */
export function uniformValues(shape: number[], bound: number | ((index: number) => number), seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const last = shape[shape.length - 1] ?? 1;
  const rng = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = typeof bound === 'number' ? bound : bound(i % last);
    out[i] = (2 * rng() - 1) * b;
  }
  return out;
}

/** A small number from a weight's name, so the kernel and the bias of a layer draw different values. */
function hashName(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h;
}


/** [[0, 0], [top, bottom], [left, right], [0, 0]]: tf.pad's form of per-side padding on NHWC. */
export function padPairs(padding: number[]): [number, number][] {
  return [
    [0, 0],
    [padding[0]!, padding[1]!],
    [padding[2]!, padding[3]!],
    [0, 0],
  ];
}
