#!/usr/bin/env python3
"""LeNet-5 built in PyTorch itself, the oracle for examples/lenet5.nn.

`lenet5`: LeCun et al. (1998) at 32x32. C3 is a convolution masked by the paper's connection table
(Table I), and its parameters are the connections that exist (unmasked kernel weights plus one
bias per map), not the full 6·16·25 weight tensor. S2 and S4 sum each 2x2 window, multiply by a
trainable coefficient and add a trainable bias per map (2 parameters per map).
`lenet5modern`: the common 28x28 MNIST variant (padding 2, max-pooling, ReLU) with 61,706 parameters.

Usage: python lenet.py NAME...   (lenet5, lenet5modern, or all). Prints the same JSON as torch_models.py.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import KINDS, measure  # noqa: E402

# LeCun et al. 1998, Table I: which S2 maps each C3 map reads (0-5 read 3 neighbours, 6-14 read 4,
# 15 reads all 6).
C3_TABLE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
            [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
            [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]


class MaskedConv2d(nn.Module):
    """A convolution whose output map o sees only the input maps in table[o]."""

    def __init__(self, cin, cout, kernel, table):
        super().__init__()
        mask = torch.zeros(cout, cin, kernel, kernel)
        for o, inputs in enumerate(table):
            for i in inputs:
                mask[o, i] = 1
        self.register_buffer('mask', mask)
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel) * 0.1)
        self.bias = nn.Parameter(torch.zeros(cout))
        self.in_channels, self.out_channels, self.kernel_size = cin, cout, (kernel, kernel)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias)

    def connection_count(self):
        """Trainable parameters as the paper counts them: the weights the mask keeps, plus biases."""
        return int(self.mask.sum().item()) + self.bias.numel()


class Subsample(nn.Module):
    """LeNet's sub-sampling: sum of each size×size window, times a coefficient, plus a bias, per map."""

    def __init__(self, channels, size=2):
        super().__init__()
        self.size = size
        self.coefficient = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        summed = F.avg_pool2d(x, self.size) * (self.size * self.size)
        return summed * self.coefficient.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


def lenet5(classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Tanh(),                 # C1: 6@28x28
        Subsample(6), nn.Sigmoid(),                    # S2: 6@14x14
        MaskedConv2d(6, 16, 5, C3_TABLE), nn.Tanh(),   # C3: 16@10x10
        Subsample(16), nn.Sigmoid(),                   # S4: 16@5x5
        nn.Conv2d(16, 120, 5), nn.Tanh(),              # C5: 120@1x1
        nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(),                 # F6
        nn.Linear(84, classes), nn.Softmax(dim=1),
    )


def lenet5_modern(classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, classes),
    )


BUILDERS = {
    'lenet5': (lenet5, (1, 32, 32)),
    'lenet5modern': (lenet5_modern, (1, 28, 28)),
}

LENET_KINDS = {**KINDS, MaskedConv2d: 'conv', Subsample: 'subsample'}


def main(argv):
    names = list(BUILDERS) if argv == ['all'] else argv
    unknown = [n for n in names if n not in BUILDERS]
    if not names or unknown:
        sys.stderr.write('usage: lenet.py NAME... (known: %s)\n' % ', '.join(BUILDERS))
        return 2
    torch.manual_seed(0)
    result = {}
    for name in names:
        build, shape = BUILDERS[name]
        model = build()
        info = measure(model, shape, LENET_KINDS)
        # The masked convolution holds a full 16x6x5x5 tensor; count what the paper counts.
        masked = [m for m in model.modules() if isinstance(m, MaskedConv2d)]
        conv_rows = [r for r in info['layers'] if r['type'] == 'MaskedConv2d']
        for module, row in zip(masked, conv_rows):
            full = module.weight.numel() + module.bias.numel()
            row['params'] = module.connection_count()
            info['params'] += row['params'] - full
            kept = int(module.mask.sum().item())
            row['macs'] = kept * row['output'][1] * row['output'][2]
        info['macs'] = sum(r['macs'] for r in info['layers'])
        result[name] = info
    json.dump(result, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
