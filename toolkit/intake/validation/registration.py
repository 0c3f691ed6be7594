"""The seller's REA registration (*Impostazioni › Ufficio REA* and the rows after it), as its
e-invoices carry it (IscrizioneREA) and its documents print it (art. 2250 c.c.).

FatturaPA wants both the office, a province's sigla, and the number, of at most 20 characters;
one without the other, or the capital and shareholders without either, would be dropped from
every invoice without a word, so each is refused at its cell before anything is issued. The
capital is an amount of two decimals (Amount2DecimalType), and never negative.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.core.einvoice.fields import fold
from toolkit.intake.validation.addresses import province_problem
from toolkit.intake.validation.layout import Layout
from toolkit.model.records import MasterData

REA_NUMBER_LENGTH = 20
"""NumeroREA is a String20Type."""

BAD_REA_OFFICE = define(
    "bad-rea-office", "error",
    it="L'Ufficio REA «{value}» non è la sigla di una provincia: scrivi la sigla di 2 lettere della Camera di "
       "Commercio che tiene il REA (es. {hint}), come la vuole la fattura elettronica.",
    en="REA office “{value}” is not a province's code: write the 2-letter code of the Chamber of Commerce that "
       "keeps the REA (e.g. {hint}), as the e-invoice wants it.")
REA_NUMBER_TOO_LONG = define(
    "rea-number-too-long", "error",
    it="Il Numero REA «{value}» ha {length} caratteri: la fattura elettronica ne porta al massimo 20. Scrivi il "
       "numero senza la sigla della provincia (es. 1234567).",
    en="REA number “{value}” has {length} characters: the e-invoice carries at most 20. Write the number without "
       "the province's code (e.g. 1234567).")
REA_NUMBER_WITH_OFFICE = define(
    "rea-number-with-office", "error",
    it="Il Numero REA «{value}» comincia con la sigla dell'Ufficio REA, {office}: scrivi solo il numero ({number}); "
       "la sigla è già in Ufficio REA, e i documenti stamperebbero «REA {office}-{value}».",
    en="REA number “{value}” begins with the REA office's code, {office}: write the number alone ({number}); the "
       "code is in REA office already, and the documents would print “REA {office}-{value}”.")
REA_INCOMPLETE = define(
    "rea-incomplete", "error",
    it="In Impostazioni c'è «{given_it}» ma manca «{missing_it}»: la fattura elettronica porta l'iscrizione al REA "
       "solo con l'ufficio e il numero. Scrivi «{missing_it}», o svuota anche «{given_it}».",
    en="Settings give “{given_en}” but not “{missing_en}”: the e-invoice carries the REA registration only with its "
       "office and number. Write “{missing_en}”, or empty “{given_en}” too.")
BAD_SHARE_CAPITAL = define(
    "bad-share-capital", "error",
    it="Il Capitale sociale {value} non è un importo in euro con al massimo 2 decimali, zero o più: scrivilo come "
       "dice la visura (es. 10000 o 10000,00).",
    en="Share capital {value} is not an amount in euro of at most 2 decimals, zero or more: write it as the "
       "registration says (e.g. 10000 or 10000.00).")

BAD_PAID_IN_CAPITAL = define(
    "bad-paid-in-capital", "error",
    it="Il Capitale versato {value} non è una parte del Capitale sociale ({capital}): scrivi la parte versata, da 0 "
       "al capitale, in euro con al massimo 2 decimali (es. 2500), o svuota la cella se il capitale è interamente "
       "versato.",
    en="Paid-in capital {value} is no part of the share capital ({capital}): write the part paid in, from 0 to the "
       "capital, in euro of at most 2 decimals (e.g. 2500), or empty the cell if the capital is paid in full.")

_NAMES = {"rea_office": ("Ufficio REA", "REA office"), "rea_number": ("Numero REA", "REA number"),
          "share_capital": ("Capitale sociale", "Share capital"),
          "paid_in_capital": ("Capitale versato", "Paid-in capital"), "shareholders": ("Socio unico", "Sole shareholder"),
          "liquidation": ("Stato liquidazione", "Liquidation")}


def registration(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Each REA setting at its cell: the office a sigla, the number of at most 20 characters,
    the capital of cents, and no part given without both the office and the number (named at
    the empty cell, or at the part given when the sheet has no row for the other)."""
    s = master.settings

    def at(field: str) -> Location:
        return layout.locate("settings", field=field)

    if s.rea_office and (found := province_problem(s.rea_office)):
        yield BAD_REA_OFFICE(at("rea_office"), value=s.rea_office, hint=found[1].get("hint", "MI"))
    if s.rea_number and len(number := fold(s.rea_number) or "") > REA_NUMBER_LENGTH:
        yield REA_NUMBER_TOO_LONG(at("rea_number"), value=s.rea_number, length=len(number))
    elif s.rea_office and s.rea_number and (alone := _without_office(s.rea_number, s.rea_office)):
        yield REA_NUMBER_WITH_OFFICE(at("rea_number"), value=s.rea_number, office=s.rea_office, number=alone)
    capital = s.share_capital
    if capital is not None and (capital < 0 or capital != capital.quantize(Decimal("0.01"))):
        yield BAD_SHARE_CAPITAL(at("share_capital"), value=capital)
    paid = s.paid_in_capital
    if paid is not None and (paid < 0 or paid != paid.quantize(Decimal("0.01")) or capital is None or paid > capital):
        yield BAD_PAID_IN_CAPITAL(at("paid_in_capital"), value=paid, capital="—" if capital is None else capital)
    given = [f for f in _NAMES if getattr(s, f) not in (None, "")]
    missing = [f for f in ("rea_office", "rea_number") if f not in given]
    if given and missing:
        first = given[0]
        where = missing[0] if missing[0] in layout.settings_cells else first
        yield REA_INCOMPLETE(at(where), given_it=_NAMES[first][0], given_en=_NAMES[first][1],
                             missing_it=_NAMES[missing[0]][0], missing_en=_NAMES[missing[0]][1])


def _without_office(number: str, office: str) -> str | None:
    """The number written after the office's sigla (`MI-1234567`, `MI 1234567`, as registrations
    print it), None when it does not begin with it.

    >>> _without_office("mi - 1234567", "MI"), _without_office("1234567", "MI"), _without_office("MIX1", "MI")
    ('1234567', None, None)
    """
    found = re.fullmatch(rf"{re.escape(office.strip())}\s*[-/.]?\s*(\d\S*)", number.strip(), re.IGNORECASE)
    return found[1] if found else None
