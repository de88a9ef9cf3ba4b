import { describe, expect, it } from 'vitest';
import { analyzeDocument } from '../server/src/language/index';
import { analyzeModel, lastLayer, shapeOf } from './helpers/model';

// Output sizes from the formulas of language.md, checked against values PyTorch and
// TensorFlow give for the same layers (torch.nn.Conv2d docs; tf.nn.conv2d padding='SAME').
describe('output shapes', () => {
  const cases: Array<[string, string, string]> = [
    ['conv 16 kernel=5', '1x32x32', '16x28x28'],
    ['conv 6 kernel=5 padding=2', '1x28x28', '6x28x28'],
    ['conv 64 kernel=11 stride=4 padding=2', '3x224x224', '64x55x55'],
    ['conv 96 kernel=11 stride=4', '3x227x227', '96x55x55'],
    ['conv 64 kernel=7 stride=2 padding=3', '3x224x224', '64x112x112'],
    ['conv 8 kernel=3 dilation=2', '1x9x9', '8x5x5'],
    ['conv 8 kernel=1x7 padding=0x3', '4x17x17', '8x17x17'],
    ['conv 8 kernel=3 padding=same', '1x28x28', '8x28x28'],
    ['conv 8 kernel=3 stride=2 padding=same', '1x224x224', '8x112x112'],
    ['conv 8 kernel=3 stride=2 padding=same', '1x7x7', '8x4x4'],
    ['conv 8 kernel=4 padding=valid', '1x10x10', '8x7x7'],
    ['conv 8 kernel=3', '2x100', '8x98'],
    ['conv 8 kernel=3 stride=2 padding=1', '2x100', '8x50'],
    ['maxpool 2', '6x28x28', '6x14x14'],
    ['maxpool 3 stride=2', '64x55x55', '64x27x27'],
    ['maxpool 3 stride=2 padding=1', '64x112x112', '64x56x56'],
    ['maxpool 3 stride=2 ceil=true', '64x112x112', '64x56x56'],
    ['maxpool 2 stride=2 ceil=true', '480x7x7', '480x4x4'],
    ['maxpool 3 stride=2 ceil=true', '192x56x56', '192x28x28'],
    ['maxpool 3 stride=1 padding=same', '192x28x28', '192x28x28'],
    ['avgpool 2 ceil=true', '3x5x5', '3x3x3'],
    ['subsample 2', '6x28x28', '6x14x14'],
    ['deconv 16 kernel=3 stride=2 padding=1 output_padding=1', '32x14x14', '16x28x28'],
    ['deconv 16 kernel=4 stride=2 padding=1', '32x14x14', '16x28x28'],
    ['deconv 16 kernel=2 stride=2', '32x7x7', '16x14x14'],
    ['deconv 8 kernel=3 stride=2 padding=same', '4x7x7', '8x14x14'],
    ['deconv 8 kernel=3 dilation=2', '4x5x5', '8x9x9'],
    ['dense 10', '84', '10'],
    ['flatten', '16x5x5', '400'],
    ['flatten', '120', '120'],
    ['globalavgpool', '512x7x7', '512'],
    ['globalmaxpool', '64x100', '64'],
    ['adaptiveavgpool 6x6', '256x13x13', '256x6x6'],
    ['reshape 16x5x5', '400', '16x5x5'],
    ['reshape [-1, 4]', '4x4x2', '8x4'],
    ['upsample 2', '8x14x14', '8x28x28'],
    ['upsample 2x3 mode=bilinear', '8x10x10', '8x20x30'],
    ['zeropad 2', '1x28x28', '1x32x32'],
    ['zeropad 1x2', '1x28x28', '1x30x32'],
    ['dropout 0.5', '4096', '4096'],
    ['batchnorm', '64x56x56', '64x56x56'],
    ['lrn 5', '96x55x55', '96x55x55'],
    ['leakyrelu 0.2', '8x4x4', '8x4x4'],
    ['softmax', '10', '10'],
  ];
  it.each(cases)('%s on %s gives %s', (body, input, output) => {
    expect(shapeOf(body, input)).toBe(output);
  });
});

describe('parameters, formulas and MACs', () => {
  const cases: Array<[string, string, number, string, number]> = [
    // body, input, params, formula, MACs
    ['conv 256 kernel=5', '128x28x28', 819_456, '128·5·5·256 + 256', 256 * 24 * 24 * 128 * 25],
    ['conv 256 kernel=5 bias=false', '128x28x28', 819_200, '128·5·5·256', 256 * 24 * 24 * 128 * 25],
    ['conv 256 kernel=5 padding=2 groups=2', '96x27x27', 307_456, '48·5·5·256 + 256', 223_948_800],
    ['conv 16 kernel=5 connections=[[0,1,2],[1,2,3],[2,3,4],[3,4,5],[0,4,5],[0,1,5],[0,1,2,3],[1,2,3,4],[2,3,4,5],[0,3,4,5],[0,1,4,5],[0,1,2,5],[0,1,3,4],[1,2,4,5],[0,2,3,5],[0,1,2,3,4,5]]', '6x14x14', 1_516, '(3·6 + 4·9 + 6)·5·5 + 16', 10 * 10 * 25 * 60],
    ['dense 4096', '9216', 37_752_832, '9216·4096 + 4096', 37_748_736],
    ['dense 10 bias=false', '84', 840, '84·10', 840],
    // Transposed conv MACs scale with the input's spatial size (published.md).
    ['deconv 16 kernel=3 stride=2 padding=1 output_padding=1', '32x14x14', 32 * 16 * 9 + 16, '32·16·3·3 + 16', 32 * 14 * 14 * 16 * 9],
    ['subsample 2', '6x28x28', 12, '2·6', 0],
    ['batchnorm', '64x56x56', 128, '2·64', 0],
    ['conv 8 kernel=3 dilation=2', '4x9x9', 4 * 9 * 8 + 8, '4·3·3·8 + 8', 8 * 5 * 5 * 4 * 9],
  ];
  it.each(cases)('%s on %s', (body, input, params, formula, macs) => {
    const layer = lastLayer(body, input);
    expect(layer.params).toBe(params);
    expect(layer.formula).toBe(formula);
    expect(layer.macs).toBe(macs);
  });

  it('counts batch-norm running statistics as non-trainable, as Keras does', () => {
    const { model } = analyzeModel('conv 64 kernel=3 bias=false\nbatchnorm\nbatchnorm affine=false', '3x8x8');
    expect(model.params).toEqual({ trainable: 3 * 9 * 64 + 128, nonTrainable: 256 });
  });
});

describe('receptive field', () => {
  it('grows by (k_eff − 1)·jump and multiplies the jump by the stride', () => {
    const { model } = analyzeModel('conv 8 kernel=11 stride=4\nmaxpool 3 stride=2\nconv 8 kernel=5 padding=2', '3x227x227');
    expect(model.layers.map((l) => l.field?.size[0])).toEqual([11, 19, 51]);
    expect(model.layers.map((l) => l.field?.jump[0])).toEqual([4, 8, 8]);
  });

  it('a 3×3 conv with dilation 2 covers 5×5, and stacking grows it 5, 9, 13', () => {
    const { model } = analyzeModel('conv 8 kernel=3 dilation=2 padding=2\nconv 8 kernel=3 dilation=2 padding=2\nconv 8 kernel=3 dilation=2 padding=2', '1x32x32');
    expect(model.layers.map((l) => l.field?.size)).toEqual([[5, 5], [9, 9], [13, 13]]);
  });

  it('deconv divides the jump by its stride', () => {
    const { model } = analyzeModel('conv 8 kernel=3 stride=2 padding=1\ndeconv 8 kernel=2 stride=2', '1x28x28');
    expect(model.layers[1]!.field).toEqual({ size: [4, 4], jump: [1, 1] });
  });

  it('takes the maximum over branches', () => {
    const { model } = analyzeModel('parallel concat {\n branch { conv 4 kernel=1 }\n branch { conv 4 kernel=5 padding=2 }\n}', '3x16x16');
    expect(model.field).toEqual({ size: [5, 5], jump: [1, 1] });
    expect(model.output).toEqual([8, 16, 16]);
  });

  it('stops at layers without spatial axes and reports the last spatial one for the model', () => {
    const { model } = analyzeModel('conv 8 kernel=3\nflatten\ndense 10', '1x8x8');
    expect(model.layers[2]!.field).toBeNull();
    expect(model.field).toEqual({ size: [3, 3], jump: [1, 1] });
  });
});

describe('merges', () => {
  it('concat adds channels; an empty branch is the identity (DenseNet)', () => {
    expect(shapeOf('parallel concat { branch { } branch { conv 12 kernel=3 padding=1 } }', '24x8x8')).toBe('36x8x8');
  });
  it.each([
    ['add', '8x4x4'],
    ['mul', '8x4x4'],
    ['max', '8x4x4'],
    ['avg', '8x4x4'],
  ])('parallel %s keeps the shape', (mode, out) => {
    expect(shapeOf(`parallel ${mode} { branch { conv 8 kernel=1 } branch { relu } }`, '8x4x4')).toBe(out);
  });
  it('residual with a projection shortcut only when the condition holds', () => {
    const body = (ch: number, stride: number): string =>
      `residual { conv ${ch} kernel=3 stride=${stride} padding=1 } shortcut if ${stride} != 1 or in.channels != ${ch} { conv ${ch} kernel=1 stride=${stride} }`;
    const same = analyzeModel(body(8, 1), '8x8x8').model;
    expect(same.layers.map((l) => l.op)).toEqual(['conv', 'add']);
    const down = analyzeModel(body(16, 2), '8x8x8').model;
    expect(down.layers.map((l) => l.op)).toEqual(['conv', 'conv', 'add']);
    expect(down.output).toEqual([16, 4, 4]);
  });
});

describe('language features', () => {
  it('repeat with an index, if/else and in.* members', () => {
    const { model } = analyzeModel('repeat i in 3 {\n  conv in.channels * 2 kernel=3 padding=1\n  if i == 1 { maxpool 2 } else { relu }\n}', '4x16x16');
    expect(model.output).toEqual([32, 8, 8]);
    expect(model.layers.map((l) => l.op)).toEqual(['conv', 'relu', 'conv', 'maxpool', 'conv', 'relu']);
  });

  it('in.height, in.width, in.length and in.size', () => {
    expect(shapeOf('dense in.size', '30')).toBe('30');
    expect(shapeOf('conv in.height + in.width kernel=1', '1x3x4')).toBe('7x3x4');
    expect(shapeOf('conv in.length kernel=1', '2x9')).toBe('9x9');
  });

  it('blocks take positional, named and default arguments, with or without parentheses', () => {
    const analysis = analyzeDocument(`
block Widen(ch, k = 1) { conv ch kernel=k padding=k // 2 }
block Stem { Widen 8 }
model M {
  input 3x8x8
  Stem
  Widen(ch=16)
  Widen 4 k=3
}`);
    expect(analysis.diagnostics.filter((d) => !d.code.startsWith('NN4'))).toEqual([]);
    expect(analysis.models[0]!.layers.map((l) => `${l.path} ${l.output!.join('x')}`)).toEqual(['Stem.Widen.conv 8x8x8', 'Widen.conv 16x8x8', 'Widen_2.conv 4x8x8']);
  });
});
