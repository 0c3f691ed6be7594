"""What a desk's command pays before its work: the modules it imports that it never uses.

Each command is a fresh process (each button too), so every module imported at its start is
paid again at every press: a command that writes no workbook imports neither XlsxWriter nor
the Excel buttons (the command line reads only the front-end workbook's paths, for `workbook
build`'s defaults), about 40 ms of each start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEVER_USED = ["toolkit.excel.buttons", "xlsxwriter"]
"""Imported by no step of `orders preview` and `orders create` without `--out`."""


def _imported_by(*args: str) -> tuple[int, list[str], dict]:
    """Run `toolkit ARGS --json` in a fresh process: its exit code, which of `NEVER_USED` it
    imported, and its reply."""
    script = (
        "import contextlib, io, json, sys\n"
        "from toolkit.cli import app\n"
        "app._register()\n"
        "said = io.StringIO()\n"
        "with contextlib.redirect_stdout(said):\n"
        f"    code = app.run({[*args, '--json']!r})\n"
        f"print(json.dumps([code, [m for m in {NEVER_USED!r} if m in sys.modules], said.getvalue()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    code, imported, said = json.loads(done.stdout.strip().splitlines()[-1])
    return code, imported, json.loads(said)


def test_previewing_and_creating_a_date_import_neither_the_excel_buttons_nor_xlsxwriter(sample_workbook, tmp_path):
    ledger = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    day = ["--date", "2026-04-09", "--ledger", ledger]
    code, imported, shown = _imported_by("orders", "preview", str(sample_workbook), *day)
    assert (code, imported) == (0, [])
    assert shown["orders"]
    code, imported, made = _imported_by("orders", "create", str(sample_workbook), *day)
    assert (code, imported) == (0, [])
    assert len(made["created"]) == len(shown["orders"])


def test_the_buttons_are_there_when_excel_asks_for_one() -> None:
    script = (
        "import sys, toolkit.excel as x\n"
        "before = 'toolkit.excel.buttons' in sys.modules\n"
        "from toolkit.excel import preview_orders\n"
        "print(before, x.check_data.__module__, preview_orders is x.preview_orders, 'xlwings' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "toolkit.excel.buttons", "True", "False"]


def test_a_name_the_excel_package_lacks_is_an_attribute_error() -> None:
    import toolkit.excel as x

    try:
        x.no_such_button  # noqa: B018
    except AttributeError as missing:
        assert "no_such_button" in str(missing)
    else:
        raise AssertionError("no AttributeError")
