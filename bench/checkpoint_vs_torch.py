#!/usr/bin/python3
"""Writes a ResNet-18-sized state dict (11.7 M float32 parameters, ~45 MB) to /tmp and times
torch.load + the classifier analysis in Python; run `lpm inspect` on the same file beside it:

    /usr/bin/python3 bench/checkpoint_vs_torch.py
    /usr/bin/time -v build/release/app/lpm inspect /tmp/lpm-resnet18-like.pt --KA 500 --json > /dev/null
"""
import time

import torch

shapes = {"conv1.weight": (64, 3, 7, 7)}
for layer, (cin, cout) in enumerate([(64, 64), (64, 128), (128, 256), (256, 512)], start=1):
    for block in range(2):
        c_in = cin if block == 0 else cout
        p = f"layer{layer}.{block}."
        shapes[p + "conv1.weight"] = (cout, c_in, 3, 3)
        shapes[p + "conv2.weight"] = (cout, cout, 3, 3)
        for bn in ("bn1", "bn2"):
            for t in ("weight", "bias", "running_mean", "running_var"):
                shapes[p + f"{bn}.{t}"] = (cout,)
        if block == 0 and cin != cout:
            shapes[p + "downsample.0.weight"] = (cout, cin, 1, 1)
shapes["fc.weight"] = (1000, 512)
shapes["fc.bias"] = (1000,)
torch.manual_seed(0)
sd = {k: torch.randn(*s) for k, s in shapes.items()}
path = "/tmp/lpm-resnet18-like.pt"
torch.save(sd, path)
t0 = time.perf_counter()
loaded = torch.load(path)
W = loaded["fc.weight"].double()
n = W.norm(dim=1)
cos = (W @ W.T) / torch.outer(n, n)
ms = (time.perf_counter() - t0) * 1e3
print(f"{sum(v.numel() for v in sd.values())} parameters; torch.load + cosine matrix: {ms:.1f} ms")
