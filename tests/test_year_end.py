"""The turn of the year as a sales desk lives it: what the data check tells in December so that
January's first day does not stop."""

from __future__ import annotations

from datetime import date

import minimal
import pytest

from toolkit.intake.validation import check


def list_ending(end, *, template_end=None, next_version=False):
    sheets = minimal.sheets()
    sheets["Versioni listino"][2][3] = end
    if next_version:
        sheets["Versioni listino"].append(["BASE", "2027", date(2027, 1, 1), None])
        sheets["Prezzi"] += [["BASE", "2027", *row[2:]] for row in sheets["Prezzi"][1:] if row[1] == "2026B"]
    sheets["Modelli ordine"][1][11] = template_end
    return [p for p in check(minimal.workbook(sheets)).problems if p.code == "price-list-ends-before-templates"]


def test_a_price_list_ending_on_31_december_under_a_template_that_goes_on_is_told_at_its_end_cell():
    [problem] = list_ending(date(2026, 12, 31))
    assert (problem.sheet, problem.cell, problem.is_error) == ("Versioni listino", "D3", False)
    assert problem.message("it") == (
        "Il listino BASE finisce il 31/12/2026 (versione 2026B), ma i modelli attivi T001 lo usano anche dopo: dal "
        "01/01/2027 i loro ordini non si potranno creare. Aggiungi in Versioni listino la versione che segue (dal "
        "01/01/2027, con i suoi prezzi), oppure chiudi quei modelli con «Valido al».")
    assert "from 01/01/2027 their orders cannot be created" in problem.message("en")


@pytest.mark.parametrize("end, template_end, next_version", [
    (None, None, False), (date(2026, 12, 31), date(2026, 12, 31), False), (date(2026, 12, 31), None, True)])
def test_a_list_that_goes_on_or_outlives_its_templates_is_not_told(end, template_end, next_version):
    assert list_ending(end, template_end=template_end, next_version=next_version) == []


def test_december_deliveries_waiting_for_their_order_to_be_complete_are_told_with_the_15_january_deadline():
    """A customer invoiced once its order is complete, December's back order still open: the
    December run, done on 8 January, tells that the DDT of 22 December must be invoiced by
    15 January whatever the order does, at the customer's terms cell, and how."""
    from test_invoicing import line, master_with

    from toolkit.basics.vocab import InvoiceTerms
    from toolkit.core.invoicing import Period, Request, plan

    december = Period(date(2026, 12, 1), date(2026, 12, 31))
    lines = [line(date(2026, 12, 28), order=7), line(date(2026, 12, 22), order=7), line(date(2026, 12, 23), order=9),
             line(date(2026, 12, 23), order=8)]
    result = plan(master_with(invoice_terms=InvoiceTerms.AFTER_ORDER_DELIVERED), lines,
                  Request(december, date(2027, 1, 8)), frozenset({8}))
    assert [(x.customer, len(x.lines)) for x in result.invoices] == [("C001", 1)]
    [told] = [p for p in result.problems if p.code == "order-not-delivered-deferred-deadline"]
    assert (told.sheet, told.cell[-1:], told.is_error) == ("Clienti", "2", False)  # C001's row: minimal has no terms column
    ddt = lines[1].delivery.number
    assert told.message("it") == (
        "Il cliente C001 si fattura dopo l'evasione completa dell'ordine, e 3 righe già spedite aspettano ordini non "
        "ancora evasi del tutto (OC-2026-00007, OC-2026-00009); ma la fattura differita va emessa entro il 15 del "
        f"mese dopo il DDT: per il {ddt} del 22/12/2026 entro il 15/01/2027. Se quegli ordini non saranno evasi in "
        "tempo, fattura le righe già spedite con toolkit invoice --orders e i loro numeri.")
    assert f"for {ddt} of 22/12/2026 by 15/01/2027" in told.message("en")
    complete = plan(master_with(invoice_terms=InvoiceTerms.AFTER_ORDER_DELIVERED), lines,
                    Request(december, date(2027, 1, 8)), frozenset({7, 8, 9}))
    assert [p for p in complete.problems if p.code == "order-not-delivered-deferred-deadline"] == []


def test_a_bare_number_in_january_names_this_year_s_document_and_last_year_s(sample_master, ledger, tmp_path):
    """`print … --numbers 1` on the first days of January: OC-2026-00001 and OC-2027-00001 both
    exist, so the desk is shown both, this year's first; a number only one year has is printed.
    It was «Nel registro non c'è il documento 1», as if there were none."""
    import openpyxl

    from toolkit.services.orders import create
    from toolkit.services.printing import Selection, print_documents

    for day in (date(2026, 12, 31), date(2027, 1, 1)):
        create(sample_master, ledger, day, with_catch_up=False, future=True, lang="it")
    out = tmp_path / "ristampa.xlsx"
    printed = print_documents(sample_master, ledger, "orders", Selection(numbers=("1",)), out, "it")
    assert [(p.code, p.message("it")) for p in printed.problems] == [(
        "print-ambiguous-number", "«1» può essere più di un documento del registro: OC-2027-00001, OC-2026-00001. "
        "Scrivi il numero per intero (es. OC-2027-00001).")]
    assert printed.written is None and not out.exists()
    printed = print_documents(sample_master, ledger, "orders", Selection(numbers=("3",)), out, "it")
    assert (printed.numbers, printed.problems) == (("OC-2027-00003",), ())
    assert openpyxl.load_workbook(out).sheetnames == ["OC-2027-00003"]


def test_a_bare_number_names_the_order_or_both_years_for_every_verb_that_takes_one(sample_master, ledger):
    """`orders status 1` in January: OC-2026-00001 and OC-2027-00001 are named, nothing changed;
    `orders status 3`, which only 2027 has, is that order. It was «L'ordine 1 non esiste»."""
    from toolkit.core.orders import OrderStatus
    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import order_by_number
    from toolkit.services.orders import create

    for day in (date(2026, 12, 31), date(2027, 1, 1)):
        create(sample_master, ledger, day, with_catch_up=False, future=True, lang="it")
    with reading(ledger) as conn:
        both, only = order_by_number(conn, "1"), order_by_number(conn, " 3 ")
    assert (both.code, both.message("it")) == (
        "ambiguous-order-number", "«1» può essere più di un ordine: OC-2027-00001, OC-2026-00001. Scrivi il numero "
        "per intero (es. OC-2027-00001).")
    assert (only.number, only.status) == ("OC-2027-00003", OrderStatus.IN_PROGRESS)


def test_december_s_invoices_dated_in_january_are_named_by_december_s_e_invoices(sample_master, ledger, tmp_path,
                                                                                  rome_today):
    """*Data fattura differita* Emissione: December's run, made on 8 January, is dated 08/01/2027,
    so `einvoice --month 2026-12` leaves its invoices out, as a month's files are those dated in
    it. It said nothing, and the desk sent December without them, past the 15th."""
    from toolkit.basics.vocab import DeferredInvoiceDate
    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.services import einvoice, invoicing
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    december = Period(date(2026, 12, 1), date(2026, 12, 31))
    rome_today(date(2026, 12, 14))
    create(sample_master, ledger, date(2026, 12, 14), with_catch_up=False, lang="it")
    ship(sample_master, ledger, date(2026, 12, 14), all_open=True, lang="it")
    rome_today(date(2027, 1, 8))
    run = invoicing.run(ledger, sample_master, Request(december, date(2027, 1, 8),
                                                       deferred_date=DeferredInvoiceDate.ISSUE),
                        status=InvoiceStatus.FINAL, lang="it")
    deferred = sorted(x.number for x in run.invoices)
    assert deferred and {x.invoice_date for x in run.invoices} == {date(2027, 1, 8)}
    exported = einvoice.export(sample_master, ledger, month=december, out=tmp_path / "dicembre")
    [told] = [p for p in exported.problems if p.code == "einvoice-month-deliveries-dated-after"]
    assert not told.is_error and f"emissione {run.run_id}: {deferred[0]}" in told.message("it")
    assert told.message("it").endswith(
        f"Scrivi i loro file con toolkit einvoice --run {run.run_id} e inviali allo SDI entro il 15/01/2027.")
    assert f"{len(deferred)} documenti con la data del 08/01/2027" in told.message("it")
    assert not set(deferred) & set(exported.files)
    assert set(einvoice.export(sample_master, ledger, run_id=run.run_id, out=tmp_path / "run").files) == set(deferred)


def _december_drafted_without_the_23rd(sample_master, ledger, rome_today):
    """The desk closed on 23 December without creating that day's orders; December's run, a
    draft dated 31/12, holds FT 2026 up to that day. Today is 7 January: the run."""
    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.services import invoicing
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    for day in (date(2026, 12, 21), date(2026, 12, 22)):
        rome_today(day)
        create(sample_master, ledger, day, with_catch_up=False, lang="it")
        ship(sample_master, ledger, day, all_open=True, lang="it")
    rome_today(date(2026, 12, 31))
    december = invoicing.run(ledger, sample_master, Request(Period(date(2026, 12, 1), date(2026, 12, 31)),
                                                            date(2026, 12, 31)), status=InvoiceStatus.DRAFT, lang="it")
    rome_today(date(2027, 1, 7))
    return december


def test_january_s_catch_up_of_december_s_days_after_its_month_end_names_every_template_to_leave_out(
        sample_master, ledger, rome_today):
    """On 7 January the catch-up would issue the immediate invoices of 23 and 25 December before
    December's draft: refused, nothing created, naming every template to --exclude (T011 and
    T014 on the 23rd, T004 on the 25th) and the draft to undo instead. It named T011 alone, then
    T014 at the next run, then T004 at the third. The run left out, T019's invoice of 31
    December follows the draft, which can then only be made final: *c'è già 1 documento
    definitivo (FT-2026-00014)*, not *ci sono già 1 documento definitivo (il primo …)*."""
    from toolkit.services import invoicing
    from toolkit.services.orders import create

    december = _december_drafted_without_the_23rd(sample_master, ledger, rome_today)
    refused = create(sample_master, ledger, date(2027, 1, 7), lang="it")
    [problem] = [p for p in refused.problems if p.is_error]
    assert (problem.code, refused.created) == ("order-invoice-out-of-sequence", [])
    assert problem.message("it").endswith(
        "oppure lascia fuori con --exclude T011,T014,T004 i modelli fatturati alla creazione con ordini prima del "
        f"31/12/2026. È una bozza dell'emissione {december.run_id}: annullando l'emissione gli ordini si creano "
        "tutti; poi fattura di nuovo il mese.")
    assert "--exclude T011,T014,T004 the templates invoiced when created" in problem.message("en")
    created = create(sample_master, ledger, date(2027, 1, 7), exclude={"T011", "T014", "T004"}, lang="it")
    assert created.created and not [p for p in created.problems if p.is_error]
    undone, [kept] = invoicing.undo(ledger, december.run_id, "ordini.xlsm")
    assert (undone, kept.code) == (0, "invoice-run-followed-by-final")
    assert "c'è già 1 documento definitivo (FT-2026-00014), che non si annulla," in kept.message("it")
    assert "there is already 1 final document (FT-2026-00014), which is never undone" in kept.message("en")


def test_january_s_catch_up_after_december_s_draft_is_undone_creates_every_day_s_orders(
        sample_master, ledger, rome_today):
    """The way out the refusal names: December's draft undone, the 23rd's and the 25th's orders are
    created with their invoices, and December invoiced again follows them."""
    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.services import invoicing
    from toolkit.services.orders import create

    december = _december_drafted_without_the_23rd(sample_master, ledger, rome_today)
    assert invoicing.undo(ledger, december.run_id, "ordini.xlsm")[0] == len(december.invoices)
    created = create(sample_master, ledger, date(2027, 1, 7), lang="it")
    assert {(o["template"], o["date"]) for o in created.created} >= {
        ("T011", date(2026, 12, 23)), ("T014", date(2026, 12, 23)), ("T004", date(2026, 12, 25))}
    again = invoicing.run(ledger, sample_master, Request(Period(date(2026, 12, 1), date(2026, 12, 31)),
                                                         date(2027, 1, 7)), status=InvoiceStatus.DRAFT, lang="it")
    assert again.invoices and {x.invoice_date for x in again.invoices} == {date(2026, 12, 31)}


def test_december_s_one_line_waiting_for_its_order_is_told_in_the_singular():
    """December's run on 18 January: one line of C001 waits for its order, *1 riga già spedita
    aspetta*, where it said *1 righe già spedite aspettano*."""
    from test_invoicing import line, master_with

    from toolkit.basics.vocab import InvoiceTerms
    from toolkit.core.invoicing import Period, Request, plan

    result = plan(master_with(invoice_terms=InvoiceTerms.AFTER_ORDER_DELIVERED), [line(date(2026, 12, 22), order=7)],
                  Request(Period(date(2026, 12, 1), date(2026, 12, 31)), date(2027, 1, 18)), frozenset())
    [told] = [p for p in result.problems if p.code == "order-not-delivered-deferred-deadline"]
    assert "e 1 riga già spedita aspetta ordini non ancora evasi del tutto (OC-2026-00007)" in told.message("it")
    assert "and 1 shipped line waits for orders not yet complete" in told.message("en")


def test_january_invoiced_on_28_december_is_refused_at_the_command_and_at_the_button(
        sample_workbook, tmp_path, rome_today, capsys):
    """`invoice --month 2027-01` on 28 December, or «Fatturazione fine mese» with the panel on
    a January day (set there to create January's orders ahead): January has no deliveries yet, and
    the run invoiced December's, dated 28/12/2026, as a January run, leaving December's month end
    a second invoice for 29–31 December. Refused, exit 2, nothing stored or written."""
    from datetime import datetime

    from fakebook import FakeBook
    from test_excel_desk_buttons import BOOK, NAMES, press
    from test_printing import cli

    rome_today(date(2026, 12, 28))
    code, said = cli(capsys, "invoice", sample_workbook, "--month", "2027-01", "--out", tmp_path / "fatture",
                     "--ledger", tmp_path / "l.sqlite")
    assert code == 2 and not (tmp_path / "fatture").exists()
    assert ("Il mese da fatturare, 01/2027, non è ancora cominciato (oggi è il 28/12/2026): le sue consegne non ci "
            "sono ancora") in said and "per il mese in corso usa --month 2026-12." in said
    book = FakeBook(BOOK, {"Pannello": [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2027, 1, 4)]],
                           **minimal.sheets()}, fullname=str(tmp_path / BOOK), names=NAMES)
    (shown,) = press(book, "month_end_invoicing")
    assert shown[2] == "critical" and "scrivi in «Data ordini» un suo giorno" in shown[0], shown
    assert not (tmp_path / "fatture-2027-01").exists() or not any((tmp_path / "fatture-2027-01").iterdir())


def test_december_s_register_gives_the_fourth_quarter_s_stamp_duty_due_on_monday_1_march(
        sample_master, ledger, tmp_path, rome_today):
    """The fourth quarter's duty is due at February's end, Sunday 28 February 2027: a tax
    payment falling on a Sunday is due the next working day, Monday 1 March (art. 7 DL 70/2011),
    and December's register said 28/02/2027."""
    import openpyxl

    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.services import invoicing
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    month = Period(date(2026, 12, 1), date(2026, 12, 31))
    rome_today(date(2026, 12, 14))
    create(sample_master, ledger, date(2026, 12, 14), with_catch_up=False, lang="it")
    ship(sample_master, ledger, date(2026, 12, 14), all_open=True, lang="it")
    rome_today(date(2027, 1, 4))
    invoicing.run(ledger, sample_master, Request(month, date(2027, 1, 4)), status=InvoiceStatus.FINAL, lang="it")
    december = invoicing.export_month(sample_master, ledger, month, tmp_path, "it")
    sheet = openpyxl.load_workbook(december.files[0])["Bollo"]
    [due] = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Da versare entro"]
    assert due[1].date() == date(2027, 3, 1)
    [code] = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Codice tributo F24"]
    assert code[1] == "2524"
    [note] = [row[0] for row in sheet.iter_rows(values_only=True) if str(row[0]).startswith("Fatture e note")]
    assert note.endswith("se il 1° trimestre è inferiore a 5.000 € si può versare con il 2°, e se i primi due insieme "
                         "restano sotto i 5.000 €, con il 3°."), note  # «inferiore», art. 6 c. 2 DM 17/06/2014


def test_december_deliveries_still_waiting_on_18_january_are_told_their_deadline_is_past():
    """December's run on 18 January, C001's back order still open: the 15th is gone, so the
    warning says so and to invoice now; it said *entro il 15/01/2027. Se quegli ordini non
    saranno evasi in tempo …*, as if there were time."""
    from test_invoicing import line, master_with

    from toolkit.basics.vocab import InvoiceTerms
    from toolkit.core.invoicing import Period, Request, plan

    result = plan(master_with(invoice_terms=InvoiceTerms.AFTER_ORDER_DELIVERED), [line(date(2026, 12, 22), order=7)],
                  Request(Period(date(2026, 12, 1), date(2026, 12, 31)), date(2027, 1, 18)), frozenset())
    [told] = [p for p in result.problems if p.code == "order-not-delivered-deferred-deadline"]
    assert told.message("it").endswith(
        "del 22/12/2026 entro il 15/01/2027, già passato. Fattura ora le righe già spedite con toolkit invoice "
        "--orders e i loro numeri.")
    assert "by 15/01/2027, already past. Without waiting, invoice the shipped lines" in told.message("en")


def test_a_held_customer_s_one_december_line_is_told_in_the_singular():
    """December's run leaves C001, «Non fatturare», with one line shipped: *1 riga consegnata non
    fatturata*, where it said *1 righe consegnate non fatturate*."""
    from test_invoicing import line, master_with

    from toolkit.basics.vocab import InvoiceTerms
    from toolkit.core.invoicing import Period, Request, plan

    result = plan(master_with(invoice_terms=InvoiceTerms.DO_NOT_INVOICE), [line(date(2026, 12, 22))],
                  Request(Period(date(2026, 12, 1), date(2026, 12, 31)), date(2027, 1, 4)), frozenset())
    [told] = [p for p in result.problems if p.code == "invoice-held"]
    assert told.message("it").startswith("Il cliente C001 ha 1 riga consegnata non fatturata ma è «Non fatturare»")
    assert told.message("en").startswith("Customer C001 has 1 delivered line not invoiced but is")


def _december_21_and_22_shipped(cli, capsys, workbook, tmp_path, rome_today):
    """A ledger of the sample's orders of 21 and 22 December created and shipped from the command
    line, each on its day."""
    ledger = tmp_path / "l.sqlite"
    for day in ("2026-12-21", "2026-12-22"):
        rome_today(date.fromisoformat(day))
        assert cli(capsys, "orders", "create", workbook, "--date", day, "--ledger", ledger)[0] == 0
        assert cli(capsys, "ship", workbook, "--date", day, "--all", "--ledger", ledger)[0] == 0
    return ledger


def test_the_month_end_lists_one_line_waiting_for_its_order_in_the_singular(sample_workbook, tmp_path, rome_today,
                                                                            capsys):
    """December's preview on 4 January lists C030's one line waiting for its order as *1 riga*;
    it printed *in attesa: C030 1 righe*."""
    from test_printing import cli

    ledger = _december_21_and_22_shipped(cli, capsys, sample_workbook, tmp_path, rome_today)
    rome_today(date(2027, 1, 4))
    code, said = cli(capsys, "invoice", sample_workbook, "--month", "2026-12", "--preview", "--ledger", ledger)
    assert code == 0 and "in attesa: C030 1 riga (ordine non ancora evaso del tutto)" in said, said


def test_january_s_run_on_5_january_that_takes_december_s_ddts_says_so_and_how_to_close_december(
        sample_workbook, tmp_path, rome_today, capsys):
    """«Fatturazione fine mese» on 5 January with today's date in *Data ordini* is January's run:
    it invoiced December's DDTs still to invoice dated 05/01/2027, in January's register, without a
    word, where the desk meant to close December. Told, with the way to December's run by the
    15th; not told once the 15th is past, nor by December's own run."""
    from test_printing import cli

    ledger = _december_21_and_22_shipped(cli, capsys, sample_workbook, tmp_path, rome_today)
    rome_today(date(2027, 1, 5))
    _, said = cli(capsys, "invoice", sample_workbook, "--month", "2027-01", "--preview", "--ledger", ledger)
    assert "05/01/2027   FT     C007" in said
    assert ("avviso: L'emissione di 01/2027 fattura anche 10 DDT di 12/2026 non ancora fatturati (DDT-2026-00001, "
            "DDT-2026-00002, DDT-2026-00003, DDT-2026-00004, DDT-2026-00005 e altri 5)") in said, said
    assert ("con la data del 05/01/2027 e nel registro di 01/2027. Se volevi chiudere 12/2026, fatturalo con --month "
            "2026-12 entro il 15/01/2027") in said
    _, said = cli(capsys, "invoice", sample_workbook, "--month", "2026-12", "--preview", "--ledger", ledger)
    assert "31/12/2026   FT     C007" in said and "invoice-month-takes-previous-month" not in said
    assert "fattura anche" not in said
    rome_today(date(2027, 1, 18))
    _, said = cli(capsys, "invoice", sample_workbook, "--month", "2027-01", "--preview", "--ledger", ledger)
    assert "18/01/2027   FT     C007" in said and "fattura anche" not in said
