// Every threshold the advice uses, in one table, with where it comes from. docs/advice.md
// explains each to a student; a test keeps the two in step.

export interface Threshold {
  value: number;
  /** What the number means, and the source that justifies it. */
  why: string;
}

export const THRESHOLDS = {
  denseShare: { value: 0.5, why: "A dense layer holding at least half of a model's parameters dominates it: AlexNet's first dense layer holds 62% (37.7M of 61.1M)." },
  denseMinParams: { value: 1_000_000, why: 'Below a million parameters a dominant dense layer costs little; LeNet-5 style classifiers are not flagged.' },
  largeKernelMinChannels: { value: 64, why: "Stacking 3×3 convs pays off on wide layers; VGG replaced 5×5 and 7×7 kernels with stacks of 3×3 (Simonyan & Zisserman 2014). Narrow early layers such as LeNet-5's are left alone." },
  bottleneckMinChannels: { value: 128, why: "The Inception example: a 5×5 conv on 128 channels (Szegedy et al. 2014) is where a 1×1 reduction first saves a factor of about four." },
  bottleneckMinKernel: { value: 5, why: 'Inception put 1×1 reductions in front of its 3×3 and 5×5 convs; the lesson is clearest, and the saving largest, for 5×5 and up.' },
  bottleneckRatio: { value: 4, why: 'The suggested 1×1 width is a quarter of the input channels, as in the lecture example (128 → 32) and ResNet bottlenecks (256 → 64).' },
  plainDepth: { value: 20, why: "Past about 20 weight layers without shortcuts, training error rises with depth (He et al. 2015: the plain 34-layer net trained worse than the plain 18-layer net; a plain 56-layer net worse than a 20-layer one)." },
  saturatingDepth: { value: 8, why: "Sigmoid and tanh scale gradients by at most 0.25 and 1 per layer; AlexNet's 8 layers trained several times faster with ReLU (Krizhevsky et al. 2012). Shallower nets such as LeNet-5 get a hint only." },
  imageChannels: { value: 4, why: 'The receptive-field rule applies to models whose input looks like an image (1 to 4 channels: grey, RGB, RGBA); a model that starts from a feature map is one part of a larger network.' },
  fieldFraction: { value: 0.5, why: 'A last conv layer that sees less than half of the input per side cannot take in a whole object that fills the image.' },
  collapseSize: { value: 2, why: 'A conv with a kernel larger than 1 on a 2×2 or 1×1 map reads mostly padding.' },
  inputCoverage: { value: 0.5, why: 'A layer in the first two that reads less than half of its input pixels (a window narrower than its stride) throws most of the input away before anything is learned.' },
  // Training and hyperparameter risks (NN5xx)
  perSampleHigh: { value: 1000, why: 'A thousand or more parameters per training sample can memorise the set: 61M parameters on 5,000 images is 12,200 per image. AlexNet needed a million images, dropout and augmentation for its 61M.' },
  perSampleMedium: { value: 100, why: 'From a hundred parameters per sample, an unregularised model can start to memorise; LeNet-5 on MNIST has about 1.1.' },
  manyEpochs: { value: 50, why: 'Fifty or more passes without a validation set or early stopping can run far past the best epoch unseen.' },
  minSteps: { value: 1000, why: 'Fewer than a thousand optimizer steps rarely train a network from scratch; one MNIST epoch at batch 64 is 938 steps.' },
  adamMaxLr: { value: 3e-3, why: "Adam's default is 1e-3 (Kingma & Ba 2015); above about 3e-3 training often diverges without warm-up." },
  sgdMaxLr: { value: 0.1, why: 'SGD with momentum above about 0.1 diverges without warm-up (Goyal et al. 2017 use 0.1 per 256 samples, warmed up).' },
  minLr: { value: 1e-5, why: 'Below about 1e-5 the weights barely move within a normal step budget.' },
  linearScalingBatch: { value: 256, why: 'Goyal et al. 2017: learning rate 0.1 × batch / 256 for SGD, with warm-up for large batches.' },
  largeBatch: { value: 1024, why: 'From a batch of 1,024, Goyal et al. needed a gradual warm-up to train stably with the scaled rate.' },
  highDropout: { value: 0.7, why: 'Dropping 70% or more of the activations leaves a small model too little to learn with; AlexNet used 0.5.' },
  smallModel: { value: 1_000_000, why: 'Under a million parameters a model has little capacity to spare for heavy dropout.' },
} as const satisfies Record<string, Threshold>;
