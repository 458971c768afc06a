#!/usr/bin/python3
"""Writes the checkpoint fixtures with real PyTorch (Debian's python3-torch) and NumPy, plus the
values torch/numpy read back and the analysis numbers numpy computes, into tests/data/checkpoints/.

    /usr/bin/python3 tests/scripts/make_checkpoints.py

Hostile files are written here too (they are bytes, nothing in them is ever run).
"""
import argparse
import io
import json
import os
import struct
import zipfile

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "checkpoints")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
np.random.seed(0)
expected = {}


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Linear(6, 8)
        self.bn = torch.nn.BatchNorm1d(8)
        self.fc = torch.nn.Linear(8, 5)

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.features(x))))


def record(name, tensors, **extra):
    expected[name] = {"tensors": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                                      "values": v.detach().to(torch.float64).reshape(-1).tolist()}
                                  for k, v in tensors.items()}, **extra}


net = Net()
with torch.no_grad():  # make the classifier imbalanced-looking: last two rows short and close
    net.fc.weight[3:] = 0.2 * net.fc.weight[3:].mean(0, keepdim=True) + 0.01 * torch.randn(2, 8)
sd = net.state_dict()
path = lambda n: os.path.join(OUT, n)

torch.save(sd, path("state_dict.pt"))
record("state_dict.pt", sd)
torch.save({"epoch": 3, "state_dict": {"module." + k: v for k, v in sd.items()},
            "optimizer": torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9).state_dict(),
            "args": argparse.Namespace(lr=0.1, arch="net"), "best_acc": 0.75}, path("training.pth"))
record("training.pth", {"state_dict." + k: v for k, v in sd.items()})
torch.save(sd, path("legacy.pt"), _use_new_zipfile_serialization=False)
record("legacy.pt", sd)
scripted = torch.jit.script(net)
torch.jit.save(scripted, path("script.pt"))
record("script.pt", {k: v for k, v in sd.items() if k != "bn.num_batches_tracked" or True})
torch.save(net, path("whole_model.pt"))
record("whole_model.pt", sd)

base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 7
dt = {"f64": torch.randn(3, 4, dtype=torch.float64), "f16": torch.randn(3, 4).half(),
      "bf16": torch.randn(3, 4).bfloat16(), "i64": torch.arange(-5, 7, dtype=torch.int64),
      "u8": torch.arange(0, 250, 25, dtype=torch.uint8), "b": torch.tensor([True, False, True]),
      "transposed": base.t(), "view": base.reshape(-1)[4:10], "shared": base}
torch.save(dt, path("dtypes.pt"))
record("dtypes.pt", dt)


def write_safetensors(fname, tensors):
    names = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.int64: "I64"}
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for k, v in tensors.items():
        b = v.contiguous().numpy().tobytes()
        header[k] = {"dtype": names[v.dtype], "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(fname, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


write_safetensors(path("weights.safetensors"), sd | {"extra_f64": torch.randn(2, 3, dtype=torch.float64)})
record("weights.safetensors", {k: v for k, v in sd.items()})

# Penultimate features of 5 classes (sizes 40, 40, 40, 8, 8) and their labels.
counts = [40, 40, 40, 8, 8]
labels = np.concatenate([np.full(c, k) for k, c in enumerate(counts)]).astype(np.int64)
centres = np.random.randn(5, 8) * 2
H = (centres[labels] + 0.3 * np.random.randn(len(labels), 8)).astype(np.float32)
np.save(path("features.npy"), H)
np.save(path("labels.npy"), labels)
np.savez(path("arrays.npz"), features=H, labels=labels)
np.savez_compressed(path("arrays_compressed.npz"), features=H, labels=labels)
np.save(path("fortran.npy"), np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4)))

# What a numpy reader says about the classifier and the features (doc/dev/05-CHECKPOINTS.md).
W = sd["fc.weight"].double().numpy()
b = sd["fc.bias"].double().numpy()
K = W.shape[0]
norms = np.linalg.norm(W, axis=1)
cos = (W @ W.T) / np.outer(norms, norms)
minority = [3, 4]
majority = [0, 1, 2]
pm = lambda A, B, same: float(np.mean([cos[i, j] for i in A for j in B if not (same and i == j)]))
etf = np.full((K, K), -1 / (K - 1)); np.fill_diagonal(etf, 1)
Hd = H.astype(np.float64)
mu = np.stack([Hd[labels == k].mean(0) for k in range(K)])
mG = Hd.mean(0)
M = mu - mG
SW = sum(np.outer(h - mu[y], h - mu[y]) for h, y in zip(Hd, labels)) / len(Hd)
SB = M.T @ M / K
mn = np.linalg.norm(M, axis=1)
cm = (M @ M.T) / np.outer(mn, mn)
analysis = {
    "classifier": "fc.weight", "norms": norms.tolist(), "cos": cos.tolist(),
    "minority_cos": pm(minority, minority, True), "majority_cos": pm(majority, majority, True),
    "between_cos": pm(majority, minority, False),
    "minority_norm_cv": float(np.std(norms[minority]) / np.mean(norms[minority])),
    "EW_fit": float(np.mean(norms ** 2)), "etf_deviation": float(np.linalg.norm(cos - etf) / np.linalg.norm(etf)),
    "EH_fit": float(np.mean([np.mean(np.sum(Hd[labels == k] ** 2, 1)) for k in range(K)])),
    "nc1": float(np.trace(SW @ np.linalg.pinv(SB)) / K),
    "nc2_equinorm": float(np.std(mn) / np.mean(mn)),
    "nc2_equiangular": float(np.mean([abs(cm[i, j] + 1 / (K - 1)) for i in range(K) for j in range(i + 1, K)])),
    "nc3": float(np.linalg.norm(W / np.linalg.norm(W) - M / np.linalg.norm(M))),
    "nc4": float(np.mean(np.argmax(Hd @ W.T + b, 1) == np.argmin(((Hd[:, None, :] - mu[None]) ** 2).sum(2), 1))),
}
expected["analysis"] = analysis

# ---- hostile files -------------------------------------------------------------------------------
class RunsCode:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


torch.save({"w": torch.ones(2, 2), "x": RunsCode(os.system, "echo this would run")}, path("evil_os_system.pt"))
torch.save({"w": torch.ones(2, 2), "x": RunsCode(eval, "1+1")}, path("evil_eval.pt"))

raw = open(path("state_dict.pt"), "rb").read()
open(path("truncated.pt"), "wb").write(raw[: len(raw) // 2])


def rezip(src, dst, edit):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            name, data = edit(info.filename, zin.read(info.filename))
            if name is not None:
                zout.writestr(name, data)


rezip(path("state_dict.pt"), path("short_storage.pt"),
      lambda n, d: (n, d[: len(d) // 2] if n.endswith("data/0") else d))
rezip(path("state_dict.pt"), path("traversal.pt"),
      lambda n, d: (n if not n.endswith("data/0") else "../../etc/evil", d))
nested = b"\x80\x02" + b"]" * 200000 + b"a" * 199999 + b"."
with zipfile.ZipFile(path("deep_nesting.pt"), "w") as z:
    z.writestr("deep_nesting/data.pkl", nested)
    z.writestr("deep_nesting/version", "3\n")
h = json.dumps({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 4096]}}).encode()
open(path("st_offsets_past_end.safetensors"), "wb").write(struct.pack("<Q", len(h)) + h + b"\0" * 16)
open(path("st_absurd_header.safetensors"), "wb").write(struct.pack("<Q", 1 << 60) + b"{}")
h = json.dumps({"w": {"dtype": "F32", "shape": [1000000, 1000000], "data_offsets": [0, 16]}}).encode()
open(path("st_huge_shape.safetensors"), "wb").write(struct.pack("<Q", len(h)) + h + b"\0" * 16)
open(path("random.bin"), "wb").write(np.random.default_rng(7).bytes(4096))
open(path("empty.pt"), "wb").close()
np.save(path("object.npy"), np.array([{"a": 1}], dtype=object), allow_pickle=True)

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f)
print("wrote", sorted(os.listdir(OUT)))
