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
:class:`RefusedFileError`; nothing in a checkpoint is ever run. Ctrl+C stops a long solve, sweep, transition or design query running in the main thread (Python
delivers signals there only); reading a checkpoint is not interrupted.
"""

import csv as _csv
import io as _io
import json as _json
import math as _math
import numbers as _numbers
import os as _os

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


def _is_bool(value):
    return isinstance(value, bool) or type(value).__name__ == "bool_"  # numpy.bool_ too


def _text(name, value):
    """A keyword's value as the command line would type it (a number, or a word for a choice)."""
    if isinstance(value, str):
        return value
    if _is_bool(value) or not isinstance(value, _numbers.Real):
        raise InvalidInputError(f"{name} takes a number or a word, got {value!r}")
    if isinstance(value, _numbers.Integral):
        return str(int(value))
    v = float(value)
    if _math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def _int(name, value, lo=-(2 ** 31), hi=2 ** 31 - 1):
    """An integer argument, checked here so that the message names it."""
    if _is_bool(value) or not isinstance(value, _numbers.Real):
        raise InvalidInputError(f"{name} takes an integer, got {value!r}")
    if isinstance(value, _numbers.Integral):
        v = int(value)
    else:
        f = float(value)
        if not _math.isfinite(f) or f != int(f):
            raise InvalidInputError(f"{name} takes an integer, got {value!r}")
        v = int(f)
    if not lo <= v <= hi:
        raise InvalidInputError(f"{name} must be in {lo}..{hi}, got {v}")
    return v


def _number(name, value):
    if _is_bool(value) or not isinstance(value, _numbers.Real):
        raise InvalidInputError(f"{name} takes a number, got {value!r}")
    return float(value)


def _word(name, value):
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} takes a word, got {value!r}")
    return value


def _path(name, value):
    if isinstance(value, bytes):
        value = _os.fsdecode(value)
    if not isinstance(value, (str, _os.PathLike)):
        raise InvalidInputError(f"{name} takes a file path, got {value!r}")
    return _os.fspath(value)


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
    if isinstance(values, (str, bytes)) or _is_bool(values):
        raise InvalidInputError(f"{name} takes integers (a list), got {values!r}")
    if isinstance(values, _numbers.Integral):
        values = [values]
    try:
        items = list(values)
    except TypeError:
        raise InvalidInputError(f"{name} takes integers (a list), got {values!r}") from None
    return [_int(f"{name} entries", v) for v in items]


def _numbers_list(name, values):
    if isinstance(values, (str, bytes)):
        raise InvalidInputError(f"{name} takes a sequence of numbers, got {values!r}")
    try:
        items = list(values)
    except TypeError:
        raise InvalidInputError(f"{name} takes a sequence of numbers, got {values!r}") from None
    return [_number(f"{name} entries", v) for v in items]


def _preset(value):
    if value is None:
        return ""
    return _word("preset", value)


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
    measures) and the classifier ``W`` (K x p, NumPy; None without a classifier, and for a head too
    large to hold as double, which is read from its file in blocks). Tensors are read with
    :func:`load`."""

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
    if counts is not None and not isinstance(counts, (str, bytes, _os.PathLike)):
        if sizes is not None:
            raise InvalidInputError("give sizes or counts, not both")
        sizes, counts = counts, None
    size_list = None if sizes is None else _numbers_list("sizes", sizes)
    text, mats = _lpm.solve(_given(params), _preset(preset), size_list, "" if counts is None else _path("counts", counts),
                            _ints("minority", minority), _word("solver", solver),
                            _int("max_iterations", max_iterations, 1, 10 ** 9), bool(matrices))
    return Solution(_json.loads(text), mats)


def sweep(*, K=None, KB=None, KA=None, R_min=1.0, R_max=1e4, points=41, refine=False, preset=None, **params):
    """Minority cosine versus R on a log grid, one curve per KA (``lpm sweep``). Give K (total
    classes) or KB (minority classes); KA defaults to 3, 5, 7 (a preset's own KA with a preset)."""
    if KA is None:
        KA = [] if preset else [3, 5, 7]
    for name in ("KA", "KB", "R"):
        if name in params:
            raise InvalidInputError(f"{name} is not taken by sweep (it sweeps R; give K or KB, and KA)")
    csv_text, side, uncertified = _lpm.sweep(_given(params), _preset(preset), _int("K", K or 0, 0, 10 ** 6),
                                             _int("KB", KB or 0, 0, 10 ** 6), _ints("KA", KA), _number("R_min", R_min),
                                             _number("R_max", R_max), _int("points", points, 2, 10 ** 6), bool(refine))
    return Sweep(csv_text, _json.loads(side), uncertified)


def transition(*, tol=1e-3, R_max=1e100, preset=None, **params):
    """The phase transition R0 of Minority Collapse and the vanishing ratio R_vanish
    (``lpm transition``): ``.R0``, ``.R_vanish``, ``.first``, ``.summary``."""
    if "R" in params:
        raise InvalidInputError("R is not taken by transition (it searches R)")
    return Result(_json.loads(_lpm.transition(_given(params), _preset(preset), _number("tol", tol), _number("R_max", R_max))))


def design(*, vary="wr", target_cos=0.5, lo=None, hi=None, preset=None, **params):
    """The value of one parameter that keeps the minority cosine <= target_cos at R (``lpm design``):
    ``.value``, ``.side``, ``.summary``."""
    text = _lpm.design(_given(params), _preset(preset), _word("vary", vary), _number("target_cos", target_cos),
                       None if lo is None else _number("lo", lo), None if hi is None else _number("hi", hi))
    return Result(_json.loads(text))


def inspect(path, *, tensor=None, KA=None, minority=None, features=None, labels=None, allow_unsafe_globals=False):
    """Read a checkpoint safely and analyse its classifier (``lpm inspect``): PyTorch zip or legacy,
    TorchScript, safetensors (sharded too), NumPy .npy/.npz."""
    text, W = _lpm.inspect(_path("path", path), "" if tensor is None else _word("tensor", tensor),
                           -1 if KA is None else _int("KA", KA, 0, 10 ** 9), _ints("minority", minority),
                           "" if features is None else _path("features", features),
                           "" if labels is None else _path("labels", labels), bool(allow_unsafe_globals))
    return Inspection(_json.loads(text), W)


def load(path, *, allow_unsafe_globals=False):
    """A checkpoint opened safely: ``.tensor_table()`` lists (name, dtype, shape),
    ``.tensor(name)`` returns a tensor's values as a float64 NumPy array in its shape."""
    return _lpm.load(_path("path", path), bool(allow_unsafe_globals))
