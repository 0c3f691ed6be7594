"""A heading the toolkit does not read, over data, on a sheet lacking an optional column: found
by fuzzing the sample (seed 40958), `Articolo` on *Regole prezzo* headed `CIG` passed the check
with no problem, and R002's special price for C008 on A001 priced every item C008 orders."""

from __future__ import annotations

import pytest

from toolkit.basics.problems import Severity
from toolkit.intake.sources import from_values, read_workbook
from toolkit.intake.validation import check


@pytest.fixture
def sample_sheets(sample_workbook):
    raw = read_workbook(sample_workbook)
    return raw.name, {s.name: [list(r) for r in s.rows] for s in raw.sheets}


def _headed(sheets: dict, sheet: str, old: str, new: str) -> None:
    header = sheets[sheet][0]
    header[header.index(old)] = new


def _found(name: str, sheets: dict, sheet: str):
    result = check(from_values(name, sheets))
    return result, [(p.cell, p.code, p.severity) for p in result.problems if p.sheet == sheet]


@pytest.mark.parametrize("heading", ["CIG", "Articolo (codice)"])
def test_an_item_column_headed_otherwise_on_price_rules_stops_the_check_at_its_heading(sample_sheets, heading):
    name, sheets = sample_sheets
    _headed(sheets, "Regole prezzo", "Articolo", heading)
    result, found = _found(name, sheets, "Regole prezzo")
    assert found == [("D1", "unread-heading-rule-wider", Severity.ERROR)]
    assert result.master is None
    problem = next(p for p in result.problems if p.code == "unread-heading-rule-wider")
    assert problem.message("it") == (
        f"La colonna «{heading}» ha dei dati, ma il toolkit non legge questa intestazione, e il foglio non ha la "
        "colonna facoltativa «Articolo». Senza «Articolo» ogni riga vale per tutti (una cella vuota lì vuol dire "
        f"«qualunque»), più largo di quanto scritto. Se «{heading}» è quella colonna, intitolala col suo nome "
        "esatto; se tiene note tue, spostala oltre l'ultima colonna del foglio, con una colonna vuota in mezzo, o "
        "svuotala.")
    assert "the sheet lacks the optional column “Item”. Without “Item” every row applies" in problem.message("en")


def test_a_commission_rules_narrowing_column_renamed_is_refused_another_warned(sample_sheets):
    """*Categoria* headed `Categoria merce`: PV-CAFFE's 5 % would pay on every item BAR customers
    buy. *Base* headed otherwise only falls back to its default: a warning, the master kept."""
    name, sheets = sample_sheets
    _headed(sheets, "Provvigioni", "Categoria", "Categoria merce")
    result, found = _found(name, sheets, "Provvigioni")
    assert found == [("F1", "unread-heading-rule-wider", Severity.ERROR)]
    assert result.master is None

    name, sheets = name, {k: [list(r) for r in v] for k, v in sheets.items()}
    _headed(sheets, "Provvigioni", "Categoria merce", "Categoria")
    _headed(sheets, "Provvigioni", "Base", "Base di calcolo")
    result, found = _found(name, sheets, "Provvigioni")
    assert found == [("G1", "unread-heading", Severity.WARNING)]
    assert result.master is not None
    problem = next(p for p in result.problems if p.code == "unread-heading")
    assert problem.message("en").startswith(
        "Column “Base di calcolo” holds data, but the toolkit does not read this heading, and the sheet lacks the "
        "optional column “Base”: each of its cells is read empty.")


def _noted(sheets: dict, sheet: str, gap: bool) -> None:
    rows = sheets[sheet]
    for i, row in enumerate(rows):
        row += [None] * gap + (["Note"] if i == 0 else [f"telefonare {i}"])


def test_a_notes_column_is_silent_while_every_optional_column_is_there_or_past_an_empty_column(sample_sheets):
    name, sheets = sample_sheets
    before = check(from_values(name, sheets)).problems
    _noted(sheets, "Regole prezzo", gap=False)
    assert check(from_values(name, sheets)).problems == before

    without_min_quantity = [[v for j, v in enumerate(r) if j != 14] for r in sheets["Regole prezzo"]]
    assert without_min_quantity[0][14:] == ["Priorità", "Note"]
    sheets["Regole prezzo"] = without_min_quantity
    result, found = _found(name, sheets, "Regole prezzo")
    assert found == [("P1", "unread-heading-rule-wider", Severity.ERROR)]

    sheets["Regole prezzo"] = [[*r[:-1], None, r[-1]] for r in without_min_quantity]
    assert check(from_values(name, sheets)).problems == before
