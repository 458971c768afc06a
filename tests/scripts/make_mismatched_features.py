#!/usr/bin/python3
"""Writes tests/data/trained/mlp_R10_other_features.npz: what another network's penultimate
features of the same width look like to mlp_R10.pt. Its own features (every 4th sample, all ten
classes) with the 64 columns rotated by 17: each network's feature coordinates are its own, so the
head predicts them near chance, although every shape fits. LPM Studio must say so.

    /usr/bin/python3 tests/scripts/make_mismatched_features.py
"""
import os

import numpy as np

here = os.path.join(os.path.dirname(__file__), "..", "data", "trained")
d = np.load(os.path.join(here, "mlp_R10_features.npz"))
H, labels = d["features"][::4], d["labels"][::4]
np.savez_compressed(os.path.join(here, "mlp_R10_other_features.npz"), features=np.roll(H, 17, axis=1), labels=labels)
print(H.shape, np.bincount(labels))
