// IR → a tf.LayersModel, from the IR alone. The model takes PyTorch's N×C×H×W batches and
// gives PyTorch's output layout; inside, tensors are channels last (NHWC, what tfjs's
// convolutions take), sequences are images one row high, and flatten/reshape go through
// channels-first order so features line up with the torch engine's. docs/engines.md, "TensorFlow.js".
import type { LayersModel, SymbolicTensor, layers as tfLayers } from '@tensorflow/tfjs';
import { deriveSeed } from '../../data/random';
import { shapeOf, type IR, type IRNode } from '../../ir';
import type { Tf } from './backend';
import type { BaseSpec } from './layers/common';
import { internalShape, layerClasses } from './layers/index';

type Layer = tfLayers.Layer;

export interface BuildOptions {
  /** The train block's seed: weights start as PyTorch's defaults drawn from it. Null: all zero (to count only). */
  seed: number | null;
}

export interface Built {
  model: LayersModel;
  /** The layers made for each IR node (its own, then a fused activation), by node id. */
  nodeLayers: Map<number, Layer[]>;
}

/** The spatial part of a per-axis attribute on 2-D: a sequence's [k] becomes [1, k]. */
const axes2 = (values: number[]): [number, number] => (values.length === 1 ? [1, values[0]!] : [values[0]!, values[1]!]);
/** Per-side padding on 2-D: a sequence's [left, right] becomes [0, 0, left, right]. */
const sides2 = (values: number[]): number[] => (values.length === 2 ? [0, 0, values[0]!, values[1]!] : [...values]);
/** The input's spatial size on 2-D. */
const spatial2 = (shape: number[]): [number, number] => (shape.length === 2 ? [1, shape[1]!] : [shape[1]!, shape[2]!]);

/** Layer names: the IR path with what tfjs does not like in a name turned into `_`, unique in the model. */
function namer(): (path: string) => string {
  const used = new Set<string>();
  return (path) => {
    const base = path.replace(/[^A-Za-z0-9_]/g, '_') || 'layer';
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
}

export function buildModel(tf: Tf, ir: IR, options: BuildOptions): Built {
  const L = layerClasses(tf);
  const name = namer();
  const nodeLayers = new Map<number, Layer[]>();
  const base = (node: IRNode | null, salt = 0): BaseSpec => ({ out: internalShape(node ? node.output : ir.input), seed: options.seed === null ? null : deriveSeed(options.seed, 7, node ? node.id : -1, salt) });

  const input = tf.input({ shape: ir.input, name: 'input' });
  const entry = new L.NetLensLayout({ ...base(null), from: ir.input, to: ir.input, inputFirst: true, outputFirst: false }, 'to_channels_last');
  const values = new Map<number, SymbolicTensor>([[-1, entry.apply(input) as SymbolicTensor]]);

  for (const node of ir.nodes) {
    const own = layersFor(L, ir, node, base(node));
    const ins = node.inputs.map((id) => values.get(id)!);
    let value = own[0]!.apply(ins.length === 1 ? ins[0]! : ins) as SymbolicTensor;
    for (const layer of own.slice(1)) value = layer.apply(value) as SymbolicTensor;
    values.set(node.id, value);
    nodeLayers.set(node.id, own);
  }

  const lastId = ir.nodes.length ? ir.nodes[ir.nodes.length - 1]!.id : -1;
  let output = values.get(lastId)!;
  if (ir.output.length > 1 || ir.nodes.length === 0) {
    output = new L.NetLensLayout({ ...base(null), out: ir.output, from: ir.output, to: ir.output, inputFirst: ir.nodes.length === 0, outputFirst: true }, 'to_channels_first').apply(output) as SymbolicTensor;
  }
  return { model: tf.model({ inputs: input, outputs: output, name: ir.model.replace(/[^A-Za-z0-9_]/g, '_') }), nodeLayers };

  /** The node's own layer, then its fused activation if it has one. */
  function layersFor(classes: typeof L, irModel: IR, node: IRNode, spec: BaseSpec): Layer[] {
    const own = (layer: Layer) => [layer];
    const withAct = (layer: Layer, activation: string | undefined) => (activation ? [layer, new classes.NetLensActivation({ ...spec, name: activation, alpha: null }, name(`${node.path}_act`))] : [layer]);
    const n = name(node.path);
    const inShape = shapeOf(irModel, node.inputs[0]!);
    switch (node.op) {
      case 'conv': {
        const a = node.attrs;
        const conv = { ...spec, cin: inShape[0]!, filters: a.filters, kernel: axes2(a.kernel), stride: axes2(a.stride), dilation: axes2(a.dilation), padding: sides2(a.padding), groups: a.groups, bias: a.bias, connections: a.connections ?? null };
        return withAct(new classes.NetLensConv(conv, n), a.activation);
      }
      case 'deconv': {
        const a = node.attrs;
        const deconv = { ...spec, cin: inShape[0]!, filters: a.filters, kernel: axes2(a.kernel), stride: axes2(a.stride), dilation: axes2(a.dilation), padding: sides2(a.padding), outputPadding: axes2(a.output_padding), groups: a.groups, bias: a.bias };
        return withAct(new classes.NetLensDeconv(deconv, n), a.activation);
      }
      case 'dense':
        return withAct(new classes.NetLensDense({ ...spec, inputs: inShape[0]!, units: node.attrs.units, bias: node.attrs.bias }, n), node.attrs.activation);
      case 'maxpool':
      case 'avgpool': {
        const a = node.attrs;
        return own(new classes.NetLensPool({ ...spec, mode: node.op === 'maxpool' ? 'max' : 'avg', kernel: axes2(a.kernel), stride: axes2(a.stride), padding: sides2(a.padding), input: spatial2(inShape) }, n));
      }
      case 'subsample':
        return withAct(new classes.NetLensSubsample({ ...spec, kernel: axes2(node.attrs.kernel), channels: inShape[0]! }, n), node.attrs.activation);
      case 'adaptiveavgpool':
      case 'adaptivemaxpool':
        return own(new classes.NetLensAdaptivePool({ ...spec, mode: node.op === 'adaptivemaxpool' ? 'max' : 'avg', input: spatial2(inShape) }, n));
      case 'globalavgpool':
      case 'globalmaxpool':
        return own(new classes.NetLensGlobalPool({ ...spec, mode: node.op === 'globalmaxpool' ? 'max' : 'avg' }, n));
      case 'batchnorm': {
        const a = node.attrs;
        return withAct(new classes.NetLensBatchNorm({ ...spec, channels: inShape[0]!, eps: a.eps, momentum: a.momentum, affine: a.affine }, n), a.activation);
      }
      case 'lrn':
        return own(new classes.NetLensLrn({ ...spec, ...node.attrs }, n));
      case 'dropout':
        return own(new classes.NetLensDropout({ ...spec, rate: node.attrs.rate }, n));
      case 'upsample':
        return own(new classes.NetLensResize({ ...spec, mode: node.attrs.mode, scale: axes2(node.attrs.scale), input: spatial2(inShape) }, n));
      case 'zeropad':
        return own(new classes.NetLensPad({ ...spec, padding: sides2(node.attrs.padding) }, n));
      case 'flatten':
      case 'reshape':
        return own(new classes.NetLensLayout({ ...spec, from: inShape, to: node.output, inputFirst: false, outputFirst: false }, n));
      case 'merge':
        return own(new classes.NetLensMerge({ ...spec, mode: node.attrs.mode }, n));
      case 'leakyrelu':
      case 'elu':
        return own(new classes.NetLensActivation({ ...spec, name: node.op, alpha: node.attrs.alpha }, n));
      default:
        return own(new classes.NetLensActivation({ ...spec, name: node.op, alpha: null }, n));
    }
  }
}

/** Weights of a layer, trainable and not, as countParams counts them. */
export function layerParams(layer: Layer): number {
  return layer.weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}
