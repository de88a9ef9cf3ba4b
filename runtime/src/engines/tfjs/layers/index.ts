// Every NetLens layer class for one loaded `tf`, defined and registered for serialisation once.
import type { Tf } from '../backend';
import { defineConv } from './conv';
import { defineNorm } from './norm';
import { definePool } from './pool';
import { defineShape } from './shape';

function define(tf: Tf) {
  const classes = { ...defineConv(tf), ...definePool(tf), ...defineNorm(tf), ...defineShape(tf) };
  for (const cls of Object.values(classes)) tf.serialization.registerClass(cls);
  return classes;
}

export type LayerClasses = ReturnType<typeof define>;

const defined = new WeakMap<Tf, LayerClasses>();

export function layerClasses(tf: Tf): LayerClasses {
  let classes = defined.get(tf);
  if (!classes) defined.set(tf, (classes = define(tf)));
  return classes;
}

export { stepClock } from './norm';
export { internalShape } from './shape';
