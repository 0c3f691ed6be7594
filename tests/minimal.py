"""A small valid master workbook as plain tables, for tests that break one cell at a time.

Row 1 of each sheet is the header; `cell(sheets, "Righe modello", "C2")` addresses it the way
the user sees it.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from toolkit.basics.cells import column_index
from toolkit.intake.sources import RawWorkbook, from_values

NAME = "anagrafiche.xlsx"


def sheets() -> dict[str, list[list[Any]]]:
    return copy.deepcopy(_SHEETS)


def workbook(sheets_: dict[str, list[list[Any]]] | None = None) -> RawWorkbook:
    return from_values(NAME, sheets_ if sheets_ is not None else sheets())


def set_cell(sheets_: dict[str, list[list[Any]]], sheet: str, ref: str, value: Any) -> None:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m, ref
    row, col = int(m[2]) - 1, column_index(m[1]) - 1
    rows = sheets_[sheet]
    while len(rows) <= row:
        rows.append([None] * len(rows[0]))
    while len(rows[row]) <= col:
        rows[row].append(None)
    rows[row][col] = value


_SHEETS: dict[str, list[list[Any]]] = {
    "Impostazioni": [
        ["Voce", "Valore"],
        ["Ragione sociale", "Forniture Rossi S.r.l."],
        ["Partita IVA", "IT00743110157"],
        ["Indirizzo", "Via Roma 10"],
        ["CAP", "20121"],
        ["Città", "Milano"],
        ["Provincia", "MI"],
        ["Regione festività", "MI"],
    ],
    "Clienti": [
        ["Codice", "Ragione sociale", "Partita IVA", "Codice fiscale", "Indirizzo", "Città", "Listino",
         "Modalità di pagamento", "Termini di pagamento", "Fido"],
        ["C001", "Bar Centrale S.n.c.", "01234560157", None, "Corso Italia 4", "Torino", "BASE", "Bonifico", "30FM", 5000],
        ["C002", "Mario Rossi", None, "RSSMRA80A01H501U", "Via Po 1", "Roma", "BASE", "Ri.Ba.", "30/60/90", None],
    ],
    "Destinazioni": [
        ["Codice", "Cliente", "Indirizzo", "Città"],
        ["D001", "C001", "Piazza Castello 1", "Torino"],
    ],
    "Contatti": [
        ["Codice", "Cliente", "Nome", "Email"],
        ["P001", "C001", "Giulia Verdi", "giulia@barcentrale.it"],
    ],
    "Articoli": [
        ["Codice", "Descrizione", "Unità di misura", "Aliquota IVA", "Natura"],
        ["A001", "Caffè in grani 1 kg", "pz", 22, None],
        ["A002", "Latte fresco 1 l", "pz", 4, None],
        ["A003", "Libro di ricette", "pz", 0, "N4"],
    ],
    "Listini": [
        ["Codice", "Descrizione"],
        ["BASE", "Listino base"],
    ],
    "Versioni listino": [
        ["Listino", "Versione", "Valido dal", "Valido al"],
        ["BASE", "2026A", date(2026, 1, 1), date(2026, 6, 30)],
        ["BASE", "2026B", date(2026, 7, 1), None],
    ],
    "Prezzi": [
        ["Listino", "Versione", "Articolo", "Prezzo di listino", "Prezzo standard", "Prezzo limite"],
        ["BASE", "2026A", "A001", 20.0, 18.5, 16],
        ["BASE", "2026A", "A002", 1.5, 1.2, 1],
        ["BASE", "2026A", "A003", 12, 10, None],
        ["BASE", "2026B", "A001", 21.0, 19.5, 17],
        ["BASE", "2026B", "A002", 1.6, 1.3, 1.1],
        ["BASE", "2026B", "A003", 12, 10, None],
    ],
    "Modelli ordine": [
        ["Codice", "Cliente", "Destinazione", "Contatto", "Pianificazione", "Giorni", "Ogni N settimane",
         "Giorno del mese", "Occorrenza", "RRULE", "Valido dal", "Valido al", "Tipo documento"],
        ["T001", "C001", "D001", "P001", "Settimanale", "lun,gio", None, None, None, None, "01/03/2026", None, None],
        ["T002", "C002", None, None, "Mensile giorno", None, None, 31, None, None, date(2026, 1, 1), date(2026, 12, 31), "Reso"],
    ],
    "Righe modello": [
        ["Modello", "Articolo", "Quantità", "Prezzo", "Nota"],
        ["T001", "A001", 12, None, None],
        ["T001", "A002", 24, 1.25, "al retro"],
        ["T002", "A003", 1, None, None],
    ],
}


def broken(sheets_: dict[str, list[list[Any]]], rng: Any, edits: int, junk: tuple[Any, ...]) -> dict[str, list[list[Any]]]:
    """A copy of `sheets_` with `edits` random cells below the headers set to random `junk`."""
    sheets_ = copy.deepcopy(sheets_)
    names = sorted(sheets_)
    for _ in range(edits):
        rows = sheets_[rng.choice(names)]
        if len(rows) < 2:
            continue
        row = rows[rng.randrange(1, len(rows))]
        row[rng.randrange(len(row))] = rng.choice(junk)
    return sheets_
