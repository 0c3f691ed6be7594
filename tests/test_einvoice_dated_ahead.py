"""An invoice issued ahead (`orders create --future` for a customer invoiced *Immediato*) is
dated after the day its file is written, and SDI rejects a document dated after the day it
receives it (00403): the export writes its file all the same, to be sent on its day, and says
so, naming it and that day."""

from __future__ import annotations

from datetime import date

import sdi_controls
from test_vat_rate_of_delivery_day import CREATED, FIRST_NEW, JANUARY, master_of, sheets

from toolkit.model.records import MasterData
from toolkit.services.einvoice import export
from toolkit.services.orders import create

AHEAD = "einvoice-dated-after-today"


def invoiced_at_once() -> MasterData:
    tables = sheets()
    tables["Clienti"][0] += ["Termini di fatturazione"]
    tables["Clienti"][1] += ["Immediato"]
    tables["Clienti"][2] += [None]
    return master_of(tables)


def test_a_file_dated_after_today_is_written_and_named_with_the_day_sdi_takes_it(ledger, rome_today, tmp_path):
    rome_today(CREATED)
    books = invoiced_at_once()
    assert create(books, ledger, FIRST_NEW, with_catch_up=False, future=True, lang="it").created
    written = export(books, ledger, out=tmp_path, month=JANUARY)
    [(number, path)] = written.files.items()
    xml = path.read_bytes()
    assert b"<Data>2027-01-04</Data>" in xml
    assert "00403" in {b.code for b in sdi_controls.breaches(xml, received=CREATED)}
    assert sdi_controls.breaches(xml, received=FIRST_NEW) == []
    [ahead] = [p for p in written.problems if p.code == AHEAD]
    assert ahead.severity == "warning"
    for lang in ("it", "en"):
        said = ahead.message(lang)
        assert number in said and "04/01/2027" in said and "00403" in said, said


def test_files_dated_today_or_before_are_not_named(ledger, rome_today, tmp_path):
    rome_today(CREATED)
    books = invoiced_at_once()
    assert create(books, ledger, FIRST_NEW, with_catch_up=False, future=True, lang="it").created
    rome_today(FIRST_NEW)
    written = export(books, ledger, out=tmp_path, month=JANUARY)
    assert len(written.files) == 1
    assert [p for p in written.problems if p.code == AHEAD] == []
    rome_today(date(2027, 1, 5))
    assert [p for p in export(books, ledger, out=tmp_path / "again", month=JANUARY).problems if p.code == AHEAD] == []


def test_documents_ahead_on_several_days_are_each_sent_from_their_own_day(ledger, rome_today, tmp_path):
    """Orders created ahead for Monday 4 and Wednesday 27 January, invoiced at once: the warning
    said to send both not before the 27th, the 4th's invoice too, which is due at SDI by its
    twelfth day; each goes from its own date, and only a zip holding both waits for the 27th."""
    rome_today(CREATED)
    books = invoiced_at_once()
    later = date(2027, 1, 27)
    for day in (FIRST_NEW, later):
        assert create(books, ledger, day, with_catch_up=False, future=True, lang="it").created
    written = export(books, ledger, out=tmp_path, month=JANUARY)
    assert len(written.files) == 2
    [ahead] = [p for p in written.problems if p.code == AHEAD]
    said = ahead.message("it")
    assert "ciascuno non prima della sua data, dal 04/01/2027 al 27/01/2027" in said, said
    assert "uno zip che li raccoglie tutti non prima del 27/01/2027" in said, said
    assert "each not before its own date, from 04/01/2027 to 27/01/2027" in ahead.message("en")


def test_a_document_ahead_whose_file_is_refused_is_not_said_written(ledger, rome_today, tmp_path):
    """The customers have no CAP, which FatturaPA requires: the file of its invoice issued ahead is refused,
    not written (and the folder made for it gone), and the warning said «Il suo file è scritto»
    and when to send it."""
    rome_today(CREATED)
    tables = sheets()
    at = tables["Clienti"][0].index("CAP")
    tables["Clienti"] = [row[:at] + row[at + 2:] for row in tables["Clienti"]]
    tables["Clienti"][0] += ["Termini di fatturazione"]
    tables["Clienti"][1] += ["Immediato"]
    tables["Clienti"][2] += [None]
    books = master_of(tables)
    assert create(books, ledger, FIRST_NEW, with_catch_up=False, future=True, lang="it").created
    written = export(books, ledger, out=tmp_path / "xml", month=JANUARY)
    assert written.files == {} and len(written.refused) == 1 and not (tmp_path / "xml").exists()
    assert [p for p in written.problems if p.code == AHEAD] == []
