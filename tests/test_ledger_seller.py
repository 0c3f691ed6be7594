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
OWN_VAT = "01234560157"


def _other_company(workbook: Path, to: Path, name: str = "Altra Ditta S.p.A.", vat: str = OTHER_VAT) -> Path:
    """A copy of `workbook` (or the workbook itself) whose Impostazioni name another company,
    with another partita IVA."""
    if to != workbook:
        shutil.copyfile(workbook, to)
    book = openpyxl.load_workbook(to)
    for row in book["Impostazioni"].iter_rows(min_row=2):
        row[1].value = {"Partita IVA": vat, "Ragione sociale": name}.get(row[0].value, row[1].value)
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
    """A desk (the sample's data, its own company) with a day shipped and April invoiced: the
    workbook, the ledger, an invoice."""
    workbook = _other_company(sample_workbook, tmp_path / "anagrafiche.xlsx", "Bottega Verdi S.r.l.", OWN_VAT)
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
    assert "Bottega Verdi" in said and "Altra Ditta S.p.A." in said and f"IT{OTHER_VAT}" in said
    assert "--ledger" in said and "Traceback" not in said
    code, said = cli(capsys, "einvoice", other, "--ledger", url, "--month", "2026-04", "--out", tmp_path / "fe")
    assert code == 2, said
    assert not (tmp_path / "fe").exists()
    assert _counts(url) == before
    code, said = cli(capsys, "einvoice", workbook, "--ledger", url, "--month", "2026-04", "--out", tmp_path / "fe")
    assert code == 0, said
    assert all(f.name.startswith(f"IT{OWN_VAT}_") for f in (tmp_path / "fe").glob("*.xml"))


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


def test_the_samples_ledger_tells_a_new_desk_to_set_it_aside_and_start_its_own(capsys, tmp_path, sample_workbook):
    """A new desk tried the README's day on the sample, then typed its own company into the same
    workbook: the ledger beside it is the sample's, and the desk has no ledger to point
    `--ledger` at. The refusal says so, and following it starts the desk's own numbering."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 0, said
    _other_company(workbook, workbook, "Bottega Verdi S.r.l.", OWN_VAT)
    trials = tmp_path / "anagrafiche.xlsx.ledger.sqlite"
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 2, said
    assert "Forniture Rossi S.r.l. è la ditta dell'esempio" in said
    assert f"sposta il file {trials} in un'altra cartella" in said and "Traceback" not in said
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--lang", "en")
    assert code == 2 and "toolkit's sample company" in said and f"move the file {trials} to another folder" in said
    (tmp_path / "prove").mkdir()
    trials.rename(tmp_path / "prove" / trials.name)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 0, said
    assert "OC-2026-00001" in said


def test_the_samples_ledger_on_a_server_asks_for_a_new_database(capsys, tmp_path, sample_workbook, ledger_url):
    code, said = cli(capsys, "orders", "create", sample_workbook, "--date", "2026-04-09", "--ledger", ledger_url)
    assert code == 0, said
    own = _other_company(sample_workbook, tmp_path / "nostra.xlsx", "Bottega Verdi S.r.l.", OWN_VAT)
    code, said = cli(capsys, "orders", "list", own, "--ledger", ledger_url)
    assert code == 2, said
    assert "Forniture Rossi S.r.l. è la ditta dell'esempio" in said
    if ledger_url.startswith("sqlite"):
        assert "in un'altra cartella" in said
    else:
        assert "--ledger (o TOOLKIT_LEDGER_URL) un database nuovo e vuoto" in said


def test_a_button_on_the_samples_ledger_file_is_told_to_move_it(capsys, tmp_path, sample_workbook):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 0, said
    own = sessions.open_session(_other_company(workbook, workbook, "Bottega Verdi S.r.l.", OWN_VAT))
    with pytest.raises(UnusableInput) as refused:
        _ = replace(own, by_button=True).ledger
    said = refused.value.problem.message("it")
    assert "ditta dell'esempio" in said and "in un'altra cartella" in said and "--ledger" not in said
    assert "e premi di nuovo il pulsante: il primo ordine crea un registro nuovo" in said and "comando" not in said
    assert "and press the button again" in refused.value.problem.message("en")
