import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShape, DataError, loadSource, prepareData } from '../../runtime/src/data/index';
import type { DataSource } from '../../server/src/language/index';
import { idx, png, tempDir, write } from './fixtures';

// Every error a user can act on: a DataError with a code, naming the file and the numbers.
const dir = tempDir();

function failure(source: DataSource, options = {}): DataError {
  try {
    loadSource(source, dir, options);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

describe('data errors', () => {
  it('names a missing file or folder', () => {
    const e = failure({ kind: 'idx', images: 'nope/images', labels: 'nope/labels' });
    expect(e.code).toBe('missing');
    expect(e.message).toContain(join(dir, 'nope/images'));
    expect(failure({ kind: 'folder', dir: 'absent' }).message).toBe(`image folder not found: ${join(dir, 'absent')}`);
    expect(failure({ kind: 'csv', file: 'absent.csv', label: 'y' }).code).toBe('missing');
  });

  it('names a corrupt image', () => {
    const good = png(2, 2, 0, () => [9]);
    write(join(dir, 'corrupt', 'a', 'ok.png'), good);
    write(join(dir, 'corrupt', 'b', 'bad.png'), good.subarray(0, 40));
    const e = failure({ kind: 'folder', dir: 'corrupt' });
    expect(e.code).toBe('unreadable');
    expect(e.path).toBe(join(dir, 'corrupt', 'b', 'bad.png'));
    expect(e.message).toMatch(/^cannot read image .*bad\.png: it is corrupt or truncated/);
    write(join(dir, 'text', 'a', 'fake.jpg'), 'hello');
    expect(failure({ kind: 'folder', dir: 'text' }).message).toContain('fake.jpg: it is neither a PNG nor a JPEG file');
  });

  it('names two images of different sizes, and the resize that fixes it', () => {
    write(join(dir, 'sizes', 'a', '1.png'), png(28, 28, 0, () => [0]));
    write(join(dir, 'sizes', 'b', '2.png'), png(32, 30, 0, () => [0]));
    const e = failure({ kind: 'folder', dir: 'sizes' });
    expect(e.code).toBe('size');
    expect(e.message).toBe(`images in ${join(dir, 'sizes')} differ in size: a/1.png is 28×28 but b/2.png is 30×32; add resize=28x28 to the data line, or make them the same size`);
  });

  it('names the row of a label out of the model’s range', () => {
    write(join(dir, 'l/images'), idx([3, 1, 1], [0, 0, 0]));
    write(join(dir, 'l/labels'), idx([3], [1, 12, 3]));
    const e = failure({ kind: 'idx', images: 'l/images', labels: 'l/labels' }, { classes: 10 });
    expect(e.code).toBe('label');
    expect(e.message).toBe(`label 12 at index 1 of ${join(dir, 'l/labels')} is out of range: the model has 10 classes (0–9)`);
    write(join(dir, 'l.csv'), 'x,y\n1,0\n2,10\n');
    expect(failure({ kind: 'csv', file: 'l.csv', label: 'y' }, { classes: 10 }).message).toBe(`label 10 at line 3 of ${join(dir, 'l.csv')} is out of range: the model has 10 classes (0–9)`);
    write(join(dir, 'l4', 'a', '1.png'), png(1, 1, 0, () => [0]));
    write(join(dir, 'l4', 'b', '1.png'), png(1, 1, 0, () => [0]));
    expect(failure({ kind: 'folder', dir: 'l4' }, { classes: 1 }).message).toContain("l4/b/1.png (class folder 'b') is out of range: the model has 1 classes");
  });

  it('names the row and column of a feature that is not a number', () => {
    write(join(dir, 'bad.csv'), 'a,b,label\n1,2,x\n3,abc,y\n');
    const e = failure({ kind: 'csv', file: 'bad.csv', label: 'label' });
    expect(e.code).toBe('value');
    expect(e.message).toBe(`line 3 of ${join(dir, 'bad.csv')}: column 'b' is 'abc', not a number`);
    write(join(dir, 'short.csv'), 'a,b,label\n1,x\n');
    expect(failure({ kind: 'csv', file: 'short.csv', label: 'label' }).message).toContain('line 2 of');
    expect(failure({ kind: 'csv', file: 'bad.csv', label: 'class' }).message).toContain("has no column 'class'; its columns are a, b, label");
  });

  it('gives both counts when images and labels do not pair up', () => {
    write(join(dir, 'c/images'), idx([4, 2, 2], new Array(16).fill(0)));
    write(join(dir, 'c/labels'), idx([3], [0, 1, 2]));
    const e = failure({ kind: 'idx', images: 'c/images', labels: 'c/labels' });
    expect(e.code).toBe('count');
    expect(e.message).toBe(`${join(dir, 'c/images')} has 4 images but ${join(dir, 'c/labels')} has 3 labels; they must pair up one to one`);
  });

  it('names a truncated or foreign IDX file', () => {
    write(join(dir, 't/images'), idx([4, 2, 2], new Array(10).fill(0)));
    write(join(dir, 't/labels'), idx([4], [0, 1, 2, 3]));
    expect(failure({ kind: 'idx', images: 't/images', labels: 't/labels' }).message).toBe(`images ${join(dir, 't/images')} is truncated: its header (4×2×2 unsigned byte) needs 32 bytes but the file has 26`);
    write(join(dir, 't/png'), png(1, 1, 0, () => [0]));
    expect(failure({ kind: 'idx', images: 't/png', labels: 't/labels' }).message).toMatch(/is not an IDX file/);
  });

  it('refuses pad or resize on CSV rows, and synthetic data without a shape', () => {
    write(join(dir, 'p.csv'), 'a,y\n1,0\n');
    expect(failure({ kind: 'csv', file: 'p.csv', label: 'y', pad: 2 }).message).toBe("p.csv (label column 'y') has samples of shape [1]; pad= and resize= apply only to images (C×H×W)");
    expect(failure({ kind: 'synthetic', samples: 4, classes: 2 }).code).toBe('config');
    expect(failure({ kind: 'synthetic', samples: 4, classes: 3, shape: [2] }, { classes: 2 }).message).toBe('synthetic data has classes=3 but the model has 2 classes: make them the same');
  });
});

describe('the data against the model', () => {
  const mnistLike = { x: new Float32Array(0), y: new Int32Array(0), shape: [1, 28, 28], classes: 10, name: 'MNIST (train)' };

  it('shows both shapes and the pad or resize that fixes them', () => {
    expect(() => checkShape(mnistLike, [1, 32, 32], {}, 'model LeNet5')).toThrow('model LeNet5 takes 1×32×32 but MNIST (train) samples are 1×28×28: add pad=2 to the data line, or change the model\'s input to 1x28x28');
    expect(() => checkShape(mnistLike, [1, 64, 48])).toThrow('add resize=64x48 to the data line, or');
    expect(() => checkShape(mnistLike, [3, 28, 28])).toThrow(/samples are 1×28×28: change the model's input to 1x28x28$/);
    expect(() => checkShape(mnistLike, [1, 28, 28])).not.toThrow();
  });

  it('checks every split before training starts', () => {
    const config = { data: { kind: 'synthetic' as const, samples: 20, classes: 2, shape: [1, 4, 4] }, test: { kind: 'synthetic' as const, samples: 5, classes: 2, shape: [1, 5, 5] }, seed: 0 };
    expect(() => prepareData(config, dir, { name: 'M', input: [1, 4, 4] })).toThrow('model M takes 1×4×4 but synthetic data (5 samples of 1×5×5, test) samples are 1×5×5');
  });
});
