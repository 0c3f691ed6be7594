"""Texts the e-invoice must carry, judged at their cells: which characters no folding makes fit.

FatturaPA takes names, addresses and descriptions in Latin-1 (some fields in ASCII). `fold`
makes most typed text fit (’ → ', € → EUR, Ł → L); what it cannot (a Chinese, Greek or
Cyrillic letter, an emoji) makes the file refused after the invoice is issued. An item's texts
are judged in `rules.items`; a customer's name and address (CessionarioCommittente) here: a
customer written in its own script, `上海贸易有限公司` or `Οδός Ερμού 10`, had every invoice
issued at month end and each of its files refused at the export, until the row was written in
Latin letters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from toolkit.basics.problems import Problem, define
from toolkit.core.einvoice.fields import beyond, fold, legible
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.records import column
from toolkit.model.records import MasterData

CUSTOMER_TEXT_NOT_IN_EINVOICE = define(
    "customer-text-not-in-einvoice", "error",
    it="Cliente {code}: «{value}» contiene {characters}, che la fattura elettronica non può portare: ogni sua "
       "fattura sarebbe emessa e poi rifiutata all'invio. Scrivilo in lettere latine, come lo scrive il cliente "
       "nei documenti per l'estero (es. Shanghai Trading Co. Ltd).",
    en="Customer {code}: “{value}” holds {characters}, which the e-invoice cannot carry: each of its invoices "
       "would be issued and then refused at sending. Write it in Latin letters, as the customer writes it on its "
       "documents abroad (e.g. Shanghai Trading Co. Ltd).")

CUSTOMER_FIELDS = ("name", "address", "city")
"""Denominazione, Indirizzo and Comune of CessionarioCommittente/Sede: Latin-1 texts."""


def not_in_einvoice(text: str | None, ascii_only: bool) -> list[str]:
    """The characters of a text that its e-invoice could not carry once folded as it is (`fold`:
    ’ → ', € → EUR, Caffè → Caffe where only ASCII goes): an emoji, a Greek or Chinese letter,
    ° in a unit.

    >>> not_in_einvoice("Caffè “Bar” €", False), not_in_einvoice("Łódź", False), not_in_einvoice("Οδός 1", False)
    ([], [], ['Ο', 'δ', 'ς', 'ό'])
    """
    if not text or text.isascii():
        return []
    folded = fold(text, ascii_only) or ""
    limit = 0x7F if ascii_only else 0xFF
    return sorted({c for c in folded if ord(c) > limit}) if beyond(folded, limit) else []


def customer_texts(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Each customer's name, address and town no folding makes Latin-1, at its cell. A column
    all ASCII is passed whole (one join, in C); in the others each text beyond ASCII is folded
    once: about 3 ms of CPU over L's 10,000 customers."""
    customers = master.customers
    for field in CUSTOMER_FIELDS:
        values = column(customers, field)
        if _all_ascii(values):
            continue
        faults = {v: bad for v in {v for v in values if isinstance(v, str) and not v.isascii()}
                  if (bad := not_in_einvoice(v, False))}
        for customer, value in zip(customers, values):
            if value in faults:
                yield CUSTOMER_TEXT_NOT_IN_EINVOICE(
                    layout.locate(customer.source.sheet, customer.source.row, field), code=customer.code,
                    value=legible(value), characters=" ".join(map(legible, faults[value])))


def _all_ascii(values: Sequence[object]) -> bool:
    try:
        return "".join(values).isascii()  # type: ignore[arg-type]
    except TypeError:  # an empty cell among them
        return all(not isinstance(v, str) or v.isascii() for v in values)
