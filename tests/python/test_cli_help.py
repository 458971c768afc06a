"""Every option of every `lpm` subcommand says what it does, and the model commands take --preset
and --profile (the figures-and-desktop issue's command-line items)."""
import os
import re
import subprocess

import pytest

CLI = os.environ.get("LPM_CLI", "lpm")


def subcommands():
    text = subprocess.run([CLI, "--help"], capture_output=True, text=True, check=True).stdout
    block = text.split("Subcommands:", 1)[1]
    return [m.group(1) for m in re.finditer(r"^  ([a-z]+)\s{2,}\S", block, re.M)]


def test_the_subcommands_are_listed():
    assert {"solve", "sweep", "transition", "design", "phase", "inspect", "figure", "animate"} <= set(subcommands())


@pytest.mark.parametrize("command", subcommands())
def test_every_option_has_help_text(command):
    text = subprocess.run([CLI, command, "--help"], capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    options = 0
    for i, line in enumerate(lines):
        m = re.match(r"^  (-\S.*?)(?:\s{2,}(\S.*))?$", line)
        if not m:
            continue
        options += 1
        described = m.group(2) or (i + 1 < len(lines) and re.match(r"^\s{8,}\S", lines[i + 1]))
        assert described, f"lpm {command}: option '{m.group(1).strip()}' has no help text"
    assert options >= 2, text


@pytest.mark.parametrize("command", ["solve", "sweep", "transition"])
def test_model_commands_take_preset_and_profile(command):
    r = subprocess.run([CLI, command, "--preset", "longtail", "--profile", "exponential"] +
                       (["--points", "3"] if command == "sweep" else []), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([CLI, command, "--profile", "zipf"], capture_output=True, text=True)
    assert r.returncode == 2 and "profile" in r.stderr, r.stderr
