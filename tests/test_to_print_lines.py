"""Every line that tells a desk what is to print, as the real commands say it, in Italian and in
English: for one document and for several, for each kind (DDT, invoice, credit note, debit note)
and for a mix. One credit note was told «Stampali» (*Print them*), the English warning said
*They are to print*, and `ship --invoice` named a lone invoice among *fatture e note di credito*
(docs/credit-notes.md, *Without `--out`: to print*)."""

from __future__ import annotations

import pytest
from test_interrupted import invoiced_and_shipped
from test_printing import cli

desk = __import__("test_printing").desk


def _ship_one(capsys, workbook, url, tmp_path, lang, *also):
    """OC-2026-00005 ships alone; the day's orders were printed, with the DDT-2026-00001 they
    issued at once."""
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", tmp_path / "ordini.xlsx",
               "--ledger", url)[0] == 0
    return cli(capsys, "ship", workbook, "--date", "2026-04-10", "--orders", "OC-2026-00005", *also, "--ledger", url,
               "--lang", lang)


def _ship_all(capsys, workbook, url, tmp_path, lang, *also):
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", tmp_path / "ordini.xlsx",
               "--ledger", url)[0] == 0
    return cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", *also, "--ledger", url, "--lang", lang)


def _ship_and_invoice(capsys, workbook, url, tmp_path, lang, *also):
    return _ship_one(capsys, workbook, url, tmp_path, lang, "--invoice", *also)


def _credit(capsys, workbook, url, tmp_path, lang, *also):
    invoice = invoiced_and_shipped(capsys, workbook, url)
    return cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:1", "--reason", "merce rotta",
               "--date", "2026-04-20", *also, "--ledger", url, "--lang", lang)


def _debit(capsys, workbook, url, tmp_path, lang, *also):
    invoice = invoiced_and_shipped(capsys, workbook, url)
    return cli(capsys, "invoice", "debit", workbook, "--invoice", invoice, "--amount", "25", "--rate", "10", "--reason",
               "prezzo errato", *also, "--ledger", url, "--lang", lang)


def _orders_at_once(capsys, workbook, url, tmp_path, lang):
    return cli(capsys, "orders", "create", workbook, "--date", "2026-04-01", "--ledger", url, "--lang", lang)


def _credit_never_printed(capsys, workbook, url, tmp_path, lang):
    assert _credit(capsys, workbook, url, tmp_path, "it")[0] == 0
    invoice = "FT-2026-00003"
    return cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--lines", "2:1", "--reason", "merce rotta",
               "--date", "2026-04-20", "--out", tmp_path / "nc.xlsx", "--ledger", url, "--lang", lang)


def _ddt_never_printed(capsys, workbook, url, tmp_path, lang):
    assert _ship_one(capsys, workbook, url, tmp_path, "it")[0] == 0
    return cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--out", tmp_path / "ddt.xlsx", "--ledger",
               url, "--lang", lang)


def _ddts_never_printed(capsys, workbook, url, tmp_path, lang):
    assert _ship_all(capsys, workbook, url, tmp_path, "it")[0] == 0
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--out", tmp_path / "ordini-10.xlsx",
               "--ledger", url)[0] == 0
    return cli(capsys, "ship", workbook, "--date", "2026-04-11", "--all", "--out", tmp_path / "ddt.xlsx", "--ledger",
               url, "--lang", lang)


_DDT = "toolkit print ddt {w} --unprinted --numbers DDT-2026-00002 --out {d}/ddt-non-stampati.xlsx"
_FT = "toolkit print invoices {w} --unprinted --numbers FT-2026-00003 --out {d}/fatture-non-stampate.xlsx"
_EIGHT = ", ".join(f"DDT-2026-{n:05}" for n in range(2, 10))
_NOTE = "toolkit print invoices {w} --unprinted --numbers {n} --out {d}/note-non-stampate.xlsx"

CASES = {
    "one DDT": (_ship_one, {
        "it": f"Da stampare (emesso senza --out): 1 DDT (DDT-2026-00002). Stampalo con: {_DDT}",
        "en": f"To print (issued without --out): 1 DDT (DDT-2026-00002). Print it with: {_DDT}"}),
    "several DDTs": (_ship_all, {
        "it": f"Da stampare (emessi senza --out): 8 DDT ({_EIGHT}). Stampali con: toolkit print ddt {{w}} --unprinted "
              f"--numbers {_EIGHT.replace(', ', ',')} --out {{d}}/ddt-non-stampati.xlsx",
        "en": f"To print (issued without --out): 8 DDTs ({_EIGHT}). Print them with: toolkit print ddt {{w}} "
              f"--unprinted --numbers {_EIGHT.replace(', ', ',')} --out {{d}}/ddt-non-stampati.xlsx"}),
    "a DDT and its invoice": (_ship_and_invoice, {
        "it": "Da stampare (emessi senza --out): 1 DDT (DDT-2026-00002) e 1 fattura (FT-2026-00003). Stampali con: "
              f"{_DDT}; {_FT}",
        "en": "To print (issued without --out): 1 DDT (DDT-2026-00002) and 1 invoice (FT-2026-00003). Print them "
              f"with: {_DDT}; {_FT}"}),
    "one credit note": (_credit, {
        "it": "Da stampare (emessa senza --out): 1 nota di credito (NC-2026-00001). Stampala con: "
              + _NOTE.replace("{n}", "NC-2026-00001"),
        "en": "To print (issued without --out): 1 credit note (NC-2026-00001). Print it with: "
              + _NOTE.replace("{n}", "NC-2026-00001")}),
    "one debit note": (_debit, {
        "it": "Da stampare (emessa senza --out): 1 nota di debito (FT-2026-00010). Stampala con: "
              + _NOTE.replace("{n}", "FT-2026-00010"),
        "en": "To print (issued without --out): 1 debit note (FT-2026-00010). Print it with: "
              + _NOTE.replace("{n}", "FT-2026-00010")}),
    "orders create's DDT and invoice": (_orders_at_once, {
        "it": "Emessi con gli ordini e non stampati (senza --out): 1 DDT (DDT-2026-00001) e 1 fattura (FT-2026-00001). "
              "Stampali con: toolkit print ddt {w} --unprinted --numbers DDT-2026-00001 --out {d}/ddt-non-stampati.xlsx; "
              "toolkit print invoices {w} --unprinted --numbers FT-2026-00001 --out {d}/fatture-non-stampate.xlsx",
        "en": "Issued with the orders and not printed (no --out): 1 DDT (DDT-2026-00001) and 1 invoice (FT-2026-00001). "
              "Print them with: toolkit print ddt {w} --unprinted --numbers DDT-2026-00001 --out "
              "{d}/ddt-non-stampati.xlsx; toolkit print invoices {w} --unprinted --numbers FT-2026-00001 --out "
              "{d}/fatture-non-stampate.xlsx"}),
    "a credit note never printed": (_credit_never_printed, {
        "it": "avviso: Nota di credito o di debito registrata e mai stampata: NC-2026-00001. È da stampare: emessa "
              "senza chiederne il file, oppure da un'operazione fermata prima di scriverlo; ripeterla non la stampa. "
              "Stampala con: toolkit print invoices {w} --unprinted --numbers NC-2026-00001 --out "
              "{d}/nc-note-non-stampate.xlsx",
        "en": "warning: Credit or debit note recorded and never printed: NC-2026-00001. It still needs printing: "
              "issued without asking for its file, or by an operation stopped before writing it; running it again "
              "does not print it. Print it with: toolkit print invoices {w} --unprinted --numbers NC-2026-00001 "
              "--out {d}/nc-note-non-stampate.xlsx"}),
    "a DDT never printed": (_ddt_never_printed, {
        "it": "avviso: DDT registrato e mai stampato: DDT-2026-00002. È da stampare: emesso senza chiederne il file, "
              "oppure da un'operazione fermata prima di scriverlo; ripeterla non lo stampa. Stampalo con: toolkit "
              "print ddt {w} --unprinted --date 2026-04-10 --out {d}/ddt-ddt-non-stampati.xlsx",
        "en": "warning: DDT recorded and never printed: DDT-2026-00002. It still needs printing: issued without "
              "asking for its file, or by an operation stopped before writing it; running it again does not print "
              "it. Print it with: toolkit print ddt {w} --unprinted --date 2026-04-10 --out "
              "{d}/ddt-ddt-non-stampati.xlsx"}),
    "DDTs never printed": (_ddts_never_printed, {
        "it": f"avviso: DDT registrati e mai stampati: {_EIGHT}. Sono da stampare: emessi senza chiederne il file, "
              "oppure da un'operazione fermata prima di scriverlo; ripeterla non li stampa. Stampali con: toolkit "
              "print ddt {w} --unprinted --date 2026-04-10 --out {d}/ddt-ddt-non-stampati.xlsx",
        "en": f"warning: DDTs recorded and never printed: {_EIGHT}. They still need printing: issued without asking "
              "for their file, or by an operation stopped before writing it; running it again does not print them. "
              "Print them with: toolkit print ddt {w} --unprinted --date 2026-04-10 --out "
              "{d}/ddt-ddt-non-stampati.xlsx"}),
}


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_line_telling_what_is_to_print(capsys, tmp_path, desk, case, lang):
    workbook, url = desk
    run, said = CASES[case]
    code, out = run(capsys, workbook, url, tmp_path, lang)
    expected = said[lang].replace("{w}", str(workbook)).replace("{d}", str(tmp_path))
    assert code == 0, out
    assert expected in out.splitlines(), out


full_disk = __import__("test_full_disk").full_disk

_LEFT = {
    "one DDT": (_ship_one, "d.xlsx", {
        "it": ["Registrato nel registro: 1 DDT (DDT-2026-00002). Il file {o}/d.xlsx non è stato scritto",
               "Stampalo con: toolkit print ddt {w} --numbers DDT-2026-00002 --out {o}/d.xlsx"],
        "en": ["Recorded in the ledger: 1 DDT (DDT-2026-00002). The file {o}/d.xlsx was not written",
               "Print it with: toolkit print ddt {w} --numbers DDT-2026-00002 --out {o}/d.xlsx"]}),
    "a DDT and its invoice": (_ship_and_invoice, "d.xlsx", {
        "it": ["Registrato nel registro: 1 DDT (DDT-2026-00002). Il file {o}/d.xlsx non è stato scritto",
               "Registrata nel registro: 1 fattura (FT-2026-00003). Il file {o}/d-fatture.xlsx non è stato scritto",
               "Stampala con: toolkit print invoices {w} --numbers FT-2026-00003 --out {o}/d-fatture.xlsx"],
        "en": ["Recorded in the ledger: 1 DDT (DDT-2026-00002). The file {o}/d.xlsx was not written",
               "Recorded in the ledger: 1 invoice (FT-2026-00003). The file {o}/d-fatture.xlsx was not written",
               "Print it with: toolkit print invoices {w} --numbers FT-2026-00003 --out {o}/d-fatture.xlsx"]}),
    "one credit note": (_credit, "nc.xlsx", {
        "it": ["Registrata nel registro: 1 nota di credito (NC-2026-00001). Il file {o}/nc.xlsx non è stato scritto",
               "Stampala con: toolkit print invoices {w} --numbers NC-2026-00001 --out {o}/nc.xlsx"],
        "en": ["Recorded in the ledger: 1 credit note (NC-2026-00001). The file {o}/nc.xlsx was not written",
               "Print it with: toolkit print invoices {w} --numbers NC-2026-00001 --out {o}/nc.xlsx"]}),
    "one debit note": (_debit, "nd.xlsx", {
        "it": ["Registrata nel registro: 1 nota di debito (FT-2026-00010). Il file {o}/nd.xlsx non è stato scritto"],
        "en": ["Recorded in the ledger: 1 debit note (FT-2026-00010). The file {o}/nd.xlsx was not written"]}),
    "several DDTs": (_ship_all, "d.xlsx", {
        "it": [f"Registrati nel registro: 8 DDT ({_EIGHT}). Il file {{o}}/d.xlsx non è stato scritto",
               "Stampali con: toolkit print ddt {w} --numbers"],
        "en": [f"Recorded in the ledger: 8 DDTs ({_EIGHT}). The file {{o}}/d.xlsx was not written",
               "Print them with: toolkit print ddt {w} --numbers"]}),
}
"""What `CASES`' commands say given an `--out` on a full disk (`test_full_disk`), in part."""


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("case", list(_LEFT))
def test_a_file_not_written_names_its_documents_agreeing_with_them(capsys, tmp_path, desk, full_disk, case, lang):
    """`document-not-printed` (exit 4, a full disk while the documents' file is written) named a
    lone DDT *Registrati … Stampali* and a lone credit note among *fatture e note di credito*."""
    workbook, url = desk
    run, file, said = _LEFT[case]
    code, out = run(capsys, workbook, url, tmp_path, lang, "--out", full_disk / file)
    flat = " ".join(out.split())
    assert code == 4, out
    for part in said[lang]:
        assert part.replace("{w}", str(workbook)).replace("{o}", str(full_disk)) in flat, out
    assert "fatture e note di credito" not in flat and "invoices and credit notes" not in flat
