#!/usr/bin/python3
"""Trains a small MLP on an imbalanced Gaussian-mixture problem and saves what LPM Studio reads:
the state dict (torch.save zip) and the penultimate features with their labels (.npz).

Run with Debian's PyTorch: /usr/bin/python3 tests/scripts/train_imbalanced.py OUT_DIR [R ...]
K = 10 classes (5 majority of 200 samples, 5 minority of 200/R), features of width 64 after ReLU,
full-batch SGD with momentum and weight decay LPM_WD (2e-2) for LPM_EPOCHS (1500) epochs.
Deterministic (fixed seeds, one thread). tests/data/trained/ came from
`tests/scripts/train_imbalanced.py tests/data/trained 1 10 100` (about 5 minutes on 2 cores).
"""
import json
import os
import sys

import numpy as np
import torch

torch.set_num_threads(1)
out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/trained"
ratios = [float(r) for r in sys.argv[2:]] or [1.0, 100.0]

K, KA, d, p, nA = 10, 5, 32, 64, 200
wd = float(os.environ.get("LPM_WD", "2e-2"))
epochs = int(os.environ.get("LPM_EPOCHS", "1500"))
summary = {}
for R in ratios:
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    nB = max(1, int(round(nA / R)))
    counts = [nA] * KA + [nB] * (K - KA)
    centres = rng.normal(size=(K, d)) * 1.5
    labels = np.concatenate([np.full(c, k) for k, c in enumerate(counts)]).astype(np.int64)
    x = torch.tensor(centres[labels] + rng.normal(size=(len(labels), d)), dtype=torch.float32)
    y = torch.tensor(labels)

    body = torch.nn.Sequential(torch.nn.Linear(d, 128), torch.nn.ReLU(), torch.nn.Linear(128, p), torch.nn.ReLU())
    fc = torch.nn.Linear(p, K)
    net = torch.nn.Sequential(body, fc)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=wd)

    sched = torch.optim.lr_scheduler.MultiStepLR(opt, [epochs // 3, 2 * epochs // 3], 0.1)
    for epoch in range(epochs):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        sched.step()
    with torch.no_grad():
        H = body(x)
        acc = float((fc(H).argmax(1) == y).float().mean())
        W = fc.weight.double().numpy()
    tag = "mlp_R%g" % R
    sd = {"body." + k: v for k, v in body.state_dict().items()}
    sd.update({"fc." + k: v for k, v in fc.state_dict().items()})
    torch.save(sd, "%s/%s.pt" % (out, tag))
    np.savez_compressed("%s/%s_features.npz" % (out, tag), features=H.numpy().astype(np.float32), labels=labels)
    Wn = W / np.linalg.norm(W, axis=1, keepdims=True)
    C = Wn @ Wn.T
    minor = list(range(KA, K))
    mcos = float(np.mean([C[i, j] for i in minor for j in minor if i != j]))
    summary[tag] = {"R": nA / nB, "weight_decay": wd, "epochs": epochs, "counts": counts, "train_loss": float(loss), "train_accuracy": acc,
                    "minority_cos": mcos, "EW_fit": float(np.mean(np.sum(W ** 2, 1)))}
    print(tag, summary[tag], flush=True)

with open("%s/trained.json" % out, "w") as f:
    json.dump(summary, f, indent=1)
