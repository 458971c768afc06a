"""`lpm phase` against `lpm transition`: every row of the phase diagram crosses from spread to
collapsed at the R0 that `lpm transition` reports for that row's parameters (within the grid)."""
import csv
import json
import os
import subprocess

CLI = os.environ.get("LPM_CLI", "lpm")


def test_phase_rows_cross_at_transition_R0(tmp_path):
    out = tmp_path / "phase.csv"
    r = subprocess.run([CLI, "phase", "--K", "10", "--KA", "5", "--y", "EWEH", "--y-min", "1", "--y-max", "100",
                        "--R-min", "1", "--R-max", "1e6", "--nx", "120", "--ny", "12", "--csv", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = {}
    with open(out) as f:
        for line in csv.DictReader(f):
            rows.setdefault(float(line["y"]), []).append(line)
    assert len(rows) == 12 and all(len(v) == 120 for v in rows.values())
    side = json.loads((tmp_path / "phase.csv.json").read_text())
    assert side["complete"] and side["uncertified"] == 0 and side["axis"] == "EWEH"
    checked = 0
    for y, cells in rows.items():
        t = json.loads(subprocess.run([CLI, "transition", "--KA", "5", "--KB", "5", "--EW", "1", "--EH", repr(y), "--json"],
                                      capture_output=True, text=True, check=True).stdout)
        R0 = t["R0"]
        assert (cells[0]["R0_at_y"] == "") == (R0 is None)
        if R0 is None or R0 > 1e6:
            continue
        assert abs(float(cells[0]["R0_at_y"]) / R0 - 1) < 1e-9
        Rs = [float(c["R"]) for c in cells]
        first = next(i for i, c in enumerate(cells) if c["minority_state"] == "collapsed")
        assert Rs[first] >= R0 * (1 - 1e-3), (y, Rs[first], R0)
        if first > 0:
            assert Rs[first - 1] < R0 and cells[first - 1]["minority_state"] == "spread"
        # Once collapsed (or vanished), it stays so to the right.
        assert all(c["minority_state"] in ("collapsed", "vanished") for c in cells[first:])
        checked += 1
    assert checked >= 8
