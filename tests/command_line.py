"""The `toolkit` command as tests run it: in this process with its one JSON answer, or as a
process of its own (what a desk's shell or a colleague's PC runs: its own imports, its exit)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from toolkit.cli import app, output


def in_process(args: list[object], capsys) -> tuple[int, dict]:
    """Run one command line in this process, as `toolkit` would, and read its one JSON object."""
    app._register()
    output.reset()
    code = app.run([*map(str, args), "--json"])
    return code, json.loads(capsys.readouterr().out)


def as_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run `python -m toolkit` with `args` in `cwd`, its output captured as text."""
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=cwd, capture_output=True, text=True, timeout=300)
