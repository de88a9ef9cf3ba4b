// Architecture advice (NN4xx): the lessons of the classic networks, applied to this model with
// its own numbers. Each rule reads the elaborated layers of a complete model; thresholds live
// in thresholds.ts, and docs/advice.md explains each rule.
import type { Reporter, RelatedInfo, Severity } from './diagnostics';
import type { LayerNode, ModelResult } from './elaborate';
import { formatCount, formatShape } from './shapes';
import { THRESHOLDS } from './thresholds';

const WEIGHT_OPS = new Set(['conv', 'deconv', 'dense']);
const SATURATING = new Set(['tanh', 'sigmoid']);

export function adviseModel(model: ModelResult, reporter: Reporter): void {
  if (!model.complete || !model.input) return;
  const say = sayer(model, reporter);
  denseDominates(model, say);
  for (const node of model.layers) {
    largeKernel(model, node, say);
    bottleneck(node, say);
  }
  plainDepth(model, say);
  saturating(model, say);
  smallField(model, say);
  earlyCollapse(model, say);
}

type Say = (code: 'NN401' | 'NN402' | 'NN403' | 'NN404' | 'NN405' | 'NN406' | 'NN407', node: LayerNode, message: string, data: Record<string, unknown>, severity?: Severity) => void;

/** Report on a layer's line; when that line is in a block, point back at the model too. */
function sayer(model: ModelResult, reporter: Reporter): Say {
  return (code, node, message, data, severity) => {
    const inModel = node.uri === model.uri && node.span.start >= model.decl.span.start && node.span.end <= model.decl.span.end;
    const related: RelatedInfo[] = inModel ? [] : [{ uri: model.uri, span: model.decl.name.span, message: `in model ${model.name}` }];
    const extra: Parameters<Reporter['report']>[3] = { uri: node.uri, related, data: { model: model.name, path: node.path, ...data } };
    if (severity) extra.severity = severity;
    reporter.report(code, node.opSpan, message, extra);
  };
}

function kernelOf(node: LayerNode): number[] {
  const k = node.attrs.kernel ?? node.attrs.size;
  if (typeof k === 'number') return (node.output?.length ?? 0) === 2 ? [k] : [k, k];
  return Array.isArray(k) ? (k as number[]) : [];
}

function strideOf(node: LayerNode, kernel: number[]): number[] {
  const s = node.attrs.stride ?? (node.op === 'conv' || node.op === 'deconv' ? 1 : undefined);
  if (typeof s === 'number') return kernel.map(() => s);
  return Array.isArray(s) ? (s as number[]) : kernel;
}

function dilationOf(node: LayerNode, kernel: number[]): number[] {
  const d = node.attrs.dilation ?? 1;
  return typeof d === 'number' ? kernel.map(() => d) : (d as number[]);
}

/** 62%, 6.3%, and 99.5% rather than a rounded-up 100%. */
const percent = (x: number): string => `${(100 * x).toFixed(x < 0.1 || (x > 0.995 && x < 1) ? 1 : 0)}%`;

const sizes = (values: number[]): string => (values.every((v) => v === values[0]) ? String(values[0]) : values.join('×'));

// ── NN401: one dense layer holds most of the parameters ─────────────────────────

const PASSIVE = new Set(['dropout', 'relu', 'relu6', 'leakyrelu', 'elu', 'gelu', 'silu', 'tanh', 'sigmoid', 'hardswish']);

/** The layer feeding `id`, looking past dropout and activations (flatten → dropout → dense). */
function throughPassive(model: ModelResult, id: number): LayerNode | undefined {
  let node = model.layers[id];
  while (node && PASSIVE.has(node.op)) node = model.layers[node.inputs[0] ?? -1];
  return node;
}

function denseDominates(model: ModelResult, say: Say): void {
  const total = model.params.trainable;
  for (const node of model.layers) {
    if (node.op !== 'dense' || total === 0) continue;
    const share = node.params / total;
    if (share < THRESHOLDS.denseShare.value || node.params < THRESHOLDS.denseMinParams.value) continue;
    const source = throughPassive(model, node.inputs[0] ?? -1);
    const spatial = source?.op === 'flatten' && source.input && source.input.length > 1 ? source.input : undefined;
    const units = node.output![0]!;
    const bias = node.attrs.bias === false ? 0 : units;
    let gap = '';
    const data: Record<string, unknown> = { share, params: node.params };
    if (spatial) {
      const channels = spatial[0]!;
      const gapParams = channels * units + bias;
      data.gapParams = gapParams;
      gap = `; it reads ${formatCount(node.input![0]!)} features flattened from ${formatShape(spatial)}, and global average pooling in place of flatten would leave ${formatCount(channels)} features and ${formatCount(gapParams)} parameters here, saving ${formatCount(node.params - gapParams)}`;
    }
    say('NN401', node, `dense ${units} holds ${formatCount(node.params)} of the model's ${formatCount(total)} parameters (${percent(share)})${gap}. AlexNet's first dense layer holds 37.7M of its 61.1M; GoogLeNet pools globally instead and has about 6.6M in all`, data);
  }
}

// ── NN402: a large kernel past the stem ─────────────────────────────────────────

function largeKernel(model: ModelResult, node: LayerNode, say: Say): void {
  if (node.op !== 'conv' || node.attrs.connections !== undefined) return;
  const kernel = kernelOf(node);
  const k = kernel[0]!;
  if ((k !== 5 && k !== 7) || !kernel.every((v) => v === k) || !dilationOf(node, kernel).every((d) => d === 1) || node.attrs.groups !== 1) return;
  const stem = model.layers.find((n) => n.op === 'conv');
  if (stem === node) return;
  const cin = node.input![0]!;
  const cout = node.output![0]!;
  if (cin < THRESHOLDS.largeKernelMinChannels.value) return;
  const stacked = (k - 1) / 2;
  const original = cin * k * k * cout;
  // Intermediate 3×3 convs keep the input width; the last one maps to the output width.
  const replacement = (stacked - 1) * cin * 9 * cin + cin * 9 * cout;
  if (replacement >= original) return;
  const perPair = `${stacked}·9 = ${stacked * 9} weights per channel pair instead of ${k * k}`;
  say(
    'NN402',
    node,
    `conv ${k}×${k} on ${formatCount(cin)} channels: ${stacked} stacked 3×3 convs see the same ${k}×${k} field with ${perPair} (${percent(1 - (stacked * 9) / (k * k))} fewer), here ${formatCount(original)} → ${formatCount(replacement)} weights, with a non-linearity between them. VGG built its whole network this way`,
    { kernel: k, stacked, original, replacement, channels: cin, filters: cout },
  );
}

// ── NN403: an expensive conv on many input channels ─────────────────────────────

function bottleneck(node: LayerNode, say: Say): void {
  if (node.op !== 'conv' || node.attrs.connections !== undefined || node.attrs.groups !== 1) return;
  const kernel = kernelOf(node);
  const cin = node.input![0]!;
  if (cin < THRESHOLDS.bottleneckMinChannels.value || Math.min(...kernel) < THRESHOLDS.bottleneckMinKernel.value) return;
  const cout = node.output![0]!;
  const area = kernel.reduce((a, b) => a * b, 1);
  const width = Math.max(1, Math.round(cin / THRESHOLDS.bottleneckRatio.value));
  const original = cin * area * cout;
  const reduced = cin * width + width * area * cout;
  if (reduced * 2 > original) return;
  const k = kernel.join('·');
  say(
    'NN403',
    node,
    `conv ${kernel.join('×')} from ${formatCount(cin)} to ${formatCount(cout)} channels holds ${cin}·${k}·${cout} = ${formatCount(original)} weights; a 1×1 conv to ${width} channels first needs ${cin}·${width} + ${width}·${k}·${cout} = ${formatCount(reduced)} (${(original / reduced).toFixed(1)}× fewer), as GoogLeNet's Inception modules do`,
    { width, original, reduced },
  );
}

// ── NN404: a deep plain stack ───────────────────────────────────────────────────

/** Weight layers on the longest path; an `add` takes its shortest input, since a shortcut carries the gradient past the stack. */
function plainDepths(model: ModelResult, throughShortcuts: boolean): number[] {
  const depth: number[] = new Array(model.layers.length);
  model.layers.forEach((node, n) => {
    const shortest = throughShortcuts && node.op === 'add' && node.inputs.length > 1;
    let before = shortest ? Infinity : 0;
    for (const i of node.inputs) {
      const d = i < 0 ? 0 : depth[i]!;
      before = shortest ? Math.min(before, d) : Math.max(before, d);
    }
    depth[n] = (before === Infinity ? 0 : before) + (WEIGHT_OPS.has(node.op) ? 1 : 0);
  });
  return depth;
}

function plainDepth(model: ModelResult, say: Say): void {
  const limit = THRESHOLDS.plainDepth.value;
  const depth = plainDepths(model, /*throughShortcuts*/ true);
  const deepest = depth.reduce((a, b) => Math.max(a, b), 0);
  if (deepest <= limit) return;
  const node = model.layers[depth.findIndex((d, i) => d === limit + 1 && WEIGHT_OPS.has(model.layers[i]!.op))]!;
  say(
    'NN404',
    node,
    `${deepest} weight layers in a row on the longest path, with no residual connection past layer ${limit}: plain stacks this deep train worse, not better (degradation; ResNet's plain 34-layer net had higher training error than its plain 18-layer net). Wrap pairs of layers in residual { … }`,
    { depth: deepest },
  );
}

// ── NN405: saturating activations ───────────────────────────────────────────────

/** The final layer and, when it is a standalone activation, the weight layer it follows. */
function lastLayers(model: ModelResult): Set<LayerNode> {
  const last = model.layers[model.layers.length - 1];
  const out = new Set<LayerNode>();
  if (!last) return out;
  out.add(last);
  if (PASSIVE.has(last.op)) {
    const before = model.layers[last.inputs[0] ?? -1];
    if (before) out.add(before);
  }
  return out;
}

function saturating(model: ModelResult, say: Say): void {
  // An output squashed to (0, 1) or (−1, 1) is a choice of output, not a saturating hidden layer.
  const output = lastLayers(model);
  const saturates = (n: LayerNode): boolean => SATURATING.has(n.op) || (typeof n.attrs.activation === 'string' && SATURATING.has(n.attrs.activation));
  const uses = model.layers.filter((n) => saturates(n) && !output.has(n));
  if (uses.length === 0) return;
  const depth = plainDepths(model, /*throughShortcuts*/ false).reduce((a, b) => Math.max(a, b), 0);
  const deep = depth > THRESHOLDS.saturatingDepth.value;
  const normalised = model.layers.some((n) => n.op === 'batchnorm');
  const counts = new Map<string, number>();
  for (const n of uses) {
    const name = SATURATING.has(n.op) ? n.op : String(n.attrs.activation);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const list = [...counts].map(([name, count]) => `${count} ${name}`).join(' and ');
  const advice = deep
    ? `in a stack ${depth} weight layers deep they shrink gradients layer after layer (vanishing gradients)${normalised ? '' : '; with no normalisation, batchnorm after each conv would also help'}`
    : `they saturate and slow learning; at ${depth} weight layers this is a lesson rather than a risk`;
  say('NN405', uses[0]!, `${list} activation${uses.length === 1 ? '' : 's'}: ${advice}. AlexNet trained several times faster with relu`, { depth, deep, count: uses.length }, deep ? 'warning' : 'hint');
}

// ── NN406: a receptive field too small for the input ────────────────────────────

function smallField(model: ModelResult, say: Say): void {
  const input = model.input!;
  // Whole objects are a question for images; a model that starts from a feature map is a part of one.
  if (input.length < 2 || !model.field || input[0]! > THRESHOLDS.imageChannels.value) return;
  // Judge finished models only: a classifier (vector out) or a dense predictor (input size out),
  // not a stack that is still being typed.
  const output = model.output!;
  const finished = output.length === 1 || (output.length === input.length && output.slice(1).every((s, a) => s === input[a + 1]));
  if (!finished) return;
  const size = input.slice(1);
  const { size: field, jump } = model.field;
  const short = field.some((r, a) => r < THRESHOLDS.fieldFraction.value * size[a]!);
  if (!short) return;
  const lastConv = [...model.layers].reverse().find((n) => n.op === 'conv' && n.field && kernelOf(n).some((k) => k > 1));
  if (!lastConv) return;
  const kernel = kernelOf(lastConv);
  const stride = strideOf(lastConv, kernel);
  const dilation = dilationOf(lastConv, kernel);
  const reach = (extra: (a: number) => number): string => field.map((r, a) => r + extra(a)).join('×');
  const jumpBefore = (a: number): number => lastConv.field!.jump[a]! / stride[a]!;
  const options = [
    `${dilation[0] === 1 ? 'dilation 2' : `doubling the dilation (to ${2 * dilation[0]!})`} on the last ${kernel.join('×')} conv reaches ${reach((a) => (kernel[a]! - 1) * dilation[a]! * jumpBefore(a))} with no extra parameters`,
    `one more 3×3 conv reaches ${reach((a) => 2 * jump[a]!)}`,
    `a 2×2 max-pool and a 3×3 conv reach ${reach((a) => jump[a]! + 4 * jump[a]!)}`,
  ].filter(Boolean);
  const shares = [...new Set(field.map((r, a) => percent(Math.min(1, r / size[a]!))))].join(' × ');
  const text = options.join('; ');
  say('NN406', lastConv, `the last conv layer sees ${field.join('×')} pixels of the ${size.join('×')} input (${shares} of each side): the model cannot take in whole objects and may underfit. ${text[0]!.toUpperCase()}${text.slice(1)}`, { field, input: size });
}

// ── NN407: early collapse ───────────────────────────────────────────────────────

function earlyCollapse(model: ModelResult, say: Say): void {
  const limit = THRESHOLDS.collapseSize.value;
  const collapsed = model.layers.find((n) => n.op === 'conv' && n.input && n.input.length > 1 && n.input.slice(1).every((s) => s <= limit) && kernelOf(n).some((k) => k > 1));
  if (collapsed) {
    say('NN407', collapsed, `conv ${kernelOf(collapsed).join('×')} on a ${collapsed.input!.slice(1).join('×')} map: the spatial size has already collapsed, so each window reads mostly padding; downsample less before this point or use a 1×1 conv or dense layer here`, { input: collapsed.input });
  }
  const windows = model.layers.filter((n) => ['conv', 'maxpool', 'avgpool', 'subsample'].includes(n.op)).slice(0, 2);
  for (const node of windows) {
    const kernel = kernelOf(node);
    const stride = strideOf(node, kernel);
    const dilation = dilationOf(node, kernel);
    const coverage = kernel.reduce((p, k, a) => p * Math.min(1, (dilation[a]! * (k - 1) + 1) / stride[a]!), 1);
    if (coverage >= THRESHOLDS.inputCoverage.value) continue;
    say('NN407', node, `${node.op} ${kernel.join('×')} with stride ${sizes(stride)} near the input reads only ${percent(coverage)} of its input pixels: the window is narrower than its stride, so most of the image is skipped before anything is learned; make the kernel at least as wide as the stride`, { coverage });
    return;
  }
}
