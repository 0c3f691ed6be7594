"""A ledger is one seller's: another company's workbook (another partita IVA in Impostazioni)
pointed at it is refused, exit 2 and nothing written, naming both companies and the fix; the
seller's own workbook keeps working (`toolkit.services.session`, `toolkit.ledger.parties.owner`)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from test_printing import cli

from toolkit.basics.problems import UnusableInput
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.services import session as sessions

OTHER_VAT = "07654320154"


def _other_company(workbook: Path, to: Path) -> Path:
    """A copy of `workbook` whose Impostazioni name another company, with another partita IVA."""
    shutil.copyfile(workbook, to)
    book = openpyxl.load_workbook(to)
    for row in book["Impostazioni"].iter_rows(min_row=2):
        row[1].value = {"Partita IVA": OTHER_VAT, "Ragione sociale": "Altra Ditta S.p.A."}.get(row[0].value, row[1].value)
    book.save(to)
    return to


def _counts(url: str) -> tuple[int, ...]:
    ledger = open_ledger(url)
    try:
        with reading(ledger) as conn:
            return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                         for t in (schema.invoices, schema.einvoice_files, schema.events, schema.issued_parties))
    finally:
        ledger.engine.dispose()


@pytest.fixture
def invoiced(capsys, tmp_path, sample_workbook, ledger_url) -> tuple[Path, str, str]:
    """The sample desk with a day shipped and April invoiced: the workbook, the ledger, an invoice."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all"),
                 ("invoice", workbook, "--month", "2026-04", "--final", "--out", tmp_path / "inv")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    ledger = open_ledger(ledger_url)
    with reading(ledger) as conn:
        first = conn.execute(select(schema.invoices.c.number).order_by(schema.invoices.c.number)).scalars().first()
    ledger.engine.dispose()
    return workbook, ledger_url, f"FT-2026-{first:05d}"


def test_another_companys_workbook_is_refused_on_the_ledger_naming_both(capsys, tmp_path, invoiced):
    workbook, url, invoice = invoiced
    other = _other_company(workbook, tmp_path / "altra.xlsx")
    before = _counts(url)
    code, said = cli(capsys, "invoice", "credit", other, "--ledger", url, "--invoice", invoice, "--lines", "1:1",
                     "--reason", "prova", "--date", "2026-05-08")
    assert code == 2, said
    assert "Forniture Rossi" in said and "Altra Ditta S.p.A." in said and f"IT{OTHER_VAT}" in said
    assert "--ledger" in said and "Traceback" not in said
    code, said = cli(capsys, "einvoice", other, "--ledger", url, "--month", "2026-04", "--out", tmp_path / "fe")
    assert code == 2, said
    assert not (tmp_path / "fe").exists()
    assert _counts(url) == before
    code, said = cli(capsys, "einvoice", workbook, "--ledger", url, "--month", "2026-04", "--out", tmp_path / "fe")
    assert code == 0, said
    assert all(f.name.startswith("IT09876540155_") for f in (tmp_path / "fe").glob("*.xml"))


def test_a_button_is_told_to_use_the_companys_own_workbook(capsys, tmp_path, invoiced):
    workbook, url, _ = invoiced
    other = sessions.open_session(_other_company(workbook, tmp_path / "altra.xlsx"), url)
    with pytest.raises(UnusableInput) as refused:
        _ = replace(other, by_button=True).ledger
    said = refused.value.problem.message("it")
    assert refused.value.problem.code == "ledger-of-another-seller"
    assert "Altra Ditta S.p.A." in said and "--ledger" not in said and "cartella di lavoro di questa ditta" in said


def test_a_new_ledger_takes_any_seller(capsys, tmp_path, sample_workbook):
    other = _other_company(sample_workbook, tmp_path / "altra.xlsx")
    code, said = cli(capsys, "orders", "create", other, "--date", "2026-04-09")
    assert code == 0, said
