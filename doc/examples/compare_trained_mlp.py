#!/usr/bin/python3
"""A trained network next to the Layer-Peeled Model's prediction, from Python.

Trains nothing: it reads the small MLP that tests/scripts/train_imbalanced.py trained with PyTorch
at R = 100 (5 majority classes of 200 examples, 5 minority classes of 2), fits the model's
budgets to it, and compares the minority classifiers' cosine with the certified optimum of the
model over R. With matplotlib it also draws the curve and the network's point (lpm-vs-mlp.png).

    PYTHONPATH=build/release/python /usr/bin/python3 doc/examples/compare_trained_mlp.py
    (or, with the python3-lpm package installed:  python3 doc/examples/compare_trained_mlp.py)
"""
import os
import sys

import lpm

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINED = os.path.join(HERE, "..", "..", "tests", "data", "trained")

# 1. The network, read safely (nothing in the file is run): its classifier, class counts, features.
net = lpm.inspect(os.path.join(TRAINED, "mlp_R100.pt"), features=os.path.join(TRAINED, "mlp_R100_features.npz"))
K = net.W.shape[0]
minority = net.classifier["minority"]
KA, KB = K - len(minority), len(minority)
EW, EH, R = net.classifier["EW_fit"], net.features["EH_fit"], net.imbalance_ratio
print(f"network: {net.classifier['name']} K x p = {net.W.shape[0]} x {net.W.shape[1]}, KA = {KA}, KB = {KB}, R = {R:g}")
print(f"  fitted EW = {EW:.4g}, EH = {EH:.4g} (EW*EH = {EW * EH:.4g}); minority cosine {net.classifier['minority_cos']:.4f}")
print(f"  neural collapse: NC1 = {net.features['nc1']:.3g}, NC4 = {net.features['nc4']:.3g}")

# 2. The model at the network's setting: one certified solve, and where Minority Collapse starts.
model = lpm.solve(KA=KA, KB=KB, EW=EW, EH=EH, R=R)
assert model.certified, "the solve was not certified: no geometry is claimed"
t = lpm.transition(KA=KA, KB=KB, EW=EW, EH=EH)
print(f"model:   minority cosine {model.minority_cos:.4f} ({model.minority_state}), gap {model.gap:.2g}; {t.summary}")

# 3. The model's curve over R, as `lpm sweep` computes it.
curve = lpm.sweep(K=K, KA=[KA], EW=EW, EH=EH, R_min=1, R_max=1e4, points=41, refine=True)
print(f"curve:   {len(curve['R'])} certified points, {curve.uncertified} uncertified")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no figure (the numbers above are the comparison)")
    sys.exit(0)

fig, ax = plt.subplots(figsize=(6.4, 4.0))
ax.semilogx(curve["R"], curve["minority_cos"], label=f"model (EW·EH = {EW * EH:.3g})")
ax.plot([R], [net.classifier["minority_cos"]], "o", color="C3", label="trained MLP")
if t.R0 is not None:
    ax.axvline(t.R0, color="0.5", linestyle="--", label=f"R0 = {t.R0:.4g}")
ax.set_xlabel("imbalance ratio R")
ax.set_ylabel("average minority classifier cosine")
ax.set_ylim(-0.3, 1.05)
ax.legend(loc="lower right")
ax.set_title("A trained MLP against the Layer-Peeled Model")
fig.tight_layout()
out = os.path.abspath("lpm-vs-mlp.png")
fig.savefig(out, dpi=120)
print(f"figure:  {out}")
