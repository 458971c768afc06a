"""The Python module `lpm` against the `lpm` command line, PyTorch's own values and bad input.

Run by ctest (tests/CMakeLists.txt, test `python_module`) with PYTHONPATH at the built module and
LPM_CLI the built `lpm`; by hand:
    PYTHONPATH=build/release/python LPM_CLI=build/release/app/lpm /usr/bin/python3 -m pytest tests/python
"""
import json
import math
import os
import subprocess
import threading
import time
import _thread

import numpy as np
import pytest

import lpm

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
CKPT = os.path.join(DATA, "checkpoints")
TRAINED = os.path.join(DATA, "trained")
CLI = os.environ.get("LPM_CLI", "lpm")

# What differs between two runs of the same computation: wall-clock times.
TIMES = {"solve_ms", "ms"}


def cli(*args, expect=0):
    r = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert r.returncode == expect, r.stderr
    return r


def cli_json(*args):
    return json.loads(cli(*args, "--json").stdout)


def without_times(d):
    if isinstance(d, dict):
        return {k: without_times(v) for k, v in d.items() if k not in TIMES}
    if isinstance(d, list):
        return [without_times(v) for v in d]
    return d


def cli_error(*args, code=2):
    r = cli(*args, expect=code)
    line = r.stderr.strip()
    assert line.startswith("lpm: ")
    return line[len("lpm: "):]


# --- The same numbers as the command line -------------------------------------------------------

def test_solve_equals_cli_json():
    r = lpm.solve(KA=5, KB=5, EW=1, EH=5, R=100)
    assert without_times(r.json) == without_times(cli_json("solve", "--KA", "5", "--KB", "5", "--EW", "1", "--EH", "5", "--R", "100"))
    assert r.certified and r.minority_state == "collapsed"
    assert r.minority_cos == r.json["minority_cos"]


def test_solve_matrices_equal_cli_matrix():
    args = dict(KA=3, KB=2, EW=1, EH=5, R=10, loss="ldam", margin=0.5)
    r = lpm.solve(matrices=True, **args)
    ref = cli_json("solve", "--KA", "3", "--KB", "2", "--EW", "1", "--EH", "5", "--R", "10", "--loss", "ldam",
                   "--margin", "0.5", "--matrix")
    assert without_times(r.json) == without_times(ref)
    for name in ("X", "W", "H", "cos"):
        a = getattr(r, name)
        assert isinstance(a, np.ndarray) and a.dtype == np.float64
        np.testing.assert_array_equal(a, np.array(ref[name]))
    assert r.W.shape == (5, 5) and r.X.shape == (10, 10)


def test_solve_sizes_and_penalized_equal_cli():
    r = lpm.solve(sizes=[5000, 5000, 500, 50, 50], solver="general")
    assert without_times(r.json) == without_times(cli_json("solve", "--sizes", "5000,5000,500,50,50", "--solver", "general"))
    p = lpm.solve(KA=5, KB=5, nA=500, lambda_W=1e-3, lambda_H=1e-3, R=20)
    assert without_times(p.json) == without_times(
        cli_json("solve", "--KA", "5", "--KB", "5", "--nA", "500", "--lambda-W", "1e-3", "--lambda-H", "1e-3", "--R", "20"))
    assert p.json["formulation"] == "penalized"


def test_preset_equals_cli():
    r = lpm.solve(preset="fig3a", R=8)
    assert without_times(r.json) == without_times(cli_json("solve", "--preset", "fig3a", "--R", "8"))


def test_sweep_equals_cli_csv():
    s = lpm.sweep(K=10, KA=[3, 5], EW=1, EH=5, R_min=1, R_max=1e3, points=7)
    assert s.csv == cli("sweep", "--K", "10", "--KA", "3,5", "--EW", "1", "--EH", "5", "--R-min", "1", "--R-max", "1e3",
                        "--points", "7").stdout
    assert s["R"].shape == (14,) and s["minority_state"][0] == "spread"
    assert s.uncertified == 0 and len(s.json["curves"]) == 2


def test_transition_and_design_equal_cli():
    t = lpm.transition(KA=5, KB=5, EW=1, EH=5)
    assert without_times(t.json) == without_times(cli_json("transition", "--KA", "5", "--KB", "5", "--EW", "1", "--EH", "5"))
    assert 12.1 < t.R0 < 12.2
    d = lpm.design(KA=5, KB=5, EW=1, EH=5, R=1000, vary="wr", target_cos=0.5)
    assert without_times(d.json) == without_times(
        cli_json("design", "--KA", "5", "--KB", "5", "--EW", "1", "--EH", "5", "--R", "1000", "--vary", "wr",
                 "--target-cos", "0.5"))
    assert d.status == "found" and d.value > 1


def test_every_loss_and_model_form():
    for kw in (dict(loss="label-smoothing", alpha=0.1), dict(loss="logit-adjusted", tau=1), dict(loss="vs", gamma=0.2, tau=0.5),
               dict(loss="mse", EW=0.5, EH=1), dict(classifier="fixed-etf"), dict(model="supcon", temperature=0.5)):
        args = dict(KA=3, KB=2, R=10, **kw)
        r = lpm.solve(**args)
        flags = [f"--{k.replace('_', '-')}={v}" for k, v in args.items()]
        assert without_times(r.json) == without_times(cli_json("solve", *flags)), kw
        assert r.certified, kw


def test_inspect_equals_cli_json():
    path = os.path.join(TRAINED, "mlp_R100.pt")
    feats = os.path.join(TRAINED, "mlp_R100_features.npz")
    r = lpm.inspect(path, features=feats)
    assert without_times(r.json) == without_times(cli_json("inspect", path, "--features", feats))
    assert r.W.shape == tuple(r.classifier["shape"])
    assert r.imbalance_ratio == 100.0
    k = lpm.inspect(os.path.join(CKPT, "training.pth"), KA=3)
    assert without_times(k.json) == without_times(cli_json("inspect", os.path.join(CKPT, "training.pth"), "--KA", "3"))


# --- Checkpoints: the values PyTorch wrote -------------------------------------------------------

def test_tensors_equal_torch_values():
    """expected.json holds the values torch.load returned when tests/scripts/make_checkpoints.py
    wrote the files; every tensor read through the module equals them."""
    with open(os.path.join(CKPT, "expected.json")) as f:
        expected = json.load(f)
    checked = 0
    for name, entry in expected.items():
        if "tensors" not in entry:
            continue
        c = lpm.load(os.path.join(CKPT, name))
        table = {t[0]: t for t in c.tensor_table()}
        for tname, t in entry["tensors"].items():
            a = c.tensor(tname)
            assert isinstance(a, np.ndarray) and a.dtype == np.float64
            assert list(a.shape) == t["shape"], (name, tname)
            assert list(table[tname][2]) == t["shape"]
            want = np.array(t["values"], dtype=np.float64).reshape(t["shape"])
            np.testing.assert_array_equal(a, want, err_msg=f"{name}:{tname}")
            checked += 1
    assert checked > 30


def test_tensors_equal_torch_load_live():
    torch = pytest.importorskip("torch")
    path = os.path.join(TRAINED, "mlp_R100.pt")
    sd = torch.load(path, map_location="cpu", weights_only=True)
    c = lpm.load(path)
    names = [t[0] for t in c.tensor_table()]
    assert sorted(names) == sorted(sd.keys())
    for name, value in sd.items():
        np.testing.assert_array_equal(c.tensor(name), value.double().numpy())


def test_tensor_is_one_owned_array():
    c = lpm.load(os.path.join(CKPT, "state_dict.pt"))
    a = c.tensor("features.weight")
    assert a.flags["C_CONTIGUOUS"] and a.flags["OWNDATA"] is False  # a view on the reader's buffer
    assert a.base is not None
    del c
    assert np.isfinite(a).all()  # the array keeps its data alive on its own


# --- Bad input: the command line's words ---------------------------------------------------------

@pytest.mark.parametrize("kwargs,args", [
    (dict(EW=-1), ["--EW", "-1"]),
    (dict(KA=5, KB=5, R=0.5), ["--KA", "5", "--KB", "5", "--R", "0.5"]),
    (dict(loss="hinge"), ["--loss", "hinge"]),
    (dict(alpha=0.1), ["--alpha", "0.1"]),
    (dict(preset="nope"), ["--preset", "nope"]),
])
def test_bad_input_raises_cli_message(kwargs, args):
    with pytest.raises(ValueError) as e:
        lpm.solve(**kwargs)
    assert isinstance(e.value, lpm.InvalidInputError) and isinstance(e.value, lpm.Error)
    message = cli_error("solve", *args)
    assert str(e.value) == message.replace("--", "")


def test_unknown_keyword_and_bad_types():
    with pytest.raises(ValueError, match="unknown parameter 'Ew'"):
        lpm.solve(Ew=1)
    with pytest.raises(ValueError, match="takes a number"):
        lpm.solve(EW=[1])
    with pytest.raises(ValueError, match="give K"):
        lpm.sweep(KA=[3])


def test_refused_file_raises_cli_message():
    evil = os.path.join(CKPT, "evil_os_system.pt")
    with pytest.raises(lpm.RefusedFileError) as e:
        lpm.inspect(evil)
    assert str(e.value) == cli_error("inspect", evil, code=1)
    with pytest.raises(lpm.RefusedFileError):
        lpm.load(os.path.join(CKPT, "truncated.pt"))
    with pytest.raises(lpm.Error):
        lpm.load(os.path.join(CKPT, "no-such-file.pt"))


# --- The GIL and Ctrl+C --------------------------------------------------------------------------

def long_tail(K):
    return [5000 * 100 ** (-k / (K - 1)) for k in range(K)]


def test_gil_released_during_solve():
    count = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.05)
    before = count[0]
    r = lpm.solve(sizes=long_tail(60), solver="general")
    during = count[0] - before
    stop.set()
    t.join()
    assert r.certified
    # With the GIL held for the whole solve the other thread could not have counted at all.
    assert during > 1000, during


def test_keyboard_interrupt_cancels_a_long_solve():
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        lpm.solve(sizes=long_tail(400), solver="general")
    timer.cancel()
    assert time.monotonic() - started < 30
    assert lpm.solve(KA=3, KB=2, R=10).certified  # the module works on afterwards


def test_version_matches_cli():
    assert cli("--version").stdout.strip() == "lpm " + lpm.__version__
    assert math.isfinite(lpm.solve(KA=2, KB=2, R=math.inf).objective)


def test_defaults_given_as_floats_are_accepted():
    # alpha = 0.0 is the default, not a label-smoothing request (the CLI's --alpha 0.0 too).
    r = lpm.solve(KA=3, KB=2, R=10, alpha=0.0, gamma=0.0, temperature=1.0)
    assert r.certified
    assert cli("solve", "--KA", "3", "--KB", "2", "--R", "10", "--alpha", "0.0").returncode == 0
    with pytest.raises(ValueError, match="alpha does not enter the model"):
        lpm.solve(KA=3, KB=2, R=10, alpha=0.1)


@pytest.mark.parametrize("call,message", [
    (lambda: lpm.solve(R=np.True_), "R takes a number"),
    (lambda: lpm.solve(sizes="1,2,3"), "sizes takes a sequence of numbers"),
    (lambda: lpm.solve(sizes=[1, 2, 3], minority="2,3"), "minority takes integers"),
    (lambda: lpm.solve(sizes=[1, 2, 3], minority=[float("nan")]), "minority entries takes an integer"),
    (lambda: lpm.solve(max_iterations=2 ** 40), "max_iterations must be in"),
    (lambda: lpm.solve(solver=None), "solver takes a word"),
    (lambda: lpm.sweep(K=10.9), "K takes an integer"),
    (lambda: lpm.sweep(K=10, preset=0), "preset takes a word"),
    (lambda: lpm.inspect(None), "path takes a file path"),
])
def test_wrong_types_are_refused_by_name(call, message):
    with pytest.raises(lpm.InvalidInputError, match=message):
        call()


def test_message_with_file_bytes_is_kept():
    with pytest.raises(lpm.Error) as e:
        lpm.solve(counts=os.path.join(CKPT, "random.bin"))
    assert "random.bin" in str(e.value)


def test_threads_share_one_checkpoint():
    c = lpm.load(os.path.join(TRAINED, "mlp_R100.pt"))
    names = [t[0] for t in c.tensor_table()]
    want = {n: c.tensor(n) for n in names}
    bad = []

    def read():
        for _ in range(40):
            for n in names:
                try:
                    if not np.array_equal(c.tensor(n), want[n]):
                        bad.append(n)
                except lpm.Error as e:
                    bad.append(str(e))

    threads = [threading.Thread(target=read) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad, bad[:3]


def test_daemon_thread_at_exit_does_not_abort():
    code = ("import threading, time, lpm\n"
            "sizes = [5000 * 100 ** (-k / 399) for k in range(400)]\n"
            "threading.Thread(target=lambda: lpm.solve(sizes=sizes, solver='general'), daemon=True).start()\n"
            "time.sleep(0.3)\n")
    for _ in range(3):
        r = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
