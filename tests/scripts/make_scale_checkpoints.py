#!/usr/bin/python3
"""Sharded checkpoints and hostile files at scale, for tests/data/checkpoints/{sharded,scale}/.

    /usr/bin/python3 tests/scripts/make_scale_checkpoints.py

Sharded: a safetensors index with two shards and a torch .bin index with two shards (written by
torch.save), the values torch reads back in sharded/expected.json, and indexes that point outside
their folder, at themselves, at another index, at a missing shard or at a shard without the tensor.

Scale: files small on disk that declare huge things: a deflate "bomb" inside an .npz and a torch
zip (about 1 KB of deflate declaring 10 GB), a stored member declaring far more than the archive,
a safetensors header claiming 10^9 tensors, a 2^40-element .npy, a pickle that builds a
10^8-element list (100 MB of DUP opcodes, deflated to about 100 KB). Nothing here is ever run.
"""
import collections
import io
import json
import os
import pickle
import struct
import zlib

import numpy as np
import torch

HERE = os.path.join(os.path.dirname(__file__), "..", "data", "checkpoints")
SHARDED = os.path.join(HERE, "sharded")
SCALE = os.path.join(HERE, "scale")
os.makedirs(SHARDED, exist_ok=True)
os.makedirs(SCALE, exist_ok=True)
torch.manual_seed(1)


def write_safetensors(fname, tensors):
    names = {torch.float32: "F32", torch.float64: "F64", torch.bfloat16: "BF16"}
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for k, v in tensors.items():
        b = v.contiguous().view(torch.uint8).numpy().tobytes() if v.dtype == torch.bfloat16 else v.contiguous().numpy().tobytes()
        header[k] = {"dtype": names[v.dtype], "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(fname, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


# ---- sharded ------------------------------------------------------------------------------------
body = {"embed.weight": torch.randn(6, 4), "layer.weight": torch.randn(4, 4), "layer.bias": torch.randn(4)}
head = {"lm_head.weight": torch.randn(6, 4).bfloat16().float(), "norm.weight": torch.ones(4)}
st = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
write_safetensors(os.path.join(SHARDED, st[0]), body)
write_safetensors(os.path.join(SHARDED, st[1]), head)


def index(fname, weight_map):
    with open(os.path.join(SHARDED, fname), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=1)


good = {k: st[0] for k in body} | {k: st[1] for k in head}
index("model.safetensors.index.json", good)
bins = ["pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"]
torch.save(body, os.path.join(SHARDED, bins[0]))
torch.save(head, os.path.join(SHARDED, bins[1]))
index("pytorch_model.bin.index.json", {k: bins[0] for k in body} | {k: bins[1] for k in head})
index("outside.index.json", good | {"lm_head.weight": "../weights.safetensors"})
index("absolute.index.json", good | {"lm_head.weight": "/etc/passwd"})
index("self.index.json", good | {"lm_head.weight": "self.index.json"})
index("loop.index.json", good | {"lm_head.weight": "model.safetensors.index.json"})
index("missing.index.json", good | {"lm_head.weight": "model-00003-of-00002.safetensors"})
index("wrong_shard.index.json", good | {"lm_head.weight": st[0]})
with open(os.path.join(SHARDED, "no_map.index.json"), "w") as f:
    json.dump({"metadata": {}}, f)
expected = {k: {"shape": list(v.shape), "values": v.double().reshape(-1).tolist()} for k, v in (body | head).items()}
with open(os.path.join(SHARDED, "expected.json"), "w") as f:
    json.dump(expected, f)


# ---- zip archives with forged sizes -------------------------------------------------------------
def forged_zip(fname, members):
    """members: (name, stored bytes, method 0|8, declared uncompressed size, declared compressed size[,
    crc of the uncompressed bytes])."""
    out, central = bytearray(), bytearray()
    for name, data, method, usize, csize, *given in members:
        n = name.encode()
        z64 = usize >= 0xFFFFFFFF or csize >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, usize, csize) if z64 else b""
        u32, c32 = (0xFFFFFFFF, 0xFFFFFFFF) if z64 else (usize, csize)
        crc = given[0] if given else zlib.crc32(data) if usize == len(data) and method == 0 else 0
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, method, 0, 0x21, crc, c32, u32, len(n), len(extra)) + n + extra
        out += data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, method, 0, 0x21, crc, c32, u32, len(n),
                               len(extra), 0, 0, 0, 0, offset) + n + extra
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    with open(os.path.join(SCALE, fname), "wb") as f:
        f.write(bytes(out + central + eocd))


def deflate(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()


ten_gb = 10 * 10**9
npy_head = b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) + b"{'descr': '<f8', 'fortran_order': False, 'shape': (1250000000,), }".ljust(117) + b"\n"
kernel = deflate(npy_head + bytes(1 << 20))  # about 1 KB
forged_zip("bomb.npz", [("w.npy", kernel, 8, len(npy_head) + ten_gb, len(kernel))])


class Storage:
    pass


class Rebuild:
    def __init__(self, numel):
        self.numel = numel

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, (STORAGE, 0, (self.numel,), (1,), False, collections.OrderedDict()))


STORAGE = Storage()


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return ("storage", torch.FloatStorage, "0", "cpu", 2_500_000_000) if obj is STORAGE else None


buf = io.BytesIO()
TorchPickler(buf, protocol=2).dump({"w": Rebuild(2_500_000_000)})
pkl = buf.getvalue()
forged_zip("bomb.pt", [("bomb/data.pkl", pkl, 0, len(pkl), len(pkl)), ("bomb/version", b"3\n", 0, 2, 2),
                       ("bomb/data/0", deflate(bytes(1 << 20)), 8, ten_gb, len(deflate(bytes(1 << 20))))])
stored = b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) + b"{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }".ljust(117) + b"\n" + bytes(32)
forged_zip("member_beyond_archive.npz", [("w.npy", stored, 0, 1 << 30, 1 << 30)])

# ---- safetensors claiming 10^9 tensors, npy of 2^40 elements -----------------------------------
claim = b'{"t0":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
with open(os.path.join(SCALE, "st_1e9_tensors.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", 10**9 * len(claim)) + claim + bytes(64))
with open(os.path.join(SCALE, "npy_2e40.npy"), "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) +
            b"{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }".ljust(117) + b"\n" + bytes(16))

# ---- a pickle building a 10^8-element list: EMPTY_LIST MARK NONE DUP*10^8 APPENDS STOP --------
big = b"\x80\x02](N" + b"2" * 10**8 + b"e."
packed = deflate(big)
forged_zip("pickle_1e8_list.pt", [("p/data.pkl", packed, 8, len(big), len(packed), zlib.crc32(big)), ("p/version", b"3\n", 0, 2, 2)])

print("wrote", sorted(os.listdir(SHARDED)), sorted(os.listdir(SCALE)))
