"""Month-end invoicing: a run in one transaction, finalized or undone; the accountants' workbook.

A run reads what is still to invoice *inside* its write transaction, so two runs at once
follow one another and the second finds nothing the first took; numbers are drawn in the
same transaction, so a failed run leaves no gap, and the accountants' workbook is written
inside it too: if writing fails, the run is rolled back and no number is used.

A run is draft until finalized. A draft run can be undone while it is the latest run of each
series and year it numbered: its invoices go and the counter goes back, leaving no gap.

Numbers follow dates within a series and year: a run, or an order invoiced at once, that
would date an invoice before the latest one already issued there is refused with the two
numbers and dates, and stores nothing (`chronology_problems`). The dates themselves are the
core's rule (`toolkit.core.invoicing`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Row

from toolkit.basics.dates import rome_time
from toolkit.basics.problems import Problem, ProblemsFound, ProblemType, define, errors
from toolkit.basics.runtime import collector_paused
from toolkit.basics.vocab import DocumentType, InvoiceTerms
from toolkit.basics.wording import Agreed, Codes, Counted, count, first_numbers
from toolkit.core import stamp_duty
from toolkit.core.credit_notes import (
    RETURN_CREDITED,
    RETURN_MIXED_SPLIT,
    RETURN_MIXED_VAT,
    RETURN_OVER_DISCOUNT,
    OverReturn,
    ReturnMixesSplit,
    ReturnMixesVat,
    ReturnOverDiscount,
    ReturnsMatched,
    mixed_split,
    mixed_vat,
    over_discount,
    returns_matched,
)
from toolkit.core.delivery_rate import rated_for_invoice
from toolkit.core.documents import DeliveryNote
from toolkit.core.intent_ceiling import LETTER_OF_INTENT, Ceiling
from toolkit.core.invoicing import (
    ChargedVat,
    HeldInvoice,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    LeftOut,
    Pending,
    Period,
    Plan,
    Recoded,
    Request,
    Shipment,
    charging_vat,
    deferred_invoice_day,
    held_at_run,
    held_customers,
    month_of,
    order_invoices,
    order_shipments,
    plan_again,
    plan_invoices,
    recoded_as,
    shipments_of,
)
from toolkit.core.letter_cited import LETTER_NOT_CITED, Uncited, drafts_uncited, paid_first_refused, uncited_sentence
from toolkit.core.shipping import apart_told
from toolkit.ledger import Ledger
from toolkit.ledger.credit_notes import headrooms, split_payments
from toolkit.ledger.db import document_number, reading, writing
from toolkit.ledger.deliveries import former_buyers, kept_parties, lines_on_ddts
from toolkit.ledger.invoices import (
    MONTH_REGISTER,
    RUN_FILES,
    RUN_PRINTS,
    LatestRun,
    UndoneRun,
    counter_last,
    delete_run,
    delivered_orders,
    draft_runs_in,
    drafted_at,
    drafted_dues,
    drafted_parties,
    final_after,
    later_number,
    latest_issued,
    latest_run_within,
    load_invoices,
    make_final,
    matched_returns,
    ordered_not_invoiced,
    paid_any,
    pdfs_printed_with,
    run_documents,
    run_months,
    run_summaries,
    series_for,
    shipments_counting,
    shipments_on,
    shipped_after,
    store,
    undone_run,
    written_every,
    written_in,
    wrote_in,
)
from toolkit.ledger.invoices import (
    RunSummary as RunSummary,
)
from toolkit.ledger.orders import HeldOrder, held_orders, load_orders, order_parties, rate_again
from toolkit.ledger.printings import mark_printed
from toolkit.model.parties import Buyer
from toolkit.model.records import MasterData, Settings, numbers_before
from toolkit.services.copies_apart import other_companies
from toolkit.services.drafted_parties import drafts_changed, dues_moved
from toolkit.services.intent_letters import at_order_within_letters, letter_ceilings, letter_rates
from toolkit.services.order_status import orders_named
from toolkit.services.run_aside import delete, hidden, left_aside, put_back
from toolkit.services.session import off_the_sheet

RETURN_WAITS_FOR_DDT = define(
    "return-waits-for-ddt", "warning",
    title=("Reso senza fattura né DDT: accreditato col suo DDT", "Return with no invoice nor DDT: credited with its DDT"),
    it="Il reso {order} del cliente {customer} non ha una fattura da citare (nessuna fattura del registro ha venduto "
       "quella merce) né ancora un DDT: la sua nota di credito non è emessa con l'ordine, perché non citerebbe alcun "
       "documento. Quando la merce rientra, spediscilo («toolkit ship»): la nota di credito sarà emessa a fine mese "
       "(o con «toolkit ship --invoice»), citando il DDT del reso.",
    en="Return {order} of customer {customer} has no invoice to cite (no invoice of the ledger sold those goods) nor a "
       "DDT yet: its credit note is not issued with the order, as it would cite no document. When the goods come "
       "back, ship it (“toolkit ship”): the credit note is issued at month end (or with “toolkit ship --invoice”), "
       "citing the return's DDT.")
INVOICE_ANOTHER_COMPANY = define(
    "invoice-customer-another-company", "warning",
    title=("Cliente diverso da quello del DDT: non fatturato", "Another company than the DDT's: not invoiced"),
    it="Il DDT {ddt} è intestato a {printed} (partita IVA o codice fiscale {printed_id}), ma in questa cartella di "
       "lavoro il cliente {customer} è {now} ({now_id}): un'altra ditta, quindi le sue righe non sono state "
       "fatturate. Se la copia di un collega usa {customer} per un altro cliente, allineate le copie (ogni cliente con "
       "il suo codice in tutte) ed emetti di nuovo. Se invece il cliente ha cambiato davvero partita IVA (una fusione, "
       "una nuova società) e questa copia ha già la nuova, il DDT è della ditta di prima, che ha avuto la merce: "
       "rimetti qui la sua partita IVA e ragione sociale, emetti le sue fatture con --customer {customer}, poi "
       "riscrivi le nuove.",
    en="DDT {ddt} is made out to {printed} (VAT number or tax code {printed_id}), but in this workbook customer "
       "{customer} is {now} ({now_id}): another company, so its lines were not invoiced. If a colleague's copy uses "
       "{customer} for another customer, align the copies (each customer with its own code in all of them) and run "
       "again. If instead the customer really changed its VAT number (a merger, a new company) and this copy has the "
       "new one already, the DDT is the former company's, which had the goods: put its VAT number and name back "
       "here, run with --customer {customer}, then write the new ones again.")
INVOICE_ORDER_ANOTHER_COMPANY = define(
    "invoice-order-customer-another-company", "warning",
    title=("Cliente diverso da quello dell'ordine: non fatturato", "Another company than the order's: not invoiced"),
    it="L'ordine {number} è stato fatto per {printed} (partita IVA o codice fiscale {printed_id}), ma in questa "
       "cartella di lavoro il cliente {customer} è {now} ({now_id}): un'altra ditta, quindi le sue righe non sono "
       "state fatturate. Se la copia di un collega usa {customer} per un altro cliente, allineate le copie (ogni "
       "cliente con il suo codice in tutte) ed emetti di nuovo. Se invece il cliente ha cambiato davvero partita IVA "
       "(una fusione, una nuova società) e questa copia ha già la nuova, l'ordine è della ditta di prima: rimetti qui "
       "la sua partita IVA e ragione sociale, emetti le sue fatture con --customer {customer}, poi riscrivi le nuove.",
    en="Order {number} was made for {printed} (VAT number or tax code {printed_id}), but in this workbook customer "
       "{customer} is {now} ({now_id}): another company, so its lines were not invoiced. If a colleague's copy uses "
       "{customer} for another customer, align the copies (each customer with its own code in all of them) and run "
       "again. If instead the customer really changed its VAT number (a merger, a new company) and this copy has the "
       "new one already, the order is the former company's: put its VAT number and name back here, run with "
       "--customer {customer}, then write the new ones again.")
SHIPPED_AFTER_DATE = define(
    "invoice-orders-shipped-after-date", "warning",
    title=("DDT dopo la data della fatturazione", "DDTs after the run's date"),
    it="Ordini {orders}: le righe spedite con {ddts}, dopo il {day} (la data di questa fatturazione), non sono "
       "fatturate, perché una fattura non cita un DDT datato dopo di lei. Per fatturarle dai --date dal {latest} in "
       "poi, oppure lasciale alla fatturazione di fine mese.",
    en="Orders {orders}: the lines shipped with {ddts}, after {day} (this run's date), are not invoiced, as an "
       "invoice cites no DDT dated after it. To invoice them give --date from {latest} on, or leave them to month "
       "end.")


def shipped_after_date(conn: Connection, request: Request) -> list[Problem]:
    """The warning of named orders (`--orders`) whose DDTs are dated after the run's last day:
    a customer turned *Immediato* after its goods left, invoiced with --date its order's day,
    had nothing billed and was told only «0 documenti». The date it names is the latest DDT's,
    the first that bills them all."""
    if not request.orders:
        return []
    found = shipped_after(conn, request.orders, request.cutoff)
    if not found:
        return []
    return [SHIPPED_AFTER_DATE(None, orders=first_numbers(sorted({order for order, _, _ in found})),
                               ddts=first_numbers(list(dict.fromkeys(ddt for _, ddt, _ in found))),
                               day=request.cutoff, latest=found[-1][2])]


UNKNOWN_RUN = define(
    "unknown-invoice-run", "error",
    it="Nel registro non c'è un'emissione di fatture {run_id}: controlla l'identificativo (toolkit invoice list).",
    en="The ledger has no invoicing run {run_id}: check the identifier (toolkit invoice list).",
    usage=True)
RUN_ALREADY_UNDONE = define(
    "invoice-run-already-undone", "warning",
    title=("Emissione già annullata", "Run already undone"),
    it="L'emissione {run_id} è già stata annullata ({at}, {by}: {documents}): nulla è cambiato.",
    en="Run {run_id} was undone already ({at}, {by}: {documents}): nothing changed.")
RUN_UNDONE = define(
    "invoice-run-undone", "error",
    it="L'emissione {run_id} è stata annullata ({at}, {by}: {documents}): le sue fatture non ci sono più e la "
       "prossima emissione del mese fattura le consegne che fatturavano (toolkit invoice list elenca le emissioni "
       "del registro).",
    en="Run {run_id} was undone ({at}, {by}: {documents}): its invoices are gone. The month's next run invoices the "
       "deliveries it invoiced (toolkit invoice list lists the ledger's runs).",
    usage=True)
RUN_FINAL = define(
    "invoice-run-final", "error",
    it="Le fatture dell'emissione {run_id} sono definitive: non si possono annullare, emetti una nota di credito.",
    en="The invoices of run {run_id} are final: they cannot be undone, issue a credit note instead.",
    usage=True)
RUN_NOT_LATEST = define(
    "invoice-run-not-latest", "error",
    it="L'emissione {run_id} non è l'ultima della serie {series} {year} (c'è già il numero {later}): "
       "annulla prima le emissioni successive, così la numerazione resta senza buchi.",
    en="Run {run_id} is not the latest of series {series} {year} (number {later} exists): "
       "undo the later runs first, so the numbering keeps no gaps.",
    usage=True)
RUN_FOLLOWED_BY_FINAL = define(
    "invoice-run-followed-by-final", "error",
    it="L'emissione {run_id} non si può più annullare: dopo i suoi numeri nella serie {series} {year} {are} già "
       "{count} ({first}), che non si {undone}, e annullarla lascerebbe un buco nella "
       "numerazione. Nulla è stato annullato. Rendila definitiva (toolkit invoice finalize {workbook} {run_id}) e "
       "correggi le sue fatture sbagliate con note di credito (toolkit invoice credit).",
    en="Run {run_id} can no longer be undone: after its numbers in series {series} {year} {are} already {count} "
       "({first}), which {undone} never undone, and undoing it would leave a gap in the "
       "numbering. Nothing was undone. Make it final (toolkit invoice finalize {workbook} {run_id}) and correct its "
       "wrong invoices with credit notes (toolkit invoice credit).",
    usage=True)
RUN_PAID = define(
    "invoice-run-paid", "error",
    it="Ci sono incassi registrati sulle fatture dell'emissione {run_id}: non si può annullare.",
    en="Payments are recorded on the invoices of run {run_id}: it cannot be undone.",
    usage=True)
RUN_ALREADY_FINAL = define(
    "invoice-run-already-final", "warning",
    title=("Emissione già definitiva", "Run already final"),
    it="Le fatture dell'emissione {run_id} erano già definitive.",
    en="The invoices of run {run_id} were already final.")
OUT_OF_SEQUENCE = define(
    "invoice-date-out-of-sequence", "error",
    it="La fattura {number} sarebbe datata {day}, prima della {latest_number} del {latest_day} già emessa: nella "
       "serie {series} {year} i numeri seguono le date, quindi non è stato registrato nulla. Emetti con --date dal "
       "{latest_day} in poi, oppure in Impostazioni scegli «Data fattura differita» = Emissione.",
    en="Invoice {number} would be dated {day}, before {latest_number} of {latest_day}, already issued: in series "
       "{series} {year} numbers follow dates, so nothing was stored. Issue with --date from {latest_day} on, or "
       "choose “Deferred invoice date” = Issue date in Settings.")
CREDIT_OUT_OF_SEQUENCE = define(
    "invoice-credit-note-out-of-sequence", "error",
    it="La nota di credito {number} sarebbe datata {day}, prima della {latest_number} del {latest_day} già emessa: "
       "nella serie {series} {year} i numeri seguono le date, quindi non è stato registrato nulla. Data a parte le "
       "note di credito dei resi con --credit-date dal {latest_day} in poi: le fatture tengono la loro data.",
    en="Credit note {number} would be dated {day}, before {latest_number} of {latest_day}, already issued: in series "
       "{series} {year} numbers follow dates, so nothing was stored. Date the returns' credit notes apart with "
       "--credit-date from {latest_day} on: the invoices keep their date.")
ORDER_OUT_OF_SEQUENCE = define(
    "order-invoice-out-of-sequence", "error",
    it="L'ordine del {day} del modello {template} (cliente {customer}) si fattura alla creazione, ma la sua fattura "
       "{number} sarebbe datata prima della {latest_number} del {latest_day} già emessa (serie {series} {year}, dove "
       "i numeri seguono le date): nessun ordine è stato creato. Crea gli ordini in ordine di data, oppure lascia "
       "fuori con --exclude {templates} {these} alla creazione con ordini prima del {latest_day}.{draft}",
    en="The order of {day} of template {template} (customer {customer}) is invoiced when created, but its invoice "
       "{number} would be dated before {latest_number} of {latest_day}, already issued (series {series} {year}, "
       "where numbers follow dates): no order was created. Create the orders in date order, or leave out with "
       "--exclude {templates} {these} when created with orders before {latest_day}.{draft}")

AFTER_DRAFT_RUN = define(
    "issued-after-draft-run", "error",
    it="L'emissione {run_id} ha documenti in bozza nella serie {series} {year} ({first}–{last}): un documento "
       "definitivo ({what_it}) prenderebbe il numero dopo di loro, e l'emissione non si potrebbe più annullare (la "
       "numerazione resterebbe con un buco), quindi non è stato registrato nulla. Prima rendila definitiva («toolkit "
       "invoice finalize {workbook} {run_id}») o annullala («toolkit invoice undo {workbook} {run_id}»), poi ripeti "
       "il comando.",
    en="Run {run_id} has draft documents in series {series} {year} ({first}–{last}): a final document ({what_en}) "
       "would take the number after them, and the run could never be undone (its numbers would leave a gap), so "
       "nothing was stored. First make it final (“toolkit invoice finalize {workbook} {run_id}”) or undo it "
       "(“toolkit invoice undo {workbook} {run_id}”), then run the command again.",
    usage=True)
NUMBERED_AFTER_DRAFT_RUN = define(
    "numbered-after-draft-run", "warning",
    title=("Emissione in bozza ora solo da rendere definitiva", "Draft run now only to be made final"),
    it="L'emissione {run_id} è ancora in bozza nella serie {series} {year} ({first}–{last}) e {what_it} (ordine "
       "{order}) hanno preso i numeri dopo i suoi: ora non si può più annullare (la numerazione resterebbe con un "
       "buco), solo rendere definitiva (toolkit invoice finalize {workbook} {run_id}); una sua fattura sbagliata si "
       "corregge con una nota di credito (toolkit invoice credit).",
    en="Run {run_id} is still a draft in series {series} {year} ({first}–{last}) and {what_en} (order {order}) took "
       "the numbers after its own: it can no longer be undone (its numbers would leave a gap), only made final "
       "(toolkit invoice finalize {workbook} {run_id}); a wrong invoice of it is corrected with a credit note "
       "(toolkit invoice credit).")

NO_INVOICES_IN_MONTH = define(
    "no-invoices-in-month", "warning",
    title=("Nessuna fattura nel mese", "No invoice in the month"),
    it="Nessuna fattura o nota di credito datata nel mese {month}: nessun registro scritto.",
    en="No invoice or credit note dated in {month}: no register written.")
NO_INVOICES_BUT_STAMP_DUTY = define(
    "no-invoices-in-month-stamp-duty", "warning",
    title=("Nessuna fattura nel mese", "No invoice in the month"),
    it="Nessuna fattura o nota di credito datata nel mese {month}: il registro non elenca documenti, e il suo "
       "foglio Bollo dà il bollo del trimestre dei mesi prima ({amount} €).",
    en="No invoice or credit note dated in {month}: the register lists no document, and its Stamp duty sheet "
       "gives the quarter's stamp duty of the months before ({amount} €).")
UNKNOWN_ORDER = define(
    "invoice-unknown-order", "error",
    it="Nel registro non c'è l'ordine {number} indicato in --orders: controlla il numero (toolkit orders list).",
    en="The ledger has no order {number}, named in --orders: check the number (toolkit orders list).",
    usage=True)


Refused = OverReturn | ReturnOverDiscount | ReturnMixesSplit | ReturnMixesVat
"""A return left out: its goods credited already, beyond what a volume discount left, or needing two
VAT rates or split payment and not on one note."""


@dataclass(frozen=True)
class RunResult:
    run_id: str | None
    """None for a preview, or when there was nothing to invoice."""
    invoices: list[Invoice]
    problems: list[Problem]
    pending: list[Pending]
    preview: bool = False
    status: InvoiceStatus = InvoiceStatus.DRAFT
    """The status the run asked for its invoices."""
    files: list[Path] = field(default_factory=list)
    """The accountants' workbook and what goes with it, when an output folder was given."""
    left_out: list[LeftOut] = field(default_factory=list)
    """Customers no longer in the master whose DDTs wait: the run invoiced everyone else."""
    charged_vat: list[ChargedVat] = field(default_factory=list)
    """Customers whose invoices would charge VAT under a regime without it: left out likewise."""
    uncited: list[Uncited] = field(default_factory=list)
    """Customers whose N3.5 sales could not cite their letter of intent, its protocol or date
    missing on *Clienti*: left out likewise (`core.letter_cited`)."""
    returns_refused: list[Refused] = field(default_factory=list)
    """Returns giving back goods whose invoices credit notes, or a volume discount, took back
    already: not credited, their DDTs wait; the run invoiced everything else (`returns_left_out`)."""
    held: list[HeldInvoice] = field(default_factory=list)
    """Orders created ahead whose immediate invoice waits for its day (`waiting_invoices`)."""
    latest: LatestRun | None = None
    """When nothing was left to invoice, the run that last invoiced the month: a colleague's
    month end finished a moment before (this one waited for it), or the desk's own earlier one."""

    def summary(self, lang: str, *, next_step: bool = False) -> str:
        """The line that ends a run: a preview, nothing to invoice, or what was issued, and the
        customers left out. With `next_step`, a draft run also says how to make it final (the
        button's wording)."""
        return self._outcome(lang, next_step=next_step) + self.left_out_sentence(lang)

    def left_out_sentence(self, lang: str) -> str:
        """The customers and the returns left out, after what was issued: empty when there are none."""
        if self.run_id is None and not self.preview:
            return ""
        said = ""
        if self.left_out:
            codes = ", ".join(x.customer for x in self.left_out)
            said += (f" Fuori da questa fatturazione, perché non più nel foglio Clienti: {codes}." if lang == "it"
                     else f" Left out of this run, being no longer on the Customers sheet: {codes}.")
        if self.charged_vat:
            codes = ", ".join(x.customer for x in self.charged_vat)
            said += (f" Fuori da questa fatturazione, perché addebiterebbero IVA in un regime che non la addebita: "
                     f"{codes}." if lang == "it" else
                     f" Left out of this run, as they would be charged VAT under a regime without it: {codes}.")
        said += uncited_sentence([x.problem for x in self.uncited], lang)
        return said + returns_refused_sentence([x.problem for x in self.returns_refused], lang)

    def _outcome(self, lang: str, *, next_step: bool) -> str:
        it, issued = lang == "it", len(self.invoices)
        documents = count(issued, "documento", "documenti") if it else count(issued, "document", "documents")
        verb = "Emesso" if issued == 1 else "Emessi"
        if self.preview:
            return (f"Anteprima: {documents}, nulla è stato scritto." if it
                    else f"Preview: {documents}, nothing was written.")
        if self.run_id is None and not errors(self.problems) and self.latest is not None:
            x = self.latest
            draft = x.status is InvoiceStatus.DRAFT
            return (f"Niente da fatturare: l'ultima emissione del periodo è {x.run_id} di {x.by} "
                    f"({count(x.documents, 'documento', 'documenti')}, {'in bozza' if draft else 'definitiva'})."
                    if it else f"Nothing to invoice: the period's latest run is {x.run_id} by {x.by} "
                    f"({count(x.documents, 'document', 'documents')}, {'draft' if draft else 'final'}).")
        if self.run_id is None and not errors(self.problems):
            return "Niente da fatturare." if it else "Nothing to invoice."
        if self.run_id is None:
            return ("Nessun documento emesso: correggi i problemi indicati." if it
                    else "No document was issued: fix the problems listed.")
        final = self.status is InvoiceStatus.FINAL
        if next_step and not final:
            return (f"{verb} {documents} in bozza (emissione {self.run_id}): controllali, poi rendili "
                    f"definitivi con «toolkit invoice finalize»." if it else
                    f"Issued {documents} as drafts (run {self.run_id}): check them, then make them final with "
                    f"“toolkit invoice finalize”.")
        state = ("definitivo" if issued == 1 else "definitivi") if final else "in bozza"
        return (f"{verb} {documents} ({state}), emissione {self.run_id}."
                if it else f"Issued {documents} ({'final' if final else 'draft'}), run {self.run_id}.")


@dataclass(frozen=True)
class Exported:
    """An accountants' workbook written again from the ledger: its files, or the problem why none."""

    files: list[Path]
    problems: list[Problem]
    documents: int = 0
    drafts: int = 0
    """Of the documents, those still drafts: a register shows them, marked, until their run is final."""

    def summary(self, month: date, lang: str) -> str:
        """The month's register as the panel's button reports it: how many documents, and
        whether any is still a draft (the accountant should have it again once final)."""
        it = lang == "it"
        documents = count(self.documents, "documento", "documenti") if it else count(
            self.documents, "document", "documents")
        if not self.drafts:
            final = ("tutti definitivi" if it else "all final") if self.documents > 1 else (
                "definitivo" if it else "final")
            return (f"Registro fatture {month:%m/%Y}: {documents}, {final}." if it else
                    f"Invoice register {month:%m/%Y}: {documents}, {final}.")
        one = self.drafts == 1
        return (f"Registro fatture {month:%m/%Y}: {documents}, di cui {self.drafts} in bozza: "
                f"{'rendilo definitivo' if one else 'rendili definitivi'}, poi scrivi di nuovo il registro." if it else
                f"Invoice register {month:%m/%Y}: {documents}, {self.drafts} of them {'a draft' if one else 'drafts'}: "
                f"make {'it' if one else 'them'} final, then write the register again.")


REFUSED_RETURNS = {
    RETURN_CREDITED.code: ("Resi non accreditati, perché la merce è già stata accreditata",
                           "Returns not credited, their goods being credited already"),
    RETURN_OVER_DISCOUNT.code: ("Resi non accreditati, perché lo sconto volume ha già rimborsato parte della merce",
                                "Returns not credited, a volume discount having paid part of their goods back "
                                "already"),
    RETURN_MIXED_SPLIT.code: ("Resi non accreditati, perché la nota seguirebbe fatture con e senza scissione dei "
                              "pagamenti", "Returns not credited, their note following invoices with and without "
                              "split payment"),
    RETURN_MIXED_VAT.code: ("Resi non accreditati, perché una riga riprende merce fatturata con un'altra aliquota IVA",
                            "Returns not credited, a line taking back goods invoiced at another VAT rate"),
}
"""Why a run or a shipment left returns out, in the words of each reason (Italian, English): a
return the volume discount held back was not credited already, and the desk checks a different
thing with the customer."""


def returns_refused_sentence(problems: Iterable[Problem], lang: str) -> str:
    """The returns left out, as a run or a shipment ends by naming them, a sentence per reason
    (`REFUSED_RETURNS`), each return once: empty when there are none.

    >>> returns_refused_sentence([RETURN_CREDITED(None, order="OC-2026-00007"),
    ...                           RETURN_CREDITED(None, order="OC-2026-00007")], "it")
    ' Resi non accreditati, perché la merce è già stata accreditata: OC-2026-00007.'
    """
    named: dict[str, dict[str, None]] = {code: {} for code in REFUSED_RETURNS}
    for p in problems:
        if p.code in named:
            named[p.code][str(dict(p.params)["order"])] = None
    return "".join(f" {REFUSED_RETURNS[code][0 if lang == 'it' else 1]}: {', '.join(orders)}."
                   for code, orders in named.items() if orders)


def run_day(request: Request, master: MasterData) -> date:
    """The day a run's id and files are named after: its invoices' date (`--date`, or the run's
    day by the setting or when it comes before the month's end: `invoice --orders` of today),
    but never past the month invoiced, whose folder «Fatturazione fine mese» finds by the id
    (`excel.buttons._run_folder`) when the setting dates the invoices the next month's day."""
    if request.invoice_date is not None:
        return request.invoice_date
    rule = request.deferred_date or master.settings.deferred_invoice_date
    return min(deferred_invoice_day(request, rule), request.month.end)


def new_run_id(day: date) -> str:
    """Short enough to type after `toolkit invoice undo`, unique across processes."""
    return f"{day:%Y%m%d}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Billables:
    """What a run may invoice: shipments (the lines of one order on one DDT, or of one order
    invoiced immediately), which of their orders are delivered in full, and how many lines
    the customers it holds have (`core.invoicing.held_customers`), counted, not read."""

    shipments: list[Shipment]
    complete: frozenset[int]
    held_lines: dict[str, int]
    issued_names: dict[str, str] = field(default_factory=dict)
    """The names the DDTs of customers no longer in the master printed (`former_customers`)."""
    ceilings: dict[str, Ceiling] = field(default_factory=dict)
    """The ceilings of the customers' letters of intent, with what the ledger used of each (`letter_ceilings`)."""
    recoded: dict[str, Recoded] = field(default_factory=dict)
    """Of those customers, the ones whose partita IVA is now on the sheet under another code."""
    known_rates: dict[tuple[str, date], Decimal] = field(default_factory=dict)
    """The rates the ledger knows for items gone from *Articoli* of letters without a ceiling (`letter_rates`)."""
    apart: list[Problem] = field(default_factory=list)
    """A warning for each DDT left out, its customer another company in this copy (`_of_this_copys_companies`)."""

    def plan(self, master: MasterData, request: Request) -> Plan:
        return plan_invoices(master, self.shipments, request, self.complete, self.held_lines, self.issued_names,
                             self.ceilings, recoded=self.recoded, known_rates=self.known_rates)

    def plan_again(self, master: MasterData, request: Request, first: Plan, changed: Collection[str]) -> Plan:
        """`plan`, knowing `first`, the plan of billables that differ from these only in the
        customers `changed`: only theirs are planned again (`core.invoicing.plan_again`)."""
        return plan_again(master, first, self.shipments, changed, request, self.complete, self.held_lines,
                          self.issued_names, self.ceilings, recoded=self.recoded, known_rates=self.known_rates)


def billables_for(conn: Connection, master: MasterData, request: Request) -> Billables:
    """Everything a run may invoice (`Billables`)."""
    customers = [c for c in master.customers if not request.customer or c.code == request.customer]
    immediate = {c.code for c in customers if c.invoice_terms is InvoiceTerms.IMMEDIATE}
    after_order = {c.code for c in customers if c.invoice_terms is InvoiceTerms.AFTER_ORDER_DELIVERED}
    shipped, held = shipments_counting(conn, request.cutoff, held_customers(master, request),
                                       customer=request.customer)
    ordered = shipments_of(ordered_not_invoiced(conn, customers=immediate, cutoff=request.cutoff, shipped_apart=True))
    complete = delivered_orders(conn, {s.order_id for s in shipped if s.customer in after_order}, request.cutoff)
    former = former_customers(conn, master, shipped)
    shipped, ordered, apart = _of_this_copys_companies(conn, master, shipped, ordered)
    return Billables(shipped + ordered, complete, held, {code: buyer.name for code, buyer in former.items()},
                     letter_ceilings(conn, master, shipped + ordered), recoded_as(master, former),
                     letter_rates(conn, master, shipped + ordered), apart)


def _of_this_copys_companies(conn: Connection, master: MasterData, shipped: list[Shipment],
                             ordered: list[Shipment]) -> tuple[list[Shipment], list[Shipment], list[Problem]]:
    """The shipments whose DDT, and the order lines invoiced without one (`ordered`), whose order
    printed the customer this copy of the workbook has under its code, and a warning for each
    DDT or order that printed another company (`toolkit.services.copies_apart`), whose lines are
    left out: its invoice would go to a company that never had the goods, or never ordered them.
    A company that moved keeps its partita IVA and is invoiced."""
    notes = {s.delivery.id: s.delivery.number for s in shipped if s.delivery is not None}
    orders = {s.order_id: s.order_number for s in ordered}
    printed = {**{("ddt", key): kept for key, kept in (kept_parties(conn, notes) if notes else {}).items()},
               **{("order", key): kept for key, kept in (order_parties(conn, orders) if orders else {}).items()}}
    apart = other_companies(conn, master, printed) if printed else {}
    if not apart:
        return shipped, ordered, []
    told = [apart_told(INVOICE_ANOTHER_COMPANY, master, printed, now, ddt=notes[key]) if kind == "ddt" else
            apart_told(INVOICE_ORDER_ANOTHER_COMPANY, master, printed, now, number=orders[key])
            for (kind, key), (printed, now) in sorted(apart.items())]
    return ([s for s in shipped if s.delivery is None or ("ddt", s.delivery.id) not in apart],
            [s for s in ordered if ("order", s.order_id) not in apart], told)


def returns_left_out(conn: Connection, master: MasterData, billables: Billables, request: Request
                     ) -> tuple[Plan, list[Refused], ReturnsMatched]:
    """The billables' plan without the returns whose goods were credited already: a return that gives back
    more than credit notes and earlier returns left of the invoices that sold its goods
    (`toolkit.core.credit_notes.take_back`, over the ledger's invoices and the run's own), or
    that would credit more of an invoice than a volume discount citing it left at its VAT rate
    (`over_discount`), is left out, its DDT waiting, with an error naming the invoices and the
    notes; everything else is invoiced, as for a customer taken off the sheet (`LeftOut`). The
    shipments left out are the return orders' lines on those DDTs, planned again without them.

    With the plan, what its returns take back of which invoices (`ReturnsMatched`), the ledger's
    lines read once: the warning for each return line priced above the invoice it takes its
    goods back from (`above_invoice`), the notes' prices (`priced`) and what storing cites
    (`ledger.invoices.store`) all come from it. Planned again, the same lines serve (`again`).

    A return of a customer invoiced at the order whose goods no invoice sold and are on no DDT
    yet (`RETURN_WAITS_FOR_DDT`) is left out too, without a word: its note would cite nothing, and
    the month end after its DDT credits it citing that DDT."""
    result = billables.plan(master, request)
    if not any(x.kind is InvoiceKind.CREDIT_NOTE for x in result.invoices):
        return result, [], returns_matched(result.invoices, ())
    matched = matched_returns(conn, result.invoices)
    refused = refused_returns(conn, matched)
    out = {(x.line.delivery, x.line.order_number) for x in refused} | {
        (None, line.order_number) for n in citing_nothing(result.invoices, matched)
        if not any(line.delivery for line in result.invoices[n].lines) for line in result.invoices[n].lines}
    if out:
        kept = replace(billables, shipments=[s for s in billables.shipments
                                             if (s.delivery, s.order_number) not in out])
        changed = {s.customer for s in billables.shipments if (s.delivery, s.order_number) in out}
        result = kept.plan_again(master, request, result, changed)
        matched = matched.again(result.invoices)
    return result, refused, matched


def planned(conn: Connection, master: MasterData, request: Request
            ) -> tuple[Plan, list[Refused], ReturnsMatched, list[Problem]]:
    """`returns_left_out` of the run's billables, with their warnings of the DDTs left out for
    another company (`Billables.apart`): the billables themselves, every line still to invoice,
    are let go once planned, so the run stores its invoices and writes the accountants' workbook
    without them (at L 185 MiB of shipments, which were held to the end of the run)."""
    billables = billables_for(conn, master, request)
    result, refused, matched = returns_left_out(conn, master, billables, request)
    return result, refused, matched, billables.apart


def returns_problems(refused: Sequence[Refused], matched: ReturnsMatched) -> list[Problem]:
    """What a matching says to the desk: the error of each return left out, and month end's
    warning for each return line priced above the invoice it takes its goods back from."""
    return [x.problem for x in refused] + matched.above_invoice


def refused_returns(conn: Connection, matched: ReturnsMatched) -> list[Refused]:
    """The return lines refused of a matching: giving back goods credited already (`take_back`),
    or crediting more of an invoice than a volume discount citing it left at their VAT rate
    (`over_discount`), or needing two VAT rates on one line (`mixed_vat`), or making their note
    correct invoices issued with and without split payment (`mixed_split`). One rule for every
    path that credits a return: month end (`returns_left_out`), `ship --invoice` and the order
    (`returns_kept`)."""
    ids = {t.sold.invoice_id for t in matched.taken if t.sold.invoice_id is not None}
    over: list[Refused] = [*matched.over, *over_discount(matched.taken, headrooms(conn, ids))]
    if not matched.taken:
        return over
    out = {(x.note, x.line.order_number, x.line.delivery.id if x.line.delivery else None) for x in over}
    over += [x for x in mixed_vat(matched.taken)
             if (x.note, x.line.order_number, x.line.delivery.id if x.line.delivery else None) not in out]
    splits = split_payments(conn, ids)
    out = {(x.note, x.line.order_number, x.line.delivery.id if x.line.delivery else None) for x in over}
    return over + [*mixed_split(matched.taken, lambda s: splits[s.invoice_id] if s.invoice_id is not None
                                else matched.invoices[s.place].split_payment, out)]


def returns_kept(conn: Connection, invoices: Sequence[Invoice]
                 ) -> tuple[list[Invoice], list[Refused], ReturnsMatched]:
    """The invoices planned at the order without the credit notes of returns refused as month
    end refuses them (`refused_returns`): each note is one order's returned lines, left out whole
    as month end leaves a return out whole, its lines waiting to be invoiced, and everything
    else is issued. A return is not credited in part: the desk checks with the customer first,
    and a return credited in part could no longer be closed with `returns no-credit`.

    With them, the matching of the invoices kept (`ReturnsMatched.again`), the ledger's lines
    read once: its warnings (`above_invoice`) are month end's, and storing prices and cites by it."""
    if not any(x.kind is InvoiceKind.CREDIT_NOTE for x in invoices):
        return list(invoices), [], returns_matched(invoices, ())
    matched = matched_returns(conn, invoices)
    refused = refused_returns(conn, matched)
    notes = [n for n, x in enumerate(invoices) if x.kind is InvoiceKind.CREDIT_NOTE]
    out = {notes[x.note] for x in refused}
    kept = [x for n, x in enumerate(invoices) if n not in out]
    return kept, refused, matched.again(kept) if out else matched


def citing_nothing(invoices: Sequence[Invoice], matched: ReturnsMatched) -> list[int]:
    """The places among invoices of the returns' credit notes that take back nothing an invoice
    sold: without a DDT, such a note would cite no document."""
    cited = {matched.notes[t.note] for t in matched.taken}
    return [n for n, x in enumerate(invoices) if x.kind is InvoiceKind.CREDIT_NOTE and n not in cited]


def _returns_waiting(conn: Connection, invoices: Sequence[Invoice], matched: ReturnsMatched
                     ) -> tuple[list[Invoice], ReturnsMatched, list[Problem]]:
    """The invoices planned at the order without the returns' credit notes that would cite
    nothing: no invoice of the ledger sold their goods (bought before the toolkit) and their goods
    are on no DDT yet (a customer invoiced *Immediato*, not a POS order shipping at once). Such a
    note, issued before the goods come back, would correct no document at all; its lines wait,
    as a refused return's do, for the return's DDT, which month end (or `ship --invoice`) credits
    citing it, and the desk is told (`RETURN_WAITS_FOR_DDT`)."""
    uncited = citing_nothing(invoices, matched)
    lines = {x.order_line_id for n in uncited for x in invoices[n].lines if x.order_line_id is not None}
    shipped = lines_on_ddts(conn, lines) if lines else set()
    out = [n for n in uncited if not any(x.order_line_id in shipped for x in invoices[n].lines)]
    if not out:
        return list(invoices), matched, []
    kept = [x for n, x in enumerate(invoices) if n not in out]
    told = [RETURN_WAITS_FOR_DDT(None, order=tuple(dict.fromkeys(x.order_number for x in invoices[n].lines
                                                                 if x.order_number)),
                                 customer=invoices[n].customer) for n in out]
    return kept, matched.again(kept), told


def waiting_no_more(problems: Iterable[Problem], notes: Iterable[DeliveryNote]) -> list[Problem]:
    """The problems without the `RETURN_WAITS_FOR_DDT` of the returns these DDTs carry: a held
    order's day, issued by `ship`, left its note out to wait for the DDT the same run then issued
    (and with `--invoice` credited): by the end of the run the warning would be untrue. The
    warning carries its orders' numbers as a tuple, which its message joins: they are compared
    as numbers, never looked for in the text."""
    shipped = {number for note in notes for number in note.orders}
    return [p for p in problems if p.code != RETURN_WAITS_FOR_DDT.code
            or not set(dict(p.params)["order"]) <= shipped]


def issued_on_day(conn: Connection, invoices: Sequence[Invoice]) -> list[Invoice]:
    """What a held order's day issues of the documents planned for it: not a return's note that
    waits for its DDT (`_returns_waiting`), which its day leaves out, so that it strands no
    credit note or settlement dated after that day."""
    if not any(x.kind is InvoiceKind.CREDIT_NOTE for x in invoices):
        return list(invoices)
    return _returns_waiting(conn, invoices, matched_returns(conn, invoices))[0]


def former_customers(conn: Connection, master: MasterData, shipped: Iterable[Shipment]) -> dict[str, Buyer]:
    """Who the customers no longer on the Customers sheet were, as their DDTs waiting to be
    invoiced printed them: the run leaves them out and its problem names them, and the code
    their partita IVA has now on the sheet (`recoded`)."""
    shipped = list(shipped)
    gone = off_the_sheet(master, {s.customer for s in shipped})
    waiting = {s.delivery.id for s in shipped if s.customer in gone and s.delivery is not None}
    return former_buyers(conn, waiting) if waiting else {}


class InvoicedAtOrder(NamedTuple):
    """What `invoice_orders_in` issued, apart from what it refused and what it only warns of:
    its callers roll back, or name a return left out, on `refused`, never on a warning."""

    invoices: list[Invoice]
    refused: list[Problem]
    """The errors of the customers whose letter of intent their invoices could not cite (their
    orders created, their invoices not issued: `core.invoicing.citing_letters`) and of the returns
    left out, with month end's warnings on them (`issue_at_order`)."""
    warned: list[Problem]
    """The lines rated again for the invoices' day, one warning each (`rated_for_invoice`), and
    each customer whose letter of intent's ceiling the invoices reach (`intent_ceiling`)."""


def invoice_orders_in(conn: Connection, master: MasterData, order_ids: Collection[int],
                      day: date, *, lang: str) -> InvoicedAtOrder:
    """Invoice these orders at once, dated `day` (their date), inside the caller's transaction
    (order creation calls it for POS, on-credit and prepay orders and for customers invoiced
    immediately). Final at once: the invoice goes with the goods or asks for the payment. Lines
    already invoiced are left out, so a second call adds nothing. Raises `ProblemsFound`, for
    the caller's transaction to roll back, when an invoice would be dated before the latest
    one of its series and year.

    An invoice issued before the delivery makes the sale on its date (art. 6 c. 4 DPR 633/72),
    so the lines not shipped nor invoiced are rated again for `day` first, as shipping rates a
    line for its DDT's date (`rated_for_invoice`): an order made before a rate change was
    written, held for its day, a quotation confirmed after it. A customer whose letter of
    intent's ceiling the invoices reach is warned (`toolkit.core.intent_ceiling`: its lines
    beyond it are invoiced with VAT), beside the lines rated again."""
    orders = load_orders(conn, ids=list(order_ids))
    rated, said = rated_for_invoice(master, orders, day)
    rate_again(conn, rated)
    shipments = order_shipments(ordered_not_invoiced(conn, order_ids=order_ids))
    invoices, crossed, uncited = at_order_within_letters(conn, master, shipments, day)
    if errors(crossed):
        raise ProblemsFound(errors(crossed))
    issued, refused = issue_at_order(conn, master, invoices, order_ids, day, lang=lang)
    stuck = paid_first_refused(master, uncited, [(o.number, o.customer, o.document_type) for o in orders])
    return InvoicedAtOrder(issued, [x.problem for x in uncited] + stuck + refused, said + crossed)


def issue_at_order(conn: Connection, master: MasterData, invoices: Sequence[Invoice],
                   order_ids: Collection[int], day: date, *, lang: str
                   ) -> tuple[list[Invoice], list[Problem]]:
    """`invoice_orders_in` for the invoices already planned of these orders (order creation
    plans them from the drafts it has just stored: `ledger.orders.stored_shipments`), each
    dated its order's day.

    A return's credit note month end would refuse (`returns_kept`: goods credited already, or
    beyond what a volume discount left) is not issued: its order stays, its lines wait to be
    invoiced as a refused return's DDT waits, and its error is returned with the invoices
    issued, as `ship --invoice` returns it; the other orders' documents are issued. A return
    priced above the invoice that sold its goods is credited at the invoice's price with month
    end's warning (`ReturnsMatched.above_invoice`).

    An invoice charging VAT under a regime without it (`core.invoicing.ChargedVat`: an order
    created ahead before the desk switched to RF19) raises `ProblemsFound`: nothing is created
    or shipped until the desk corrects the regime or the orders, as the message says."""
    charged = charging_vat(master.settings.tax_regime, invoices)[1]
    if charged:
        raise ProblemsFound([x.problem for x in charged])
    invoices, refused, matched = returns_kept(conn, invoices)
    invoices, matched, waiting = _returns_waiting(conn, invoices, matched)
    problems = returns_problems(refused, matched) + waiting
    if not invoices:
        return [], problems
    late = _out_of_sequence(conn, master.settings, invoices)
    if late:
        templates = {o.number: o.origin.reference for o in load_orders(conn, ids=list(order_ids))}
        raise ProblemsFound([ORDER_OUT_OF_SEQUENCE(None, template=templates[invoice.lines[0].order_number],
                                                   customer=invoice.customer,
                                                   **excluded(templates_before(master.settings, invoices, found,
                                                                               templates)),
                                                   draft=DraftToUndo(_draft_holding(conn, found)), **found)
                             for invoice, found in late])
    problems += issued_after_draft_runs(conn, master, invoices, "le fatture emesse con gli ordini",
                                        "the invoices issued with the orders")
    return store(conn, master, invoices, InvoiceStatus.FINAL, new_run_id(day), matched, lang=lang), problems


def invoice_shipped_in(conn: Connection, master: MasterData, notes: Sequence[DeliveryNote], day: date,
                       today: date, *, lang: str) -> tuple[list[Invoice], list[Problem]]:
    """Invoice these DDTs' lines at once, dated `day` (the DDTs' date), inside the caller's
    transaction (`toolkit ship --invoice`, for customers who pay on delivery). Final at once:
    the invoice travels with the goods. Only the lines of these DDTs, so earlier shipments of
    the same orders keep waiting for month end. Raises `ProblemsFound`, for the caller's
    transaction to roll back, when the plan has errors or an invoice would be dated before the
    latest one of its series and year.

    A return whose goods were credited already is left out as month end leaves it out
    (`returns_left_out`): its DDT is stored and waits, as month end would leave it, with the
    error naming it among the problems returned; the other DDTs are invoiced. Its goods did come
    back with the driver, so the DDT stays true to what moved; only the credit waits for the
    desk (`toolkit returns no-credit`, or month end once something is left to credit). So do
    the DDTs of a customer whose N3.5 sales could not cite its letter of intent
    (`core.invoicing.citing_letters`): the goods leave, the invoice waits for the letter."""
    shipments = shipments_on(conn, [note.id for note in notes], day)
    request = Request(month_of(day), today, day, orders=frozenset(s.order_id for s in shipments), with_goods=True)
    billables = Billables(shipments, frozenset(), {}, ceilings=letter_ceilings(conn, master, shipments),
                          known_rates=letter_rates(conn, master, shipments))
    result, refused, matched = returns_left_out(conn, master, billables, request)
    problems = list(result.problems)
    if not errors(p for p in problems if p.code != LETTER_NOT_CITED.code):
        problems += chronology_problems(conn, master.settings, result.invoices)
    if errors(p for p in problems if p.code != LETTER_NOT_CITED.code):
        raise ProblemsFound(problems)
    problems += issued_after_draft_runs(conn, master, result.invoices, "le fatture emesse con i DDT",
                                        "the invoices issued with the DDTs")
    problems += returns_problems(refused, matched)
    if not result.invoices:
        return [], problems
    return store(conn, master, result.invoices, InvoiceStatus.FINAL, new_run_id(day), matched, lang=lang), problems


def chronology_problems(conn: Connection, settings: Settings, invoices: Iterable[Invoice],
                        refusal: ProblemType = OUT_OF_SEQUENCE, notes: ProblemType | None = None) -> list[Problem]:
    """An error for each series and year where an invoice would be dated before the latest one
    already issued there (see `_out_of_sequence`), worded by `refusal` (by `notes` for a credit
    note, when given): a run's invoices may move by their settings, its returns' credit notes by
    --credit-date, a credit note of `invoice credit` only by its own --date."""
    return [(notes if notes is not None and x.kind is InvoiceKind.CREDIT_NOTE else refusal)(None, **found)
            for x, found in _out_of_sequence(conn, settings, invoices)]


def after_draft_runs(conn: Connection, settings: Settings, documents: Iterable[Invoice], refusal: ProblemType,
                     **said: object) -> list[Problem]:
    """A problem, worded by `refusal` (with `said`), for each series and year where a final
    document would take its number after a draft run's: that run could no longer be undone, its
    numbers leaving a gap below a final one (`undo`), only made final. The accountant's own acts
    (a credit or debit note, discounts settled, a run issued final) are refused with it, since
    the accountant can finalize or undo first; the desk's daily flows are only warned
    (`issued_after_draft_runs`)."""
    problems = []
    for series, year in dict.fromkeys((series_for(settings, x.kind), x.invoice_date.year) for x in documents):
        drafts = draft_runs_in(conn, series, year)
        if drafts:
            run_id, first, last = drafts[-1]
            problems.append(refusal(None, run_id=run_id, series=series, year=year, first=first, last=last, **said))
    return problems


def refused_after_draft_runs(conn: Connection, settings: Settings, documents: Iterable[Invoice], workbook: Path | str,
                             what_it: str, what_en: str) -> list[Problem]:
    """`after_draft_runs` as the accountant's own acts are refused (`AFTER_DRAFT_RUN`): `what_it`
    and `what_en` name the documents, the workbook is named as a command types it."""
    from toolkit.services.printing import quoted

    return after_draft_runs(conn, settings, documents, AFTER_DRAFT_RUN, what_it=what_it, what_en=what_en,
                            workbook=quoted(str(workbook)))


def issued_after_draft_runs(conn: Connection, master: MasterData, invoices: Iterable[Invoice], what_it: str,
                            what_en: str) -> list[Problem]:
    """The warning of the invoices the daily flows issue at once (orders create, ship, ship
    --invoice, orders confirm, convert) numbered after a draft run: refusing them stopped the
    desk and the warehouse while the accountant checked a month end, a worse harm than a draft
    that can now only be made final and corrected by credit notes. Told once, when the first
    final document passes the run's numbers (later ones change nothing, and `invoice undo`
    then says why it refuses); it names the order of that document, so a form's report carries
    it (`convert`)."""
    from toolkit.services.printing import quoted

    first: dict[tuple[str, int], Invoice] = {}
    for x in invoices:
        first.setdefault((series_for(master.settings, x.kind), x.invoice_date.year), x)
    warned = [p for x in first.values() for p in after_draft_runs(
        conn, master.settings, [x], NUMBERED_AFTER_DRAFT_RUN, what_it=what_it, what_en=what_en,
        workbook=quoted(master.workbook), order=x.lines[0].order_number if x.lines else "—")]
    return [p for p, said in ((p, dict(p.params)) for p in warned)
            if not final_after(conn, str(said["series"]), int(said["year"]), None, str(said["run_id"]))[0]]


@dataclass(frozen=True, slots=True)
class DraftToUndo:
    """The way out of a refusal of orders invoiced at once whose series' latest invoice is a
    draft run's (December's month end, checked before it is made final): undone, the run gives
    its numbers back and the orders are all created, then the month is invoiced again. Leaving
    the templates out instead drops those days' orders for good (`--exclude`)."""

    run_id: str | None

    def shown(self, lang: str) -> str:
        if self.run_id is None:
            return ""
        return (f" It is a draft of run {self.run_id}: undo that run and the orders are all created; then invoice "
                "the month again." if lang == "en" else
                f" È una bozza dell'emissione {self.run_id}: annullando l'emissione gli ordini si creano tutti; poi "
                "fattura di nuovo il mese.")


def _draft_holding(conn: Connection, found: Mapping[str, object]) -> str | None:
    """The draft run whose last number is the latest of the series and year `found` names, the
    only one `undo` lets go; None when the latest is final."""
    drafts = draft_runs_in(conn, str(found["series"]), cast(int, found["year"]))
    return drafts[-1][0] if drafts and drafts[-1][2] == found["latest_number"] else None


def excluded(templates: Codes) -> dict[str, object]:
    """The parameters of `order-invoice-out-of-sequence` that name the templates to leave out,
    the words agreeing with how many: one is *il modello fatturato*, not *i modelli fatturati*."""
    return {"templates": templates, "these": Agreed(len(templates.codes), ("il modello fatturato", "i modelli fatturati"),
                                                    ("the template invoiced", "the templates invoiced"))}


def templates_before(settings: Settings, invoices: Iterable[Invoice], found: Mapping[str, object],
                      templates: Mapping[str, str | None]) -> Codes:
    """Every template whose invoice, in the series and year `found` names, would be dated before
    its latest document: the --exclude that lets the day be created in one go. Naming the first
    alone, a January catch-up of December's days after December's month end was refused once
    per template, each run naming the next one."""
    late = (templates[line.order_number] for x in invoices
            if (series_for(settings, x.kind), x.invoice_date.year) == (found["series"], found["year"])
            and x.invoice_date < cast(date, found["latest_day"]) for line in x.lines)
    return Codes(tuple(dict.fromkeys(t for t in late if t)))


def _out_of_sequence(conn: Connection, settings: Settings,
                     invoices: Iterable[Invoice]) -> list[tuple[Invoice, dict[str, object]]]:
    """Per series and year, the first invoice (in the order given, which is the order that
    draws the numbers) dated before the latest one already issued there, with what a problem
    says of it: the number it would take and its date, the latest one's number and date."""
    drawn: dict[tuple[str, int], int] = defaultdict(int)
    latest: dict[tuple[str, int], tuple[str, date] | None] = {}
    found: list[tuple[Invoice, dict[str, object]]] = []
    for invoice in invoices:
        series, year = key = (series_for(settings, invoice.kind), invoice.invoice_date.year)
        drawn[key] += 1
        if key not in latest:
            latest[key] = latest_issued(conn, series, year)
        issued = latest[key]
        if issued is not None and invoice.invoice_date < issued[1]:
            number = document_number(series, year, (counter_last(conn, series, year) or 0) + drawn[key])
            found.append((invoice, dict(number=number, day=invoice.invoice_date, latest_number=issued[0],
                                        latest_day=issued[1], series=series, year=year)))
            latest[key] = None  # one problem per series and year
    return found


def waiting_invoices(conn: Connection, master: MasterData, request: Request,
                     invoices: Sequence[Invoice]) -> list[HeldInvoice]:
    """The orders created ahead whose documents issued at once still wait for their day, that a
    run leaves out or would strand (`stranded_by`, its invoices and its credit notes for returns
    each in their series), and the warehouse orders of the month whose DDT alone waits, that the
    desk may have forgotten to ship (`core.invoicing.held_at_run`): a handful, read once through
    the held orders' partial index, up to the month's end or the run's latest document date."""
    orders = held_orders(conn, until=max([request.month.end, *(x.invoice_date for x in invoices)]))
    if not orders:
        return []
    stranded = {x.number: x for x in stranded_by(conn, master, invoices, orders)}
    quiet = issuing_nothing(conn, master, orders)
    held = [HeldInvoice(x.id, x.number, x.customer, x.day, ddt_only=not x.documents.invoice,
                        kind=InvoiceKind.CREDIT_NOTE if x.document_type == DocumentType.RETURN else InvoiceKind.INVOICE)
            for x in orders if x.number not in quiet]
    return held_at_run(held, request, stranded)


def issuing_nothing(conn: Connection, master: MasterData, orders: Sequence[HeldOrder]) -> set[str]:
    """The held returns (their credit note alone held, no DDT) whose day issues nothing: their
    note waits for the return's DDT (`issued_on_day`), so no run should say that day issues it."""
    days: dict[date, list[int]] = defaultdict(list)
    numbers = set()
    for x in orders:
        if x.document_type == DocumentType.RETURN and x.documents.invoice and not x.documents.ddt:
            days[x.day].append(x.id)
            numbers.add(x.number)
    issued = {line.order_number for day, ids in days.items()
              for x in issued_on_day(conn, order_invoices(master, ordered_not_invoiced(conn, order_ids=ids), day))
              for line in x.lines}
    return numbers - issued


def stranded_by(conn: Connection, master: MasterData, invoices: Iterable[Invoice],
                orders: Sequence[HeldOrder] | None = None) -> list[HeldInvoice]:
    """The orders created ahead whose documents issued at once (the invoice, a credit note beside
    it for negative lines) still wait for a day before one of `invoices` in the same series and
    year: issued on their day after these, they would be dated before them and refused, and with
    them every later `orders create` and `ship`. The one rule for month end, `invoice credit` and
    `discounts settle`. Each waiting document is planned as its day will issue it
    (`order_invoices`), not stored, so its series is known: a handful of orders, read through the
    held orders' partial index, or `orders` when the caller read them already (up to the latest
    of `invoices` at least)."""
    latest: dict[tuple[str, int], date] = {}
    for x in invoices:
        key = (series_for(master.settings, x.kind), x.invoice_date.year)
        latest[key] = max(x.invoice_date, latest.get(key, x.invoice_date))
    if not latest:
        return []
    last = max(latest.values())
    held = {x.number: x for x in (held_orders(conn, until=last) if orders is None else orders)
            if x.documents.invoice and x.day < last}
    days: dict[date, list[int]] = defaultdict(list)
    for order in held.values():
        days[order.day].append(order.id)
    found: dict[str, HeldInvoice] = {}
    for day, ids in sorted(days.items()):
        for waiting in issued_on_day(conn, order_invoices(master, ordered_not_invoiced(conn, order_ids=ids), day)):
            series = series_for(master.settings, waiting.kind)
            after, order = latest.get((series, day.year)), held[waiting.lines[0].order_number]
            if after is not None and day < after and (order.number not in found or waiting.kind is InvoiceKind.INVOICE):
                found[order.number] = HeldInvoice(order.id, order.number, order.customer, day, after, series,
                                                  waiting.kind)
    return [found[number] for number in held if number in found]


def chosen_orders(conn: Connection, request: Request, numbers: Sequence[str]) -> tuple[Request, list[Problem]]:
    """The request narrowed to the orders named (`--orders`), and an error for each number the
    ledger does not know; with no number, the request as it is."""
    if not numbers:
        return request, []
    ids, problems = orders_named(conn, numbers, UNKNOWN_ORDER)
    return replace(request, orders=frozenset(ids)), problems


def run(ledger: Ledger, master: MasterData, request: Request, *, preview: bool = False,
        status: InvoiceStatus = InvoiceStatus.DRAFT, out: Path | None = None, lang: str,
        per_customer: bool = False, copies: bool = False, orders: Sequence[str] = (),
        then: Callable[[list[Invoice], str], object] | None = None) -> RunResult:
    """Invoice what `request` asks, in one write transaction; with `preview`, only compute.

    Nothing is written when the plan has errors, but for customers no longer on the Customers
    sheet: their DDTs are left out with an error each (`LeftOut`), everyone else is invoiced,
    and a run after their rows are back invoices them. A second run for the same month finds
    the lines already invoiced and issues nothing else. With `orders` (order numbers), only those
    orders' shipped lines are invoiced, now, whatever their customers' calendars: what month
    end runs later finds them invoiced. With `out`, the accountants' workbook is written there
    inside the transaction (`then`, likewise, runs inside it): if it fails, the run is rolled
    back and no number is used.

    The cycle collector is paused while the billable lines are read, planned and stored
    (`collector_paused`): a month at L makes 400,000 lines and 250,000 invoice lines, none in a
    cycle, and the collector walked them again and again (CPU at L, medians of 3 alternated:
    9.7 → 9.0 s). The accountants' workbook is written with it running.
    """
    if preview:
        with reading(ledger) as conn:
            request, unknown = chosen_orders(conn, request, orders)
            if unknown:
                return RunResult(None, [], unknown, [], preview=True, status=status)
            with collector_paused():
                result, returns_out, matched, apart = planned(conn, master, request)
                invoices = matched.priced()
            held = waiting_invoices(conn, master, request, result.invoices)
            problems = (apart + list(result.problems) + returns_problems(returns_out, matched)
                        + chronology_problems(conn, master.settings, result.invoices, notes=CREDIT_OUT_OF_SEQUENCE)
                        + [x.problem for x in held] + shipped_after_date(conn, request))
        return RunResult(None, invoices, problems, list(result.pending), preview=True, status=status,
                         left_out=list(result.left_out), charged_vat=list(result.charged_vat),
                         uncited=list(result.uncited),
                         returns_refused=returns_out, held=held)
    files: list[Path] = []
    with writing(ledger) as conn:
        request, unknown = chosen_orders(conn, request, orders)
        if unknown:
            return RunResult(None, [], unknown, [], status=status)
        with collector_paused():
            result, returns_out, matched, apart = planned(conn, master, request)
            problems = (apart + list(result.problems) + returns_problems(returns_out, matched)
                        + shipped_after_date(conn, request))
            refused = result.stopping
            held = waiting_invoices(conn, master, request, result.invoices)
            if not refused:
                refused = chronology_problems(conn, master.settings, result.invoices, notes=CREDIT_OUT_OF_SEQUENCE)
                if status is InvoiceStatus.FINAL and not refused:
                    refused = refused_after_draft_runs(conn, master.settings, result.invoices, master.workbook,
                                                       "le fatture di questa emissione", "this run's invoices")
                problems += refused
            problems += [x.problem for x in held]
            refused += errors(x.problem for x in held)
            if refused or not result.invoices:
                latest = None if refused else latest_run_within(conn, request.month.start, request.month.end)
                return RunResult(None, [], problems, list(result.pending), status=status,
                                 left_out=list(result.left_out), charged_vat=list(result.charged_vat),
                                 uncited=list(result.uncited), returns_refused=returns_out, held=held, latest=latest)
            run_id = new_run_id(run_day(request, master))
            stored = store(conn, master, result.invoices, status, run_id, matched, lang=lang)
            wrote_in(conn, RUN_FILES, run_id, out)
        if out is not None:
            files += write_workbook(out, master, stored, run_id, lang, per_customer=per_customer, copies=copies)
            if copies:
                mark_printed(conn, "invoice", [x.id for x in stored if x.id is not None])
        if then is not None:
            then(stored, run_id)
    return RunResult(run_id, stored, problems, list(result.pending), status=status, files=files,
                     left_out=list(result.left_out), charged_vat=list(result.charged_vat),
                     uncited=list(result.uncited), returns_refused=returns_out, held=held)


def write_workbook(out: Path, master: MasterData, invoices: list[Invoice], name: str, lang: str, *,
                   per_customer: bool = False, copies: bool = False,
                   xml_files: Mapping[str, str] | None = None, month: date | None = None,
                   quarter: stamp_duty.QuarterToDate | None = None, reprinted: Collection[int] = ()) -> list[Path]:
    """The accountants' workbook `fatture-NAME.xlsx` (one per customer on request), the
    register as CSV, and with `copies` the printable invoices, those of `reprinted` (ids)
    marked *COPIA*; `xml_files` names the invoices' e-invoice files; `month` (its first day)
    titles it that month's register, and `quarter` adds its quarter's stamp duty so far."""
    from toolkit.writers.accountants import write_accountants

    return write_accountants(out, master, invoices, name, lang, per_customer=per_customer, copies=copies,
                             xml_files=xml_files, month=month, quarter=quarter, reprinted=reprinted)


def output_names(run_id: str, lang: str, *, copies: bool = False, month: bool = False) -> dict[str, str | None]:
    """The files a run's export (or a `month`'s register) writes in its folder (one workbook per run)."""
    from toolkit.writers.accountants import file_names

    return file_names(run_id, lang, copies=copies, month=month)


def export(master: MasterData, ledger: Ledger, run_id: str, out: Path, lang: str, *, per_customer: bool = False,
           copies: bool = False, redo: str | None = None) -> Exported:
    """A run's workbook, its documents only, written again from the ledger, in the run's own
    order (`as_stored`). With `redo` (the command that writes it again), a failure to write is
    `NotPrinted`: the caller stored something first."""
    with reading(ledger) as conn:
        invoices = as_stored(load_invoices(conn, run_id=run_id))
        if not invoices:
            return Exported([], [missing_run(conn, run_id)])
    files = _write_again(master, ledger, invoices, run_id, out, lang, per_customer=per_customer, copies=copies,
                         redo=redo)
    if any(x.status is InvoiceStatus.DRAFT for x in invoices):
        with writing(ledger) as conn:
            wrote_in(conn, RUN_FILES, run_id, out)
    return Exported(files, [])


def as_stored(invoices: Iterable[Invoice]) -> list[Invoice]:
    """Invoices in the order their run stored them, which is the order its first workbook
    wrote them in: the plan's, a return's credit note among its customer's invoices. The
    ledger reads them in number order, which puts every credit note after every invoice, so
    a re-exported run's Registro and CSV did not match the run's first ones. Ids follow the
    stored order (`toolkit.ledger.invoices.store`)."""
    return sorted(invoices, key=lambda x: x.id or 0)


def export_month(master: MasterData, ledger: Ledger, month: Period, out: Path, lang: str, *,
                 per_customer: bool = False, copies: bool = False, originals: Collection[str] = ()) -> Exported:
    """The month's register `fatture-2026-04.xlsx`: every invoice and credit note dated in the
    month, whatever issued it (month-end runs, `--orders`, orders invoiced when created or
    shipped), drafts too, in date and number order. Italian VAT registers go by invoice date
    and number, so a month-end run dated in the next month is in that month's register, and
    each document is in one month's register only: the workbook to hand the accountant. A
    folder that cannot take it is refused as `_write_again` says."""
    with reading(ledger) as conn:
        invoices = load_invoices(conn, first=month.start, last=month.end)
    quarter = _quarter_to_date(ledger, month, master.settings)
    if not invoices and not quarter.documents:
        return Exported([], [NO_INVOICES_IN_MONTH(None, month=f"{month.start:%m/%Y}")])
    files = _write_again(master, ledger, invoices, f"{month.start:%Y-%m}", out, lang, per_customer=per_customer,
                         copies=copies, month=month.start, quarter=quarter, originals=originals)
    with writing(ledger) as conn:
        wrote_in(conn, MONTH_REGISTER, f"{month.start:%Y-%m}", out)
    drafts = sum(1 for x in invoices if x.status is InvoiceStatus.DRAFT)
    empty = [] if invoices else [NO_INVOICES_BUT_STAMP_DUTY(None, month=f"{month.start:%m/%Y}",
                                                            amount=quarter.amount)]
    return Exported(files, empty, len(invoices), drafts)


def _quarter_to_date(ledger: Ledger, month: Period, settings: Settings) -> stamp_duty.QuarterToDate:
    """The virtual stamp duty of the month's quarter, from its first month to this one: what the
    month's register shows on its *Bollo* sheet, the duty being paid per quarter. A quarter the
    toolkit's first document of the year is dated into, after *Numeri prima del toolkit* of that
    year, began with documents issued elsewhere: the sheet names them as not counted."""
    from toolkit.ledger.stamp_duty import declared_per_month, first_issued

    year, number, start = stamp_duty.quarter_months(month.start)
    with reading(ledger) as conn:
        found = declared_per_month(conn, start, month.end)
        first = first_issued(conn, year)
    series = {settings.invoice_series, settings.credit_note_series}
    before = tuple(f"{name} {last}/{of}" for name, of, last in numbers_before(settings)
                   if of == year and last and name in series) if first is None or first > start else ()
    months = [date(year, m, 1) for m in range(start.month, month.start.month + 1)]
    return stamp_duty.QuarterToDate(year, number, tuple((m, found.get(m, 0)) for m in months), before)


def _write_again(master: MasterData, ledger: Ledger, invoices: list[Invoice], name: str, out: Path, lang: str, *,
                 per_customer: bool, copies: bool, redo: str | None = None, month: date | None = None,
                 quarter: stamp_duty.QuarterToDate | None = None, originals: Collection[str] = ()) -> list[Path]:
    """Stored invoices written into an accountants' workbook, with their e-invoice files' names;
    with `copies`, recorded as printed, and those printed final before say *COPIA*, as `toolkit
    print fatture` prints them again (`reprinted_invoices`): the month end's or `finalize`'s
    first final print is the original handed out, and a second paper of it handed out as an
    original could be booked twice. An output folder that could not be written (a file of
    that name, a file on its path) is refused first, as every verb writing a folder refuses it,
    asking for another as who named `out` would (`asked_now`; by default `--out DIR`). The
    numbers in `originals` were the originals of the file written again (`invoice undo`'s month
    register): written anew without the undone drafts, they stay the originals, not copies."""
    from toolkit.basics.files import check_output
    from toolkit.services.einvoice import xml_names
    from toolkit.services.printing import reprinted_invoices

    check_output(out, kind=None, folder=True, names=output_names(name, lang, copies=copies, month=month is not None))
    with reading(ledger) as conn:
        names = xml_names(conn, master.settings, invoices)
    reprinted = reprinted_invoices(ledger, "invoices", invoices) if copies else set()
    reprinted -= {x.id for x in invoices if x.number in originals}
    try:
        files = write_workbook(out, master, invoices, name, lang, per_customer=per_customer, copies=copies,
                               xml_files=names, month=month, quarter=quarter, reprinted=reprinted)
    except Exception as exc:
        if redo is None:
            raise
        from toolkit.services.printing import NotPrinted

        raise NotPrinted("invoices", invoices, out, exc, redo) from exc
    if copies:
        from toolkit.services.printing import mark

        mark(ledger, "invoices", invoices)
    return files


def months_of_run(ledger: Ledger, run_id: str) -> list[str]:
    """The months (`2026-04`) a run's invoices are dated in: the `--month` that writes their
    e-invoices and register with the month's other invoices (`invoice finalize`'s next step)."""
    with reading(ledger) as conn:
        return run_months(conn, run_id)


def runs(ledger: Ledger) -> list[RunSummary]:
    """The runs in the ledger, the most recently issued first: `toolkit invoice list`."""
    with reading(ledger) as conn:
        return run_summaries(conn)


def finalize(ledger: Ledger, run_id: str, master: MasterData | None = None,
             workbook: str = "anagrafiche.xlsx") -> tuple[int, list[Problem]]:
    """Make a draft run final; returns how many invoices changed. A draft selling N3.5 that
    cites no letter of intent, stored before invoicing refused such invoices, refuses it all
    (`letter_cited.drafts_uncited`): final, it would go to SDI citing nothing. With `master`, a
    draft whose customer or seller the workbook now reads otherwise refuses it all
    (`drafts_changed`), as does one whose dues the customer's *Mesi esclusi* now move
    (`dues_moved`): the final invoice would bear what was corrected since; a changed PEC is only
    warned of."""
    with writing(ledger) as conn:
        rows = run_documents(conn, run_id)
        if not rows:
            return 0, [missing_run(conn, run_id)]
        drafts = [r for r in rows if r.status == InvoiceStatus.DRAFT.value]
        if not drafts:
            return 0, [RUN_ALREADY_FINAL(None, run_id=run_id)]
        drafted = drafted_parties(conn, run_id)
        at_letter = drafted_at(conn, run_id, LETTER_OF_INTENT)
        changed = drafts_uncited(master, run_id, drafted, at_letter, workbook)
        if changed and not _undoable(conn, run_id, drafts):
            changed = drafts_uncited(master, run_id, drafted, at_letter, workbook, undoable=False)
        if master is not None:
            changed += (drafts_changed(master, run_id, drafted, workbook, at_letter)
                        + dues_moved(master, run_id, drafted, drafted_dues(conn, run_id), workbook))
        if errors(changed):
            return 0, changed
        make_final(conn, run_id, drafts)
    return len(drafts), changed


RUN_FILE_BUSY = define(
    "invoice-run-file-busy", "error",
    it="Il file {path} dell'emissione {run_id} non si può togliere ({reason}): l'emissione non è stata annullata. "
       "Chiudi il file (in Excel o nel programma che lo tiene aperto) e annulla di nuovo, così le sue copie BOZZA "
       "non restano nella cartella con numeri che la prossima emissione userà per altri documenti.",
    en="The file {path} of run {run_id} cannot be removed ({reason}): the run was not undone. Close the file (in "
       "Excel or the program holding it open) and undo again, so its BOZZA copies do not stay in the folder with "
       "numbers the next run gives to other documents.",
    usage=True)


RUN_FILES_UNKNOWN = define(
    "invoice-run-files-unknown", "warning",
    title=("File dell'emissione non tolti", "Run's files not removed"),
    it="L'emissione {run_id} è di prima che il registro annotasse dove scrive i suoi file, e non hai indicato la "
       "cartella (--out): i suoi file restano dove li ha scritti. Togli tu da quella cartella {names}, che mostrano "
       "numeri che la prossima emissione darà ad altri documenti.",
    en="Run {run_id} dates from before the ledger noted where it writes its files, and no folder (--out) was "
       "given: its files stay where it wrote them. Remove {names} from that folder yourself: they show numbers the "
       "next run gives to other documents.")
RUN_UNDO_FINISHED = define(
    "invoice-run-undo-finished", "warning",
    title=("Annullamento finito", "Undo finished"),
    it="L'annullamento dell'emissione {run_id} ({undone_on}, {by}) si era interrotto dopo averla tolta dal registro, "
       "prima di cancellarne i file messi da parte: sono cancellati ora ({names}).",
    en="The undo of run {run_id} ({undone_on}, {by}) was interrupted after the ledger let the run go, before the "
       "files it had put aside were deleted: they are deleted now ({names}).")
RUN_PRINT_KEPT = define(
    "invoice-run-print-kept", "warning",
    title=("Stampa dell'emissione non tolta", "Run's print not removed"),
    it="Il file {path}, dove è stata stampata l'emissione {run_id}, resta: {why_it}. Togli tu le sue bozze, che "
       "mostrano numeri che la prossima emissione darà ad altri documenti.",
    en="The file {path}, where run {run_id} was printed, stays: {why_en}. Remove its drafts yourself: they show "
       "numbers the next run gives to other documents.")
REGISTER_NOT_REWRITTEN = define(
    "month-register-not-rewritten", "warning",
    title=("Registro del mese non riscritto", "Month's register not written again"),
    it="Il registro del mese {month} in {folder} elencava le bozze annullate ed è stato tolto, ma non riscritto "
       "({reason}): scrivilo di nuovo con toolkit invoice export --month {month} --out {folder}.",
    en="The {month} register in {folder} listed the undone drafts and was removed, but not written again "
       "({reason}): write it again with toolkit invoice export --month {month} --out {folder}.")


def undo_with_files(ledger: Ledger, run_id: str, folder: Path | None,
                    master: MasterData | None = None) -> tuple[int, list[Problem], list[Path]]:
    """`undo`, and the run's files (`run_files`: its workbook, register and copies marked
    BOZZA) removed with it: left there, they showed numbers the next run gives to other
    documents, and a desk could hand out a draft for the wrong customer. They are looked for
    in `folder` and in every folder the ledger noted the run wrote in (`written_in`), so an
    undo without `--out` finds them too, with the files `print invoices --run` wrote of the run
    wherever the desk put them (`RUN_PRINTS`); a run stored before the ledger noted it is told
    (`RUN_FILES_UNKNOWN`), naming the files that stay. The registers of the months the run is
    dated in, found in the same folders and where each was written, listed its drafts: they
    go too and, with `master`, are written again from the ledger (`export_month`).

    All or nothing: a file Excel holds open refuses the undo before anything changes
    (`UnusableInput`), and the files are put aside under a hidden name until the ledger has
    undone the run, then deleted, or given their names back when it has not; Ctrl+C once the
    ledger let the run go deletes them too and writes the months' registers among them again,
    as the next undo would. A kill between leaves them aside: the next undo of the
    run looks for them (`run_aside.left_aside`) in every folder it searches, gives them their
    names back before it begins, or, the run gone already, deletes them, writes the registers
    again and tells the desk (`RUN_UNDO_FINISHED`). Returns the count, the problems and the
    files removed (the registers written again are not among them)."""
    from toolkit.basics.files import refuse_if_open
    from toolkit.services.printing import quoted
    from toolkit.writers.accountants import run_files

    workbook = quoted(str(master.workbook)) if master is not None else "WORKBOOK"
    with reading(ledger) as conn:
        rows = run_documents(conn, run_id)
        noted = written_in(conn, RUN_FILES, run_id)
        printed = written_in(conn, RUN_PRINTS, run_id) or []
        printed_with = pdfs_printed_with(conn, run_id)
        months = run_months(conn, run_id)
        registers_noted = {m: written_in(conn, MONTH_REGISTER, m) or [] for m in months}
        undone = undone_run(conn, run_id) if not rows else None
        if undone is not None:  # the run's months went with its invoices: every register's folder
            registers_noted = written_every(conn, MONTH_REGISTER)
    looked_in = [*(noted or []), *(p.parent for p in printed), *(f for fs in registers_noted.values() for f in fs),
                 *([folder] if folder is not None else [])]
    left = left_aside(looked_in, run_id)
    if undone is not None and left:
        return _undo_finished(master, ledger, run_id, undone, left, registers_noted)
    if rows:
        put_back(left)  # an undo killed before the ledger let the run go: as if it never began
    if not rows or any(r.status != InvoiceStatus.DRAFT.value for r in rows):
        return (*undo(ledger, run_id, workbook), [])  # refused as it is: a final run's files are never touched
    folders = _folders([*(noted or []), *([folder] if folder is not None else [])])
    prints, kept = _run_prints(ledger, run_id, printed, printed_with, {document_number(*r[2:]) for r in rows})
    files = sorted({*(path for f in folders for path in run_files(f, run_id)), *prints})
    registers = {(m, f): run_files(f, m) for m in months for f in _folders([*registers_noted[m], *folders])}
    registers = {k: v for k, v in registers.items() if v}
    for path in [*files, *(p for found in registers.values() for p in found)]:
        refuse_if_open(path)
    originals = {key: _originals(key[0], found) for key, found in registers.items()}
    aside: list[tuple[Path, Path]] = []
    try:
        _put_aside([*files, *(p for found in registers.values() for p in found)], run_id, aside)
        count, problems = undo(ledger, run_id, workbook)
    except BaseException:
        if _let_go(ledger, run_id):  # Ctrl+C after the ledger's commit: what the next undo would do, now
            _deleted(master, ledger, aside, registers, originals, [])
        else:
            put_back(aside)
        raise
    if not count:
        put_back(aside)
        return count, problems, []
    removed = _deleted(master, ledger, aside, registers, originals, problems)
    if noted is None and folder is None:
        names = ", ".join(output_names(run_id, "it", copies=True))
        problems.append(RUN_FILES_UNKNOWN(None, run_id=run_id, names=names))
    return count, [*problems, *kept], removed


def _deleted(master: MasterData | None, ledger: Ledger, aside: Sequence[tuple[Path, Path]],
             registers: Mapping[tuple[str, Path], Sequence[Path]], originals: Mapping[tuple[str, Path], set[str]],
             problems: list[Problem]) -> list[Path]:
    """The files put aside deleted, once the ledger let the run go, and the months' registers
    among them written again (`_register_again`); the files gone, those written again not
    among them. The registers are written first, the old ones still aside: an undo stopped in
    between (a second Ctrl+C, a kill) leaves them for the next undo to finish
    (`RUN_UNDO_FINISHED`), never a month without its register."""
    written = {p for (month, where), found in registers.items()
               for p in _register_again(master, ledger, month, where, found, problems, originals[(month, where)])}
    delete(aside)
    return [path for path, _ in aside if path not in written]


def _let_go(ledger: Ledger, run_id: str) -> bool:
    """Whether the ledger has undone the run: an interruption after its commit. Unknown (the
    ledger out of reach) is taken as not: the files go back with the run."""
    try:
        with reading(ledger) as conn:
            return undone_run(conn, run_id) is not None and not run_documents(conn, run_id)
    except Exception:
        return False


def _undo_finished(master: MasterData | None, ledger: Ledger, run_id: str, undone: UndoneRun,
                   left: Sequence[tuple[Path, Path]],
                   registers_noted: Mapping[str, Sequence[Path]]) -> tuple[int, list[Problem], list[Path]]:
    """An undo killed once the ledger let the run go, before it deleted the files it had put
    aside: they are deleted now, and the months' registers among them (named as a month's
    register is, `named_as_run_file`, where a run's files hold its id and a print the desk named
    for the month is neither) put back and written again, as the undo would have. The run's
    documents were counted by the killed undo: none now."""
    from toolkit.basics.files import refuse_if_open
    from toolkit.writers.accountants import named_as_run_file, run_files

    def register_of(path: Path) -> str | None:
        return next((m for m in registers_noted if named_as_run_file(path.name, m)), None)

    own = [pair for pair in left if register_of(pair[0]) is None]
    theirs = [pair for pair in left if pair not in own]
    put_back(theirs)
    registers = {(m, where): found for m, where in {(register_of(p), p.parent) for p, _ in theirs}
                 if m is not None and (found := run_files(where, m))}
    for path in (p for found in registers.values() for p in found):
        refuse_if_open(path)
    originals = {key: _originals(key[0], found) for key, found in registers.items()}
    moved: list[tuple[Path, Path]] = []
    try:
        _put_aside([p for found in registers.values() for p in found], run_id, moved)
    except BaseException:
        put_back(moved)
        raise
    problems: list[Problem] = []
    removed = _deleted(master, ledger, [*own, *moved], registers, originals, problems)
    names = ", ".join(str(p) for p in removed)
    finished = RUN_UNDO_FINISHED(None, run_id=run_id, undone_on=rome_time(undone.at).date(), by=undone.by, names=names)
    return 0, [finished, *problems], removed


def _put_aside(paths: Iterable[Path], run_id: str, aside: list[tuple[Path, Path]]) -> None:
    """Each of `paths` put aside under its hidden name (`run_aside.hidden`), noted in `aside` as
    it goes, so a failure gives back the names of those before it; one the system will not move
    (held open where no lock file tells it, a network folder gone) refuses the undo, named."""
    from toolkit.basics.problems import UnusableInput

    for path in paths:
        try:
            path.replace(waiting := hidden(path, run_id))
        except OSError as exc:
            raise UnusableInput(RUN_FILE_BUSY(None, path=path, run_id=run_id,
                                              reason=exc.strerror or type(exc).__name__)) from exc
        aside.append((path, waiting))


def _run_prints(ledger: Ledger, run_id: str, printed: Iterable[Path], printed_with: Mapping[Path, Collection[Path]],
                numbers: Collection[str]) -> tuple[list[Path], list[Problem]]:
    """The files `print invoices --run` wrote of the run (`RUN_PRINTS`) to remove with it, and
    a warning for each that stays with its drafts in it. A workbook goes while it is still the
    toolkit's print of these drafts alone: a file the desk saved under its name since is not,
    nor a later print to the same name that holds other invoices too (a print of the month,
    its final invoices in it), which stays, named. A PDF goes while the toolkit wrote it and
    its workbook, the one the ledger noted it printed with (`printed_with`), not one of a like
    name, has not stayed. A file that cannot be reached (a network
    folder gone) stays, named, and the run is undone all the same."""
    from toolkit.basics.files import PDF_AUTHOR, made_for, pdf_author
    from toolkit.services.printing import held_documents, held_named

    def reason(exc: OSError) -> tuple[str, str]:
        why = exc.strerror or type(exc).__name__
        return f"non si raggiunge ({why})", f"it cannot be reached ({why})"

    files: list[Path] = []
    kept: dict[Path, tuple[str, str]] = {}
    for path in (p for p in printed if p.suffix.lower() != ".pdf"):
        try:
            if not path.is_file() or made_for(path) != "invoices":
                continue
        except OSError as exc:
            kept[path] = reason(exc)
            continue
        others = [n for n in held_documents(ledger, "invoices", path) if n not in numbers]
        if others:
            named = held_named(ledger, "invoices", others)
            kept[path] = (f"contiene anche {named.shown('it')}", f"it holds {named.shown('en')} too")
        else:
            files.append(path)
    for path in (p for p in printed if p.suffix.lower() == ".pdf"):
        try:
            if not path.is_file() or pdf_author(path) != PDF_AUTHOR:
                continue
        except OSError as exc:
            kept[path] = reason(exc)
            continue
        if not any(workbook in kept for workbook in printed_with.get(path, ())):
            files.append(path)
    return files, [RUN_PRINT_KEPT(None, path=path, run_id=run_id, why_it=why[0], why_en=why[1])
                   for path, why in kept.items()]


def _folders(folders: Iterable[Path]) -> list[Path]:
    """Existing folders, each once however it was named."""
    return [f for f in dict.fromkeys(f.resolve() for f in folders) if f.is_dir()]


def _originals(month: str, found: Sequence[Path]) -> set[str]:
    """The final documents the month's printable copies among `found` showed as originals,
    neither *COPIA* nor *BOZZA*: that file was their first print, handed out; written again by
    `invoice undo`, which takes the drafts out and prints nothing new, it keeps them so, where
    every one printed before came out *COPIA* and the file of the originals was gone."""
    from toolkit.basics.labels import labeller
    from toolkit.intake.sources import tab_names, tabs_marked
    from toolkit.writers.accountants import file_names

    printable = tuple(next(n for n, kind in file_names(month, lang, copies=True).items() if kind == "invoices")
                      .removesuffix(".xlsx") for lang in ("it", "en"))
    marks = [labeller(lang)(label) for lang in ("it", "en") for label in ("inv.copy", "inv.draft")]
    return {tab for path in found if path.name.startswith(printable) and path.suffix == ".xlsx"
            for tab in set(tab_names(path)) - tabs_marked(path, marks)}


def _register_again(master: MasterData | None, ledger: Ledger, month: str, folder: Path, found: Sequence[Path],
                    problems: list[Problem], originals: Collection[str] = ()) -> list[Path]:
    """The month's register written again where it was, as it was (language, one workbook
    per customer, printable copies, the originals among them still originals: `originals`),
    now without the undone run; nothing when the month has no document left, or without
    `master`. Returns the files written."""
    if master is None:
        return []
    from toolkit.basics.problems import UnusableInput
    from toolkit.writers.accountants import file_names

    english = any(p.name in file_names(month, "en", copies=True) for p in found)
    lang = "en" if english else "it"
    main = file_names(month, lang, copies=True)
    printable = next(n for n, kind in main.items() if kind == "invoices").removesuffix(".xlsx")
    copies = any(p.name.startswith(printable) for p in found)
    per_customer = any(p.name not in main and not p.name.startswith(printable) for p in found)
    year, number = map(int, month.split("-"))
    try:
        return export_month(master, ledger, month_of(date(year, number, 1)), folder, lang,
                            per_customer=per_customer, copies=copies, originals=originals).files
    except (OSError, UnusableInput) as exc:
        reason = exc.problem.code if isinstance(exc, UnusableInput) else exc.strerror or type(exc).__name__
        problems.append(REGISTER_NOT_REWRITTEN(None, month=month, folder=folder, reason=reason))
        return []


def _undoable(conn: Connection, run_id: str, rows: Sequence[Row[Any]]) -> bool:
    """Whether `undo` could ever take the run away: nothing paid on it, and no final document of
    another run numbered after it in a series and year it used (a later draft run can be undone
    first; a final document never is)."""
    if paid_any(conn, [r.id for r in rows]):
        return False
    lowest: dict[tuple[str, int], int] = {}
    for r in rows:
        lowest[(r.series, r.year)] = min(r.number, lowest.get((r.series, r.year), r.number))
    return all(final_after(conn, series, year, number, run_id)[1] is None for (series, year), number in lowest.items())


def missing_run(conn: Connection, run_id: str, *, undoing: bool = False) -> Problem:
    """Why the ledger holds no document of `run_id`: undone already (`undone_run`), said as a
    warning to a second undo, which changes nothing as any verb run twice, and as an error to a
    verb that needs the run; else an id the ledger never had, a slip (`UNKNOWN_RUN`)."""
    if (undone := undone_run(conn, run_id)) is None:
        return UNKNOWN_RUN(None, run_id=run_id)
    said = RUN_ALREADY_UNDONE if undoing else RUN_UNDONE
    return said(None, run_id=run_id, at=rome_time(undone.at).date(), by=undone.by,
                documents=Counted(undone.documents, ("documento cancellato", "documenti cancellati"),
                                  ("document deleted", "documents deleted")))


def undo(ledger: Ledger, run_id: str, workbook: str = "WORKBOOK") -> tuple[int, list[Problem]]:
    """Delete a draft run's invoices and roll each counter back; returns how many went.

    Allowed only when no later number exists in any series and year the run used, so the
    numbering stays gap-free, and when nothing was paid. A later final document (the daily
    flows issue them past a draft run, with a warning) is never undone, so the refusal then
    says the run can only be made final, not to undo the later runs first.
    """
    with writing(ledger) as conn:
        rows = run_documents(conn, run_id)
        if not rows:
            return 0, [missing_run(conn, run_id, undoing=True)]
        if any(r.status != InvoiceStatus.DRAFT.value for r in rows):
            return 0, [RUN_FINAL(None, run_id=run_id)]
        if paid_any(conn, [r.id for r in rows]):
            return 0, [RUN_PAID(None, run_id=run_id)]
        numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
        for r in rows:
            numbers[(r.series, r.year)].append(r.number)
        problems = []
        for (series, year), taken in sorted(numbers.items()):
            later = later_number(conn, series, year, min(taken), run_id)
            last = counter_last(conn, series, year)
            count, first = final_after(conn, series, year, min(taken), run_id)
            if first is not None:
                problems.append(RUN_FOLLOWED_BY_FINAL(
                    None, run_id=run_id, series=series, year=year, first=Agreed(
                        count, (number := document_number(series, year, first), f"il primo {number}"),
                        (number, f"the first {number}")),
                    count=Counted(count, ("documento definitivo", "documenti definitivi"),
                                  ("final document", "final documents")),
                    are=Agreed(count, ("c'è", "ci sono"), ("there is", "there are")),
                    undone=Agreed(count, ("annulla", "annullano"), ("is", "are")), workbook=workbook))
            elif later is not None or last != max(taken):
                shown = later if later is not None else last
                assert shown is not None  # the run's own numbers were drawn from this counter
                problems.append(RUN_NOT_LATEST(None, run_id=run_id, series=series, year=year,
                                               later=document_number(series, year, shown)))
        if problems:
            return 0, problems
        delete_run(conn, run_id, rows)
    return len(rows), []
