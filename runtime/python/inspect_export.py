#!/usr/bin/env python3
"""Builds modules written by `netlens export --to pytorch` and reports what PyTorch sees.

Usage: python3 inspect_export.py MODULE.py...

Prints one JSON object, keyed by the file names given, each with:
  model         the class name
  params        sum(p.numel() for p in model.parameters())
  running       elements of the batch-norm running statistics (running_mean and running_var)
  output        the output shape of a forward pass of zeros at batch 1 (eval mode, no grad),
                without the batch axis
  nodes         per IR node id (from the module's NODES table): {"params", "running"}
  modules       per attribute: {"type", "params"}
  attrs         a few attributes the tests check: LocalResponseNorm alpha/size, MaskedConv2d
                parameter counts
  seconds       time to build and to run the forward pass
All files run in this one process, so torch is imported once.
"""
import importlib.util
import json
import sys
import time

import torch


def load(path, index):
    spec = importlib.util.spec_from_file_location(f'netlens_export_{index}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def running(module):
    return sum(b.numel() for name, b in module.named_buffers(recurse=False) if name in ('running_mean', 'running_var'))


def per_node(model, nodes):
    out = {}
    for attr, node in nodes.items():
        sub = getattr(model, attr)
        entry = out.setdefault(str(node), {'params': 0, 'running': 0})
        entry['params'] += sum(p.numel() for p in sub.parameters())
        entry['running'] += sum(running(m) for m in sub.modules())
    return out


def details(model):
    modules = {}
    attrs = {}
    for name, sub in model.named_children():
        modules[name] = {'type': type(sub).__name__, 'params': sum(p.numel() for p in sub.parameters())}
        if isinstance(sub, torch.nn.LocalResponseNorm):
            attrs[name] = {'size': sub.size, 'alpha': sub.alpha, 'beta': sub.beta, 'k': sub.k}
        elif type(sub).__name__.startswith('MaskedConv'):
            attrs[name] = {'weight': list(sub.weight.shape), 'dense': list(sub.dense_weight().shape),
                           'nonzero': int((sub.dense_weight() != 0).sum().item())}
        elif hasattr(sub, 'padding') and hasattr(sub, 'kernel_size'):
            attrs[name] = {'padding': sub.padding if isinstance(sub.padding, (int, str)) else list(sub.padding)}
    return modules, attrs


def inspect(path, index):
    start = time.perf_counter()
    module = load(path, index)
    model = module.build()
    model.eval()
    built = time.perf_counter()
    with torch.no_grad():
        y = model(torch.zeros(1, *module.INPUT_SHAPE))
    ran = time.perf_counter()
    modules, attrs = details(model)
    return {
        'model': type(model).__name__,
        'params': sum(p.numel() for p in model.parameters()),
        'running': sum(running(m) for m in model.modules()),
        'output': list(y.shape[1:]),
        'nodes': per_node(model, module.NODES),
        'modules': modules,
        'attrs': attrs,
        'seconds': {'build': round(built - start, 3), 'forward': round(ran - built, 3)},
    }


def main(paths):
    torch.manual_seed(0)
    report = {}
    for index, path in enumerate(paths):
        try:
            report[path] = inspect(path, index)
        except Exception as error:  # reported per file, so one broken export does not hide the rest
            report[path] = {'error': f'{type(error).__name__}: {error}'}
    json.dump(report, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv[1:])
