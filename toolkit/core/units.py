"""When two spellings of a unit of measure are one unit.

A desk re-types an item's *Unità di misura* as it likes: «KG» for «kg», «Kg.», «pezzi» for
«pz». The orders keep the unit they were made in, so comparing the spellings as typed told the
desk that a stock counted in «pezzi» lost pieces counted in «pz» (`ship-item-unit-changed`).

>>> unit_key("Kg.") == unit_key("kg") == unit_key(" KG ") == unit_key("chili")
True
>>> unit_key("pz") == unit_key("pezzi") == unit_key("Nr.")
True
>>> unit_key("pz") == unit_key("kg"), unit_key("cf") == unit_key("cf100")
(False, False)
"""

from __future__ import annotations

from toolkit.basics.problems import define
from toolkit.basics.vocab import normalize

FRACTION_OF_WHOLE_UNIT = define(
    "quantity-fraction-of-whole-unit", "warning",
    title=("Quantità con decimali di un articolo che si conta a unità intere",
           "Quantity with decimals of an item counted whole"),
    it="La quantità {quantity} di {item} ha decimali, ma {item} si conta in «{unit}», a unità intere: è presa "
       "così com'è. Scrivi la quantità intera che intendi; se l'articolo si vende davvero a frazioni, dagli nel "
       "foglio Articoli un'unità di misura che le ha (es. kg).",
    en="Quantity {quantity} of {item} has decimals, but {item} is counted in “{unit}”, in whole units: it is taken "
       "as it is. Write the whole quantity you mean; if the item really sells by fractions, give it a unit of "
       "measure that has them on the Items sheet (e.g. kg).")
"""A quantity of pieces, cartons, packs or bottles with decimals (`counted_whole`): 1,5 «pz» on a
template line, in *Giacenze* or on an order form is a slip for 15, or 1 and 5, taken as typed."""

_SPELLINGS = (
    ("pz", "pezzo", "pezzi", "pc", "pcs", "n", "nr", "num", "numero"),
    ("kg", "kilo", "kili", "chilo", "chili", "chilogrammo", "chilogrammi", "kilogrammo", "kilogrammi"),
    ("g", "gr", "grammo", "grammi"),
    ("l", "lt", "litro", "litri"),
    ("m", "mt", "metro", "metri"),
    ("ct", "cartone", "cartoni"),
    ("cf", "conf", "confezione", "confezioni"),
    ("bt", "bott", "bottiglia", "bottiglie"),
)
"""The usual Italian spellings of one unit each, the first the one they are read as."""

_KEY = {spelling: spellings[0] for spellings in _SPELLINGS for spelling in spellings}

COUNTED_WHOLE = frozenset({"pz", "ct", "cf", "bt"})
"""The units a desk counts whole: pieces, cartons, packs, bottles (`unit_key` spellings)."""


def counted_whole(unit: str) -> bool:
    """Whether a quantity of this unit has no decimals: 1,5 «pz» is a slip (15, or 1 and 5).

    >>> counted_whole("Pezzi"), counted_whole("cartoni"), counted_whole("kg"), counted_whole("cf100")
    (True, True, False, False)
    """
    return unit_key(unit) in COUNTED_WHOLE


def unit_key(unit: str) -> str:
    """The unit as two spellings of it compare: without case, accents, blanks or dots, and a
    usual spelling read as its unit's first (`_SPELLINGS`); any other unit is itself."""
    folded = normalize(unit)
    return _KEY.get(folded, folded)
