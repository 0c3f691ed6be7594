"""The seller's tax regime (*regime fiscale*, RegimeFiscale): the codes FatturaPA 1.2.2 knows.

Every e-invoice declares the regime its seller is under. Most businesses are under the ordinary
regime (RF01); a flat-rate one (*forfettario*, RF19) or a *contribuente minimo* (RF02) charges no
VAT at all, so each of its lines carries VAT 0 with nature N2.2 (the Agenzia's instructions for
both), and the invoice owes the stamp duty as any other without VAT.

A desk copies the code from a list, often with its name beside it (`RF19 - Forfettario`), or
types it in small letters: the code at the start is what counts.

>>> regime_code("rf19"), regime_code("RF19 - Forfettario"), regime_code(" RF02 minimi")
('RF19', 'RF19', 'RF02')
>>> regime_code("RF03"), regime_code("forfettario"), regime_code("RF191")
(None, None, None)
"""

from __future__ import annotations

import re
from types import MappingProxyType

REGIMES: MappingProxyType[str, str] = MappingProxyType({
    "RF01": "Ordinario",
    "RF02": "Contribuenti minimi (art. 1, c. 96-117, L. 244/2007)",
    "RF04": "Agricoltura e attività connesse e pesca (artt. 34 e 34-bis DPR 633/72)",
    "RF05": "Vendita sali e tabacchi (art. 74, c. 1, DPR 633/72)",
    "RF06": "Commercio dei fiammiferi (art. 74, c. 1, DPR 633/72)",
    "RF07": "Editoria (art. 74, c. 1, DPR 633/72)",
    "RF08": "Gestione di servizi di telefonia pubblica (art. 74, c. 1, DPR 633/72)",
    "RF09": "Rivendita di documenti di trasporto pubblico e di sosta (art. 74, c. 1, DPR 633/72)",
    "RF10": "Intrattenimenti, giochi e altre attività del DPR 640/72 (art. 74, c. 6, DPR 633/72)",
    "RF11": "Agenzie di viaggi e turismo (art. 74-ter DPR 633/72)",
    "RF12": "Agriturismo (art. 5, c. 2, L. 413/91)",
    "RF13": "Vendite a domicilio (art. 25-bis, c. 6, DPR 600/73)",
    "RF14": "Rivendita di beni usati, oggetti d'arte, d'antiquariato o da collezione (art. 36 DL 41/95)",
    "RF15": "Agenzie di vendite all'asta di oggetti d'arte, antiquariato o da collezione (art. 40-bis DL 41/95)",
    "RF16": "IVA per cassa P.A. (art. 6, c. 5, DPR 633/72)",
    "RF17": "IVA per cassa (art. 32-bis DL 83/2012)",
    "RF18": "Altro",
    "RF19": "Forfettario (art. 1, c. 54-89, L. 190/2014)",
})
"""RegimeFiscaleType of the official schema (RF03 is not one), with what each code means."""

ORDINARY = "RF01"
"""The ordinary regime: the seller's unless *Impostazioni › Regime fiscale* says otherwise."""

WITHOUT_VAT = MappingProxyType({"RF02": "N2.2", "RF19": "N2.2"})
"""Regimes whose sales carry no VAT, with the nature each line without it takes."""
EXCLUDED_NATURE = "N1"
"""Amounts excluded from VAT (art. 15 DPR 633/72), as the stamp duty charged to a customer."""


def natures_under(regime: str) -> frozenset[str]:
    """The natures a line may carry under a regime without VAT (`WITHOUT_VAT`): the regime's own,
    and the amounts excluded from VAT (`EXCLUDED_NATURE`), which no regime charges; empty under
    any other regime, where the items' natures are free.

    >>> sorted(natures_under("RF19")), natures_under("RF01")
    (['N1', 'N2.2'], frozenset())
    """
    own = WITHOUT_VAT.get(regime)
    return frozenset() if own is None else frozenset({own, EXCLUDED_NATURE})

_LEADING = re.compile(r"\s*(RF\d\d)(?![A-Z0-9])", re.IGNORECASE)


def regime_code(text: str) -> str | None:
    """The regime a cell names by the code it begins with; None when it names none."""
    found = _LEADING.match(text)
    code = found[1].upper() if found else None
    return code if code in REGIMES else None
