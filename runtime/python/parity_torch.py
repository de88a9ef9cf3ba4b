#!/usr/bin/env python3
"""Runs modules written by `netlens export --to pytorch` on seeded weights and a seeded input,
and writes the weights, the input and the output, so that the tfjs engine can be given the same
weights and must compute the same output (test/tfjsParity.spec.ts, docs/engines.md).

Usage: python3 parity_torch.py OUT_DIR BATCH MODULE.py...

For the i-th module (counting from 0) it writes OUT_DIR/<i>.bin, float32 little-endian values
one tensor after another, and prints one JSON object, keyed by the file names given, each with:
  nodes    the module's NODES table (attribute -> IR node id): the name mapping both engines share
  tensors  [{name, shape, offset}] for every state_dict entry but num_batches_tracked, in
           PyTorch's own layout (conv OIHW, transposed conv IOHW, linear [out, in]); offset
           counts float32 values from the start of the file
  input    {shape, offset}: the seeded input, N x INPUT_SHAPE, standard normal
  output   {shape, offset}: the model's output in eval mode (dropout off, batch norm on its
           running statistics), without gradients
Weights are PyTorch's default initialisation from torch.manual_seed(i). Batch-norm scales,
shifts and running statistics, and the subsampling coefficients and biases, start as ones and
zeros, which would hide a layout or formula mistake, so they are drawn at random too.
"""
import json
import os
import sys

import numpy as np
import torch

from inspect_export import load

BATCH_NORMS = (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)


def randomise_identities(model):
    """Values other than 1 and 0 where PyTorch starts with them."""
    with torch.no_grad():
        for sub in model.modules():
            if isinstance(sub, BATCH_NORMS):
                if sub.affine:
                    sub.weight.uniform_(0.5, 1.5)
                    sub.bias.uniform_(-0.5, 0.5)
                sub.running_mean.uniform_(-0.5, 0.5)
                sub.running_var.uniform_(0.5, 2.0)
            elif type(sub).__name__ == 'Subsample':
                sub.weight.uniform_(0.5, 1.5)
                sub.bias.uniform_(-0.5, 0.5)


def run(path, index, batch, out_dir):
    module = load(path, index)
    torch.manual_seed(index)
    model = module.build()
    randomise_identities(model)
    model.eval()
    x = torch.randn(batch, *module.INPUT_SHAPE)
    with torch.no_grad():
        y = model(x)
    parts, tensors, offset = [], [], 0

    def add(values):
        nonlocal offset
        array = values.detach().contiguous().numpy().astype('<f4', copy=False).ravel()
        parts.append(array)
        entry = {'shape': list(values.shape), 'offset': offset}
        offset += array.size
        return entry

    for name, value in model.state_dict().items():
        if name.endswith('num_batches_tracked'):
            continue
        tensors.append({'name': name, **add(value)})
    report = {'nodes': module.NODES, 'tensors': tensors, 'input': add(x), 'output': add(y)}
    np.concatenate(parts).tofile(os.path.join(out_dir, f'{index}.bin'))
    return report


def main(out_dir, batch, paths):
    report = {}
    for index, path in enumerate(paths):
        try:
            report[path] = run(path, index, batch, out_dir)
        except Exception as error:  # reported per file, so one broken export does not hide the rest
            report[path] = {'error': f'{type(error).__name__}: {error}'}
    json.dump(report, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
