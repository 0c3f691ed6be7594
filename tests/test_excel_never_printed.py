"""The buttons tell the desk of documents recorded and never printed, as the command line does
(`test_interrupted`): a press killed between storing its documents and writing their file
leaves them in the ledger, and pressing again issues nothing new, so the next press that prints
names them, with the way out a button user has."""

from __future__ import annotations

import minimal
import openpyxl
import pytest
from test_excel_desk_buttons import english, fake, fill, final_invoice, invoices_in, ledger_of, may, press

import toolkit.excel as x
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import load_notes

__all__ = ["may"]


def killed(*args, **kwargs):
    """kill -9 after the commit, before the file: nothing caught, nothing said."""
    raise SystemExit(137)


def at_the_counter():
    """The minimal master with T001 a POS order: created with its DDT and its invoice."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Modelli ordine", "M2", "Punto vendita")
    return sheets


def ddts_in(tmp_path):
    with reading(ledger_of(tmp_path)) as conn:
        return [n.number for n in load_notes(conn) if n.is_ddt]


def test_a_killed_create_is_named_by_the_next_press_and_ristampa_ddt_prints_it(tmp_path, may, monkeypatch):
    import toolkit.writers.ddt

    book = fake(tmp_path, at_the_counter())
    press(book, "preview_orders")
    real = toolkit.writers.ddt.write_delivery_notes
    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", killed)
    with pytest.raises(SystemExit):
        x.create_orders(book)
    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", real)
    [ddt] = ddts_in(tmp_path)
    [invoice] = [i.number for i in invoices_in(tmp_path)]
    (shown,) = press(book, "ship")
    text, _, mode = shown
    assert mode == "info"
    assert (f"DDT registrato e mai stampato: {ddt}. È da stampare: emesso senza chiederne il file, oppure da "
            "un'operazione fermata prima di scriverlo; ripeterla non lo stampa. Stampalo con il pulsante "
            "«Ristampa DDT», "
            "scrivendo 09/04/2026 in «Data ordini» (Pannello!B3).") in text.splitlines(), text
    assert "toolkit print ddt" not in text and "mai stampate" not in text  # ship looks for its own kind
    (reprinted,) = press(book, "reprint_delivery_notes")
    assert openpyxl.load_workbook(tmp_path / "ddt-2026-04-09-ristampa.xlsx").sheetnames == [ddt]
    fill(book, NumeroOrdine="OC-2026-00001")
    (again,) = press(book, "ship_and_invoice")
    assert "DDT registrato e mai stampato" not in again[0]
    assert (f"Fattura emessa con l'ordine o il DDT, registrata e mai stampata: {invoice}. È da stampare: emessa") \
        in again[0]
    assert ("Nessun pulsante la ristampa: stampala dalla riga di comando con toolkit print invoices "
            f"{tmp_path / 'ordini-ricorrenti.xlsm'} --unprinted --numbers {invoice} --out "
            f"{tmp_path / 'ddt-2026-04-09-fatture-non-stampate.xlsx'}") in again[0], again[0]


def test_a_ddt_file_not_written_is_told_with_the_command_line_words_and_the_reprint_button(tmp_path, may,
                                                                                       monkeypatch):
    """The DDTs recorded and their file refused (the disk, a lock): the box gives the print
    command as the command line's, and the button that prints a day's DDTs again."""
    import toolkit.writers.ddt

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    book = fake(tmp_path)
    press(book, "preview_orders")
    press(book, "create_orders")
    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", refused)
    (shown,) = press(book, "ship")
    [ddt] = ddts_in(tmp_path)
    assert shown[2] == "critical" and f"Registrato nel registro: 1 DDT ({ddt})." in shown[0], shown
    assert "Stampalo dalla riga di comando con: toolkit print ddt " in shown[0], shown[0]
    assert shown[0].endswith(f"--out {tmp_path / 'ddt-2026-04-09.xlsx'} (anche con il pulsante «Ristampa DDT», il suo "
                             "giorno in «Data ordini»)."), shown[0]

def test_create_prints_its_ddt_and_invoice_beside_the_book(tmp_path, may):
    """What `orders create --out` writes: the orders, the DDTs and the invoices issued with
    them, each in its file, so none is left recorded and never printed."""
    book = fake(tmp_path, at_the_counter())
    press(book, "preview_orders")
    (shown,) = press(book, "create_orders")
    [ddt] = ddts_in(tmp_path)
    [invoice] = [i.number for i in invoices_in(tmp_path)]
    files = [tmp_path / name for name in ("ordini-2026-04-09.xlsx", "ordini-2026-04-09-ddt.xlsx",
                                          "ordini-2026-04-09-fatture.xlsx")]
    assert shown[0].splitlines()[1:4] == [str(f) for f in files], shown
    assert "einvoice-immediate-late" not in shown[0] and "FT-2026-00001), datata 09/04/2026" in shown[0]
    assert [openpyxl.load_workbook(f).sheetnames for f in files] == [["OC-2026-00001"], [ddt], [invoice]]
    (shipped,) = press(book, "ship")
    assert "mai stampat" not in shipped[0]


def test_a_credit_note_never_printed_is_named_by_the_next_note(tmp_path, may, monkeypatch):
    import toolkit.services.printing

    book = final_invoice(tmp_path, minimal.sheets())
    fill(book, IncassoFattura="FT-2026-00001", NotaRighe="1:1", NotaMotivo="Un pezzo rotto")
    real = toolkit.services.printing.mark
    monkeypatch.setattr(toolkit.services.printing, "mark", lambda *args: None)
    press(book, "credit_note")
    monkeypatch.setattr(toolkit.services.printing, "mark", real)
    fill(book, NotaRighe="2:1")
    (shown,) = press(book, "credit_note")
    lines = shown[0].splitlines()
    assert lines[0].startswith("Emessa la nota di credito NC-2026-00002 ")
    assert lines[2].startswith("Nota di credito o di debito registrata e mai stampata: NC-2026-00001. È da stampare: "
                               "emessa"), lines
    assert lines[2].endswith(f"--numbers NC-2026-00001 --out {tmp_path / 'nota-di-credito-2026-05-04-2-note-non-stampate.xlsx'}")


def test_a_credit_note_whose_file_the_disk_refuses_is_named_as_one_note(tmp_path, may, monkeypatch):
    """The box of `document-not-printed` named a lone credit note among *fatture e note di
    credito*, and told «Stampali»."""
    import errno

    import toolkit.services.printing

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    book = final_invoice(tmp_path, minimal.sheets())
    fill(book, IncassoFattura="FT-2026-00001", NotaRighe="1:1", NotaMotivo="Un pezzo rotto")
    monkeypatch.setattr(toolkit.services.printing, "write", full)
    (shown,) = press(book, "credit_note")
    assert shown[2] == "critical", shown
    assert shown[0].startswith("Registrata nel registro: 1 nota di credito (NC-2026-00001). Il file "), shown[0]
    assert "(il disco è pieno). Stampala dalla riga di comando con: toolkit print invoices " in shown[0], shown[0]
    assert "fatture e note di credito" not in shown[0] and "Ristampa DDT" not in shown[0]  # it prints DDTs only


def test_an_english_workbook_is_told_in_english(tmp_path, may, monkeypatch):
    import toolkit.writers.ddt

    book = fake(tmp_path, english(at_the_counter()))
    press(book, "preview_orders")
    monkeypatch.setattr(toolkit.writers.ddt, "write_delivery_notes", killed)
    with pytest.raises(SystemExit):
        x.create_orders(book)
    monkeypatch.undo()
    (shown,) = press(book, "ship")
    assert ("It still needs printing: issued without asking for its file, or by an operation stopped before writing "
            "it; running it again does not print it. Print it with the “Ristampa DDT” button, writing 09/04/2026 "
            "in “Data ordini” (Pannello!B3).") in shown[0], shown
