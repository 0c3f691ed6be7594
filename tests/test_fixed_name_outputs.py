"""Files a verb writes under a name of its own (the demo's data check, convert's report) pass
the check `--out` files have: a workbook the toolkit did not write there, or wrote as another
kind, is never replaced; the verb's own earlier file is."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from toolkit.cli import app, output


def run(args: list[str], capsys) -> tuple[int, str, str]:
    app._register()
    output.reset()
    code = app.run(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def users_own(path: Path) -> bytes:
    """A workbook of the user's own (no kind mark) saved at `path`; its bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.active["A1"] = "miei conti"
    book.save(path)
    return path.read_bytes()


def not_ours(path: Path, kind: str, asked: str) -> str:
    return (f"Il file {path} esiste già e non è un file «{kind}» scritto da toolkit (non l'ha scritto toolkit, o "
            f"una versione che non lo segnava): non lo sostituisco. {asked}, oppure sposta o cancella quel file.")


def test_the_demo_keeps_a_users_own_workbook_named_as_its_data_check(tmp_path, capsys):
    out = tmp_path / "demo"
    own = out / "controllo-dati.xlsx"
    before = users_own(own)
    code, _, said = run(["demo", "--out", str(out)], capsys)
    assert code == 2
    assert not_ours(own, "controllo dati", "Scegli un'altra cartella per --out") in " ".join(said.split())
    assert own.read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert sorted(p.name for p in out.iterdir()) == ["controllo-dati.xlsx"], "refused before the sample is written"


@pytest.mark.parametrize("name", ["avvisi.xlsx", "pannello.xlsx", "scadenzario.xlsx", "report-vendite.xlsx"])
def test_the_demo_refuses_a_users_own_workbook_under_a_name_it_writes_before_writing_anything(tmp_path, capsys,
                                                                                               name):
    """A workbook of the desk's named as the month's warnings (or its panel, its schedule, its
    report) was refused only when that file was written, at the end: the sample, the ledger and
    the month's orders, DDTs and invoices written by then. Refused first, nothing written."""
    out = tmp_path / "demo"
    own = out / name
    before = users_own(own)
    code, _, said = run(["demo", "--out", str(out)], capsys)
    assert code == 2
    assert f"Il file {own} esiste già e non è un file «" in " ".join(said.split())
    assert "Scegli un'altra cartella per --out" in " ".join(said.split())
    assert own.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [name]


@pytest.mark.parametrize("name", ["ordini/ordini-2026-04-15.xlsx", "ddt/ddt-2026-04-30.xlsx",
                                  "fatture/copie-fatture-2026-04.xlsx", "provvigioni/provvigioni-20260401-20260430.xlsx",
                                  "listini/listino-INGROSSO-2026-04-30.xlsx", "sconti/fatture-sconti-2026-04.xlsx"])
def test_the_demo_refuses_a_users_own_workbook_in_its_subfolders_before_writing_anything(tmp_path, capsys, name):
    """The names the demo gives its files in its subfolders (a day's orders, the month's
    invoices, the agents' statements, a derived price list) were checked only when each was
    written: a desk's workbook named as the 15th's orders stopped the demo on the 15th, the
    sample, the ledger and the first half of April's orders, DDTs and files left behind."""
    out = tmp_path / "demo"
    own = out / name
    before = users_own(own)
    code, _, said = run(["demo", "--out", str(out)], capsys)
    assert code == 2, said
    assert f"Il file {own} esiste già e non è un file «" in " ".join(said.split()), said
    assert own.read_bytes() == before
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == sorted([str(Path(name).parent), name])


def test_the_demo_refuses_a_file_of_its_own_open_in_excel_before_writing_anything(tmp_path, capsys):
    """The panel of an earlier demo open in Excel (its lock file `~$pannello.xlsx` beside it) was
    refused only when the panel came, after the whole month was stored and printed: a file the
    demo writes under a name of its own is asked before anything is written, open or not."""
    out = tmp_path / "demo"
    out.mkdir()
    (out / "~$pannello.xlsx").write_bytes(b"anna")
    code, _, said = run(["demo", "--out", str(out)], capsys)
    assert code == 2, said
    assert f"Il file {out / 'pannello.xlsx'} è aperto in Excel" in " ".join(said.split())
    assert sorted(p.name for p in out.iterdir()) == ["~$pannello.xlsx"], "refused before the sample is written"


class Stamped(datetime):
    """The clock convert names its report by, stopped."""

    @classmethod
    def now(cls, tz=None):
        return cls(2026, 4, 9, 10, 30, 0)


def test_convert_keeps_a_users_own_workbook_named_as_its_report_and_its_own_earlier_reports(tmp_path, capsys,
                                                                                         monkeypatch):
    """The report is named by the second the run ended: a workbook of the user's own at that
    name, or the report of a run that ended in the same second, stays as it is, and the report
    takes the next free name beside it (`…-2.xlsx`), as files named anew each time do."""
    import toolkit.services.convert

    monkeypatch.setattr(toolkit.services.convert, "datetime", Stamped)
    (tmp_path / "a.csv").write_text("Codice;Prezzo\nA1;12,50\n", encoding="utf-8")
    out = tmp_path / "out"
    report = out / "conversione-20260409-103000.xlsx"
    before = users_own(report)
    args = ["convert", str(tmp_path / "a.csv"), "--to", "xlsx", "--out", str(out), "--jobs", "1", "--json"]
    code, said, _ = run(args, capsys)
    assert (code, json.loads(said)["report"]) == (0, str(out / "conversione-20260409-103000-2.xlsx"))
    assert report.read_bytes() == before
    first = (out / "conversione-20260409-103000-2.xlsx").read_bytes()
    code, said, _ = run(args, capsys)
    assert (code, json.loads(said)["report"]) == (0, str(out / "conversione-20260409-103000-3.xlsx"))
    assert (out / "conversione-20260409-103000-2.xlsx").read_bytes() == first
