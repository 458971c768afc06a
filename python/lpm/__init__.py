"""The Layer-Peeled Model from Python: LPM Studio's certified solver and safe checkpoint reader.

    >>> import lpm
    >>> r = lpm.solve(KA=5, KB=5, EW=1, EH=5, R=100)
    >>> r.minority_state, r.certified
    ('collapsed', True)

Every function takes the model's parameters as keywords, under the names of the parameter
registry (``lpm.parameter_names()``; ``lambda-W`` is written ``lambda_W``), or a ``preset``.
Results carry the same JSON as the ``lpm`` command line (``.json``; each key is also an
attribute) and their matrices as NumPy arrays. Bad input raises :class:`InvalidInputError` (a
``ValueError``) with the command line's message; a corrupt or hostile file raises
:class:`RefusedFileError`; nothing in a checkpoint is ever run. Ctrl+C stops a long solve.
"""

import csv as _csv
import io as _io
import json as _json
import math as _math

from . import _lpm
from ._lpm import Checkpoint, Error, InvalidInputError, IoError, RefusedFileError, __version__

__all__ = [
    "solve", "sweep", "transition", "design", "inspect", "load", "parameter_names", "preset_names",
    "Result", "Solution", "Sweep", "Inspection", "Checkpoint",
    "Error", "InvalidInputError", "RefusedFileError", "IoError", "__version__",
]

_REGISTRY = _lpm.parameter_names()
_PY_NAMES = {name.replace("-", "_"): name for name in _REGISTRY}


def parameter_names():
    """The model parameters every function takes, as Python keywords (lambda_W for lambda-W)."""
    return list(_PY_NAMES)


def preset_names():
    """The built-in presets (fig3a, fig3b, ...)."""
    return _lpm.preset_names()


def _text(name, value):
    """A keyword's value as the command line would type it."""
    if isinstance(value, bool):
        raise InvalidInputError(f"{name} takes a number or a word, got {value!r}")
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name} takes a number or a word, got {value!r}") from None
    if _math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def _given(params):
    given = {}
    for key, value in params.items():
        name = _PY_NAMES.get(key, key if key in _REGISTRY else None)
        if name is None:
            raise InvalidInputError(
                f"unknown parameter '{key}'; the parameters are {', '.join(_PY_NAMES)}")
        given[name] = _text(key, value)
    return given


def _ints(name, values):
    if values is None:
        return []
    if isinstance(values, int):
        values = [values]
    out = []
    for v in values:
        if isinstance(v, bool) or int(v) != v:
            raise InvalidInputError(f"{name} entries must be integers, got {v!r}")
        out.append(int(v))
    return out


class Result:
    """A result: the command line's JSON as ``.json``, and each of its keys as an attribute."""

    def __init__(self, data):
        self.json = data

    def __getattr__(self, key):
        data = self.__dict__.get("json", {})
        if key in data:
            return data[key]
        raise AttributeError(f"{type(self).__name__} has no attribute {key!r} (keys: {', '.join(data)})")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.json))

    def __repr__(self):
        keys = ("minority_state", "minority_cos", "R0", "R_vanish", "value", "summary", "objective", "gap")
        shown = ", ".join(f"{k}={self.json[k]!r}" for k in keys if k in self.json and not isinstance(self.json[k], dict))
        return f"{type(self).__name__}({shown})"


class Solution(Result):
    """One certified solve of Eq. (15). ``W``, ``H`` (class means and classifiers as rows),
    ``X`` (their 2K x 2K Gram matrix) and ``cos`` (classifier cosines) are NumPy arrays, None
    when the solve was not certified (then no geometry is claimed)."""

    def __init__(self, data, matrices):
        super().__init__(data)
        self.X = matrices.get("X")
        self.W = matrices.get("W")
        self.H = matrices.get("H")
        self.cos = matrices.get("cos")


class Sweep(Result):
    """Minority cosine versus R: ``csv`` as ``lpm sweep`` writes it, ``columns`` (NumPy arrays by
    CSV column; NaN where a cell is empty; the state columns as lists of words) and ``json``, the
    sidecar ``lpm sweep --csv F`` writes to F.json."""

    def __init__(self, csv_text, sidecar, uncertified):
        super().__init__(sidecar)
        self.csv = csv_text
        self.uncertified = uncertified
        rows = list(_csv.reader(_io.StringIO(csv_text)))
        header, body = rows[0], rows[1:]
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is a dependency of the module
            np = None
        self.columns = {}
        for i, name in enumerate(header):
            cells = [r[i] for r in body]
            if name.endswith("state"):
                self.columns[name] = cells
            else:
                values = [float(c) if c != "" else float("nan") for c in cells]
                self.columns[name] = np.array(values) if np is not None else values

    def __getitem__(self, column):
        return self.columns[column]


class Inspection(Result):
    """``lpm inspect``'s JSON (format, tensors, classifier analysis, class counts, neural-collapse
    measures) and the classifier ``W`` (K x p, NumPy; None without a classifier). Tensors are
    read with :func:`load`."""

    def __init__(self, data, W):
        super().__init__(data)
        self.W = W


def solve(*, preset=None, sizes=None, counts=None, minority=None, solver="auto", max_iterations=20000,
          matrices=False, **params):
    """Solve the convex relaxation Eq. (15) for one setting (``lpm solve``).

    ``sizes``: every class size (a sequence) or ``counts``: a file of them (.npy/.txt/.csv), instead
    of KA, KB, R; ``minority``: their 0-based minority classes. ``matrices=True`` also puts X, W, H
    and cos into ``.json`` (as ``--matrix`` does); the NumPy arrays are there either way.
    """
    if counts is not None and not isinstance(counts, (str, bytes)) and hasattr(counts, "__len__"):
        if sizes is not None:
            raise InvalidInputError("give sizes or counts, not both")
        sizes, counts = counts, None
    size_list = None if sizes is None else [float(s) for s in sizes]
    text, mats = _lpm.solve(_given(params), preset or "", size_list, "" if counts is None else str(counts),
                            _ints("minority", minority), solver, int(max_iterations), bool(matrices))
    return Solution(_json.loads(text), mats)


def sweep(*, K=None, KB=None, KA=None, R_min=1.0, R_max=1e4, points=41, refine=False, preset=None, **params):
    """Minority cosine versus R on a log grid, one curve per KA (``lpm sweep``). Give K (total
    classes) or KB (minority classes); KA defaults to 3, 5, 7 (a preset's own KA with a preset)."""
    if KA is None:
        KA = [] if preset else [3, 5, 7]
    for name in ("KA", "KB", "R"):
        if name in params:
            raise InvalidInputError(f"{name} is not taken by sweep (it sweeps R; give K or KB, and KA)")
    csv_text, side, uncertified = _lpm.sweep(_given(params), preset or "", int(K or 0), int(KB or 0),
                                             _ints("KA", KA), float(R_min), float(R_max), int(points), bool(refine))
    return Sweep(csv_text, _json.loads(side), uncertified)


def transition(*, tol=1e-3, R_max=1e100, preset=None, **params):
    """The phase transition R0 of Minority Collapse and the vanishing ratio R_vanish
    (``lpm transition``): ``.R0``, ``.R_vanish``, ``.first``, ``.summary``."""
    if "R" in params:
        raise InvalidInputError("R is not taken by transition (it searches R)")
    return Result(_json.loads(_lpm.transition(_given(params), preset or "", float(tol), float(R_max))))


def design(*, vary="wr", target_cos=0.5, lo=None, hi=None, preset=None, **params):
    """The value of one parameter that keeps the minority cosine <= target_cos at R (``lpm design``):
    ``.value``, ``.side``, ``.summary``."""
    text = _lpm.design(_given(params), preset or "", vary, float(target_cos),
                       None if lo is None else float(lo), None if hi is None else float(hi))
    return Result(_json.loads(text))


def inspect(path, *, tensor=None, KA=None, minority=None, features=None, labels=None, allow_unsafe_globals=False):
    """Read a checkpoint safely and analyse its classifier (``lpm inspect``): PyTorch zip or legacy,
    TorchScript, safetensors (sharded too), NumPy .npy/.npz."""
    text, W = _lpm.inspect(str(path), tensor or "", -1 if KA is None else int(KA), _ints("minority", minority),
                           "" if features is None else str(features), "" if labels is None else str(labels),
                           bool(allow_unsafe_globals))
    return Inspection(_json.loads(text), W)


def load(path, *, allow_unsafe_globals=False):
    """A checkpoint opened safely: ``.tensor_table()`` lists (name, dtype, shape),
    ``.tensor(name)`` returns a tensor's values as a float64 NumPy array in its shape."""
    return _lpm.load(str(path), bool(allow_unsafe_globals))
