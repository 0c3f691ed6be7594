"""Agents' commissions settled (`toolkit commissions --settle`): each agent's statement of the
period recorded once with the statement as printed, a period overlapping one settled refused with
nothing stored, the settled statements printed again as issued (`--reprint`) whatever the sheets
say since, and what was recorded after a settlement in its period named; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from command_line import in_process as toolkit
from factories import source
from older_ledgers import back_to
from sqlalchemy import func, inspect, select, text, update
from test_cli_json import _draft_run, desk, month_so_far, valid  # noqa: F401 - fixtures
from test_commissions_credited import AGENT, JUNE, MAY, _pay, invoiced_april
from test_invoicing import APRIL

from toolkit.basics.problems import errors
from toolkit.basics.vocab import CommissionBase
from toolkit.cli.output import to_jsonable
from toolkit.cli.rebates import statement_json
from toolkit.core.commission_statements import CommissionStatement
from toolkit.ledger import schema
from toolkit.ledger.db import migrate, reading, writing
from toolkit.model.records import Commission, CustomerAgent
from toolkit.services import commissions
from toolkit.services.credit_notes import credit
from toolkit.writers.statements import commission_file, summary_file

FIRST, LAST = APRIL.start, APRIL.end
TODAY = date(2026, 5, 10)


@pytest.fixture
def invoiced(ledger):
    """April's FT-2026-00001 to C001, whose agent earns 5 % of what is invoiced: a base of 1,000.00 €."""
    return invoiced_april(ledger, CommissionBase.INVOICED, "PV")


def _settled(ledger) -> list[tuple]:
    c = schema.commission_settlements.c
    with reading(ledger) as conn:
        return [tuple(r) for r in conn.execute(select(c.agent, c.period_start, c.period_end, c.settled_on, c.base,
                                                      c.total, c.statement).order_by(c.id))]


def _codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_settling_records_each_agent_once_and_refuses_the_same_or_an_overlapping_period(ledger, invoiced, tmp_path):
    done = commissions.compute(ledger, invoiced, FIRST, LAST, out=tmp_path / "first", settle=True, today=TODAY, lang="it")
    assert not [p for p in done.problems if p.is_error], done.problems
    assert done.summary("it") == "Provvigioni dal 01/04/2026 al 30/04/2026 liquidate: 1 agente, totale 50,00 €."
    [(agent, start, end, settled_on, base, total, kept)] = _settled(ledger)
    assert (agent, start, end, settled_on, base, total) == (AGENT, FIRST, LAST, TODAY, D("1000.00"), D("50.00"))
    assert CommissionStatement.from_text(kept) == done.issued[0]
    assert (tmp_path / "first" / commission_file(AGENT, FIRST, LAST)).exists()

    for first, last in ((FIRST, LAST), (date(2026, 4, 15), date(2026, 5, 5)), (date(2026, 3, 1), LAST)):
        again = commissions.compute(ledger, invoiced, first, last, out=tmp_path / "again", settle=True, today=TODAY, lang="it")
        [refusal] = [p for p in again.problems if p.is_error]
        assert refusal.code == "commission-period-settled"
        assert "Marco Bianchi sono già liquidate dal 01/04/2026 al 30/04/2026 (il 10/05/2026)" in refusal.message("it")
        assert "--reprint --from 2026-04-01 --to 2026-04-30" in refusal.message("en")
        assert again.summary("en") == "No commission was settled: fix the problems listed."
        assert not again.files and not (tmp_path / "again").exists()
    assert len(_settled(ledger)) == 1


def test_a_preview_records_nothing_and_a_period_not_over_is_not_settled(ledger, invoiced, tmp_path):
    preview = commissions.compute(ledger, invoiced, FIRST, LAST, out=tmp_path / "preview", lang="it")
    assert [s.total for s in preview.issued] == [D("50.00")] and preview.files
    early = commissions.compute(ledger, invoiced, FIRST, LAST, out=tmp_path / "early", settle=True,
                                today=date(2026, 4, 29), lang="it")
    assert _codes(early.problems) == ["commission-period-open"]
    assert "finisce il 30/04/2026, dopo oggi (29/04/2026)" in early.problems[0].message("it")
    assert _settled(ledger) == [] and not (tmp_path / "early").exists()


def test_a_preview_of_a_settled_period_says_its_statements_are_not_the_settled_ones(ledger, invoiced, tmp_path):
    """April settled at 5 %, the rate raised to 9 % since: a preview of April writes 90.00 € where
    the agent was handed 50.00 €, and said nothing of the settlement; it names it now, with the
    reprint that gives the settled statements back. May's preview, settled for nobody, does not."""
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    raised = invoiced.model_copy(update={"commissions": (replace(invoiced.commissions[0], percent=D(9)),)})
    preview = commissions.compute(ledger, raised, date(2026, 4, 10), LAST, out=tmp_path / "preview", lang="it")
    assert [s.total for s in preview.issued] == [D("90.00")] and preview.files
    [settled] = [p for p in preview.problems if p.code == "commission-preview-of-settled"]
    assert settled.message("it") == (
        f"Le provvigioni di {AGENT} sono già liquidate dal 01/04/2026 al 30/04/2026 (il 10/05/2026): gli estratti "
        "dal 10/04/2026 al 30/04/2026 sono un'anteprima con le cifre di oggi, non quelli liquidati, e i loro file si "
        "chiamano anteprima-provvigioni-…, accanto a quelli liquidati, che non sostituiscono. Per ristampare quelli "
        "liquidati come emessi: toolkit commissions --reprint --from 2026-04-01 --to 2026-04-30.")
    assert "toolkit commissions --reprint --from 2026-04-01 --to 2026-04-30" in settled.message("en")
    assert credit(ledger, invoiced, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    may = commissions.compute(ledger, raised, *MAY, lang="it")
    assert [s.agent for s in may.issued] == [AGENT] and "commission-preview-of-settled" not in _codes(may.problems)


def _cells(path) -> list[tuple]:
    """Every cell of every sheet: its place, value and number format."""
    book = openpyxl.load_workbook(path)
    return [(sheet.title, cell.coordinate, cell.value, cell.number_format)
            for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_a_reprint_after_the_sheets_changed_is_the_first_statement_cell_for_cell(ledger, invoiced, tmp_path):
    """The rule's rate raised to 9 %, the agent's share cut to 50 % on *Agenti clienti*, the
    company renamed: today's figures differ, the settled statement prints as it was issued."""
    commissions.compute(ledger, invoiced, FIRST, LAST, out=tmp_path / "first", settle=True, today=TODAY, lang="it")
    changed = invoiced.model_copy(update={
        "commissions": (replace(invoiced.commissions[0], percent=D(9)),),
        "customer_agents": (CustomerAgent(customer="C001", agent=AGENT, share=D(50),
                                          source=source("customer_agents", 2)),),
        "settings": replace(invoiced.settings, company_name="Altra Ragione Sociale S.r.l.")})
    [now] = commissions.compute(ledger, changed, FIRST, LAST, lang="it").issued
    assert (now.base, now.total) == (D("500.00"), D("45.00"))

    again = commissions.reprint(ledger, changed, FIRST, LAST, tmp_path / "again", lang="it")
    assert again.problems == [] and len(again.files) == 2
    for name in (commission_file(AGENT, FIRST, LAST), summary_file(FIRST, LAST)):
        first, reprinted = _cells(tmp_path / "first" / name), _cells(tmp_path / "again" / name)
        assert reprinted == first and len(first) > 10
    values = {v for _, _, v, _ in _cells(tmp_path / "again" / commission_file(AGENT, FIRST, LAST))}
    assert {1000, 100, 5, "Forniture Rossi S.r.l."} <= values and not {500, 50, 9} & values
    assert again.summary("it") == "Provvigioni liquidate dal 01/04/2026 al 30/04/2026: 1 estratto ristampato."
    assert len(_settled(ledger)) == 1


def test_a_reprint_after_the_language_changed_speaks_the_language_it_was_settled_in(ledger, invoiced, tmp_path):
    """Settled in Italian, *Lingua* set to English since: the statement and the summary print
    again in the Italian words handed out to the agent, cell for cell; the run's language is the
    terminal's only."""
    commissions.compute(ledger, invoiced, FIRST, LAST, out=tmp_path / "first", settle=True, today=TODAY, lang="it")
    again = commissions.reprint(ledger, invoiced, FIRST, LAST, tmp_path / "again", lang="en")
    assert again.problems == [] and len(again.files) == 2
    for name in (commission_file(AGENT, FIRST, LAST), summary_file(FIRST, LAST)):
        first, reprinted = _cells(tmp_path / "first" / name), _cells(tmp_path / "again" / name)
        assert reprinted == first and len(first) > 10
    statement = openpyxl.load_workbook(tmp_path / "again" / commission_file(AGENT, FIRST, LAST)).worksheets[0]
    assert statement["A1"].value == f"Provvigioni di {AGENT} dal 01/04/2026 al 30/04/2026"
    assert again.summary("en") == "Commissions settled from 01/04/2026 to 30/04/2026: 1 statement printed again."


@pytest.mark.parametrize("verb", ["reprint", "preview"])
def test_a_disk_that_fills_up_at_the_summary_leaves_no_statement_of_a_reprint_or_preview(verb, ledger, invoiced,
                                                                                        tmp_path, monkeypatch):
    """The summary comes last: a disk full there had left the agents' statements written before
    it, where the desk is told the action left no file (`disk-full`), and a reprint run again
    later found a folder holding half of a period. Made aside and placed together, as a
    settlement's are, nothing reaches the folder; with room, the whole period does."""
    import errno

    import toolkit.writers.statements
    from toolkit.basics.failures import machine_state

    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    out = tmp_path / "out"
    out.mkdir()
    (out / "note.txt").write_text("mine")
    written = toolkit.writers.statements._summary_book

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    def run():
        if verb == "reprint":
            return commissions.reprint(ledger, invoiced, FIRST, LAST, out, lang="it")
        return commissions.compute(ledger, invoiced, FIRST, LAST, out=out, lang="it")

    monkeypatch.setattr(toolkit.writers.statements, "_summary_book", full)
    with pytest.raises(OSError, match="No space") as failed:
        run()
    assert [p.name for p in out.iterdir()] == ["note.txt"]
    told = machine_state(failed.value)
    assert told is not None and f"nella cartella {out}:" in told.render("it"), told.render("it")
    monkeypatch.setattr(toolkit.writers.statements, "_summary_book", written)
    assert len(run().files) == 2 and len(list(out.iterdir())) == 3


def test_a_reprint_lists_the_agents_in_the_order_first_printed_whatever_the_servers_collation(ledger, invoiced,
                                                                                               tmp_path):
    """Two agents share C001, «Marco Bianchi» and «de Luca»: the summary printed them in that
    order (Python's, by code points), and a PostgreSQL ledger whose locale is Italian (here the
    column's collation) read them back «de Luca» first, so the reprinted summary was not the
    first one cell for cell."""
    if ledger.engine.dialect.name == "postgresql":
        with writing(ledger) as conn:
            conn.execute(text('ALTER TABLE commission_settlements ALTER COLUMN agent TYPE text COLLATE "it-IT-x-icu"'))
    shared = invoiced.model_copy(update={"customer_agents": tuple(
        CustomerAgent(customer="C001", agent=agent, share=D(50), source=source("customer_agents", row))
        for row, agent in ((2, AGENT), (3, "de Luca")))})
    done = commissions.compute(ledger, shared, FIRST, LAST, out=tmp_path / "first", settle=True, today=TODAY, lang="it")
    assert [s.agent for s in done.issued] == [AGENT, "de Luca"]
    again = commissions.reprint(ledger, shared, FIRST, LAST, tmp_path / "again", lang="it")
    assert [s.agent for s in again.statements] == [AGENT, "de Luca"]
    assert _cells(tmp_path / "again" / summary_file(FIRST, LAST)) == _cells(tmp_path / "first" / summary_file(FIRST, LAST))


def test_a_reprint_of_a_span_with_nothing_settled_says_so(ledger, invoiced, tmp_path):
    again = commissions.reprint(ledger, invoiced, FIRST, LAST, tmp_path / "again", lang="it")
    assert _codes(again.problems) == ["commission-nothing-settled"] and again.files == []


def test_a_credit_note_recorded_after_the_settlement_in_its_period_is_named(ledger, invoiced, tmp_path):
    """A note dated 30 April, issued once April was settled, is in no statement: the next
    period's preview and settlement and April's reprint name it; the settled figures stay."""
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    note = credit(ledger, invoiced, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", LAST, TODAY, lang="it").note
    assert note is not None
    may = commissions.compute(ledger, invoiced, date(2026, 5, 1), date(2026, 5, 31), lang="it")
    [late] = [p for p in may.problems if p.code == "commission-recorded-after-settling"]
    assert late.message("it").startswith(
        f"1 documento o incasso del periodo dal 01/04/2026 al 30/04/2026, liquidato per {AGENT} il 10/05/2026, è "
        f"registrato dopo la liquidazione ({note.number}): l'estratto liquidato non lo conta")
    again = commissions.reprint(ledger, invoiced, FIRST, LAST, tmp_path / "again", lang="it")
    assert _codes(again.problems) == ["commission-recorded-after-settling"]
    assert [s.total for s in again.statements] == [D("50.00")]


def test_a_payment_recorded_after_the_settlement_is_named_in_the_readers_language(ledger, tmp_path):
    """A payment of 20 May typed in once May was settled on a collected base: June's preview
    names it as a payment in the reader's language, where both read «FT-2026-00001 (incasso /
    payment)»: English in an Italian message."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    _pay(ledger, date(2026, 5, 4), "610.00")
    commissions.compute(ledger, master, *MAY, settle=True, today=date(2026, 6, 2), lang="it")
    _pay(ledger, date(2026, 5, 20), "610.00")
    [late] = [p for p in commissions.compute(ledger, master, *JUNE, lang="it").problems
              if p.code == "commission-recorded-after-settling"]
    assert "è registrato dopo la liquidazione (incasso su FT-2026-00001):" in late.message("it")
    assert "was recorded after the settlement (payment on FT-2026-00001):" in late.message("en")


def test_a_reprint_of_two_settled_months_says_each_statements_period_in_json(ledger, invoiced, tmp_path):
    """April and May settled, May's statement holding a note of 5 May: the reprint of both gives
    the agent twice, each statement with its own period, where the JSON told them apart by
    nothing (its "from" and "to" are the span asked)."""
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert credit(ledger, invoiced, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    commissions.compute(ledger, invoiced, *MAY, settle=True, today=date(2026, 6, 2), lang="it")
    again = commissions.reprint(ledger, invoiced, FIRST, MAY[1], tmp_path / "again", lang="it")
    reply = [statement_json(s) for s in again.statements]
    assert [(j["agent"], j["from"], j["to"], j["total"]) for j in reply] == [
        (AGENT, FIRST, LAST, D("50.00")), (AGENT, *MAY, D("-10.00"))]
    valid("commissions", to_jsonable({"ok": True, "exit_code": 0, "problems": [], "from": FIRST, "to": MAY[1],
                                      "settled": True, "statements": reply, "left_out": [], "files": again.files}))


def test_a_ledger_of_schema_41_gains_the_commission_settlements(ledger):
    """Upgraded from schema 41 (on SQLite and PostgreSQL) through 42 to 43: the table is there, empty."""
    migrate(ledger)
    back_to(ledger, 41, tables=["commission_settlements"])
    with reading(ledger) as conn:
        assert "commission_settlements" not in inspect(conn).get_table_names()
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.commission_settlements)).scalar_one() == 0


def _shared_with(master, agent: str):
    """C001 shared half and half, since April was settled, between its agent and `agent` on *Agenti clienti*."""
    return master.model_copy(update={"customer_agents": tuple(
        CustomerAgent(customer="C001", agent=name, share=D(50), source=source("customer_agents", row))
        for row, name in ((2, AGENT), (3, agent)))})


def _half_settled(master):
    """C001 shared half and half with Luca Verdi already, whom no rule paid yet (the rules
    Marco Bianchi's alone): April settles Marco Bianchi's half, and leaves Luca Verdi's to settle
    once a rule pays him. (Given half of C001 only after April was settled for Marco Bianchi
    at 100 %, Luca Verdi earns nothing of April: `test_commission_settled_apart.py`.)"""
    return _shared_with(master, "Luca Verdi").model_copy(update={"commissions": tuple(
        replace(c, agent=AGENT) for c in master.commissions)})


def test_an_agent_missing_from_a_settled_period_is_settled_and_the_settled_one_left_out(ledger, invoiced, tmp_path):
    """April settled for Marco Bianchi alone, on his half of C001; Luca Verdi's rule written
    since: settling April again settles Luca Verdi, where the whole period was refused since
    Marco Bianchi's overlapped, so Luca Verdi's April could never be settled. Marco Bianchi is
    left out, named with the reprint, his kept statement and files as first settled; a third
    settlement, every agent settled, is refused with nothing stored."""
    commissions.compute(ledger, _half_settled(invoiced), FIRST, LAST, out=tmp_path / "april", settle=True,
                        today=TODAY, lang="it")
    [(_, _, _, _, _, _, first_kept)] = _settled(ledger)
    first_file = _cells(tmp_path / "april" / commission_file(AGENT, FIRST, LAST))
    shared = _shared_with(invoiced, "Luca Verdi")

    done = commissions.compute(ledger, shared, FIRST, LAST, out=tmp_path / "april", settle=True,
                               today=date(2026, 5, 20), lang="it")
    assert not errors(done.problems), done.problems
    assert [(s.agent, s.total) for s in done.issued] == [("Luca Verdi", D("25.00"))]
    assert done.summary("it") == "Provvigioni dal 01/04/2026 al 30/04/2026 liquidate: 1 agente, totale 25,00 €."
    [left] = done.problems
    assert (left.code, left.is_error) == ("commission-agent-left-out", False)
    assert left.message("it") == (
        f"Le provvigioni di {AGENT} sono già liquidate dal 01/04/2026 al 30/04/2026 (il 10/05/2026): il periodo dal "
        f"01/04/2026 al 30/04/2026 è liquidato per gli altri agenti, non per {AGENT}, il cui estratto non è "
        "registrato né scritto di nuovo. Per ristampare quello liquidato come emesso: toolkit commissions --reprint "
        "--from 2026-04-01 --to 2026-04-30.")
    assert [(x.agent, x.settled_on) for x in done.left_out] == [(AGENT, TODAY)]
    assert [(agent, settled_on, total) for agent, _, _, settled_on, _, total, _ in _settled(ledger)] == [
        (AGENT, TODAY, D("25.00")), ("Luca Verdi", date(2026, 5, 20), D("25.00"))]
    assert _settled(ledger)[0][-1] == first_kept
    assert _cells(tmp_path / "april" / commission_file(AGENT, FIRST, LAST)) == first_file
    assert (tmp_path / "april" / commission_file("Luca Verdi", FIRST, LAST)).exists()
    again = commissions.reprint(ledger, shared, FIRST, LAST, tmp_path / "again", lang="it")
    assert [(s.agent, s.total) for s in again.statements] == [(AGENT, D("25.00")), ("Luca Verdi", D("25.00"))]

    third = commissions.compute(ledger, shared, FIRST, LAST, out=tmp_path / "third", settle=True,
                                today=date(2026, 5, 21), lang="it")
    assert _codes(third.problems) == ["commission-period-settled", "commission-period-settled"]
    assert third.summary("en") == "No commission was settled: fix the problems listed." and not third.left_out
    assert len(_settled(ledger)) == 2 and not (tmp_path / "third").exists()


def test_a_settlement_leaving_an_agent_out_says_both_in_json(ledger, invoiced, tmp_path, capsys):
    """`--json` of the settlement above: settled, Luca Verdi's statement, and Marco Bianchi under
    `left_out` with the period he was settled for, exit 0."""
    from toolkit.cli import output
    from toolkit.cli.rebates import _commissions_said

    commissions.compute(ledger, _half_settled(invoiced), FIRST, LAST, settle=True, today=TODAY, lang="it")
    done = commissions.compute(ledger, _shared_with(invoiced, "Luca Verdi"), FIRST, LAST, out=tmp_path / "april",
                               settle=True, today=date(2026, 5, 20), lang="it")
    output.reset()
    capsys.readouterr()
    _commissions_said(done.problems, done.issued, done.summary("en"), done.files, FIRST, LAST, settled=True,
                      left_out=done.left_out, json=True)
    said = valid("commissions", json.loads(capsys.readouterr().out))
    assert said["exit_code"] == 0 and said["settled"] is True
    assert [s["agent"] for s in said["statements"]] == ["Luca Verdi"]
    assert said["left_out"] == [{"agent": AGENT, "from": "2026-04-01", "to": "2026-04-30", "settled_on": "2026-05-10"}]
    assert [p["code"] for p in said["problems"]] == ["commission-agent-left-out"]


def test_settle_and_reprint_answer_in_json(desk, capsys):  # noqa: F811 - fixture
    """`--settle --json` says settled with the statements as recorded; a second one is refused
    (exit 1, nothing stored); `--reprint --json` gives the same statements back."""
    workbook, folder = desk, desk.parent
    assert toolkit(["invoice", "finalize", str(workbook), _draft_run(workbook, capsys)], capsys)[0] == 0
    period = ["--from", "2026-04-01", "--to", "2026-04-30"]
    code, settled = toolkit(["commissions", str(workbook), *period, "--out", str(folder / "prov"), "--settle"], capsys)
    valid("commissions", settled)
    assert code == 0 and settled["settled"] is True and settled["statements"], settled["problems"]
    code, refused = toolkit(["commissions", str(workbook), *period, "--out", str(folder / "p2"), "--settle"], capsys)
    valid("commissions", refused)
    assert code != 0 and refused["settled"] is False
    assert "commission-period-settled" in {p["code"] for p in refused["problems"]}
    code, again = toolkit(["commissions", str(workbook), *period, "--out", str(folder / "p3"), "--reprint"], capsys)
    valid("commissions", again)
    assert code == 0 and again["statements"] == settled["statements"] and len(again["files"]) == len(settled["files"])


def test_an_agency_with_a_long_name_is_settled_and_reprinted(ledger, invoiced, tmp_path):
    """An agent's name is as long as *Agenti clienti* writes it: a 75-character agency's was
    refused by PostgreSQL (a 60-character column) with a traceback, nothing settled."""
    agency = "Agenzia Rappresentanze Commerciali Bianchi & Rossi di Marco Bianchi S.a.s."
    master = invoiced.model_copy(update={"customers": tuple(replace(c, sales_rep=agency) for c in invoiced.customers)})
    done = commissions.compute(ledger, master, FIRST, LAST, out=tmp_path / "first", settle=True, today=TODAY, lang="it")
    assert not errors(done.problems) and [s.agent for s in done.issued] == [agency]
    assert [row[0] for row in _settled(ledger)] == [agency]
    again = commissions.reprint(ledger, master, FIRST, LAST, tmp_path / "again", lang="it")
    assert [(s.agent, s.total) for s in again.statements] == [(agency, D("50.00"))]


def test_a_preview_of_a_settled_period_writes_beside_the_settled_files_never_over_them(ledger, invoiced, tmp_path):
    """April settled into the button's folder at 5 %, the rate raised to 9 % since: the No of
    *Provvigioni* (a preview into the same folder) wrote 90.00 € over the statement handed out
    and over the summary. Its files are anteprima-…, beside them; May's preview, settled for
    nobody, keeps the plain names its settlement will replace."""
    folder = tmp_path / "provvigioni-20260401-20260430"
    commissions.compute(ledger, invoiced, FIRST, LAST, out=folder, settle=True, today=TODAY, lang="it")
    settled = {name: _cells(folder / name) for name in (commission_file(AGENT, FIRST, LAST), summary_file(FIRST, LAST))}
    raised = invoiced.model_copy(update={"commissions": (replace(invoiced.commissions[0], percent=D(9)),)})
    preview = commissions.compute(ledger, raised, FIRST, LAST, out=folder, lang="it")
    assert [p.name for p in preview.files] == [f"anteprima-provvigioni-20260401-20260430-{AGENT.replace(' ', '_')}.xlsx",
                                               "anteprima-provvigioni-20260401-20260430.xlsx"]
    assert {name: _cells(folder / name) for name in settled} == settled
    assert 9 in {v for _, _, v, _ in _cells(preview.files[0])}          # the rate of today
    assert "commission-preview-of-settled" in _codes(preview.problems)
    shared = _shared_with(invoiced, "Luca Verdi")     # an agent settled for nothing: the summary is still April's
    assert [p.name for p in commissions.compute(ledger, shared, FIRST, LAST, out=folder, lang="it").files][-1] == (
        "anteprima-provvigioni-20260401-20260430.xlsx")
    assert _cells(folder / summary_file(FIRST, LAST)) == settled[summary_file(FIRST, LAST)]
    may = commissions.compute(ledger, invoiced, *MAY, out=tmp_path / "may", lang="it")
    assert [p.name for p in may.files] == ["provvigioni-20260501-20260531.xlsx"]


def test_settling_a_period_with_no_statement_says_so_records_nothing_and_settles_later(ledger, invoiced, tmp_path,
                                                                                        capsys):
    """April's invoice to C001, no agent on *Clienti* nor *Agenti clienti*: --settle answered
    «liquidate: 0 agenti, totale 0,00 €», wrote a summary of nobody and said settled in JSON,
    as if April were done. It says nothing was settled (exit 0: nothing is wrong), writes and
    records nothing, and April, the agent written since, is settled by settling it again."""
    from toolkit.cli import output
    from toolkit.cli.rebates import _commissions_said

    nobody = invoiced.model_copy(update={"customers": tuple(replace(c, sales_rep=None) for c in invoiced.customers)})
    empty = commissions.compute(ledger, nobody, FIRST, LAST, out=tmp_path / "april", settle=True, today=TODAY, lang="it")
    assert _codes(empty.problems) == ["commission-nothing-to-settle"] and not empty.recorded
    assert empty.problems[0].message("it").startswith(
        "Nessun agente ha un estratto dal 01/04/2026 al 30/04/2026 (nessuna vendita o nota del periodo a un cliente "
        "con un agente che una regola di Provvigioni paghi): nulla è stato liquidato né scritto, e il periodo resta "
        "da liquidare.")
    assert empty.summary("it") == "Nessuna provvigione liquidata dal 01/04/2026 al 30/04/2026: nessun agente ha un estratto."
    assert _settled(ledger) == [] and not empty.files and not (tmp_path / "april").exists()
    output.reset()
    capsys.readouterr()
    _commissions_said(empty.problems, empty.issued, empty.summary("en"), empty.files, FIRST, LAST,
                      settled=empty.recorded, left_out=empty.left_out, json=True)
    said = valid("commissions", json.loads(capsys.readouterr().out))
    assert (said["exit_code"], said["settled"], said["statements"], said["files"]) == (0, False, [], [])

    done = commissions.compute(ledger, invoiced, FIRST, LAST, out=tmp_path / "april", settle=True, today=TODAY, lang="it")
    assert done.recorded and [(row[0], row[5]) for row in _settled(ledger)] == [(AGENT, D("50.00"))]
    assert "commission-recorded-after-settling" not in _codes(commissions.compute(ledger, invoiced, *MAY, lang="it").problems)


def test_a_late_note_is_told_to_the_agent_the_settled_statement_paid_not_todays(ledger, invoiced, tmp_path):
    """April settled for Marco Bianchi, then C001 given to Luca Verdi on *Clienti* and a note
    dated 30 April recorded: the warning read today's agent, Luca Verdi, so Marco Bianchi, paid
    on C001's April, was never told, at May's run nor at April's reprint."""
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    note = credit(ledger, invoiced, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", LAST, TODAY, lang="it").note
    assert note is not None
    moved = invoiced.model_copy(update={"customers": tuple(replace(c, sales_rep="Luca Verdi")
                                                           for c in invoiced.customers)})
    for problems in (commissions.compute(ledger, moved, *MAY, lang="it").problems,
                     commissions.reprint(ledger, moved, FIRST, LAST, tmp_path / "again", lang="it").problems):
        [late] = [p for p in problems if p.code == "commission-recorded-after-settling"]
        assert f"liquidato per {AGENT} il 10/05/2026, è registrato dopo la liquidazione ({note.number})" in (
            late.message("it"))


def _note_row(ledger, master) -> tuple:
    """May's row of NC-2026-00001 (2 of FT-2026-00001's 10 back, 200.00 €): base, share, rate, commission."""
    [row] = [(r.base, r.share, r.rate, r.commission) for s in commissions.compute(ledger, master, *MAY, lang="it").statements
             for r in s.rows if r.invoice.number == "NC-2026-00001"]
    return row


def _since_april(master):
    """*Provvigioni* raised from 5 % to 9 % and the agent's share of C001 cut to 50 % on *Agenti clienti*."""
    return master.model_copy(update={
        "commissions": (replace(master.commissions[0], percent=D(9)),),
        "customer_agents": (CustomerAgent(customer="C001", agent=AGENT, share=D(50), source=source("customer_agents", 2)),)})


def test_a_note_on_a_settled_invoice_takes_back_what_the_settled_statement_paid(ledger, invoiced):
    """April settled: FT-2026-00001 paid 5 % of 1,000.00 € at a 100 % share. The rate raised to
    9 % and the share cut to 50 % since, May's note on it took back 9 % of 100.00 € (−9.00 €),
    today's figures, where the agent was paid 10.00 € on those two: it takes back −10.00 €. Not
    settled, the note goes by today's rule as before."""
    assert credit(ledger, invoiced, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    changed = _since_april(invoiced)
    assert _note_row(ledger, changed) == (D("-100.00"), D(50), D(9), D("-9.00"))       # April not settled: today's
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert _note_row(ledger, changed) == (D("-200.00"), D(100), D(5), D("-10.00"))
    [may] = commissions.compute(ledger, changed, *MAY, settle=True, today=date(2026, 6, 2), lang="it").issued
    assert [(r.number, r.rate, r.commission) for r in may.rows] == [("NC-2026-00001", D(5), D("-10.00"))]


PV = Commission(code="PV", base=CommissionBase.INVOICED, threshold=D(0), percent=D(5), source=source("commissions", 2))
"""5 % of what is invoiced, on every item."""


def _april_of_coffee_and_milk(ledger, *paying: Commission):
    """April's FT-2026-00001 to C001, Marco Bianchi's, of coffee (A001, 1,000.00 €) and milk
    (A002, 100.00 €), April settled under the rules `paying`: the master without rules, and
    April's settled statement."""
    from test_invoicing import make_order, master_with, ship

    from toolkit.basics.vocab import InvoiceTerms
    from toolkit.core.invoicing import Request
    from toolkit.services.invoicing import finalize, run

    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, sales_rep=AGENT)
    april = master.model_copy(update={"commissions": paying})
    _, lines = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "10", "100", "22", None),
                                                             ("A002", "10", "10", "4", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(n, "10") for n in lines])
    finalize(ledger, run(ledger, april, Request(APRIL, date(2026, 5, 2)), lang="it").run_id)
    [settled] = commissions.compute(ledger, april, FIRST, LAST, settle=True, today=TODAY, lang="it").issued
    return master, settled


def test_a_note_on_goods_the_settled_statement_paid_nothing_on_takes_nothing_back(ledger):
    """FT-2026-00001 of April sold coffee (A001, 1,000.00 €) and milk (A002, 100.00 €); April's
    rule paid 5 % on milk alone, and April was settled so. A rule for every item written since
    made May's note on two coffees take back 5 % (−10.00 €) of a commission never paid: it takes
    back at 0 %; a note on milk takes back the 5 % paid."""
    master, april = _april_of_coffee_and_milk(ledger, replace(PV, item="A002"))
    assert [(r.number, r.base, r.commission) for r in april.rows] == [("FT-2026-00001", D("100.00"), D("5.00"))]
    every = master.model_copy(update={"commissions": (PV,)})
    for line, base, rate, commission in ((1, "-200.00", 0, "0.00"), (2, "-20.00", 5, "-1.00")):
        note = credit(ledger, every, "FT-2026-00001", [(line, D(2))], "Merce danneggiata", date(2026, 5, 5),
                      date(2026, 5, 5), lang="it").note
        assert note is not None
        [row] = [(r.base, r.rate, r.commission) for s in commissions.compute(ledger, every, *MAY, lang="it").statements
                 for r in s.rows if r.invoice.number == note.number]
        assert row == (D(base), D(rate), D(commission))


def test_a_statement_kept_before_rows_named_their_items_gives_its_rules_rate(ledger, invoiced):
    """A statement settled before its rows kept their items: the note takes back at the settled
    row of the same rule, 5 %, not today's 9 %."""
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    c = schema.commission_settlements.c
    with writing(ledger) as conn:
        kept = json.loads(conn.execute(select(c.statement)).scalar_one())
        for row in kept["rows"]:
            row.pop("items", None)
        conn.execute(update(schema.commission_settlements).values(statement=json.dumps(kept)))
    assert credit(ledger, invoiced, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    assert _note_row(ledger, _since_april(invoiced))[2:] == (D(5), D("-10.00"))


def test_a_note_on_paid_and_unpaid_goods_of_a_settled_invoice_prints_one_share_its_bases_are_at(ledger):
    """April paid 5 % on milk (A002) alone at a 100 % share and was settled; since, a rule pays
    9 % on coffee (A001) and the share is cut to 50 %. May's note on two coffees and two milks
    printed its coffee row at the settled 100 % share with a base of −100.00 €, half the goods at
    today's 50 %, whichever of its lines came first deciding: both rows go at the share settled."""
    milk = replace(PV, item="A002")
    master, _ = _april_of_coffee_and_milk(ledger, milk)
    coffee = replace(PV, code="ST", percent=D(9), item="A001", source=source("commissions", 3))
    since = master.model_copy(update={"commissions": (milk, coffee), "customer_agents": (
        CustomerAgent(customer="C001", agent=AGENT, share=D(50), source=source("customer_agents", 2)),)})
    note = credit(ledger, since, "FT-2026-00001", [(1, D(2)), (2, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note
    assert note is not None
    rows = [(r.rule, r.base, r.share, r.rate) for s in commissions.compute(ledger, since, *MAY, lang="it").statements
            for r in s.rows if r.invoice.number == note.number]
    assert sorted(rows) == [("PV", D("-20.00"), D(100), D(5)), ("ST", D("-200.00"), D(100), D(0))]


def test_a_note_taking_back_at_0_percent_says_0_00_not_minus_0_00(ledger):
    """May's note on two coffees April's settled statement paid nothing on takes back 0 % of
    −200.00 €: its row's commission was -0.00, so `--json` and the ledger's kept statement said
    "-0.00" and the workbook's cell held −0."""
    master, _ = _april_of_coffee_and_milk(ledger, replace(PV, item="A002"))
    every = master.model_copy(update={"commissions": (PV,)})
    note = credit(ledger, every, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note
    assert note is not None
    [may] = commissions.compute(ledger, every, *MAY, settle=True, today=date(2026, 6, 2), lang="it").issued
    [row] = to_jsonable(statement_json(may))["rows"]
    assert (row["invoice"], row["rate"], row["commission"]) == (note.number, "0", "0.00")
    assert [r["commission"] for r in json.loads(_settled(ledger)[-1][-1])["rows"]] == ["0.00"]


def test_a_preview_summary_of_a_settled_period_names_the_preview_statements_beside_it(ledger, invoiced, tmp_path):
    """April settled into a folder, then previewed there: the preview's summary, anteprima-…,
    named in its File column the settled statement, provvigioni-…-Marco_Bianchi.xlsx, with the
    settled figures, not the preview's beside it whose figures it totals."""
    folder = tmp_path / "provvigioni-20260401-20260430"
    commissions.compute(ledger, invoiced, FIRST, LAST, out=folder, settle=True, today=TODAY, lang="it")
    preview = commissions.compute(ledger, invoiced, FIRST, LAST, out=folder, lang="it")
    statement, summary = preview.files
    named = openpyxl.load_workbook(summary).worksheets[0]["D5"].value
    assert (named, statement.name) == (f"anteprima-provvigioni-20260401-20260430-{AGENT.replace(' ', '_')}.xlsx",) * 2
    assert openpyxl.load_workbook(folder / summary_file(FIRST, LAST)).worksheets[0]["D5"].value == (
        commission_file(AGENT, FIRST, LAST))


def test_a_note_on_a_settled_invoice_is_taken_back_from_the_agent_paid_not_todays(ledger, invoiced, tmp_path):
    """April settled for Marco Bianchi, 5 % of FT-2026-00001; C001 given to Luca Verdi since. May's
    note on two of its goods took back −10.00 € from Luca Verdi, paid nothing on them, and Marco
    Bianchi, paid 50.00 €, kept it all: the note goes to the agent the settled statement paid, in
    May's preview, its settlement and the summary, and Luca Verdi has no row of it."""
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    moved = invoiced.model_copy(update={"customers": tuple(replace(c, sales_rep="Luca Verdi")
                                                           for c in invoiced.customers)})
    note = credit(ledger, moved, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note
    assert note is not None
    preview = commissions.compute(ledger, moved, *MAY, lang="it")
    assert [(s.agent, [(r.number, r.share, r.rate, r.commission) for r in s.rows]) for s in preview.issued] == [
        (AGENT, [(note.number, D(100), D(5), D("-10.00"))])]
    done = commissions.compute(ledger, moved, *MAY, out=tmp_path / "may", settle=True, today=date(2026, 6, 2), lang="it")
    assert [(s.agent, s.total) for s in done.issued] == [(AGENT, D("-10.00"))]
    assert [(row[0], row[5]) for row in _settled(ledger)] == [(AGENT, D("50.00")), (AGENT, D("-10.00"))]
    summary = openpyxl.load_workbook(tmp_path / "may" / summary_file(*MAY)).worksheets[0]
    assert [c.value for c in summary[5]][:1] == [AGENT]


def test_a_run_reads_each_settled_statement_once_for_the_notes_and_the_late_documents(ledger, invoiced, monkeypatch):
    """April settled; a note dated 30 April recorded since (late) and one of May on April's
    invoice: May's run asked the kept statements twice, who was paid on C001 (the late warning)
    and what on FT-2026-00001 (the May note), reading and parsing April's JSON for each. It is
    read once, and both answers stay: the warning to Marco Bianchi, the note at the settled 5 %."""
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    for day in (LAST, date(2026, 5, 5)):
        assert credit(ledger, invoiced, "FT-2026-00001", [(1, D(1))], "Merce danneggiata", day, TODAY, lang="it").note
    parsed = []
    from_text = CommissionStatement.from_text.__func__

    def counted(cls, stored):
        parsed.append(stored)
        return from_text(cls, stored)

    monkeypatch.setattr(CommissionStatement, "from_text", classmethod(counted))
    may = commissions.compute(ledger, _since_april(invoiced), *MAY, lang="it")
    assert len(parsed) == 1
    assert "commission-recorded-after-settling" in _codes(may.problems)
    assert [(r.number, r.rate, r.commission) for s in may.issued for r in s.rows] == [
        ("NC-2026-00002", D(5), D("-5.00"))]


def test_a_late_note_of_a_customer_two_agents_shared_names_both_with_their_shares(ledger, invoiced, tmp_path):
    """C001 shared 60/40 by Marco Bianchi and Luca Verdi, April settled for both; a note dated 30
    April recorded since gave two warnings, each naming one agent and no share, so the desk read
    each agent owed the whole difference. One warning names both, each with the share paid."""
    shared = invoiced.model_copy(update={"customer_agents": tuple(
        CustomerAgent(customer="C001", agent=name, share=D(share), source=source("customer_agents", row))
        for row, name, share in ((2, AGENT, 60), (3, "Luca Verdi", 40)))})
    commissions.compute(ledger, shared, FIRST, LAST, settle=True, today=TODAY, lang="it")
    note = credit(ledger, shared, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", LAST, TODAY, lang="it").note
    assert note is not None
    for problems in (commissions.compute(ledger, shared, *MAY, lang="it").problems,
                     commissions.reprint(ledger, shared, FIRST, LAST, tmp_path / "again", lang="it").problems):
        [late] = [p for p in problems if p.code == "commission-recorded-after-settling"]
        assert late.message("it").startswith(
            f"1 documento o incasso del periodo dal 01/04/2026 al 30/04/2026, liquidato per {AGENT} (quota 60 %) e "
            f"Luca Verdi (quota 40 %) il 10/05/2026, è registrato dopo la liquidazione ({note.number})")
        assert "Regola a mano la differenza con gli agenti" in late.message("it")
        assert late.message("en").startswith(
            f"1 document or payment of the period from 01/04/2026 to 30/04/2026, settled for {AGENT} (60 % share) "
            f"and Luca Verdi (40 % share) on 10/05/2026, was recorded after the settlement ({note.number})")
        assert "Settle the difference with the agents by hand" in late.message("en")


def test_settling_a_period_settled_for_its_agents_with_nothing_new_says_nothing_remains(ledger, invoiced, tmp_path):
    """April settled for Marco Bianchi, its invoice dated 30 April; then C001 has no agent, and the
    first half of April has no document: settling either said «il periodo resta da liquidare», when what April had was
    settled and nothing remains. It names the settlement, that nothing remains, and the reprint;
    a period never settled keeps saying it stays to settle."""
    commissions.compute(ledger, invoiced, FIRST, LAST, settle=True, today=TODAY, lang="it")
    nobody = invoiced.model_copy(update={"customers": tuple(replace(c, sales_rep=None) for c in invoiced.customers)})
    for master, last in ((nobody, LAST), (invoiced, date(2026, 4, 15))):
        empty = commissions.compute(ledger, master, FIRST, last, out=tmp_path / "again", settle=True, today=TODAY, lang="it")
        [said] = empty.problems
        assert (said.code, said.is_error, empty.recorded) == ("commission-nothing-left-to-settle", False, False)
        assert said.message("it") == (
            f"Nessun agente ha un estratto da liquidare dal 01/04/2026 al {last:%d/%m/%Y}: il periodo è già "
            f"liquidato per {AGENT} (dal 01/04/2026 al 30/04/2026, il 10/05/2026) e nessun altro agente ha vendite o "
            "note del periodo che una regola di Provvigioni paghi. Non resta nulla da liquidare: nulla è stato "
            "registrato né scritto. Per ristampare gli estratti liquidati come emessi: toolkit commissions --reprint "
            "--from 2026-04-01 --to 2026-04-30.")
        assert said.message("en").startswith(
            f"No agent has a statement to settle from 01/04/2026 to {last:%d/%m/%Y}: the period is already settled "
            f"for {AGENT} (from 01/04/2026 to 30/04/2026, on 10/05/2026)")
        assert "Nothing remains to settle" in said.message("en") and "resta da liquidare" not in said.message("it")
        assert not (tmp_path / "again").exists() and len(_settled(ledger)) == 1
    never = commissions.compute(ledger, nobody, *MAY, settle=True, today=date(2026, 6, 2), lang="it")
    assert _codes(never.problems) == ["commission-nothing-to-settle"]
    assert "il periodo resta da liquidare" in never.problems[0].message("it")


def test_settling_an_agent_missing_from_a_settled_period_writes_the_periods_summary_whole(ledger, invoiced, tmp_path):
    """April settled for Marco Bianchi into its folder, then for Luca Verdi, his rule written
    since: the second settlement replaced the period's summary with one of Luca Verdi alone, so
    the summary of what April paid Marco Bianchi was lost from the folder. It lists both, as
    settled, cell for cell the reprint's summary."""
    folder = tmp_path / "provvigioni-20260401-20260430"
    commissions.compute(ledger, _half_settled(invoiced), FIRST, LAST, out=folder, settle=True, today=TODAY, lang="it")
    commissions.compute(ledger, _shared_with(invoiced, "Luca Verdi"), FIRST, LAST, out=folder, settle=True,
                        today=date(2026, 5, 20), lang="it")
    summary = openpyxl.load_workbook(folder / summary_file(FIRST, LAST)).worksheets[0]
    assert [[c.value for c in row][:3] for row in summary.iter_rows(min_row=5, max_row=7)] == [
        [AGENT, 500, 25], ["Luca Verdi", 500, 25], ["Totale", "=SUM(B5:B6)", "=SUM(C5:C6)"]]
    assert (summary["D5"].value, summary["D6"].value) == (commission_file(AGENT, FIRST, LAST),
                                                          commission_file("Luca Verdi", FIRST, LAST))
    commissions.reprint(ledger, invoiced, FIRST, LAST, tmp_path / "again", lang="it")
    assert _cells(folder / summary_file(FIRST, LAST)) == _cells(tmp_path / "again" / summary_file(FIRST, LAST))


@pytest.mark.parametrize("lang, said", [("it", "ANTEPRIMA"), ("en", "PREVIEW")])
def test_a_preview_of_a_settled_period_says_so_on_its_sheets_and_printed_pages(ledger, invoiced, tmp_path, lang, said):
    """April settled, then previewed: the anteprima-… statement and summary were titled as the
    settled ones, «Provvigioni di Marco Bianchi dal 01/04/2026 al 30/04/2026», so a printed page
    could be handed out as the statement settled. Their title cell and every page's header say
    they are a preview; the settled files' cells stay as first printed."""
    folder = tmp_path / "provvigioni-20260401-20260430"
    commissions.compute(ledger, invoiced, FIRST, LAST, out=folder, settle=True, today=TODAY, lang=lang)
    settled = {name: _cells(folder / name) for name in (commission_file(AGENT, FIRST, LAST), summary_file(FIRST, LAST))}
    preview = commissions.compute(ledger, invoiced, FIRST, LAST, out=folder, lang=lang)
    for path in preview.files:
        sheet = openpyxl.load_workbook(path).worksheets[0]
        assert str(sheet["A1"].value).startswith(f"{said}, ") and said in sheet.oddHeader.left.text
    for name, cells in settled.items():
        sheet = openpyxl.load_workbook(folder / name).worksheets[0]
        assert _cells(folder / name) == cells and said not in str(sheet["A1"].value)
        assert not sheet.oddHeader.left.text


def test_a_note_on_a_settled_invoice_is_taken_back_from_the_agent_paid_after_his_rule_was_deleted(ledger, invoiced,
                                                                                                   tmp_path):
    """April settled for Marco Bianchi under his own rule (PV-MB, 5 %); he has left since: C001 is
    Luca Verdi's and *Provvigioni* holds Luca Verdi's rule alone (PV-LV, 3 %). May's note on two
    goods of FT-2026-00001 went to nobody, Marco Bianchi having no rule and Luca Verdi not paid
    on it, so the 10.00 € paid on goods returned were never taken back nor said: Marco Bianchi
    takes it back under the rule and rate the settled statement paid him, Luca Verdi nothing."""
    own = invoiced.model_copy(update={"commissions": (replace(invoiced.commissions[0], code="PV-MB", agent=AGENT),)})
    commissions.compute(ledger, own, FIRST, LAST, settle=True, today=TODAY, lang="it")
    gone = own.model_copy(update={
        "customers": tuple(replace(c, sales_rep="Luca Verdi") for c in own.customers),
        "commissions": (replace(own.commissions[0], code="PV-LV", agent="Luca Verdi", percent=D(3)),)})
    note = credit(ledger, gone, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note
    assert note is not None
    done = commissions.compute(ledger, gone, *MAY, out=tmp_path / "may", settle=True, today=date(2026, 6, 2), lang="it")
    assert [(s.agent, [(r.number, r.rule, r.share, r.rate, r.base, r.commission) for r in s.rows])
            for s in done.issued] == [
        (AGENT, [(note.number, "PV-MB", D(100), D(5), D("-200.00"), D("-10.00"))])]
    assert [(row[0], row[5]) for row in _settled(ledger)] == [(AGENT, D("50.00")), (AGENT, D("-10.00"))]
    summary = openpyxl.load_workbook(tmp_path / "may" / summary_file(*MAY)).worksheets[0]
    assert [c.value for c in summary[5]][:3] == [AGENT, -200, -10]


def test_a_second_settlement_after_the_company_was_renamed_writes_the_summary_the_reprint_does(ledger, invoiced,
                                                                                                tmp_path):
    """April settled for Marco Bianchi; the company renamed on *Impostazioni* since, Luca Verdi,
    given half of C001, is settled for April into the same folder: the period's summary was
    headed with today's name and its reprint with the name the first statement was settled
    under, so the summary written whole was not the reprint's cell for cell."""
    folder = tmp_path / "provvigioni-20260401-20260430"
    commissions.compute(ledger, invoiced, FIRST, LAST, out=folder, settle=True, today=TODAY, lang="it")
    renamed = _shared_with(invoiced, "Luca Verdi").model_copy(update={
        "settings": replace(invoiced.settings, company_name="Altra Ragione Sociale S.r.l.")})
    commissions.compute(ledger, renamed, FIRST, LAST, out=folder, settle=True, today=date(2026, 5, 20), lang="it")
    commissions.reprint(ledger, renamed, FIRST, LAST, tmp_path / "again", lang="it")
    assert _cells(folder / summary_file(FIRST, LAST)) == _cells(tmp_path / "again" / summary_file(FIRST, LAST))
    assert openpyxl.load_workbook(folder / summary_file(FIRST, LAST)).worksheets[0]["A2"].value == (
        invoiced.settings.company_name)


def test_a_note_on_a_settled_invoice_takes_a_collected_row_back_at_the_share_settled(ledger):
    """April's FT-2026-00001 collected in full and settled for Marco Bianchi, 5 % of what is
    collected, at 100 %; since, C001 shared half and half with Luca Verdi, paid on what is
    invoiced. May's note on two goods took back −5.00 €, today's 50 % share of the 200.00 €
    collected of them, where the settled statement paid Marco Bianchi 10.00 € on them: a
    collected row, as an invoiced one, is taken back by the agent paid at the share paid, its
    base and its share printed alike (100 %, collected in full)."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    _pay(ledger, date(2026, 4, 30), "1220.00")
    commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    luca = Commission(code="PV", agent="Luca Verdi", base=CommissionBase.INVOICED, threshold=D(0), percent=D(5),
                      source=source("commissions", 3))
    shared = _shared_with(master, "Luca Verdi").model_copy(update={"commissions": (*master.commissions, luca)})
    assert credit(ledger, shared, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    assert [(s.agent, r.rule, r.share, r.collected, r.base, r.commission)
            for s in commissions.compute(ledger, shared, *MAY, lang="it").statements for r in s.rows] == [
        (AGENT, "CASH", D(100), D(1), D("-200.00"), D("-10.00"))]


@pytest.mark.parametrize("since", ["rule deleted", "customer moved to an agent with a rule of their own"])
def test_a_note_whose_paid_agent_no_rule_of_today_fits_takes_back_at_the_settled_rate(ledger, since):
    """April paid Marco Bianchi 5 % of FT-2026-00001 under a *Provvigioni* row of his own (PV,
    agent Marco Bianchi) and was settled. The row deleted since, or C001 given to Luca Verdi with
    a row of his own, May's note on two coffees found no rule of today fitting Marco Bianchi and
    was taken back from nobody, without a word: it takes back the 10.00 € paid on them, at the
    settled row's rate and share, from Marco Bianchi."""
    mine = replace(PV, agent=AGENT)
    master, april = _april_of_coffee_and_milk(ledger, mine)
    assert [(r.number, r.rule, r.commission) for r in april.rows] == [("FT-2026-00001", "PV", D("55.00"))]
    if since == "rule deleted":
        today = master
    else:
        today = master.model_copy(update={
            "commissions": (replace(PV, code="LV", agent="Luca Verdi"),),
            "customers": tuple(replace(c, sales_rep="Luca Verdi") for c in master.customers)})
    note = credit(ledger, today, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note
    assert note is not None
    may = commissions.compute(ledger, today, *MAY, lang="it")
    assert [(s.agent, [(r.invoice.number, r.rule, r.base, r.share, r.rate, r.commission) for r in s.rows])
            for s in may.statements] == [(AGENT, [(note.number, "PV", D("-200.00"), D(100), D(5), D("-10.00"))])]
