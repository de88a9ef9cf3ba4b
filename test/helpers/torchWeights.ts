// Puts a PyTorch state_dict (from runtime/python/parity_torch.py) into a tfjs model built from
// the same IR, so both engines hold the same numbers. No second naming scheme: the exported
// module's NODES table says which IR node owns each attribute, and model.ts's nodeLayers says
// which tfjs layer builds that node; within a layer only the parameter names differ
// (weight → kernel, gamma…). Layouts differ too, and are converted here: PyTorch's conv weight
// is [out, in/groups, kh, kw] where tfjs's is [kh, kw, in/groups, out]; its transposed conv
// weight is [in, out/groups, kh, kw] where tf.conv2dTranspose takes [kh, kw, out/groups, in];
// a connection table's packed [links, kh, kw] is [kh, kw, links]; nn.Linear's [out, in] is
// [in, out]. Sequences are images one row high in tfjs, so a 1-D kernel gets kh = 1.
import type { LayerVariable, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../../runtime/src/engines/tfjs/backend';
import type { Built } from '../../runtime/src/engines/tfjs/model';
import type { IR, IRNode } from '../../runtime/src/ir';

export interface TorchTensor {
  /** The state_dict key: `<attribute>.<parameter>`. */
  name: string;
  shape: number[];
  values: Float32Array;
}

/** PyTorch's parameter name → the tfjs layer's weight name, for the ops that have weights. */
const RENAME: Partial<Record<IRNode['op'], Record<string, string>>> = {
  conv: { weight: 'kernel', bias: 'bias' },
  deconv: { weight: 'kernel', bias: 'bias' },
  dense: { weight: 'kernel', bias: 'bias' },
  batchnorm: { weight: 'gamma', bias: 'beta', running_mean: 'running_mean', running_var: 'running_var' },
  subsample: { weight: 'weight', bias: 'bias' },
};

/** [kh, kw] of a kernel whose spatial axes are `spatial` (one for sequences, two for images). */
const kernel2 = (spatial: number[]): [number, number] => (spatial.length === 1 ? [1, spatial[0]!] : [spatial[0]!, spatial[1]!]);

/** One PyTorch tensor in the tfjs layer's layout. */
function toTfjsLayout(tf: Tf, node: IRNode, param: string, t: TorchTensor): Tensor {
  if (param !== 'weight' || (node.op !== 'conv' && node.op !== 'deconv' && node.op !== 'dense')) return tf.tensor(t.values, t.shape);
  if (node.op === 'dense') return tf.transpose(tf.tensor2d(t.values, [t.shape[0]!, t.shape[1]!]));
  if (node.op === 'conv' && node.attrs.connections) {
    const [kh, kw] = kernel2(t.shape.slice(1));
    return tf.transpose(tf.tensor3d(t.values, [t.shape[0]!, kh, kw]), [1, 2, 0]);
  }
  // conv [out, in/groups, …k] and transposed conv [in, out/groups, …k] move the same axes.
  const [kh, kw] = kernel2(t.shape.slice(2));
  return tf.transpose(tf.tensor4d(t.values, [t.shape[0]!, t.shape[1]!, kh, kw]), [2, 3, 1, 0]);
}

/** The tfjs weight a state_dict entry belongs to, found through NODES and nodeLayers. */
function targetOf(ir: IR, built: Built, nodes: Record<string, number>, key: string): { node: IRNode; param: string; weight: LayerVariable } {
  const dot = key.lastIndexOf('.');
  const attribute = key.slice(0, dot);
  const param = key.slice(dot + 1);
  const id = nodes[attribute];
  const node = ir.nodes.find((n) => n.id === id);
  if (id === undefined || !node) throw new Error(`${ir.model}: state_dict key ${key}: attribute ${attribute} is not in the module's NODES`);
  const name = RENAME[node.op]?.[param];
  const layer = built.nodeLayers.get(id)?.[0];
  const weight = layer?.weights.find((w) => w.originalName.split('/').pop() === name);
  if (!weight) throw new Error(`${ir.model}: state_dict key ${key} (${node.op} ${node.path}) has no tfjs weight '${String(name)}'; the layer has ${layer?.weights.map((w) => w.originalName).join(', ') ?? 'no layer'}`);
  return { node, param, weight };
}

/** Writes every tensor into its tfjs weight; a weight left over, or a shape that differs, throws. */
export function loadTorchWeights(tf: Tf, ir: IR, built: Built, nodes: Record<string, number>, tensors: TorchTensor[]): void {
  const written = new Set<LayerVariable>();
  for (const t of tensors) {
    const { node, param, weight } = targetOf(ir, built, nodes, t.name);
    tf.tidy(() => {
      const value = toTfjsLayout(tf, node, param, t);
      if (value.shape.join('x') !== weight.shape.join('x')) throw new Error(`${ir.model}: ${t.name} [${t.shape.join(', ')}] becomes [${value.shape.join(', ')}], but tfjs's ${weight.originalName} is [${weight.shape.join(', ')}]`);
      weight.write(value);
    });
    written.add(weight);
  }
  const missed = built.model.weights.filter((w) => !written.has(w));
  if (missed.length) throw new Error(`${ir.model}: no PyTorch value for the tfjs weights ${missed.map((w) => w.originalName).join(', ')}`);
}
