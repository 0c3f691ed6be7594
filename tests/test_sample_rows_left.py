"""A desk's own workbook made over the sample: the sheets it never looked at keep the sample's
rows, which act on its customers and items wherever the codes agree, so the data check warns
of them once *Impostazioni* name the desk's company (`toolkit.intake.validation.leftovers`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from test_printing import cli

from toolkit.intake.sample import Scale, sample_rows
from toolkit.intake.validation import check_file
from toolkit.writers.master_workbook import write_master

OWN = {"Ragione sociale": "Bottega Verdi S.r.l.", "Partita IVA": "01234560157"}


def _own_company(sample: Path, to: Path) -> Path:
    shutil.copyfile(sample, to)
    book = openpyxl.load_workbook(to)
    for row in book["Impostazioni"].iter_rows(min_row=2):
        row[1].value = OWN.get(row[0].value, row[1].value)
    book.save(to)
    return to


def test_the_samples_rows_left_under_the_desks_own_company_are_warned_of_at_their_sheet(tmp_path, sample_workbook):
    workbook = _own_company(sample_workbook, tmp_path / "anagrafiche.xlsx")
    book = openpyxl.load_workbook(workbook)
    closures = book["Chiusure"]
    closures.delete_rows(2)
    closures.append(["01/05/2026", "01/05/2026", "Festa dei lavoratori"])
    book["Vettori"].delete_rows(2, book["Vettori"].max_row)
    book.save(workbook)
    left = {(p.sheet, p.cell): p for p in check_file(workbook).problems if p.code == "sample-rows-left"}
    assert set(left) == {("Destinazioni", "A2"), ("Contatti", "A2"), ("Regole prezzo", "A2"), ("Chiusure", "A2"),
                         ("Eccezioni", "A2"), ("Sconti volume", "A2"), ("Provvigioni", "A2"),
                         ("Agenti clienti", "A2")}, sorted(left)
    assert left[("Chiusure", "A2")].message("it") == (
        "Il foglio Chiusure ha ancora 2 righe dell'esempio di toolkit (la prima alla riga 2), che valgono come le "
        "tue: prezzi, sconti, chiusure, vettori, indirizzi e agenti dell'esempio finirebbero nei tuoi ordini e "
        "documenti. Cancellale se non sono tue.")
    assert "Sheet Regole prezzo still has 4 rows of toolkit's sample" in left[("Regole prezzo", "A2")].message("en")


def test_a_row_the_desk_changed_is_its_own(tmp_path, sample_workbook):
    workbook = _own_company(sample_workbook, tmp_path / "anagrafiche.xlsx")
    book = openpyxl.load_workbook(workbook)
    rules = book["Regole prezzo"]
    price = [c.value for c in rules[1]].index("Prezzo") + 1
    rules.cell(3, price).value = 14.5
    for r in (5, 4, 2):
        rules.delete_rows(r)
    book.save(workbook)
    assert not [p for p in check_file(workbook).problems if p.sheet == "Regole prezzo" and p.code == "sample-rows-left"]


def test_the_sample_itself_and_its_demo_are_not_warned(capsys, tmp_path, sample_workbook):
    assert not [p for p in check_file(sample_workbook).problems if p.code == "sample-rows-left"]
    code, said = cli(capsys, "check", sample_workbook)
    assert code == 0 and "esempio" not in said, said
    code, said = cli(capsys, "check", _own_company(sample_workbook, tmp_path / "nostra.xlsx"))
    assert code == 0 and "Righe dell'esempio rimaste" in said, said


def test_the_samples_company_left_over_the_desks_own_customers_is_warned_of(capsys, tmp_path, sample_workbook):
    """The other way round: the desk typed its customers and forgot *Impostazioni*, so its
    DDTs, invoices and e-invoices would carry the sample's company and partita IVA."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    book = openpyxl.load_workbook(workbook)
    book["Clienti"]["B2"] = "Bar Sport di Rossi Mario"
    book.save(workbook)
    [left] = [p for p in check_file(workbook).problems if p.code == "sample-company-left"]
    assert (left.sheet, left.cell) == ("Impostazioni", "B3")
    assert left.message("it").startswith("Impostazioni indica ancora la ditta dell'esempio, Forniture Rossi S.r.l. "
                                         "(partita IVA 09876540155), ma i clienti sono tuoi")
    code, said = cli(capsys, "check", workbook, "--lang", "en")
    assert code == 0 and "Impostazioni still name the sample's company" in said, said
    assert not [p for p in check_file(sample_workbook).problems if p.code == "sample-company-left"]


def test_a_sample_rule_the_desk_made_its_own_in_a_column_the_sample_left_empty_is_not_warned(tmp_path,
                                                                                              sample_workbook):
    """The sample's PV-STD (3 % on everything, no agent, no customer) kept by code and rate and
    narrowed to the desk's own agent and customer is the desk's row, not the sample's."""
    workbook = _own_company(sample_workbook, tmp_path / "anagrafiche.xlsx")
    book = openpyxl.load_workbook(workbook)
    commissions = book["Provvigioni"]
    headings = [c.value for c in commissions[1]]
    commissions.delete_rows(3, commissions.max_row)
    commissions.cell(2, headings.index("Agente") + 1).value = "Laura Colombo"
    commissions.cell(2, headings.index("Cliente") + 1).value = "C002"
    book.save(workbook)
    problems = check_file(workbook).problems
    assert not [p for p in problems if p.sheet == "Provvigioni" and p.code == "sample-rows-left"]
    assert ("Agenti clienti", "A2") in {(p.sheet, p.cell) for p in problems if p.code == "sample-rows-left"}


def test_the_benchmarks_workbook_made_under_the_samples_company_is_not_told_its_customers_are_the_desks(tmp_path):
    """`sample_rows(Scale.S)` (and M, L) generates its own customers under the sample's company:
    none is typed by a desk, so the data check says nothing of the company."""
    path = write_master(tmp_path / "bench-S.xlsx", sample_rows(Scale.S), lang="it", constant_memory=True)
    checked = check_file(path)
    assert checked.master.settings.company_name == "Forniture Rossi S.r.l." and len(checked.master.customers) == 50
    assert not [p for p in checked.problems if p.code.startswith("sample-")]
    book = openpyxl.load_workbook(path)
    customers = book["Clienti"]
    vat = [c.value for c in customers[1]].index("Partita IVA") + 1
    customers.cell(2, vat).value = "01234560157"
    book.save(path)
    assert [(p.sheet, p.cell) for p in check_file(path).problems if p.code == "sample-company-left"] == [
        ("Impostazioni", "B3")]
