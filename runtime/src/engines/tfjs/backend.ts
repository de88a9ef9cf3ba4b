// Loads TensorFlow.js for the tfjs engine: @tensorflow/tfjs-node-gpu (CUDA), then
// @tensorflow/tfjs-node (TensorFlow's C++ on the CPU), then the plain @tensorflow/tfjs (pure
// JavaScript, slow). Whichever loads first is the one `tf` used everywhere: tfjs-node re-exports
// the whole tfjs API from its own copy, and mixing that copy with the bundled one would put
// tensors and layers in two registries. Only types are imported statically.
import { createRequire } from 'node:module';

export type Tf = typeof import('@tensorflow/tfjs');

export interface Backend {
  tf: Tf;
  /** For the start event: `tfjs-node-gpu 4.22.0 (tensorflow)`, `tfjs-cpu 4.22.0 (pure JavaScript)`. */
  name: string;
  device: 'cpu' | 'gpu';
  /** Why this one, and why not the ones tried before it. */
  why: string;
}

interface Candidate {
  module: string;
  short: string;
  device: 'cpu' | 'gpu';
  load: () => Tf;
}

// tfjs-node(-gpu) are native, optional and kept out of the bundle (esbuild.mjs): a require that
// esbuild does not resolve, made from this file's location so node_modules beside dist/ is found.
const nativeRequire = createRequire(__filename);

/** The plain tfjs is bundled (lazily initialised): a literal require esbuild can follow. */
function loadBundled(): Tf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs') as Tf;
}

const CANDIDATES: Candidate[] = [
  { module: '@tensorflow/tfjs-node-gpu', short: 'tfjs-node-gpu', device: 'gpu', load: () => nativeRequire('@tensorflow/tfjs-node-gpu') as Tf },
  { module: '@tensorflow/tfjs-node', short: 'tfjs-node', device: 'cpu', load: () => nativeRequire('@tensorflow/tfjs-node') as Tf },
];

/** Why a module did not load, in a few words. */
function failure(error: unknown, module: string): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(module)) return 'not installed';
  const first = String(e?.message ?? error).split('\n')[0]!;
  return `failed to load (${first.slice(0, 200)})`;
}

let cached: Backend | undefined;

/**
 * The first backend that loads. `only` 'cpu' (the NETLENS_TFJS_BACKEND variable, for a machine
 * whose tfjs-node is broken) skips the native ones; `device` 'cpu' (the train block's) skips the
 * GPU one. One backend per process: the first call decides.
 */
export function loadBackend(only: string | undefined = process.env.NETLENS_TFJS_BACKEND, device?: string): Backend {
  if (cached) return cached;
  const notes: string[] = [];
  for (const c of CANDIDATES) {
    if (only === 'cpu' || (device === 'cpu' && c.device === 'gpu')) {
      notes.push(`${c.short} skipped (${only === 'cpu' ? 'NETLENS_TFJS_BACKEND=cpu' : 'device cpu'})`);
      continue;
    }
    try {
      const tf = c.load();
      const kind = tf.getBackend() ?? 'tensorflow';
      cached = { tf, name: `${c.short} ${tf.version.tfjs} (${kind})`, device: c.device, why: [...notes, `${c.module} loaded`].join(', ') };
      return cached;
    } catch (error) {
      notes.push(`${c.short} ${failure(error, c.module)}`);
    }
  }
  const tf = loadBundled();
  // Production mode: no greeting on first use ("install our node backend"), fewer debug checks.
  tf.enableProdMode();
  void tf.setBackend('cpu');
  const hint = notes.some((n) => n.startsWith('tfjs-node ') && n.includes('not installed')) ? ' (npm install @tensorflow/tfjs-node is much faster)' : '';
  cached = { tf, name: `tfjs-cpu ${tf.version.tfjs} (pure JavaScript)`, device: 'cpu', why: `${[...notes, 'so the plain @tensorflow/tfjs on the CPU'].join(', ')}${hint}` };
  return cached;
}
