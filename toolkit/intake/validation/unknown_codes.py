"""A code naming a row of another sheet that the sheet does not have.

Every sheet that refers to another (a template's customer, a commission rule's item, an agent's
customer) says it the same way, from here: the code and the sheet, and, when the sheet has the
code in other capitals, the sheet's spelling. A desk typing its codes by hand writes `c01` on
one sheet and `C01` on another; told only that C01 does not exist, it looks at the sheet, sees
it there and is lost.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from toolkit.basics.codes import folded
from toolkit.basics.problems import Location, Problem, define

UNKNOWN_REFERENCE = define(
    "unknown-reference", "error",
    it="«{code}» non esiste nel foglio {target}: correggi il codice o aggiungilo in {target}.",
    en="“{code}” does not exist in sheet {target}: correct the code or add it to {target}.")
TEMPLATE_CUSTOMER_GONE = define(
    "template-customer-not-in-clienti", "error",
    it="«{code}» non esiste nel foglio {target}: correggi il codice o aggiungilo in {target}. Se il cliente non c'è "
       "più, cancella il modello {template} e le sue righe in {lines}: anche non attivo («Attivo» no), un modello "
       "nomina il suo cliente, e finché manca nessun ordine si crea.",
    en="“{code}” does not exist in sheet {target}: correct the code or add it to {target}. If the customer is gone, "
       "delete template {template} and its rows in {lines}: even when not active (“Attivo” no), a template names "
       "its customer, and while it is missing no order is created.")
REFERENCE_IN_OTHER_CASE = define(
    "reference-in-other-case", "error",
    it="«{code}» non è nel foglio {target}, che ha «{known}»: maiuscole e minuscole contano, scrivi il codice "
       "come in {target} ({known}).",
    en="“{code}” is not in sheet {target}, which has “{known}”: capitals count, write the code as {target} "
       "does ({known}).")

REFERENCE_WITH_INVISIBLE = define(
    "reference-with-invisible-character", "error",
    it="«{code}» non esiste nel foglio {target}: il codice contiene {chars}, un carattere che non si vede (lo porta "
       "spesso un testo copiato da una pagina web, una e-mail o un PDF). Cancella la cella e riscrivi il codice a "
       "mano.",
    en="“{code}” does not exist in sheet {target}: the code holds {chars}, a character that does not show (text "
       "copied from a web page, an e-mail or a PDF often brings one). Clear the cell and type the code again.")

TARGET_WITH_INVISIBLE = define(
    "reference-to-invisible-character", "error",
    it="«{code}» non è nel foglio {target} così: là il suo codice contiene anche {chars}, un carattere che non si "
       "vede (lo porta spesso un testo copiato da una pagina web, una e-mail o un PDF). Cancella quella cella e "
       "riscrivi il codice a mano.",
    en="“{code}” is not in sheet {target} as such: there its code also holds {chars}, a character that does not "
       "show (text copied from a web page, an e-mail or a PDF often brings one). Clear that cell and type the code "
       "again.")

TOTAL_ROW_READ = define(
    "reference-is-a-total-row", "error",
    it="«{code}» non esiste nel foglio {target}: sembra la riga di un totale, che il toolkit legge come ogni altra "
       "riga del foglio. Togli la riga, o fai dell'elenco una tabella di Excel con la sua Riga totale (Progettazione "
       "tabella › Riga totale), che il toolkit salta.",
    en="“{code}” does not exist in sheet {target}: it looks like a total's row, which the toolkit reads as any other "
       "row of the sheet. Remove the row, or make the list an Excel table with its Total Row (Table Design › Total "
       "Row), which the toolkit skips.")
TOTAL_WORDS = re.compile(r"(?:sub)?total[ei]?(?:\s+(?:complessivo|generale))?|grand\s+total|"
                         r"\S+\s+(?:totale|total)", re.IGNORECASE)
"""What Excel's Data › Subtotal writes in a group's column (`T001 Totale`, `Totale complessivo`,
`Grand Total`) and what a desk types beside a SUM under its list (`Totale`, `Totali`). A name
that only starts with the word (`Totale Srl`, `Total Service`) is a customer's or an item's, to
be told missing as any other, not to be removed as a sum."""


def case_twins(known: Iterable[str]) -> dict[str, list[str]]:
    """The known codes by their folded form, without the characters that do not show, for
    `unknown_code`."""
    twins: dict[str, list[str]] = defaultdict(list)
    for code in known:
        if isinstance(code, str):
            twins[_visible(folded(code))].append(code)
    return twins


def unknown_code(where: Location, code: str, twins: Mapping[str, Sequence[str]], target: str) -> Problem:
    """A reference to a code the target sheet lacks, naming the sheet's spelling when it has the
    code in other capitals (`twins`, from `case_twins`)."""
    if unseen := _unseen(str(code)):
        return REFERENCE_WITH_INVISIBLE(where, code=_visible(str(code)), chars=", ".join(unseen), target=target)
    same = twins.get(folded(str(code)), ())
    if len(same) == 1 and (hidden := _unseen(same[0])):
        return TARGET_WITH_INVISIBLE(where, code=code, target=target, chars=", ".join(hidden))
    if len(same) == 1:
        return REFERENCE_IN_OTHER_CASE(where, code=code, known=same[0], target=target)
    if TOTAL_WORDS.fullmatch(str(code).strip()):
        return TOTAL_ROW_READ(where, code=code, target=target)
    return UNKNOWN_REFERENCE(where, code=code, target=target)


def _unseen(text: str) -> list[str]:
    """The characters of `text` that do not show, as U+200B."""
    if text.isascii() and text.isprintable():
        return []
    return sorted({f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) in _UNSEEN})


def _visible(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) not in _UNSEEN)


_UNSEEN = frozenset({"Cf", "Cc", "Co", "Cn", "Zl", "Zp"})
"""The characters a cell holds without showing them: format characters (zero-width space U+200B,
the byte-order mark U+FEFF, the soft hyphen U+00AD), controls, and the unassigned or private."""
