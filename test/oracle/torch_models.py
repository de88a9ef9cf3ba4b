#!/usr/bin/env python3
"""PyTorch's own count of the example networks, the oracle for test/torchOracle.spec.ts.

Builds each network with torchvision (or torch.nn where torchvision has no such build), runs one
sample through it on the CPU, and prints JSON: trainable parameters, batch-norm running-statistic
counts, the output shape, and per weight-carrying layer (Conv2d, ConvTranspose2d, Linear,
BatchNorm2d, LocalResponseNorm) its parameters, output shape and MACs, in execution order.

Usage: python torch_models.py NAME...   (NAME: see BUILDERS; `all` for every one)
"""
import json
import sys

import torch
import torch.nn as nn
import torchvision.models as tvm


def alexnet_2012():
    """Krizhevsky et al. (2012) at 227x227: the two-GPU split expressed as groups=2 in conv2, conv4, conv5
    (conv3 and the dense layers read both halves). LRN follows conv1 and conv2, as in the paper."""
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(),
        nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(),
        nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, 1000), nn.Softmax(dim=1),
    )


def encoder_decoder():
    """examples/encoder_decoder.nn: two stride-2 convs down, a 3x3 conv at 7x7, two stride-2 transposed convs back up."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid(),
    )


def dilated():
    """examples/dilated.nn, model Dilated: four 3x3 convs with dilation 2 (padding 2 keeps the size)."""
    layers = []
    cin = 1
    for _ in range(4):
        layers += [nn.Conv2d(cin, 32, 3, padding=2, dilation=2), nn.ReLU()]
        cin = 32
    layers += [nn.Conv2d(32, 10, 1)]
    return nn.Sequential(*layers)


# name -> (builder, input shape without batch)
BUILDERS = {
    'alexnet': (lambda: tvm.alexnet(), (3, 224, 224)),
    'alexnet2012': (alexnet_2012, (3, 227, 227)),
    'vgg16': (lambda: tvm.vgg16(), (3, 224, 224)),
    'googlenet': (lambda: tvm.googlenet(aux_logits=False, init_weights=False), (3, 224, 224)),
    'resnet18': (lambda: tvm.resnet18(), (3, 224, 224)),
    'resnet34': (lambda: tvm.resnet34(), (3, 224, 224)),
    'resnet50': (lambda: tvm.resnet50(), (3, 224, 224)),
    'encoder_decoder': (encoder_decoder, (1, 28, 28)),
    'dilated': (dilated, (1, 32, 32)),
}

KINDS = {
    nn.Conv2d: 'conv',
    nn.ConvTranspose2d: 'deconv',
    nn.Linear: 'dense',
    nn.BatchNorm2d: 'batchnorm',
    nn.LocalResponseNorm: 'lrn',
}


def layer_macs(module, inp, out):
    """Multiply-accumulates the way torchvision's table counts them: conv and dense only."""
    if isinstance(module, nn.ConvTranspose2d):
        # every input element meets (Cout/groups)·kh·kw weights
        kh, kw = module.kernel_size
        return inp.numel() // inp.shape[0] * (module.out_channels // module.groups) * kh * kw
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        return out.numel() // out.shape[0] * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, nn.Linear):
        return module.in_features * module.out_features
    return 0


def measure(model, input_shape, kinds=KINDS):
    """Runs one sample through `model` and returns the oracle's JSON object for it."""
    model.eval()
    rows = []

    def hook(module, inputs, output):
        kind = next(k for t, k in kinds.items() if type(module) is t)
        params = sum(p.numel() for p in module.parameters(recurse=False) if p.requires_grad)
        running = 0
        if isinstance(module, nn.BatchNorm2d):
            running = module.running_mean.numel() + module.running_var.numel()
        rows.append({
            'kind': kind,
            'type': type(module).__name__,
            'params': params,
            'nonTrainable': running,
            'output': list(output.shape[1:]),
            'macs': layer_macs(module, inputs[0], output),
        })

    handles = [m.register_forward_hook(hook) for m in model.modules() if type(m) in kinds]
    with torch.no_grad():
        out = model(torch.zeros(1, *input_shape))
    for h in handles:
        h.remove()

    running = sum(m.running_mean.numel() + m.running_var.numel()
                  for m in model.modules() if isinstance(m, nn.BatchNorm2d) and m.running_mean is not None)
    return {
        'input': list(input_shape),
        'params': sum(p.numel() for p in model.parameters() if p.requires_grad),
        'bnRunning': running,
        'output': list(out.shape[1:]),
        'macs': sum(r['macs'] for r in rows),
        'layers': rows,
    }


def main(argv):
    names = list(BUILDERS) if argv == ['all'] else argv
    unknown = [n for n in names if n not in BUILDERS]
    if not names or unknown:
        sys.stderr.write('usage: torch_models.py NAME... (known: %s)\n' % ', '.join(BUILDERS))
        return 2
    torch.manual_seed(0)
    result = {}
    for name in names:
        build, shape = BUILDERS[name]
        result[name] = measure(build(), shape)
    json.dump(result, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
