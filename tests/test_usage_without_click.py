"""A usage error on a fresh install, where typer (0.19 and later) brings its own copy of click and
the click package is not installed: every mistake in a command line (a date typed 2026/04/09, a
missing `--out`) ended in a traceback, `No module named 'click'`, since the answer imported
click's `UsageError`. The development environment has click (import-linter needs it), so the
tests never met it; here the child process is made to lack it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

WITHOUT_CLICK = (
    "import sys\n"
    "sys.modules['click'] = None\n"  # an import of click now fails as on a venv without it
    "sys.argv = ['toolkit', *sys.argv[1:]]\n"
    "from toolkit.cli.start import main\n"
    "main()\n"
)


def _toolkit_without_click(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_CLICK, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def workbook(tmp_path, sample_workbook) -> Path:
    copy = tmp_path / "anagrafiche.xlsx"
    copy.write_bytes(sample_workbook.read_bytes())
    return copy


@pytest.mark.parametrize(("args", "said"), [
    (("orders", "preview", "anagrafiche.xlsx", "--date", "2026/04/09"), "--date"),
    (("print", "ddt", "anagrafiche.xlsx", "--date", "2026-04-09"), "--out"),
    (("print", "anagrafiche.xlsx", "--date", "2026-04-09", "--out", "x.xlsx"), "Manca il tipo"),
])
def test_a_mistake_in_the_command_line_is_told_without_the_click_package(workbook, args, said):
    result = _toolkit_without_click(*args, cwd=workbook.parent)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Errore: ") and said in result.stderr, result.stderr
    assert sorted(p.name for p in workbook.parent.iterdir()) == ["anagrafiche.xlsx"]
