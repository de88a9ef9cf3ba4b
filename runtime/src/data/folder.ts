// folder("dir"): one sub-folder per class, named classes in sorted order (class 0 is the first
// name), PNG and JPEG files inside. All images must share a size unless the data line says resize=.
// When grey and colour images are mixed, grey ones are repeated into 3 channels.
import { readdirSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { type Dataset, type LoadOptions, sampleSize } from './dataset';
import { DataError } from './errors';
import { requireFolder } from './files';
import { decodeImage, type Image } from './image';
import { checkLabels } from './labels';
import { type Preprocess, prepareSample, preparedShape } from './transform';

const IMAGE = new Set(['.png', '.jpg', '.jpeg']);

interface Listing {
  classNames: string[];
  files: string[];
  labels: number[];
}

function list(dir: string): Listing {
  requireFolder(dir, 'image folder');
  const classNames = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (classNames.length === 0) throw new DataError('format', `image folder ${dir} has no sub-folders: put each class's images in a sub-folder named after the class`, dir);
  const files: string[] = [];
  const labels: number[] = [];
  classNames.forEach((name, label) => {
    for (const file of readdirSync(join(dir, name)).filter((f) => IMAGE.has(extname(f).toLowerCase())).sort()) {
      files.push(join(dir, name, file));
      labels.push(label);
    }
  });
  if (files.length === 0) throw new DataError('format', `image folder ${dir} has no PNG or JPEG files in its ${classNames.length} class folders`, dir);
  return { classNames, files, labels };
}

/** The common [C, H, W], or an error naming two files of different sizes when resize= is absent. */
function commonShape(images: Image[], files: string[], dir: string, resize: boolean): number[] {
  const channels = Math.max(...images.map((im) => im.channels));
  const first = images[0]!;
  if (!resize) {
    const other = images.findIndex((im) => im.height !== first.height || im.width !== first.width);
    if (other >= 0) {
      const a = relative(dir, files[0]!);
      const b = relative(dir, files[other]!);
      throw new DataError('size', `images in ${dir} differ in size: ${a} is ${first.height}×${first.width} but ${b} is ${images[other]!.height}×${images[other]!.width}; add resize=${first.height}x${first.width} to the data line, or make them the same size`, files[other]);
    }
  }
  return [channels, first.height, first.width];
}

/** An image as floats in [0, 1], with grey repeated into `channels` planes. */
function toFloat(image: Image, channels: number): Float32Array {
  const plane = image.height * image.width;
  const out = new Float32Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    const from = (image.channels === 1 ? 0 : c) * plane;
    for (let p = 0; p < plane; p++) out[c * plane + p] = image.data[from + p]! / 255;
  }
  return out;
}

export function loadFolder(dir: string, shown: string, prep: Preprocess, options: LoadOptions): Dataset {
  const { classNames, files, labels } = list(dir);
  checkLabels(labels, options.classes, (i) => `${files[i]} (class folder '${classNames[labels[i]!]}')`, dir);
  const images = files.map(decodeImage);
  const raw = commonShape(images, files, dir, prep.resize !== undefined);
  const name = `folder "${shown}"`;
  const shape = preparedShape(raw, prep);
  const size = sampleSize(shape);
  const x = new Float32Array(files.length * size);
  images.forEach((image, i) => x.set(prepareSample(toFloat(image, raw[0]!), [raw[0]!, image.height, image.width], prep, name), i * size));
  return { x, y: Int32Array.from(labels), shape, classes: classNames.length, name, classNames };
}
