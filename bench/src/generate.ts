// `.nn` sources for the analysis benchmark: ResNet-152 written the way a person would write it,
// and plain models of N explicit layer lines, so that parsing scales with N as well as analysis.

/** torchvision.models.resnet152(): sum(p.numel() for p in model.parameters()). */
export const RESNET152_PARAMS = 60_192_808;
/** Its batch-norm running means and variances (buffers, not parameters; Keras's "non-trainable"). */
export const RESNET152_BN_STATS = 151_424;

/** ResNet-152 (He et al. 2016, torchvision's v1.5 layout: the stride sits on the 3x3 conv). */
export function resnet152Source(): string {
  return `# ResNet-152 (He et al. 2016), laid out as torchvision's resnet152: 60,192,808 parameters
block Bottleneck(ch, stride = 1) {
  residual {
    conv ch kernel=1 bias=false
    batchnorm
    relu
    conv ch kernel=3 stride=stride padding=1 bias=false
    batchnorm
    relu
    conv ch * 4 kernel=1 bias=false
    batchnorm
  } shortcut if stride != 1 or in.channels != ch * 4 {
    conv ch * 4 kernel=1 stride=stride bias=false
    batchnorm
  }
  relu
}

model ResNet152(classes = 1000) {
  input 3x224x224

  conv 64 kernel=7 stride=2 padding=3 bias=false
  batchnorm
  relu
  maxpool 3 stride=2 padding=1

  repeat 3 { Bottleneck 64 }
  repeat i in 8 {
    if i == 0 { Bottleneck 128 stride=2 } else { Bottleneck 128 }
  }
  repeat i in 36 {
    if i == 0 { Bottleneck 256 stride=2 } else { Bottleneck 256 }
  }
  repeat i in 3 {
    if i == 0 { Bottleneck 512 stride=2 } else { Bottleneck 512 }
  }

  globalavgpool
  dense classes
}
`;
}

export interface PlainModel {
  name: string;
  /** Layer lines in the model body, not counting `input`. */
  layers: number;
  source: string;
  /** Trainable parameters, counted here by hand from the contract's table. */
  trainable: number;
  /** Batch-norm running statistics. */
  nonTrainable: number;
}

const CHANNELS = 8;
const PLAIN_CYCLE = [`conv ${CHANNELS} kernel=3 padding=1`, 'batchnorm', 'relu'] as const;

/** `input 8x64x64` followed by `layers` explicit lines cycling conv / batchnorm / relu. */
export function plainSource(layers: number): PlainModel {
  const name = `Plain${layers}`;
  const lines: string[] = [`# ${layers} explicit layer lines, generated for the analysis benchmark`, `model ${name} {`, `  input ${CHANNELS}x64x64`];
  let trainable = 0;
  let nonTrainable = 0;
  const convParams = CHANNELS * CHANNELS * 3 * 3 + CHANNELS; // 8·8·3·3 weights + 8 biases = 584
  for (let i = 0; i < layers; i++) {
    const op = PLAIN_CYCLE[i % PLAIN_CYCLE.length]!;
    lines.push(`  ${op}`);
    if (op.startsWith('conv')) trainable += convParams;
    else if (op === 'batchnorm') {
      trainable += 2 * CHANNELS;
      nonTrainable += 2 * CHANNELS;
    }
  }
  lines.push('}', '');
  return { name, layers, source: lines.join('\n'), trainable, nonTrainable };
}
