"""An immediate invoice (TD01) is due at SDI within twelve days of its date (art. 21 c. 4 DPR
633/72): the daily commands (`orders create`, `ship`, the panel) name, in one warning, those
whose file is still to be written from three days before that deadline, and up to a month past
it (`einvoice-immediate-due-soon`). A file an export refused, or one whose export failed after
its name was drawn, was never written: it is named too (`einvoice_files.written_at`, schema 47),
and the late warning names it when its file is written at last."""

from __future__ import annotations

from datetime import date

import pytest
from test_einvoice_dated_ahead import invoiced_at_once
from test_vat_rate_of_delivery_day import DECEMBER, master_of, sheets

from toolkit.services.einvoice import export
from toolkit.services.orders import create, panel
from toolkit.services.shipping import ship

SOON, LATE = "einvoice-immediate-due-soon", "einvoice-immediate-late"


def coded(problems, code: str) -> list:
    return [p for p in problems if p.code == code]


def at_once_tables() -> dict[str, list[list]]:
    """The sheets of `invoiced_at_once`, C001 *Immediato*, for a test to add to."""
    tables = sheets()
    tables["Clienti"][0] += ["Termini di fatturazione"]
    tables["Clienti"][1] += ["Immediato"]
    tables["Clienti"][2] += [None]
    return tables


def issued_on(books, ledger, rome_today, days) -> list[str]:
    numbers = []
    for day in days:
        rome_today(day)
        [made] = create(books, ledger, day, with_catch_up=False, lang="it").invoices
        numbers.append(made.number)
    return numbers


def test_orders_create_names_the_invoices_near_their_deadline_with_no_file(ledger, rome_today, tmp_path):
    books = invoiced_at_once()
    [first, second] = issued_on(books, ledger, rome_today, [date(2026, 12, 2), date(2026, 12, 9)])
    rome_today(date(2026, 12, 10))
    assert coded(create(books, ledger, date(2026, 12, 10), with_catch_up=False, lang="it").problems, SOON) == []
    rome_today(date(2026, 12, 11))
    made = create(books, ledger, date(2026, 12, 11), with_catch_up=False, lang="it")
    [warned] = coded(made.problems, SOON)
    assert warned.severity == "warning" and coded(made.of_documents, SOON) == [warned]
    it, en = warned.message("it"), warned.message("en")
    assert it.startswith(f"1 fattura immediata ({first}) ha ancora il file FatturaPA da scrivere"), it
    assert "quindi entro il 14/12/2026; oggi è il 11/12/2026" in it and second not in it, it
    assert "Scrivine subito il file" in it, it
    assert "still has no FatturaPA file written" in en and "so by 14/12/2026" in en, en
    export(books, ledger, out=tmp_path, month=DECEMBER)
    rome_today(date(2026, 12, 16))
    assert coded(create(books, ledger, date(2026, 12, 16), with_catch_up=False, lang="it").problems, SOON) == []


def test_many_are_named_in_one_warning_the_late_apart_from_the_coming(ledger, rome_today):
    books = invoiced_at_once()
    days = [date(2026, 11, d) for d in (2, 4, 9, 11, 16, 18, 23)]
    numbers = issued_on(books, ledger, rome_today, days)
    rome_today(date(2026, 12, 3))
    [warned] = coded(create(books, ledger, date(2026, 12, 3), with_catch_up=False, lang="it").problems, SOON)
    it = warned.message("it")
    assert it.startswith(f"7 fatture immediate ({', '.join(numbers[:5])} e altre 2) hanno ancora il file"), it
    assert ("6 sono già oltre il termine (termini scaduti dal 14/11/2026 al 30/11/2026) e 1 va trasmessa entro il "
            "05/12/2026; oggi è il 03/12/2026") in it and "Scrivine subito i file" in it, it


def test_a_month_past_the_deadline_is_no_longer_named(ledger, rome_today):
    books = invoiced_at_once()
    issued_on(books, ledger, rome_today, [date(2026, 11, 2)])
    rome_today(date(2026, 12, 14))
    assert coded(create(books, ledger, date(2026, 12, 14), with_catch_up=False, lang="it").problems, SOON)
    rome_today(date(2026, 12, 15))
    assert coded(create(books, ledger, date(2026, 12, 15), with_catch_up=False, lang="it").problems, SOON) == []


def test_a_deferred_invoice_is_not_named(ledger, rome_today):
    """Dated 30 November for a DDT of the 23rd, TD24: due by the 15th of December, not twelve
    days from its date, which the 9th of December would be near."""
    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.services.invoicing import run

    books = master_of(sheets())
    rome_today(date(2026, 11, 23))
    assert create(books, ledger, date(2026, 11, 23), with_catch_up=False, lang="it").created
    assert ship(books, ledger, date(2026, 11, 23), all_open=True, lang="it").notes
    rome_today(date(2026, 12, 1))
    [invoice] = run(ledger, books, Request(Period(date(2026, 11, 1), date(2026, 11, 30)), date(2026, 12, 1)),
                    status=InvoiceStatus.FINAL, lang="it").invoices
    assert invoice.deferred and invoice.invoice_date == date(2026, 11, 30)
    rome_today(date(2026, 12, 9))
    assert coded(create(books, ledger, date(2026, 12, 9), with_catch_up=False, lang="it").problems, SOON) == []


def test_ship_and_the_panel_name_them_too(ledger, rome_today, tmp_path):
    books = master_of(sheets())
    rome_today(date(2026, 12, 2))
    assert create(books, ledger, date(2026, 12, 2), with_catch_up=False, lang="it").created
    [invoice] = ship(books, ledger, date(2026, 12, 2), all_open=True, invoice=True, lang="it").invoices
    rome_today(date(2026, 12, 12))
    told: list = []
    panel(books, ledger, tmp_path / "pannello.xlsx", "it", told=told)
    [warned] = coded(told, SOON)
    assert invoice.number in warned.message("it")
    rome_today(date(2026, 12, 14))
    assert create(books, ledger, date(2026, 12, 14), with_catch_up=False, lang="it").created
    [warned] = coded(ship(books, ledger, date(2026, 12, 14), all_open=True, lang="it").problems, SOON)
    assert invoice.number in warned.message("it")


def test_an_invoice_issued_late_now_is_named_once(ledger, rome_today):
    """A catch-up issuing an invoice already past its twelve days: `einvoice-immediate-late` names
    it, the due-soon warning leaves it out."""
    books = invoiced_at_once()
    rome_today(date(2027, 1, 7))
    made = create(books, ledger, date(2026, 12, 23), with_catch_up=False, lang="it")
    assert len(coded(made.problems, LATE)) == 1 and coded(made.problems, SOON) == []


def test_a_file_the_checks_refused_is_named_until_written(ledger, rome_today, tmp_path):
    from test_einvoice_immediate_late import seller_in as books

    [number] = issued_on(books("米"), ledger, rome_today, [date(2026, 12, 2)])
    refused = export(books("米"), ledger, out=tmp_path / "refused", month=DECEMBER)
    assert list(refused.refused) == [number]
    rome_today(date(2026, 12, 12))
    [warned] = coded(create(books("Milano"), ledger, date(2026, 12, 12), with_catch_up=False, lang="it").problems, SOON)
    assert number in warned.message("it")


def test_an_export_failing_after_drawing_the_names_leaves_the_files_unwritten(ledger, rome_today, tmp_path,
                                                                             monkeypatch):
    """A disk full while the files are written: the names were drawn (a transaction of their own,
    committed), no file was placed. Written at last past the deadline, the file is the first SDI
    gets of it and the late warning names it, where a name drawn counted as a file written."""
    import toolkit.services.einvoice as einvoice

    books = invoiced_at_once()
    [number] = issued_on(books, ledger, rome_today, [date(2026, 12, 2)])
    real = einvoice.write_invoices

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(einvoice, "write_invoices", full)
    with pytest.raises(OSError):
        export(books, ledger, out=tmp_path / "full", month=DECEMBER)
    monkeypatch.setattr(einvoice, "write_invoices", real)
    rome_today(date(2026, 12, 12))
    [warned] = coded(create(books, ledger, date(2026, 12, 12), with_catch_up=False, lang="it").problems, SOON)
    assert number in warned.message("it")
    rome_today(date(2027, 1, 5))
    written = export(books, ledger, out=tmp_path / "written", month=DECEMBER)
    assert list(written.files) == [number]
    [late] = coded(written.problems, LATE)
    assert number in late.message("it")
    assert coded(export(books, ledger, out=tmp_path / "again", month=DECEMBER).problems, LATE) == []


def test_a_schema_46_ledger_takes_its_files_as_written_when_named(ledger, rome_today, tmp_path):
    """Migration 47 adds `written_at`: the files named before count as written when their name
    was drawn, so an upgrade tells no desk of invoices it sent long ago."""
    from sqlalchemy import select, text, update

    from toolkit.ledger import schema
    from toolkit.ledger.db import migrate, reading, writing

    books = invoiced_at_once()
    issued_on(books, ledger, rome_today, [date(2026, 12, 2)])
    assert export(books, ledger, out=tmp_path, month=DECEMBER).files
    with writing(ledger) as conn:
        conn.execute(text("ALTER TABLE einvoice_files DROP COLUMN written_at"))
        conn.execute(update(schema.schema_version).values(version=46))
    ledger.engine.dispose()
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    f = schema.einvoice_files.c
    with reading(ledger) as conn:
        [(created, written)] = conn.execute(select(f.created_at, f.written_at).where(f.invoice_id.is_not(None)))
    assert written == created
    rome_today(date(2026, 12, 14))
    made = create(books, ledger, date(2026, 12, 14), with_catch_up=False, lang="it")
    assert made.created and coded(made.problems, SOON) == []


def test_the_ship_box_names_them_before_a_days_stock_warnings(tmp_path, rome_today):
    """The *Spedisci* box lists ten warnings and counts the rest: the invoices whose twelve days
    run out come before a day's orders held for stock (twelve here), as the desk acts on them."""
    from datetime import datetime

    import minimal
    from test_excel_desk_buttons import fake, ledger_of, press

    tables = at_once_tables()
    tables["Modelli ordine"] += [[f"T1{n:02}", "C002", None, None, "Settimanale", "mer", None, None, None, None,
                                  "01/03/2026", None, None] for n in range(12)]
    tables["Righe modello"] += [[f"T1{n:02}", "A001", 1, None, None] for n in range(12)]
    tables["Giacenze"] = [["Articolo", "Quantità"], ["A002", 1000]]
    minimal.set_cell(tables, "Impostazioni", "A9", "Data giacenze")
    minimal.set_cell(tables, "Impostazioni", "B9", "01/11/2026")
    rome_today(date(2026, 11, 30))
    [first] = issued_on(master_of(tables), ledger_of(tmp_path), rome_today, [date(2026, 11, 30)])
    rome_today(date(2026, 12, 9))
    book = fake(tmp_path, tables, day=datetime(2026, 12, 9))
    press(book, "preview_orders")
    press(book, "create_orders")
    (shown,) = press(book, "ship")
    assert "giacenza 0 per 1 richiesti" in shown[0] and "… e ancora 18." in shown[0], shown[0]
    assert f"1 fattura immediata ({first}) ha ancora il file FatturaPA da scrivere" in shown[0], shown[0]


def test_a_file_sdi_rejected_and_written_again_late_is_not_named(ledger, rome_today, tmp_path):
    """SDI rejected a file sent in time (notifica di scarto); written again under a new name
    (`--rejected`) past the twelve days, it is no first file: neither warning names it, as the
    ledger keeps when its first file was written (`redraw` leaves `written_at` as it was)."""
    books = invoiced_at_once()
    [number] = issued_on(books, ledger, rome_today, [date(2026, 12, 2)])
    rome_today(date(2026, 12, 3))
    first = export(books, ledger, out=tmp_path / "first", month=DECEMBER)
    rome_today(date(2026, 12, 20))
    again = export(books, ledger, out=tmp_path / "again", month=DECEMBER, rejected=[number])
    assert list(again.files) == [number] and again.files[number].name != first.files[number].name
    assert coded(again.problems, LATE) == []
    assert coded(create(books, ledger, date(2026, 12, 20), with_catch_up=False, lang="it").problems, SOON) == []


def test_a_desk_writing_its_files_with_another_program_is_not_told_each_day(ledger, rome_today, tmp_path):
    """*FatturaPA con altro programma* `sì`: the ledger never knows its files written, so the
    daily commands would name its every immediate invoice, every day; they name none."""
    import minimal

    tables = at_once_tables()
    minimal.set_cell(tables, "Impostazioni", "A9", "FatturaPA con altro programma")
    minimal.set_cell(tables, "Impostazioni", "B9", "sì")
    books = master_of(tables)
    assert books.settings.einvoices_elsewhere
    issued_on(books, ledger, rome_today, [date(2026, 12, 2)])
    rome_today(date(2026, 12, 12))
    assert coded(create(books, ledger, date(2026, 12, 12), with_catch_up=False, lang="it").problems, SOON) == []
    assert coded(ship(books, ledger, date(2026, 12, 12), all_open=True, lang="it").problems, SOON) == []
    told: list = []
    panel(books, ledger, tmp_path / "pannello.xlsx", "it", told=told)
    assert coded(told, SOON) == []
    assert coded(create(invoiced_at_once(), ledger, date(2026, 12, 12), with_catch_up=False, lang="it").problems, SOON)


def _told(days: list[date], today: date) -> tuple[str, str, str]:
    """`due_soon`'s one warning of invoices FT-1… dated `days`: its title and its message in both languages."""
    from toolkit.basics.problems import problem_type
    from toolkit.core.einvoice.deadline import due_soon

    [warned] = due_soon({f"FT-{i}": day for i, day in enumerate(days, 1)}, today)
    return problem_type(SOON).title("it") + " / " + problem_type(SOON).title("en"), warned.message("it"), \
        warned.message("en")


def test_invoices_past_their_deadline_are_told_late_not_due_soon():
    """Named up to a month past the deadline, they were told *a breve* / "due soon", the first
    one "entro il" a day gone, as though there were time left."""
    title, it, en = _told([date(2026, 11, 2), date(2026, 11, 9)], date(2026, 12, 3))
    assert "breve" not in title and "soon" not in title, title
    assert ("quindi la prima entro il 14/11/2026, l'ultima entro il 21/11/2026: il termine è passato per tutte; "
            "oggi è il 03/12/2026. Scrivine subito i file") in it, it
    assert it.endswith("e inviali allo SDI: la trasmissione tardiva è sanzionata."), it
    assert "so the first by 14/11/2026, the last by 21/11/2026: the deadline has passed for all of them" in en, en
    title, it, en = _told([date(2026, 11, 20)], date(2026, 12, 3))
    assert "quindi entro il 02/12/2026: il termine è passato; oggi è il 03/12/2026" in it, it
    assert "so by 02/12/2026: the deadline has passed; today is 03/12/2026" in en, en


def test_late_and_coming_invoices_are_told_each_as_they_are():
    title, it, en = _told([date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 23), date(2026, 11, 24)],
                          date(2026, 12, 3))
    assert ("quindi 2 sono già oltre il termine (termini scaduti dal 14/11/2026 al 21/11/2026) e 2 vanno "
            "trasmesse, la prima entro il 05/12/2026; oggi è il 03/12/2026") in it, it
    assert "la trasmissione tardiva è sanzionata" in it
    assert ("so 2 are already past it (their deadlines ran from 14/11/2026 to 21/11/2026) and 2 are to be "
            "transmitted, the first by 05/12/2026; today is 03/12/2026") in en, en
    _, it, en = _told([date(2026, 11, 2), date(2026, 11, 23)], date(2026, 12, 3))
    assert "quindi 1 è già oltre il termine (termine scaduto il 14/11/2026) e 1 va trasmessa entro il 05/12/2026" in it
    assert "so 1 is already past it (the deadline was 14/11/2026) and 1 is to be transmitted by 05/12/2026" in en


def test_several_late_invoices_of_one_day_agree_with_their_count():
    """Two invoices of one day past their deadline were told "2 are already past it (its
    deadline was …)": the one deadline is said as the deadline, for one invoice or several."""
    _, it, en = _told([date(2026, 11, 2), date(2026, 11, 2), date(2026, 11, 23)], date(2026, 12, 3))
    assert "quindi 2 sono già oltre il termine (termine scaduto il 14/11/2026) e 1 va trasmessa entro il 05/12/2026" in it
    assert "so 2 are already past it (the deadline was 14/11/2026) and 1 is to be transmitted by 05/12/2026" in en, en


def test_invoices_still_in_time_are_told_by_their_first_deadline_as_before():
    _, it, en = _told([date(2026, 11, 23), date(2026, 11, 24)], date(2026, 12, 3))
    assert "la prima entro il 05/12/2026; oggi è il 03/12/2026. Scrivine subito i file" in it, it
    assert "sanzionata" not in it and "the first by 05/12/2026; today is 03/12/2026" in en, en
