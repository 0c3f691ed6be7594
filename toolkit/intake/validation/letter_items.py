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
Such a customer whose row gives the letter's protocol and date but no amount sells N3.5 with
no ceiling (`core.intent_ceiling`), as a customer at N3.5 does, and is warned the same
(`letter-of-intent-without-amount`). The items ordered are the active templates' lines and
their *Eccezioni* extra deliveries, which make order lines as the templates' do.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import ExceptionAction
from toolkit.basics.wording import Agreed, first_numbers
from toolkit.core.einvoice.codes import LETTER_OF_INTENT
from toolkit.core.letter_cited import Missing, empty_cell, missing
from toolkit.intake.validation.layout import Layout
from toolkit.model.records import Customer, MasterData

INTENT_WITHOUT_AMOUNT = define(
    "letter-of-intent-without-amount", "warning",
    title=("Dichiarazione d'intento senza importo", "Letter of intent without amount"),
    it="La dichiarazione d'intento {protocol} del cliente {code} non ha importo: il toolkit non può fermare le "
       "vendite senza IVA al limite (plafond) che la dichiarazione dichiara, e chi fattura senza IVA oltre quel "
       "limite risponde dell'IVA con una sanzione (art. 7 c. 4-bis D.Lgs. 471/97). Scrivi l'importo della "
       "dichiarazione nella colonna «Importo dichiarazione d'intento» del foglio Clienti (aggiungila se manca).",
    en="Customer {code}'s letter of intent {protocol} has no amount: the toolkit cannot stop sales without VAT at "
       "the ceiling (plafond) the letter declares, and whoever invoices without VAT beyond it owes the VAT and a "
       "fine (art. 7 c. 4-bis D.Lgs. 471/97). Write the letter's amount in the Clienti sheet's column “Importo "
       "dichiarazione d'intento” (add it if missing).")
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
    (on their lines or as extra deliveries) while its row lacks the letter's protocol or date,
    at the cell invoicing will name, or its amount, at the amount's cell. A template not
    *Attivo* makes no order, so nothing of it is invoiced or refused."""
    at_letter = {i.code: i for i in master.items if (i.vat_nature or "").strip().upper() == LETTER_OF_INTENT}
    if not at_letter:
        return
    customers = {c.code: c for c in master.customers if not c.vat_nature and (missing(c) or c.intent_amount is None)}
    owner = {t.code: t.customer for t in master.templates if t.active and t.customer in customers}
    extras = ((e.template, e.item) for e in master.exceptions if e.action is ExceptionAction.EXTRA and e.item)
    found: dict[str, dict[str, set[str]]] = {}
    for template, item in (*((line.template, line.item) for line in master.template_lines), *extras):
        if item in at_letter and template in owner:
            found.setdefault(owner[template], {}).setdefault(item, set()).add(template)
    for code, items in found.items():
        c = customers[code]
        if not missing(c):
            yield INTENT_WITHOUT_AMOUNT(amount_cell(layout, c), code=code, protocol=c.intent_protocol)
            continue
        cells = [layout.locate(at_letter[item].source.sheet, at_letter[item].source.row, "vat_nature")
                 for item in sorted(items)]
        yield ITEMS_WITHOUT_LETTER(empty_cell(master, c), code=code, items=first_numbers(sorted(items)),
                                   templates=first_numbers(sorted(set().union(*items.values()))),
                                   have=Agreed(len(items), ("ha", "hanno"), ("has", "have")), missing=Missing(missing(c)),
                                   cells=", ".join(str(Location(x.sheet, x.cell)) for x in cells))


def amount_cell(layout: Layout, customer: Customer) -> Location:
    """Where a letter without its amount is warned: the empty amount, or on a sheet without the
    column the protocol."""
    where = "intent_amount" if "intent_amount" in layout.columns.get(customer.source.sheet, {}) else "intent_protocol"
    return layout.locate(customer.source.sheet, customer.source.row, where)
