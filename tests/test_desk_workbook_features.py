"""The desk's workbook as a sales assistant keeps it with what Excel and LibreOffice offer:
saved as .ods, tables with a Total Row, and the other shapes the sheets take in daily use. Each
case is the bundled workbook (or the sample) changed as the user would, then read by the verbs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit.cli import app, output

XLSM = Path(__file__).resolve().parents[1] / "workbooks" / "ordini-ricorrenti.xlsm"


def toolkit(args: list[str], capsys) -> tuple[int, dict]:
    app._register()
    output.reset()
    code = app.run([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_bundled_workbook_saved_as_ods_by_libreoffice_is_read(tmp_path, capsys):
    """LibreOffice keeps the workbook's VBA as Basic libraries, parts that open with a DOCTYPE
    naming its own DTD: the guard refused the whole file as unsafe, exit 2, and told the desk to
    ask for «una copia salvata da Excel» of a file it had saved itself."""
    from toolkit.writers import libreoffice

    if libreoffice.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    shutil.copy(XLSM, tmp_path / "ordini-ricorrenti.xlsm")
    saved = libreoffice.convert(tmp_path / "ordini-ricorrenti.xlsm", "ods", tmp_path / "saved")
    code, answer = toolkit(["check", str(saved)], capsys)
    assert (code, answer["problems"]) == (0, [])
