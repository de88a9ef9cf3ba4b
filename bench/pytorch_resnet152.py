#!/usr/bin/env python3
"""The PyTorch side of the analysis benchmark: how long PyTorch takes to answer the question
NetLens answers (what shapes and how many parameters ResNet-152 has) without computing anything.

Measures, in this process:
  import   - `import torch, torchvision` (once: a second import is free)
  build    - torchvision.models.resnet152() on the CPU, with its default weight initialisation
             (torch 1.13 has no `with torch.device('meta')`; the module constructors take no device)
  to_meta  - model.to('meta'), which drops the weights' storage
  forward  - model(x) for x = empty(1, 3, 224, 224) on the meta device, under no_grad: shape
             propagation only, no arithmetic
and counts the parameters. Prints one JSON object on stdout; on failure, {"ok": false, "error": ...}.

Usage: pytorch_resnet152.py [--runs N] [--build-runs N] [--threads N]
"""
import json
import os
import platform
import statistics
import sys
import time


def median(xs):
    return statistics.median(xs) if xs else None


def p90(xs):
    if not xs:
        return None
    s = sorted(xs)
    return s[min(len(s) - 1, int(0.9 * (len(s) - 1) + 0.5))]


def main():
    args = sys.argv[1:]

    def opt(name, default):
        if name in args:
            return int(args[args.index(name) + 1])
        return default

    runs = opt("--runs", 20)
    build_runs = opt("--build-runs", 3)
    threads = opt("--threads", 0)

    t0 = time.perf_counter()
    try:
        import torch
        import torchvision
    except Exception as e:  # ImportError, or a broken install
        print(json.dumps({"ok": False, "error": f"cannot import torch/torchvision: {e!r}",
                          "python": sys.version.split()[0], "executable": sys.executable}))
        return 0
    import_s = time.perf_counter() - t0

    if threads > 0:
        torch.set_num_threads(threads)

    build_s, to_meta_s = [], []
    model = None
    for _ in range(max(1, build_runs)):
        model = None
        t = time.perf_counter()
        m = torchvision.models.resnet152()
        build_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        m = m.to("meta")
        to_meta_s.append(time.perf_counter() - t)
        model = m
    model.eval()

    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = sum(b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))

    x = torch.empty(1, 3, 224, 224, device="meta")
    forward_s = []
    out_shape = None
    with torch.no_grad():
        for _ in range(2):  # warm-up
            model(x)
        for _ in range(max(1, runs)):
            t = time.perf_counter()
            y = model(x)
            forward_s.append(time.perf_counter() - t)
            out_shape = list(y.shape)

    ms = lambda xs: [round(v * 1000, 4) for v in xs]
    result = {
        "ok": True,
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "params": params,
        "trainable": trainable,
        "buffers": buffers,
        "output_shape": out_shape,
        "import_ms": round(import_s * 1000, 3),
        "build_runs": len(build_s),
        "build_ms_median": round(median(build_s) * 1000, 3),
        "build_ms": ms(build_s),
        "to_meta_ms_median": round(median(to_meta_s) * 1000, 3),
        "forward_runs": len(forward_s),
        "forward_ms_median": round(median(forward_s) * 1000, 4),
        "forward_ms_p90": round(p90(forward_s) * 1000, 4),
        "forward_ms_min": round(min(forward_s) * 1000, 4),
    }
    # What a shape question costs once the interpreter is up, and from a cold start.
    result["build_to_meta_forward_ms"] = round(
        result["build_ms_median"] + result["to_meta_ms_median"] + result["forward_ms_median"], 3)
    result["cold_total_ms"] = round(result["import_ms"] + result["build_to_meta_forward_ms"], 3)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
