"""Agents' commissions settled, as later documents and runs read them: a note on a settled
invoice of a customer moved since from an agent paid on what is collected to one paid on what
is invoiced; a second settlement written into another folder; a note on an invoice settled
long ago; and the words of a preview of a settled period."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from factories import source
from test_commission_settlements import FIRST, LAST, TODAY, _cells, _half_settled, _shared_with
from test_commissions_credited import AGENT, MAY, _pay, invoiced_april

from toolkit.basics.money import cents
from toolkit.basics.vocab import CommissionBase
from toolkit.model.records import Commission
from toolkit.services import commissions
from toolkit.services.credit_notes import credit
from toolkit.writers.statements import commission_file, summary_file

LUCA = "Luca Verdi"


def _collected_april_then_moved(ledger, *, cash_kept: bool):
    """April's FT-2026-00001 (1,000.00 €) collected in full, Marco Bianchi paid 5 % of what is
    collected under his own rule (CASH) and April settled; C001 given to Luca Verdi since, paid
    5 % of what is invoiced under his own (PV). `cash_kept`: Marco Bianchi's rule still on
    *Provvigioni* (else deleted, he has left). May's note on two of April's goods (200.00 €)."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    cash = replace(master.commissions[0], agent=AGENT)
    master = master.model_copy(update={"commissions": (cash,)})
    _pay(ledger, date(2026, 4, 30), "1220.00")
    [april] = commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it").issued
    assert [(r.rule, r.base, r.share, r.commission) for r in april.rows] == [("CASH", D("1000.00"), D(100),
                                                                               D("50.00"))]
    pv = Commission(code="PV", agent=LUCA, base=CommissionBase.INVOICED, threshold=D(0), percent=D(5),
                    source=source("commissions", 3))
    moved = master.model_copy(update={
        "commissions": (cash, pv) if cash_kept else (pv,),
        "customers": tuple(replace(c, sales_rep=LUCA) for c in master.customers)})
    note = credit(ledger, moved, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note
    assert note is not None
    return moved, note


@pytest.mark.parametrize("cash_kept", [True, False], ids=["his rule kept", "his rule deleted"])
def test_a_note_on_a_collected_settled_invoice_of_a_customer_moved_to_an_invoiced_agent(ledger, cash_kept):
    """The note was charged to nobody: Marco Bianchi, paid 10.00 € on those goods, is no longer
    C001's agent, and Luca Verdi, paid on what is invoiced, was paid nothing on them. It is taken
    back from the agent the settled statement paid, at the share it paid, under the settled
    row's rule: as a collected base counts it, the whole 200.00 € collected of them at 5 %."""
    moved, note = _collected_april_then_moved(ledger, cash_kept=cash_kept)
    may = commissions.compute(ledger, moved, *MAY, lang="it")
    assert [(s.agent, [(r.invoice.number, r.rule, r.base, r.share, r.collected, r.rate, r.commission)
                       for r in s.rows]) for s in may.statements] == [
        (AGENT, [(note.number, "CASH", D("-200.00"), D(100), D(1), D(5), D("-10.00"))])]


def test_a_second_settlement_into_another_folder_holds_every_statement_its_summary_names(ledger, tmp_path):
    """April settled for Marco Bianchi into one folder, then for Luca Verdi, his rule written
    since, into another: the second folder's summary named Marco Bianchi's statement,
    provvigioni-20260401-20260430-Marco_Bianchi.xlsx, which is not there (it is in the first
    folder). The settled statement is written there too, as kept, cell for cell the first."""
    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    commissions.compute(ledger, _half_settled(master), FIRST, LAST, out=tmp_path / "first", settle=True, today=TODAY, lang="it")
    second = commissions.compute(ledger, _shared_with(master, LUCA), FIRST, LAST, out=tmp_path / "second",
                                 settle=True, today=date(2026, 5, 20), lang="it")
    assert [s.agent for s in second.issued] == [LUCA]
    summary = openpyxl.load_workbook(tmp_path / "second" / summary_file(FIRST, LAST)).worksheets[0]
    named = [summary[f"D{row}"].value for row in (5, 6)]
    assert named == [commission_file(AGENT, FIRST, LAST), commission_file(LUCA, FIRST, LAST)]
    assert all((tmp_path / "second" / name).exists() for name in named)
    mine = commission_file(AGENT, FIRST, LAST)
    assert _cells(tmp_path / "second" / mine) == _cells(tmp_path / "first" / mine)
    assert sorted(p.name for p in second.files) == sorted([*named, summary_file(FIRST, LAST)])


def test_a_note_on_an_invoice_settled_long_ago_parses_only_the_statements_it_needs(ledger, monkeypatch):
    """April settled, then May to August (each month's statement kept); a note dated in August
    recorded after August was settled (late), and September's note on April's invoice: the run
    read every statement from April to August, the span from the invoice's day to the late
    period's end, and parsed each, where it needs April's (what the note takes back) and
    August's (who is told of the late note). It parses those two, and both answers stay."""
    from toolkit.core.commission_statements import CommissionStatement
    from toolkit.ledger.commission_settlements import record
    from toolkit.ledger.db import writing

    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    [april] = commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it").issued
    months = [(date(2026, m, 1), date(2026, m, monthrange(2026, m)[1])) for m in range(5, 9)]
    with writing(ledger) as conn:
        for first, last in months:
            kept = replace(april, first=first, last=last, rows=tuple(
                replace(r, number=f"FT-2026-0{first.month}999", day=last) for r in april.rows))
            record(conn, first, last, date(2026, first.month + 1, 2), [(AGENT, kept.base, kept.total, kept.text())])
    september = (date(2026, 9, 1), date(2026, 9, 30))
    for day in (date(2026, 8, 20), date(2026, 9, 5)):
        assert credit(ledger, master, "FT-2026-00001", [(1, D(1))], "Merce danneggiata", day,
                      date(2026, 9, 10), lang="it").note is not None
    parsed = []
    from_text = CommissionStatement.from_text.__func__

    def counted(cls, stored):
        found = from_text(cls, stored)
        parsed.append((found.first, found.last))
        return found

    monkeypatch.setattr(CommissionStatement, "from_text", classmethod(counted))
    done = commissions.compute(ledger, master, *september, lang="it")
    assert sorted(parsed) == [(FIRST, LAST), months[-1]]
    [late] = [p for p in done.problems if p.code == "commission-recorded-after-settling"]
    assert "dal 01/08/2026 al 31/08/2026, liquidato per Marco Bianchi" in late.message("it")
    assert [(r.number, r.rate, r.commission) for s in done.issued for r in s.rows] == [
        ("NC-2026-00002", D(5), D("-5.00"))]


@pytest.mark.parametrize("lang, statement, summary, header, terminal", [
    ("it", "ANTEPRIMA, non liquidate: Provvigioni di Marco Bianchi dal 01/04/2026 al 30/04/2026",
     "ANTEPRIMA, non liquidate: Provvigioni dal 01/04/2026 al 30/04/2026",
     ("ANTEPRIMA con le cifre di oggi, non l'estratto liquidato",
      "ANTEPRIMA con le cifre di oggi, non il riepilogo liquidato"),
     "Provvigioni dal 01/04/2026 al 30/04/2026 non liquidate (anteprima): 1 agente, totale 50,00 €."),
    ("en", "PREVIEW, not settled: Commissions of Marco Bianchi from 01/04/2026 to 30/04/2026",
     "PREVIEW, not settled: Commissions from 01/04/2026 to 30/04/2026",
     ("PREVIEW with today's figures, not the settled statement",
      "PREVIEW with today's figures, not the settled summary"),
     "Commissions from 01/04/2026 to 30/04/2026 not settled (preview): 1 agent, total €50.00."),
])
def test_a_preview_of_a_settled_period_says_it_in_the_words_of_the_settled_sheets(ledger, tmp_path, lang, statement,
                                                                                    summary, header, terminal):
    """April settled, then previewed: the preview's title said «ANTEPRIMA, non liquidato:
    Provvigioni …», where the settlement, its warning and the terminal say the commissions
    «liquidate»; the summary's printed pages said «non l'estratto liquidato», the summary being
    no statement; its amounts were headed «Imponibile» where the terminal's table and the
    guide say *Base* (what is collected is no taxable amount); and the terminal's line did not
    say the figures were a preview. Each says it in the same words, in Italian and English."""
    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    folder = tmp_path / "provvigioni-20260401-20260430"
    commissions.compute(ledger, master, FIRST, LAST, out=folder, settle=True, today=TODAY, lang=lang)
    preview = commissions.compute(ledger, master, FIRST, LAST, out=folder, lang=lang)
    sheets = [openpyxl.load_workbook(path).worksheets[0] for path in preview.files]
    assert [s["A1"].value for s in sheets] == [statement, summary]
    assert tuple(s.oddHeader.left.text for s in sheets) == header
    assert (sheets[0]["F4"].value, sheets[1]["B4"].value) == ("Base", "Base")
    assert preview.summary(lang) == terminal
    settled = openpyxl.load_workbook(folder / summary_file(FIRST, LAST)).worksheets[0]
    assert settled["B4"].value == "Base"


@pytest.mark.parametrize("back, taken", [(2, D("-200.00")), (8, D("-800.00"))],
                         ids=["a note within what was still owed", "a note larger than what was owed"])
def test_an_agent_paid_on_a_collected_invoice_earns_its_rest_after_moving_and_its_notes_take_back(ledger, back, taken):
    """April's FT-2026-00001 half collected (610.00 € of 1,220.00 €) and settled: Marco Bianchi
    paid 25.00 € on 500.00 €. C001 given to Luca Verdi since, paid on what is invoiced; the rest
    collected on 3 May paid nobody, and May's note took back of what was collected by April's
    end only: a sale Marco Bianchi made earned him half its commission for good. He earns the
    rest as it comes in, at the share he was paid at (an agent is owed the commission of the
    deals made while the customer was his, art. 1748 c.c.), and the note takes back of all of
    it: over the invoice's life he is paid 5 % of its net of the note, no more, no less."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    cash = replace(master.commissions[0], agent=AGENT)
    master = master.model_copy(update={"commissions": (cash,)})
    _pay(ledger, date(2026, 4, 30), "610.00")
    [april] = commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it").issued
    assert [(r.base, r.collected, r.commission) for r in april.rows] == [(D("500.00"), D("0.5000"), D("25.00"))]
    pv = Commission(code="PV", agent=LUCA, base=CommissionBase.INVOICED, threshold=D(0), percent=D(5),
                    source=source("commissions", 3))
    moved = master.model_copy(update={"commissions": (cash, pv),
                                      "customers": tuple(replace(c, sales_rep=LUCA) for c in master.customers)})
    _pay(ledger, date(2026, 5, 3), "610.00")
    assert credit(ledger, moved, "FT-2026-00001", [(1, D(back))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    may = commissions.compute(ledger, moved, *MAY, lang="it")
    assert [(s.agent, r.rule, r.base, r.commission) for s in may.statements for r in s.rows] == [
        (AGENT, "CASH", D("500.00"), D("25.00")), (AGENT, "CASH", taken, cents(taken * D(5) / 100))]
    assert D("500.00") + sum(r.base for s in may.statements for r in s.rows) == 1000 + taken


def test_a_statement_settled_when_its_amounts_were_headed_imponibile_reprints_so(ledger, tmp_path):
    """April settled when the statements headed the amounts «Imponibile» (its kept statement
    says nothing of the heading): its reprint headed them «Base», where the statement handed
    out said «Imponibile», and so did its copy beside a later settlement's summary. Both print
    the heading as the first printing did; the new settlement's summary says «Base»."""
    import json

    from sqlalchemy import update

    from toolkit.ledger import schema
    from toolkit.ledger.db import writing

    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    commissions.compute(ledger, _half_settled(master), FIRST, LAST, settle=True, today=TODAY, lang="it")
    table = schema.commission_settlements
    with writing(ledger) as conn:
        [(key, stored)] = conn.execute(table.select().with_only_columns(table.c.id, table.c.statement)).all()
        older = {k: v for k, v in json.loads(stored).items() if k != "headed_taxable"}
        conn.execute(update(table).where(table.c.id == key).values(statement=json.dumps(older)))
    again = commissions.reprint(ledger, master, FIRST, LAST, tmp_path / "again", lang="it")
    sheets = {p.name: openpyxl.load_workbook(p).worksheets[0] for p in again.files}
    assert (sheets[commission_file(AGENT, FIRST, LAST)]["F4"].value,
            sheets[summary_file(FIRST, LAST)]["B4"].value) == ("Imponibile", "Imponibile")
    second = commissions.compute(ledger, _shared_with(master, LUCA), FIRST, LAST, out=tmp_path / "second",
                                 settle=True, today=date(2026, 5, 20), lang="it")
    sheets = {p.name: openpyxl.load_workbook(p).worksheets[0] for p in second.files}
    assert [sheets[name]["F4"].value for name in (commission_file(AGENT, FIRST, LAST),
                                                  commission_file(LUCA, FIRST, LAST))] == ["Imponibile", "Base"]
    assert sheets[summary_file(FIRST, LAST)]["B4"].value == "Base"


@pytest.mark.parametrize("paid_in_may", [True, False], ids=["collected in May", "never collected"])
def test_an_invoice_paid_on_invoicing_under_a_rule_since_paid_on_what_is_collected_is_paid_once(ledger, paid_in_may):
    """April's FT-2026-00001 settled for Marco Bianchi under PV, 5 % of what is invoiced (50.00 €);
    PV since pays on what is collected, the same code, and the invoice is collected in full in
    May: May paid him 50.00 € on it again, on a base of 1,000.00 €. An invoice's commission is
    paid once, on the base in force when it was first paid: the payment earns nothing more, and
    May's note on two goods takes back what April paid on them, 5 % of 200.00 €, collected or
    not, as a note on an invoiced base does."""
    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    [april] = commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it").issued
    assert [(r.rule, r.commission) for r in april.rows] == [("PV", D("50.00"))]
    collected = master.model_copy(update={"commissions": tuple(
        replace(c, base=CommissionBase.COLLECTED) for c in master.commissions)})
    if paid_in_may:
        _pay(ledger, date(2026, 5, 3), "1220.00")
    note = credit(ledger, collected, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note
    assert note is not None
    may = commissions.compute(ledger, collected, *MAY, lang="it")
    assert [(s.agent, r.invoice.number, r.rule, r.base, r.collected, r.commission)
            for s in may.statements for r in s.rows] == [(AGENT, note.number, "PV", D("-200.00"), None, D("-10.00"))]


def test_a_statement_copied_beside_a_later_summary_speaks_the_language_it_was_settled_in(ledger, tmp_path):
    """April settled for Marco Bianchi in English into one folder, then for Luca Verdi, his rule
    written since, in Italian into another: Marco Bianchi's statement, written there as
    kept, came out in Italian, words he was never handed. It is the English he was settled in,
    cell for cell the first; Luca Verdi's statement and the summary speak the run's Italian."""
    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    commissions.compute(ledger, _half_settled(master), FIRST, LAST, out=tmp_path / "first", settle=True, today=TODAY,
                        lang="en")
    commissions.compute(ledger, _shared_with(master, LUCA), FIRST, LAST, out=tmp_path / "second", settle=True,
                        today=date(2026, 5, 20), lang="it")
    mine = commission_file(AGENT, FIRST, LAST)
    assert _cells(tmp_path / "second" / mine) == _cells(tmp_path / "first" / mine)
    assert openpyxl.load_workbook(tmp_path / "second" / mine).worksheets[0]["A1"].value.startswith("Commissions of")
    assert [openpyxl.load_workbook(tmp_path / "second" / name).worksheets[0]["A1"].value.split(" di ")[0]
            for name in (commission_file(LUCA, FIRST, LAST), summary_file(FIRST, LAST))] == [
        "Provvigioni", "Provvigioni dal 01/04/2026 al 30/04/2026"]
