// Whether the tfjs engine can build a compiled model, decided from the IR alone and without
// loading TensorFlow.js, so `netlens train` can refuse before it writes or trains anything. It
// names the layer and its .nn line, and points at the torch engine.
import { IR_VERSION, shapeOf, type IR, type IRNode } from '../../ir';

export type Support = { ok: true } | { ok: false; node: number | null; message: string };

/** The ops model.ts builds, with the input ranks each takes (1: vectors, 2: sequences, 3: images). */
const RANKS: Record<string, number[]> = {
  conv: [2, 3],
  deconv: [2, 3],
  dense: [1],
  maxpool: [2, 3],
  avgpool: [2, 3],
  subsample: [2, 3],
  adaptiveavgpool: [2, 3],
  adaptivemaxpool: [2, 3],
  globalavgpool: [2, 3],
  globalmaxpool: [2, 3],
  batchnorm: [1, 2, 3],
  lrn: [1, 2, 3],
  dropout: [1, 2, 3],
  upsample: [2, 3],
  zeropad: [2, 3],
  flatten: [1, 2, 3],
  reshape: [1, 2, 3],
  merge: [1, 2, 3],
  ...Object.fromEntries(['relu', 'relu6', 'leakyrelu', 'elu', 'gelu', 'silu', 'tanh', 'sigmoid', 'hardswish', 'softmax'].map((op) => [op, [1, 2, 3]])),
};

const FUSED = new Set(['relu', 'relu6', 'leakyrelu', 'elu', 'gelu', 'silu', 'tanh', 'sigmoid', 'hardswish', 'softmax']);

function where(ir: IR, node: IRNode): string {
  return `${node.file ?? ir.source}:${node.line}: ${node.text}`;
}

function refuse(ir: IR, node: IRNode, why: string): Support {
  return { ok: false, node: node.id, message: `the tfjs engine cannot build layer ${node.path} (${where(ir, node)}): ${why}; train it with engine torch (--engine torch, or engine torch in the train block)` };
}

/** Why a node cannot be built, or null. */
function problem(ir: IR, node: IRNode): string | null {
  const ranks = RANKS[node.op];
  if (!ranks) return `op '${node.op}' has no tfjs form`;
  const bad = node.inputs.map((id) => shapeOf(ir, id)).find((s) => !ranks.includes(s.length));
  if (bad) return `its input has ${bad.length} axes ([${bad.join(', ')}]), and ${node.op} takes ${ranks.map((r) => ['', 'vectors', 'sequences', 'images'][r]).join(' or ')}`;
  if (node.output.length < 1 || node.output.length > 3) return `its output has ${node.output.length} axes ([${node.output.join(', ')}]); the tfjs engine holds vectors, sequences and images only`;
  const activation = (node.attrs as { activation?: string }).activation;
  if (activation && !FUSED.has(activation)) return `the fused activation '${activation}' has no tfjs form`;
  return null;
}

/** Ok, or the first node the tfjs engine cannot build, with the reason and the fix. */
export function tfjsSupport(ir: IR): Support {
  if (ir.version !== IR_VERSION) return { ok: false, node: null, message: `${ir.model} is compiled as IR version ${String(ir.version)}, and the tfjs engine reads IR version ${IR_VERSION}; update NetLens or use engine torch` };
  if (ir.input.length < 1 || ir.input.length > 3) return { ok: false, node: null, message: `the tfjs engine takes inputs of 1 to 3 axes, and ${ir.model}'s input is [${ir.input.join(', ')}]; use engine torch` };
  for (const node of ir.nodes) {
    const why = problem(ir, node);
    if (why) return refuse(ir, node, why);
  }
  return { ok: true };
}
