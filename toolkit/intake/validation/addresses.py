"""Italian addresses as the e-invoice takes them: a CAP of five digits and a province's sigla.

FatturaPA's Sede wants CAP `[0-9]{5}` and Provincia `[A-Z]{2}`: a postcode or province it would
refuse, found only when the month's e-invoices are made, comes after the invoices bearing it
are issued and numbered. So the data check refuses it at its cell, on every sheet with an
address: the seller's (*Impostazioni*), the customers' and their delivery addresses. Abroad
the e-invoice writes CAP 00000 and no province (`toolkit.core.einvoice.build`), so a foreign
address's own postcode is printed as written and not judged here; but for San Marino, whose
postcodes are Italian CAPs (47890 to 47899), SDI wants the real one, so a San Marino address's
CAP is judged as one of those (00000 or empty is refused), and its province is not asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from toolkit.basics.problems import Problem, define
from toolkit.basics.vat_ids import country_code
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.records import column
from toolkit.model.records import MasterData, Record

BAD_POSTCODE = define(
    "bad-postcode", "error",
    it="Il CAP «{value}» non è un CAP italiano: scrivi le sue 5 cifre (es. 09012), come le vuole la fattura "
       "elettronica; per un indirizzo estero correggi il Paese.",
    en="Postcode “{value}” is not an Italian CAP: write its 5 digits (e.g. 09012), as the e-invoice wants it; "
       "for an address abroad correct the country.")
MISSING_POSTCODE = define(
    "missing-postcode", "error",
    it="Manca il CAP di un indirizzo in Italia: scrivi le sue 5 cifre (es. 20121), la fattura elettronica lo richiede.",
    en="The postcode of an address in Italy is missing: write its 5 digits (e.g. 20121); the e-invoice requires it.")
SAN_MARINO_POSTCODE = define(
    "san-marino-postcode", "error",
    it="Il CAP di un indirizzo a San Marino è {shown_it}: scrivi il suo CAP, da 47890 a 47899 (es. 47890 per la "
       "Città di San Marino), come lo vuole la fattura elettronica.",
    en="The postcode of an address in San Marino is {shown_en}: write its postcode, 47890 to 47899 (e.g. 47890 for "
       "the City of San Marino), as the e-invoice wants it.")
BAD_PROVINCE = define(
    "bad-province", "error",
    it="La provincia «{value}» non è la sigla di una provincia italiana: scrivi la sigla di 2 lettere (es. {hint}), "
       "come la vuole la fattura elettronica.",
    en="Province “{value}” is not an Italian province's code: write its 2-letter code (e.g. {hint}), as the "
       "e-invoice wants it.")
MISSING_PROVINCE = define(
    "missing-province", "error",
    it="Manca la provincia di un indirizzo in Italia: scrivi la sigla di 2 lettere (es. MI).",
    en="The province of an address in Italy is missing: write its 2-letter code (e.g. MI).")

_CAP = re.compile(r"[0-9]{5}")
_SAN_MARINO_CAP = re.compile(r"4789[0-9]")
_FORMER = frozenset({"CI", "VS", "OG", "OT"})
"""Sardinian provinces abolished in 2016 whose sigla addresses may still carry; FatturaPA takes any two letters."""


def postcode_problem(postcode: str | None) -> tuple[str, dict[str, str]] | None:
    """What is wrong with an Italian address's CAP, as (problem code, parameters), or None.

    >>> postcode_problem("09012"), postcode_problem("5014"), postcode_problem(None)
    (None, ('bad-postcode', {'value': '5014'}), ('missing-postcode', {}))
    """
    if not postcode:
        return MISSING_POSTCODE.code, {}
    return None if _CAP.fullmatch(postcode) else (BAD_POSTCODE.code, {"value": postcode})


def san_marino_postcode_problem(postcode: str | None) -> tuple[str, dict[str, str]] | None:
    """What is wrong with a San Marino address's CAP, one of 47890 to 47899, or None: 00000, what
    the e-invoice writes abroad, is not one.

    >>> san_marino_postcode_problem("47890"), san_marino_postcode_problem("00000")[1]["shown_it"]
    (None, '«00000»')
    >>> san_marino_postcode_problem(None)[1]["shown_en"]
    'empty'
    """
    if postcode and _SAN_MARINO_CAP.fullmatch(postcode):
        return None
    shown = (f"«{postcode}»", f"“{postcode}”") if postcode else ("vuoto", "empty")
    return SAN_MARINO_POSTCODE.code, {"shown_it": shown[0], "shown_en": shown[1]}


def province_problem(province: str | None) -> tuple[str, dict[str, str]] | None:
    """What is wrong with an Italian address's Provincia, as (problem code, parameters), or None;
    a province written by name is told its sigla.

    >>> province_problem("to"), province_problem("Torino"), province_problem("XY")
    (None, ('bad-province', {'value': 'Torino', 'hint': 'TO'}), ('bad-province', {'value': 'XY', 'hint': 'MI'}))
    """
    from toolkit.core.workdays import region_code  # `holidays` is imported while the sheets are parsed

    if not province:
        return MISSING_PROVINCE.code, {}
    code = province.strip().upper()
    if len(code) == 2 and (code in _FORMER or region_code(code) == code):
        return None
    return BAD_PROVINCE.code, {"value": province, "hint": region_code(province) or "MI"}


_KINDS = {kind.code: kind for kind in (BAD_POSTCODE, MISSING_POSTCODE, SAN_MARINO_POSTCODE, BAD_PROVINCE,
                                       MISSING_PROVINCE)}


def addresses(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Each Italian address's CAP and Provincia, at its cell.

    The seller's and the customers' addresses go into the e-invoice's Sede: an empty cell
    there is refused too. A delivery address is only printed on the DDT, so it may leave them
    empty, but not write them wrong. A sheet without the column at all is not judged for
    what it lacks (the e-invoice's own check still names a missing CAP)."""
    s = master.settings
    if _italian(s.country):
        cells = layout.settings_cells
        for field, value, judge in (("postcode", s.postcode, postcode_problem), ("province", s.province, province_problem)):
            found = judge(value) if value or field in cells else None
            if found:
                yield _KINDS[found[0]](layout.locate("settings", field=field), **found[1])
    yield from _sheet(master.customers, layout, required=True)
    yield from _sheet(master.ship_to, layout, required=False)


def _sheet(records: Sequence[Record], layout: Layout, *, required: bool) -> Iterator[Problem]:
    """A sheet's addresses, each distinct (CAP, province, country) judged once: at L, ten
    thousand customers share a few hundred."""
    if not records:
        return
    present = layout.columns.get(records[0].source.sheet, {})  # type: ignore[attr-defined]
    judges = [(field, judge, required and field in present)
              for field, judge in (("postcode", postcode_problem), ("province", province_problem))]

    def wrong(postcode: str | None, province: str | None, country: str | None) -> list[tuple[str, tuple[str, dict]]]:
        if country_code(country) == "SM":
            own = san_marino_postcode_problem(postcode) if postcode or judges[0][2] else None
            return [("postcode", own)] if own else []
        if not _italian(country):
            return []
        found = [(field, judge(value)) for (field, judge, needed), value in zip(judges, (postcode, province))
                 if value or needed]
        return [(field, problem) for field, problem in found if problem]

    rows = list(zip(column(records, "postcode"), column(records, "province"), column(records, "country")))
    judged = {row: wrong(*row) for row in set(rows)}
    if not any(judged.values()):
        return
    for record, row in zip(records, rows):
        for field, (code, params) in judged[row]:
            yield _KINDS[code](_at(layout, record, field), **params)


def _at(layout: Layout, record: Record, field: str):
    return layout.locate(record.source.sheet, record.source.row, field)  # type: ignore[attr-defined]


def _italian(country: str | None) -> bool:
    return country_code(country) == "IT"
