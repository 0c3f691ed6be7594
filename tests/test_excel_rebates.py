"""The *Provvigioni* and *Liquida sconti volume* buttons on a fake live book: the period from the
panel's *Dal* and *Al* cells, the files beside the book, a wrong cell named, settled once."""

from __future__ import annotations

from datetime import datetime

import minimal
from sqlalchemy import func, select
from test_excel_desk_buttons import fake, fill, invoiced, ledger_of, may, press  # noqa: F401 - fixture

from toolkit.core.invoicing import InvoiceKind
from toolkit.excel.inputs import PERIOD_FROM, PERIOD_TO
from toolkit.ledger import schema
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices


def with_rebates():
    sheets = minimal.sheets()
    sheets["Sconti volume"] = [["Codice", "Cliente", "Periodo", "Base", "Modalità", "Da", "Sconto %"],
                               ["SV1", "C001", "Mese", "Importo", "Sul totale", 0, 2]]
    sheets["Provvigioni"] = [["Codice", "Base", "Da", "Provvigione %"], ["PV1", "Fatturato", 0, 5]]
    sheets["Agenti clienti"] = [["Cliente", "Agente", "Quota %"], ["C001", "Marco Bianchi", 100]]
    return sheets


def test_the_period_cells_are_the_ones_other_buttons_share():
    assert (PERIOD_FROM.name, PERIOD_FROM.cell, PERIOD_FROM.label) == ("PeriodoDal", "B14", "Dal")
    assert (PERIOD_TO.name, PERIOD_TO.cell, PERIOD_TO.label) == ("PeriodoAl", "B15", "Al")


def test_settle_then_commissions_from_the_panel_period(tmp_path, may):  # noqa: F811 - fixture
    book = invoiced(tmp_path, with_rebates())
    press(book, "finalize_run")
    fill(book, PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30))
    (shown,) = press(book, "settle_volume_discounts")
    assert shown[2] == "info" and "emessa 1 nota di credito" in shown[0], shown
    with reading(ledger_of(tmp_path)) as conn:
        [note] = [x for x in load_invoices(conn) if x.kind is InvoiceKind.CREDIT_NOTE]
    assert note.cites and note.total < 0
    assert (tmp_path / "sconti-2026-04" / "sconto-volume-2026-04-C001.xlsx").exists()
    (again,) = press(book, "settle_volume_discounts")
    assert "emesse 0 note di credito, 1 già liquidato" in again[0]
    (_, shown) = press(book, "commissions")
    assert shown[2] == "info" and "1 agente" in shown[0], shown
    folder = tmp_path / "provvigioni-20260401-20260430"
    assert (folder / "provvigioni-20260401-20260430-Marco_Bianchi.xlsx").exists()
    assert (folder / "provvigioni-20260401-20260430.xlsx").exists()


def test_the_commissions_button_settles_on_yes_and_refuses_the_period_the_next_time(tmp_path, may):  # noqa: F811
    """*Provvigioni* asks whether to settle: No (the tests above) writes a preview, Yes records the
    period's statements, and a second Yes is refused naming the settlement, nothing stored; a No
    then records nothing and says its statements are today's preview, not the settled ones."""
    book = invoiced(tmp_path, with_rebates())
    press(book, "finalize_run")
    fill(book, PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30))
    book.answers = ["yes"]
    question, shown = press(book, "commissions")
    assert question[2] == "yes_no" and "Liquidare le provvigioni dal 01/04/2026 al 30/04/2026?" in question[0]
    assert shown[2] == "info" and "liquidate: 1 agente" in shown[0], shown
    with reading(ledger_of(tmp_path)) as conn:
        [agent] = conn.execute(select(schema.commission_settlements.c.agent)).scalars()
    assert agent == "Marco Bianchi"
    book.answers = ["yes"]
    _, refused = press(book, "commissions")
    assert refused[2] == "critical" and "già liquidate dal 01/04/2026 al 30/04/2026" in refused[0], refused
    with reading(ledger_of(tmp_path)) as conn:
        assert conn.execute(select(func.count()).select_from(schema.commission_settlements)).scalar_one() == 1
    book.answers = ["no"]
    _, preview = press(book, "commissions")
    assert preview[2] == "info" and ("gli estratti scritti ora dal 01/04/2026 al 30/04/2026 sono un'anteprima con le "
                                     "cifre di oggi, non quelli liquidati") in preview[0], preview
    with reading(ledger_of(tmp_path)) as conn:
        assert conn.execute(select(func.count()).select_from(schema.commission_settlements)).scalar_one() == 1


def test_the_commissions_buttons_preview_of_a_settled_period_leaves_the_settled_files_as_handed_out(
        tmp_path, may):  # noqa: F811 - fixture
    """Yes settles April into `provvigioni-20260401-20260430` beside the book; a No then wrote its
    preview into that folder under the same names, over the statements handed out. It writes
    `anteprima-…` beside them, and says so; the settled files keep their bytes."""
    book = invoiced(tmp_path, with_rebates())
    press(book, "finalize_run")
    fill(book, PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30))
    book.answers = ["yes"]
    press(book, "commissions")
    folder = tmp_path / "provvigioni-20260401-20260430"
    settled = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert sorted(settled) == ["provvigioni-20260401-20260430-Marco_Bianchi.xlsx", "provvigioni-20260401-20260430.xlsx"]
    book.answers = ["no"]
    _, preview = press(book, "commissions")
    assert "i loro file si chiamano anteprima-provvigioni-…, accanto a quelli liquidati" in preview[0], preview
    assert {path.name: path.read_bytes() for path in folder.iterdir() if path.name in settled} == settled
    assert sorted(path.name for path in folder.iterdir() if path.name not in settled) == [
        "anteprima-provvigioni-20260401-20260430-Marco_Bianchi.xlsx", "anteprima-provvigioni-20260401-20260430.xlsx"]


def test_the_commissions_button_settles_an_agent_given_a_rule_since_and_leaves_out_the_settled(
        tmp_path, may):  # noqa: F811 - fixture
    """C001 shared half and half with Luca Verdi, whom no rule paid yet: April settled on Yes for
    Marco Bianchi's half; a rule for Luca Verdi written since on *Provvigioni*: Yes again settles
    Luca Verdi and says Marco Bianchi is left out, in the button's words, where the whole period
    was refused; a third Yes is refused, nothing stored. (C001 given to Luca Verdi only after
    April was settled for Marco Bianchi at 100 % would leave him nothing of April:
    `test_commission_settled_apart.py`.)"""
    sheets = with_rebates()
    sheets["Provvigioni"] = [["Codice", "Agente", "Base", "Da", "Provvigione %"],
                             ["PV1", "Marco Bianchi", "Fatturato", 0, 5]]
    sheets["Agenti clienti"] = [["Cliente", "Agente", "Quota %"], ["C001", "Marco Bianchi", 50],
                                ["C001", "Luca Verdi", 50]]
    book = invoiced(tmp_path, sheets)
    press(book, "finalize_run")
    fill(book, PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30))
    book.answers = ["yes"]
    press(book, "commissions")
    book.sheet("Provvigioni").load([["Codice", "Agente", "Base", "Da", "Provvigione %"],
                                    ["PV1", "Marco Bianchi", "Fatturato", 0, 5],
                                    ["PV2", "Luca Verdi", "Fatturato", 0, 5]])
    book.answers = ["yes"]
    _, shown = press(book, "commissions")
    assert shown[2] == "info" and "liquidate: 1 agente" in shown[0], shown
    assert ("il periodo dal 01/04/2026 al 30/04/2026 è liquidato per gli altri agenti, non per Marco Bianchi, il cui "
            "estratto non è registrato né scritto di nuovo (dalla riga di comando, toolkit commissions --reprint "
            "--from 2026-04-01 --to 2026-04-30 ristampa quello liquidato come emesso)") in shown[0], shown
    with reading(ledger_of(tmp_path)) as conn:
        agents = conn.execute(select(schema.commission_settlements.c.agent).order_by(
            schema.commission_settlements.c.id)).scalars().all()
    assert agents == ["Marco Bianchi", "Luca Verdi"]
    book.answers = ["yes"]
    _, refused = press(book, "commissions")
    assert refused[2] == "critical" and "Le provvigioni di Luca Verdi sono già liquidate" in refused[0], refused
    with reading(ledger_of(tmp_path)) as conn:
        assert conn.execute(select(func.count()).select_from(schema.commission_settlements)).scalar_one() == 2


def test_a_wrong_period_is_named_at_its_cells(tmp_path, may):  # noqa: F811 - fixture
    book = fake(tmp_path, with_rebates())
    fill(book, PeriodoDal="ieri", PeriodoAl=None)
    (shown,) = press(book, "commissions")
    assert shown[2] == "critical"
    assert {line.split(":")[0] for line in shown[0].splitlines()[1:]} == {"Pannello!B14", "Pannello!B15"}
    fill(book, PeriodoDal=datetime(2026, 4, 3), PeriodoAl=datetime(2026, 4, 30))
    (shown,) = press(book, "settle_volume_discounts")
    assert shown[2] == "critical" and "Pannello!B14" in shown[0] and "mese, un trimestre" in shown[0]


def test_commissions_refuse_a_period_that_ends_before_it_starts_at_its_cell(tmp_path, may):  # noqa: F811 - fixture
    book = fake(tmp_path, with_rebates())
    fill(book, PeriodoDal=datetime(2026, 4, 30), PeriodoAl=datetime(2026, 4, 1))
    (shown,) = press(book, "commissions")
    assert shown[2] == "critical" and "Pannello!B15" in shown[0], shown
    assert not list(tmp_path.glob("provvigioni-*"))


def test_commissions_name_the_draft_invoices_they_leave_out_and_the_button_that_finalizes(tmp_path, may):  # noqa: F811
    """The month-end run still a draft: the agent's statement leaves its invoice out, and the box
    says so, as `toolkit commissions` prints it; it said only "1 agente" before."""
    book = invoiced(tmp_path, with_rebates())
    fill(book, PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30))
    (_, shown) = press(book, "commissions")
    assert shown[2] == "info"
    [warned] = [line for line in shown[0].splitlines() if "FT-2026-00001" in line]
    assert warned == ("1 fattura del periodo è in bozza e non conta (FT-2026-00001): rendila definitiva "
                      "(«Rendi definitiva emissione»).")


def test_the_calendar_button_shows_the_warnings_the_command_prints(tmp_path):
    """T001 on Mondays and Tuesdays: Easter Monday's delivery moves onto Tuesday's, which
    `toolkit calendar` warns of at the template's cell; the button said only where the file is."""
    from toolkit.intake.validation import check
    from toolkit.services.calendar import plan

    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Modelli ordine", "F2", "lun,mar")
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    expected = plan(master, datetime(2026, 4, 1).date(), datetime(2026, 5, 1).date(), lang="it").problems
    assert [p.code for p in expected] == ["occurrences-merged"]
    (shown,) = press(fake(tmp_path, sheets, day=datetime(2026, 4, 1)), "calendar")
    assert shown[0].splitlines() == [f"Calendario scritto in {tmp_path / 'calendario-2026-04-01.xlsx'}",
                                     expected[0].render("it")]
