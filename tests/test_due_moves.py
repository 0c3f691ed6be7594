"""Dues moved as an Italian desk expects: out of a customer's excluded months (*mesi esclusi*) to
the day of the month after it names, and off Sundays and national holidays (art. 1187 and 2963
c.c.), with real calendar dates; end to end, where the desk and the accountant read them.

The workbook of `minimal`: C001 pays at `30FM`, August excluded (*Mesi esclusi* «ago»,
*Giorno di slittamento* 10); C002 pays at `30/60/90` and excludes nothing. Each has a weekly
template delivering on Thursday 2 July 2026; July's month-end run makes their deferred
invoices, dated Friday 31 July. C001's `30FM` counts 31 August, in August: due 10 September.
C002's 30 days count Sunday 30 August: due Monday the 31st.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal as D

import minimal
import openpyxl
import pytest
from fatturapa_reading import read, schema_errors
from test_shipping import write_book

from toolkit.cli import app, output
from toolkit.core.invoicing import Invoice, InvoiceStatus, Period, Request
from toolkit.core.payment_terms import ExcludedMonths, due_dates, parse
from toolkit.core.reports import Kind
from toolkit.core.reports import Request as ReportRequest
from toolkit.intake.validation import check
from toolkit.ledger import Ledger, open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.model.records import MasterData
from toolkit.services import einvoice
from toolkit.services.debit_notes import debit
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.printing import Selection, print_documents
from toolkit.services.reports import build
from toolkit.services.shipping import ship
from toolkit.writers.accountants import write_copies, write_workbook

AUGUST, DECEMBER = ExcludedMonths((8,), 10), ExcludedMonths((12,), 10)


@pytest.mark.parametrize("code, invoice_day, excluded, dues", [
    ("30FM", date(2026, 7, 31), AUGUST, [date(2026, 9, 10)]),
    ("30FM", date(2026, 7, 31), ExcludedMonths((8,), 31), [date(2026, 9, 30)]),
    ("30FM", date(2026, 7, 31), None, [date(2026, 8, 31)]),
    ("30", date(2026, 11, 25), None, [date(2026, 12, 28)]),  # 25 Dec; 26 St Stephen; 27 a Sunday
    ("30", date(2027, 2, 27), None, [date(2027, 3, 30)]),  # 29 March 2027: Easter Monday
    ("30", date(2026, 5, 3), None, [date(2026, 6, 3)]),  # 2 June: Festa della Repubblica
    ("30", date(2026, 4, 30), None, [date(2026, 5, 30)]),  # a Saturday is no holiday
    ("FM+30", date(2026, 11, 30), DECEMBER, [date(2027, 1, 11)]),  # 30 Dec → 10 Jan 2027, a Sunday
    ("MS10", date(2026, 7, 15), ExcludedMonths((7, 8), 10), [date(2026, 9, 10)]),  # two months in a row
    ("30/60/90", date(2026, 6, 30), ExcludedMonths((8, 12), 31), [date(2026, 7, 30), date(2026, 9, 28),
                                                                   date(2026, 9, 30)]),  # 29 Aug passes 28 Sep
    ("60", date(2022, 6, 1), AUGUST, [date(2022, 9, 10)]),  # Sunday 31 July → 1 August, excluded
    ("IMM", date(2026, 8, 2), AUGUST, [date(2026, 8, 2)]),  # due at once: the invoice's Sunday
])
def test_a_due_moves_out_of_excluded_months_and_off_sundays_and_holidays(code, invoice_day, excluded, dues):
    assert due_dates(parse(code), invoice_day, excluded) == dues


def test_instalments_moved_onto_one_day_are_one_due_of_their_sum():
    """`30/60` from 30 June, July and August excluded, day 10: 30 July and 29 August both move to
    10 September. Two dues of one day were two RiBa for the bank and two DettaglioPagamento, TP01,
    on one date; one due of the whole is what the customer pays that day."""
    from toolkit.core.payment_terms import instalments

    summer = ExcludedMonths((7, 8), 10)
    assert instalments(parse("30/60"), date(2026, 6, 30), D("100.01"), summer) == [(date(2026, 9, 10), D("100.01"))]
    assert due_dates(parse("30/60"), date(2026, 6, 30), summer) == [date(2026, 9, 10)]
    assert instalments(parse("30/60/90"), date(2026, 6, 30), D("100.00"), summer) == [
        (date(2026, 9, 10), D("66.66")), (date(2026, 9, 28), D("33.34"))]


# ---- the workbook's cells

def customers_with(*cells: tuple[str, object, object]) -> dict:
    """`minimal`'s sheets with *Mesi esclusi* and *Giorno di slittamento* in columns K and L,
    one (customer, months, day) per row given."""
    s = minimal.sheets()
    s["Clienti"][0] += ["Mesi esclusi", "Giorno di slittamento"]
    for code, months, day in cells:
        [row] = [r for r in s["Clienti"] if r[0] == code]
        row += [months, day]
    return s


@pytest.mark.parametrize("months, day, read", [
    ("ago,dic", 10, ((8, 12), 10)),
    ("8, 12", "10", ((8, 12), 10)),
    ("Agosto e Dicembre", "FM", ((8, 12), 31)),
    ("lug-ago", "fine mese", ((7, 8), 31)),
    (8, 5, ((8,), 5)),
])
def test_a_desk_writes_the_excluded_months_by_name_or_number_and_the_day_or_month_end(months, day, read):
    result = check(minimal.workbook(customers_with(("C001", months, day))))
    assert result.master is not None, [str(p) for p in result.problems]
    c001 = result.master.customers[0]
    assert (c001.excluded_months, c001.excluded_months_day) == read


@pytest.mark.parametrize("months, day, cell, code", [
    ("agosti", 10, "K2", "not-months"),
    (8.12, 10, "K2", "not-months"),  # «8,12» typed alone: Excel made it a number
    ("gen-dic", 10, "K2", "every-month-excluded"),
    ("ago", 32, "L2", "not-a-due-day"),
    ("ago", "metà", "L2", "not-a-due-day"),
    ("ago", "10 set", "L2", "day-of-month-names-a-month"),  # the day alone holds for every excluded month
    ("ago", date(2026, 9, 10), "L2", "day-of-month-names-a-month"),  # «10/09» typed: Excel made it a date
    ("ago", None, "K2", "excluded-months-without-day"),
])
def test_excluded_months_a_due_cannot_leave_are_refused_at_their_cell(months, day, cell, code):
    result = check(minimal.workbook(customers_with(("C001", months, day))))
    found = [(p.location.sheet, p.location.cell, p.code) for p in result.problems if p.is_error]
    assert found == [("Clienti", cell, code)]
    assert result.master is None


def test_a_day_without_excluded_months_is_a_warning_at_its_cell():
    result = check(minimal.workbook(customers_with(("C001", None, 10))))
    assert result.master is not None
    [warned] = [p for p in result.problems if p.code == "moved-day-without-excluded-months"]
    assert (warned.location.sheet, warned.location.cell, warned.is_error) == ("Clienti", "L2", False)
    assert "Cliente C001: il giorno di slittamento 10 non sposta nessuna scadenza" in warned.message("it")


@pytest.mark.parametrize("terms", ["IMM", "CONSEGNA"])
def test_excluded_months_of_terms_that_never_defer_are_warned_of_at_their_cell(terms):
    """A due on the invoice's day or the delivery's is never moved: months written for such a
    customer were read and silently did nothing, as a day without months is warned of."""
    s = customers_with(("C001", "ago", 10))
    s["Clienti"][1][s["Clienti"][0].index("Termini di pagamento")] = terms
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    [warned] = [p for p in result.problems if p.code == "excluded-months-move-nothing"]
    assert (warned.location.sheet, warned.location.cell, warned.is_error) == ("Clienti", "K2", False)
    assert f"i mesi esclusi «ago» non spostano nessuna scadenza: i termini «{terms}»" in warned.message("it")
    assert not [p for p in check(minimal.workbook(customers_with(("C001", "ago", 10)))).problems
                if p.code == "excluded-months-move-nothing"]


def test_the_columns_messages_name_months_and_the_month_end_as_the_desk_wrote_them_in_either_language():
    """«ago» was “ago” in English and *FM* was «31» in both: the months by their names in the
    message's language, the month's end as the cell says it."""
    [told] = [p for p in check(minimal.workbook(customers_with(("C001", "ago,dic", None)))).problems
              if p.code == "excluded-months-without-day"]
    assert "i mesi esclusi «ago, dic»" in told.message("it")
    assert "the excluded months “Aug, Dec”" in told.message("en")
    [warned] = [p for p in check(minimal.workbook(customers_with(("C001", None, "FM")))).problems
                if p.code == "moved-day-without-excluded-months"]
    assert "il giorno di slittamento FM non sposta" in warned.message("it")
    assert "the moved-to day FM moves no due" in warned.message("en")


# ---- end to end: July's invoices

JULY = Period(date(2026, 7, 1), date(2026, 7, 31))
SHIPPED, CLOSING_DAY = date(2026, 7, 2), date(2026, 8, 3)
C001_DUE, C002_DUES = date(2026, 9, 10), [date(2026, 8, 31), date(2026, 9, 29), date(2026, 10, 29)]


def july_sheets() -> dict:
    s = customers_with(("C001", "ago", 10), ("C002", None, None))
    for row, extra in zip(s["Clienti"], (["CAP", "Provincia"], ["10121", "TO"], ["00184", "RM"])):
        row += extra
    s["Modelli ordine"].append(["T005", "C002", None, None, "Settimanale", "gio", None, None, None, None,
                                "01/03/2026", None, None])
    s["Righe modello"].append(["T005", "A001", 3, None, None])
    return s


@dataclass(frozen=True)
class July:
    master: MasterData
    ledger: Ledger
    c001: Invoice
    c002: Invoice


@pytest.fixture(scope="module")
def july(tmp_path_factory) -> July:
    result = check(minimal.workbook(july_sheets()))
    assert result.master is not None, [str(p) for p in result.problems]
    master = result.master
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('dues') / 'ledger.sqlite'}")
    create(master, ledger, SHIPPED, with_catch_up=False, lang="it")
    assert ship(master, ledger, SHIPPED, all_open=True, lang="it").notes
    done = run(ledger, master, Request(JULY, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert done.run_id and not [p for p in done.problems if p.is_error], done.problems
    with reading(ledger) as conn:
        invoices = {x.customer: x for x in load_invoices(conn)}
    yield July(master, ledger, invoices["C001"], invoices["C002"])
    ledger.engine.dispose()


def test_the_ledger_keeps_the_moved_dues(july):
    assert july.c001.invoice_date == july.c002.invoice_date == date(2026, 7, 31)
    assert [(x.due_date, x.amount) for x in july.c001.dues] == [(C001_DUE, july.c001.total)]
    assert [x.due_date for x in july.c002.dues] == C002_DUES
    assert sum(x.amount for x in july.c002.dues) == july.c002.total


def test_the_xml_states_the_moved_dues_and_passes_the_schema(july, tmp_path):
    done = einvoice.export(july.master, july.ledger, out=tmp_path / "xml", month=JULY)
    assert not done.refused and not done.problems
    for invoice, dues in ((july.c001, [C001_DUE]), (july.c002, C002_DUES)):
        path = done.files[invoice.number]
        assert schema_errors(path) == []
        assert [day for _, day, _ in read(path).dues] == dues


def test_the_printed_invoice_and_the_accountants_register_show_the_moved_dues(july, tmp_path):
    copies = openpyxl.load_workbook(write_copies(tmp_path / "copie.xlsx", july.master, [july.c001]))
    [sheet] = copies.worksheets
    [header] = [c for row in sheet.iter_rows() for c in row if c.value == "Scadenza"]
    assert sheet.cell(header.row + 1, header.column).value == datetime(2026, 9, 10)
    book = openpyxl.load_workbook(write_workbook(tmp_path / "registro.xlsx", july.master, [july.c001, july.c002],
                                                 "run"))
    register = book.worksheets[0]
    rows = [[c.value for c in row] for row in register.iter_rows()]
    [heading] = [r for r in rows if "Scadenze" in r]
    dues = {r[heading.index("Numero")]: r[heading.index("Scadenze")] for r in rows[rows.index(heading) + 1:]
            if r[heading.index("Numero")] in (july.c001.number, july.c002.number)}
    assert dues[july.c001.number].startswith("10/09/2026 ")
    assert [d.split(" ")[0] for d in dues[july.c002.number].split("; ")] == ["31/08/2026", "29/09/2026", "29/10/2026"]


def test_aging_counts_the_moved_due_not_the_counted_one(july):
    """On 9 September C001's invoice is not yet due (31 August was the day counted); on
    1 September C002's first instalment, due Monday 31 August, is a day late."""
    made = build(july.master, july.ledger, ReportRequest(Kind.AGING, date(2026, 1, 1), date(2026, 9, 9)))
    c001 = made.data[made.data["document"] == july.c001.number]
    assert [(r.due_date, r.bucket) for r in c001.itertuples()] == [(C001_DUE, "not_due")]
    made = build(july.master, july.ledger, ReportRequest(Kind.AGING, date(2026, 1, 1), date(2026, 9, 1)))
    c002 = made.data[made.data["document"] == july.c002.number]
    assert [(r.due_date, r.days_past_due) for r in c002.itertuples()][0] == (C002_DUES[0], 1)


def test_the_command_lines_json_gives_the_moved_dues(tmp_path, capsys):
    workbook = write_book(tmp_path / "anagrafiche.xlsx", july_sheets())
    for args in (["orders", "create", str(workbook), "--date", SHIPPED.isoformat()],
                 ["ship", str(workbook), "--date", SHIPPED.isoformat(), "--all"]):
        app._register()
        output.reset()
        assert app.run(args) == 0, args
    capsys.readouterr()
    app._register()
    output.reset()
    app.run(["invoice", "run", str(workbook), "--month", "2026-07", "--date", "2026-07-31",
             "--out", str(tmp_path / "fatture"), "--json"])
    answer = json.loads(capsys.readouterr().out)
    dues = {x["customer"]: [(d["date"], D(str(d["amount"]))) for d in x["dues"]] for x in answer["invoices"]}
    assert [day for day, _ in dues["C001"]] == ["2026-09-10"]
    assert [day for day, _ in dues["C002"]] == [d.isoformat() for d in C002_DUES]


def test_a_debit_note_falls_due_by_the_customers_excluded_months_too(july, tmp_path):
    """Debit notes on C001's invoice, due by its `30FM` from their own dates: one of 31 July
    counts 31 August, moved to 10 September as the invoice was; one of 3 August counts
    30 September, outside August, and stays."""
    copy = tmp_path / "ledger.sqlite"
    shutil.copyfile(july.ledger.engine.url.database, copy)
    ledger = open_ledger(f"sqlite:///{copy}")
    for day, due in ((date(2026, 7, 31), C001_DUE), (date(2026, 8, 3), date(2026, 9, 30))):
        made = debit(ledger, july.master, july.c001.number, D("10"), "22", "Adeguamento prezzo", day, CLOSING_DAY, lang="it")
        assert made.note is not None, made.problems
        assert [x.due_date for x in made.note.dues] == [due]
    ledger.engine.dispose()


def test_a_re_coded_customers_debit_note_falls_due_by_its_new_rows_excluded_months(july, tmp_path):
    """C001 re-coded C009 on *Clienti*, its partita IVA the same, August still excluded: its debit
    note was read against no row and counted 31 August."""
    s = july_sheets()
    for sheet in ("Clienti", "Modelli ordine", "Contatti", "Destinazioni"):
        for row in s[sheet][1:]:
            row[:2] = [("C009" if x == "C001" else x) for x in row[:2]]
    recoded = check(minimal.workbook(s)).master
    assert recoded is not None and "C001" not in {c.code for c in recoded.customers}
    copy = tmp_path / "ledger.sqlite"
    shutil.copyfile(july.ledger.engine.url.database, copy)
    ledger = open_ledger(f"sqlite:///{copy}")
    made = debit(ledger, recoded, july.c001.number, D("10"), "22", "Adeguamento prezzo", date(2026, 7, 31),
                 CLOSING_DAY, lang="it")
    ledger.engine.dispose()
    assert made.note is not None, made.problems
    assert [x.due_date for x in made.note.dues] == [C001_DUE]


def test_a_reprint_says_the_dues_issued_whatever_the_columns_say_now(july, tmp_path):
    """August no longer excluded on *Clienti* after the invoice: printed again, it is due on
    10 September as issued, not on 31 August as its terms would count today."""
    s = july_sheets()
    [c001] = [row for row in s["Clienti"] if row[0] == "C001"]
    c001[10:12] = [None, None]
    now = check(minimal.workbook(s)).master
    assert now is not None and now.customers[0].excluded_months is None
    printed = print_documents(now, july.ledger, "invoices", Selection(numbers=(july.c001.number,)),
                              tmp_path / "again.xlsx", "it")
    sheet = openpyxl.load_workbook(printed.written)[july.c001.number]
    [header] = [c for row in sheet.iter_rows() for c in row if c.value == "Scadenza"]
    assert sheet.cell(header.row + 1, header.column).value == datetime(2026, 9, 10)
