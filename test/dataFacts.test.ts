import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeDocument } from '../server/src/language/index';
import { readDataFacts } from '../server/src/dataFacts';

// The facts of file-backed data sources, read from real files written here: IDX headers (the
// format MNIST ships in), a folder of PNG and JPEG images, and a CSV file.
const dir = mkdtempSync(join(tmpdir(), 'netlens-facts-'));
const nn = join(dir, 'model.nn');

function idx(type: number, dims: number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, body]);
}

function png(width: number, height: number, colour: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colour;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(height * (width + 1)))), chunk('IEND', Buffer.alloc(0))]);
}

function jpeg(width: number, height: number, components: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0, 8 + 3 * components, 8, height >> 8, height & 255, width >> 8, width & 255, components]);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0]), sof, Buffer.alloc(3 * components), Buffer.from([0xff, 0xd9])]);
}

describe('data facts', () => {
  it('reads IDX headers and counts the distinct labels', () => {
    writeFileSync(join(dir, 'images.idx'), idx(8, [5, 28, 28], new Uint8Array(5 * 28 * 28)));
    writeFileSync(join(dir, 'labels.idx'), idx(8, [5], Uint8Array.from([0, 3, 3, 7, 9])));
    expect(readDataFacts({ kind: 'idx', images: 'images.idx', labels: 'labels.idx' }, nn)).toMatchObject({ samples: 5, classes: 4, shape: [1, 28, 28] });
  });

  it('counts images per class folder and reads the size from a PNG or a JPEG', () => {
    for (const [name, files] of Object.entries({ cat: 3, dog: 2 })) {
      mkdirSync(join(dir, 'pets', name), { recursive: true });
      for (let i = 0; i < files; i++) writeFileSync(join(dir, 'pets', name, `${i}.png`), png(40, 30, 2));
    }
    expect(readDataFacts({ kind: 'folder', dir: 'pets' }, nn)).toMatchObject({ samples: 5, classes: 2, shape: [3, 30, 40] });
    mkdirSync(join(dir, 'grey', 'a'), { recursive: true });
    writeFileSync(join(dir, 'grey', 'a', 'x.jpg'), jpeg(16, 12, 1));
    expect(readDataFacts({ kind: 'folder', dir: 'grey' }, nn)).toMatchObject({ samples: 1, classes: 1, shape: [1, 12, 16] });
  });

  it('counts CSV rows and distinct labels; the features are the other columns', () => {
    writeFileSync(join(dir, 'iris.csv'), 'a,b,c,d,species\n1,2,3,4,setosa\n1,2,3,4,virginica\n5,6,7,8,setosa\n');
    expect(readDataFacts({ kind: 'csv', file: 'iris.csv', label: 'species' }, nn)).toMatchObject({ samples: 3, classes: 2, shape: [4] });
    expect(readDataFacts({ kind: 'csv', file: 'iris.csv', label: 'nope' }, nn)).toBeUndefined();
  });

  it('refreshes when the file changes', () => {
    writeFileSync(join(dir, 'grow.csv'), 'x,y\n1,a\n');
    expect(readDataFacts({ kind: 'csv', file: 'grow.csv', label: 'y' }, nn)?.samples).toBe(1);
    writeFileSync(join(dir, 'grow.csv'), 'x,y\n1,a\n2,b\n3,c\n');
    expect(readDataFacts({ kind: 'csv', file: 'grow.csv', label: 'y' }, nn)?.samples).toBe(3);
  });

  it('feeds the risk checks: a model whose input does not match the folder images is an error', () => {
    const text = 'model M {\n  input 3x32x32\n  conv 8 kernel=3 padding=1\n  globalavgpool\n  dense 2\n}\ntrain M {\n  data folder("pets")\n  validation 0.2\n}\n';
    const analysis = analyzeDocument(text, { uri: nn, dataFacts: readDataFacts });
    const mismatch = analysis.diagnostics.find((d) => d.code === 'NN501')!;
    expect(mismatch.message).toContain('takes 3×32×32 but folder "pets" samples are 3×30×40');
    expect(mismatch.message).toContain("resize=32x32");
  });
});
