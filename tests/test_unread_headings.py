"""A heading the toolkit does not read, over data, on a sheet lacking an optional column: found
by fuzzing the sample (seed 40958), `Articolo` on *Regole prezzo* headed `CIG` passed the check
with no problem, and R002's special price for C008 on A001 priced every item C008 orders."""

from __future__ import annotations

import pytest
from openpyxl.utils import get_column_letter

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


def _last_heading(sheets: dict, sheet: str = "Clienti") -> str:
    """The cell of the sheet's last heading, where `_noted` put its column: past every column
    the sample has, however many that is."""
    return f"{get_column_letter(len(sheets[sheet][0]))}1"


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


@pytest.mark.parametrize("old, new, cell, lifted", [
    ("Fido", "Fido (€)", "R1", "«Fido»"),
    ("Importo dichiarazione d'intento", "Plafond", "AC1", "«Importo dichiarazione d'intento»"),
])
def test_a_limit_column_headed_otherwise_over_amounts_stops_the_check_at_its_heading(sample_sheets, old, new, cell,
                                                                                      lifted):
    """*Fido* headed `Fido (€)`: C008's 1.500 € credit limit, and every other, read empty, and
    orders shipped to each customer whatever it owed; a letter's amount headed otherwise left
    its invoices without VAT with no ceiling. Warned before, the run went on: an error now, as
    a rule's narrowing column renamed is."""
    name, sheets = sample_sheets
    if old != "Fido":
        sheets["Clienti"][1][sheets["Clienti"][0].index(old)] = 50000
    _headed(sheets, "Clienti", old, new)
    result, found = _found(name, sheets, "Clienti")
    assert (cell, "unread-heading-limit-lifted", Severity.ERROR) in found
    assert not [f for f in found if f[1] in ("unread-heading", "unread-heading-rule-wider")]
    assert result.master is None
    problem = next(p for p in result.problems if p.code == "unread-heading-limit-lifted")
    assert problem.message("it").startswith(
        f"La colonna «{new}» ha degli importi, ma il toolkit non legge questa intestazione, e il foglio non ha la "
        f"colonna facoltativa {lifted}. Senza {lifted} nessuna riga ha un limite (una cella vuota lì vuol dire "
        "«nessun limite»), più largo di quanto scritto.")
    assert "Without “" in problem.message("en") and "no row has a limit" in problem.message("en")


def test_notes_beside_clienti_lacking_its_fido_are_only_warned_of_amounts_refused(sample_sheets):
    """A desk with no credit limits has no *Fido*: its notes column, text, cannot be one, so it
    is warned of as before and the run goes on; the same column of amounts may be, and stops it."""
    name, sheets = sample_sheets
    header = sheets["Clienti"][0]
    j = header.index("Fido")
    sheets["Clienti"] = [[v for k, v in enumerate(r) if k != j] for r in sheets["Clienti"]]
    _noted(sheets, "Clienti", gap=False)
    sheets["Clienti"][3][-1] = 1500  # a figure among the notes: still notes
    result, found = _found(name, sheets, "Clienti")
    assert [f for f in found if f[1].startswith("unread-heading")] == [
        (_last_heading(sheets), "unread-heading", Severity.WARNING)]
    assert result.master is not None

    sheets["Clienti"][0][-1] = "Limite di credito"
    for row in sheets["Clienti"][1:]:
        row[-1] = 2500 if row[-1] != "" else ""
    result, found = _found(name, sheets, "Clienti")
    assert [f for f in found if f[1].startswith("unread-heading")] == [
        (_last_heading(sheets), "unread-heading-limit-lifted", Severity.ERROR)]


@pytest.mark.parametrize("heading, value", [("Cod. gestionale", 1000), ("Anno acquisizione", 2019)])
def test_a_column_of_figures_beside_clienti_without_letters_of_intent_is_only_warned_of(sample_sheets, heading,
                                                                                         value):
    """Most desks keep no letters of intent, so their *Clienti* has neither the letter's protocol
    nor its amount: the amount missing lifts no ceiling there, and a column of ERP codes or years
    beside it stopped every run as a renamed letter amount. A warning, as before; a renamed
    *Fido* over the same figures still stops it (`test_notes_beside_clienti_…`)."""
    name, sheets = sample_sheets
    letters = [j for j, h in enumerate(sheets["Clienti"][0]) if "intento" in str(h)]
    sheets["Clienti"] = [[v for j, v in enumerate(r) if j not in letters] for r in sheets["Clienti"]]
    for i, row in enumerate(sheets["Clienti"]):
        row.append(heading if i == 0 else value + i)
    result, found = _found(name, sheets, "Clienti")
    assert [f for f in found if f[1].startswith("unread-heading")] == [("AC1", "unread-heading", Severity.WARNING)]
    assert result.master is not None


@pytest.mark.parametrize("heading, value", [
    ("Telefono", "011 555 1234"), ("Telefono", "0115551234"), ("Cod. gestionale", 1000), ("Sconto %", 5)])
def test_figures_of_another_kind_beside_clienti_without_its_fido_are_only_warned_of(sample_sheets, heading, value):
    """A desk that keeps no credit limits has no *Fido*; its phone numbers beside the customers
    (`011 555 1234` reads as an amount), ERP codes or discounts are no credit limit renamed, and
    stopped every run as one. Their headings share no word with *Fido* or *Credit limit*: a
    warning, as before."""
    name, sheets = sample_sheets
    j = sheets["Clienti"][0].index("Fido")
    sheets["Clienti"] = [[v for k, v in enumerate(r) if k != j] for r in sheets["Clienti"]]
    for i, row in enumerate(sheets["Clienti"]):
        row.append(heading if i == 0 else value)
    result, found = _found(name, sheets, "Clienti")
    assert [f for f in found if f[1].startswith("unread-heading")] == [
        (_last_heading(sheets), "unread-heading", Severity.WARNING)]
    assert result.master is not None


def _amounts_beside(sheets: dict, missing: str, heading: str) -> None:
    """*Clienti* without its `missing` column, and amounts under `heading` after its last."""
    j = sheets["Clienti"][0].index(missing)
    sheets["Clienti"] = [[v for k, v in enumerate(r) if k != j] for r in sheets["Clienti"]]
    for i, row in enumerate(sheets["Clienti"]):
        row.append(heading if i == 0 else 1250.5 * i)


@pytest.mark.parametrize("heading, missing", [
    ("Credito residuo", "Fido"), ("Fido disponibile", "Fido"), ("Residual credit", "Fido"),
    ("Plafond residuo", "Importo dichiarazione d'intento")])
def test_what_is_left_of_a_limit_beside_clienti_without_its_fido_is_only_warned_of(sample_sheets, heading, missing):
    """A desk keeping no credit limits has no *Fido*, and may keep beside its customers the credit
    its own program says is left (*Credito residuo*, amounts): «credito» begins «credit» of *Credit
    limit*, so it was taken for the limit renamed and stopped every run. What is left of a limit
    changes with every order and is no limit: a warning, the run goes on; `Limite di credito` over
    the same amounts still stops it (`test_notes_beside_clienti_…`). So for the letters' plafond
    left beside a *Clienti* keeping their protocols but not their amounts."""
    name, sheets = sample_sheets
    _amounts_beside(sheets, missing, heading)
    result, found = _found(name, sheets, "Clienti")
    assert [f for f in found if f[1].startswith("unread-heading")] == [
        (_last_heading(sheets), "unread-heading", Severity.WARNING)]
    assert result.master is not None
    field = "credit_limit" if missing == "Fido" else "intent_amount"
    assert all(getattr(c, field) is None for c in result.master.customers), "no column read for the one missing"


@pytest.mark.parametrize("heading", ["Fido residuale", "Disponibilità fido", "Fido utilizzabile", "Credit left"])
def test_what_is_left_of_a_limit_in_other_words_is_only_warned_of_and_the_limit_granted_stops(sample_sheets, heading):
    """*Credito residuo* was warned of, but the same figure headed with another form of the word
    (*residuale*, *disponibilità*, *utilizzabile*, *left*) was taken for *Fido* renamed and stopped
    every run of a desk keeping no limits; the limit granted (*Fido accordato*) still stops it."""
    name, sheets = sample_sheets
    _amounts_beside(sheets, "Fido", heading)
    result, found = _found(name, sheets, "Clienti")
    assert [f for f in found if f[1].startswith("unread-heading")] == [
        (_last_heading(sheets), "unread-heading", Severity.WARNING)]
    assert result.master is not None

    sheets["Clienti"][0][-1] = "Fido accordato"
    result, found = _found(name, sheets, "Clienti")
    assert [f for f in found if f[1].startswith("unread-heading")] == [
        (_last_heading(sheets), "unread-heading-limit-lifted", Severity.ERROR)]
