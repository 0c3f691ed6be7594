"""Items sold under a letter of intent to a customer whose row names none.

A line's VAT nature is the customer's *Natura IVA* when it has one, else the item's
(`core.vat.line_vat`): an item at 0 % with *Natura* N3.5 on *Articoli* is sold N3.5 to
every customer without a nature of its own. The data check warned only of a customer whose
own nature is N3.5 and whose letter lacks its protocol or date
(`letter-of-intent-without-protocol`); a customer without a nature ordering such an item got
no warning, and then invoicing refused its documents at the letter's cells
(`core.letter_cited`), which the desk had no reason to fill. This rule warns of it at check,
at the same cell, naming the items' cells: either the customer has a letter (write it, and
N3.5 on its row), or N3.5 is not the item's nature (a letter of intent is the buyer's).
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.basics.wording import Agreed, first_numbers
from toolkit.core.einvoice.codes import LETTER_OF_INTENT
from toolkit.core.letter_cited import Missing, empty_cell, missing
from toolkit.intake.validation.layout import Layout
from toolkit.model.records import MasterData

ITEMS_WITHOUT_LETTER = define(
    "letter-of-intent-items-without-protocol", "warning",
    title=("Articoli con dichiarazione d'intento a un cliente senza", "Items on a letter of intent to a customer without"),
    it="Il cliente {code} non ha «Natura IVA», ma i suoi modelli ({templates}) ordinano {items}, che nel foglio "
       "Articoli {have} «Natura» N3.5 (dichiarazione d'intento: {cells}): quelle righe si fatturano senza IVA "
       "citando la dichiarazione del cliente, e nel foglio Clienti ne manca {missing}, così la fatturazione "
       "rifiuterà i suoi documenti (ordini e DDT si fanno). Se il cliente ha una dichiarazione d'intento, scrivi "
       "N3.5 nella sua «Natura IVA» e protocollo e data nelle colonne «Protocollo dichiarazione d'intento» e «Data "
       "dichiarazione d'intento» (aggiungile se mancano), dalla ricevuta dell'Agenzia; se non ce l'ha, N3.5 non è "
       "la natura dell'articolo (la dichiarazione è del cliente): correggi la «Natura» dell'articolo.",
    en="Customer {code} has no “Natura IVA”, but its templates ({templates}) order {items}, which {have} “Natura” "
       "N3.5 on the Articoli sheet (letter of intent: {cells}): those lines are invoiced without VAT citing the "
       "customer's letter, and the Clienti sheet lacks its {missing}, so invoicing will refuse its documents (orders "
       "and DDTs are made). If the customer has a letter of intent, write N3.5 in its “Natura IVA” and the protocol "
       "and date in the columns “Protocollo dichiarazione d'intento” and “Data dichiarazione d'intento” (add them "
       "if missing), from the Agenzia's receipt; if it has none, N3.5 is not the item's nature (the letter is the "
       "customer's): correct the item's “Natura”.")


def letter_items(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """A warning per customer without *Natura IVA* whose active templates order items at N3.5
    while its row lacks the letter's protocol or date, at the cell invoicing will name. A
    template not *Attivo* makes no order, so nothing of it is invoiced or refused."""
    at_letter = {i.code: i for i in master.items if (i.vat_nature or "").strip().upper() == LETTER_OF_INTENT}
    if not at_letter:
        return
    customers = {c.code: c for c in master.customers if not c.vat_nature and missing(c)}
    owner = {t.code: t.customer for t in master.templates if t.active and t.customer in customers}
    found: dict[str, dict[str, set[str]]] = {}
    for line in master.template_lines:
        if line.item in at_letter and line.template in owner:
            found.setdefault(owner[line.template], {}).setdefault(line.item, set()).add(line.template)
    for code, items in found.items():
        c = customers[code]
        cells = [layout.locate(at_letter[item].source.sheet, at_letter[item].source.row, "vat_nature")
                 for item in sorted(items)]
        yield ITEMS_WITHOUT_LETTER(empty_cell(master, c), code=code, items=first_numbers(sorted(items)),
                                   templates=first_numbers(sorted(set().union(*items.values()))),
                                   have=Agreed(len(items), ("ha", "hanno"), ("has", "have")), missing=Missing(missing(c)),
                                   cells=", ".join(str(Location(x.sheet, x.cell)) for x in cells))
