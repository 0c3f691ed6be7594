"""A problem as a button's user reads it: the fix in the button's words, not the command line's.

The services word a refusal or a warning for the command line: a customer over the credit
limit "ships anyway with --force", an order not to void "closes with --to chiuso". A desk at
the panel has no options to add; it has a button to press or a cell to fill. So the problems
whose fix names an option are said here again, same code and same parameters, with the panel's
way out, or, where no button does it, with the words "from the command line" and the command,
never an option alone. Every other problem is said as the services say it.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.basics.problems import Problem
from toolkit.basics.wording import shown

BY_BUTTON: dict[str, dict[str, str]] = {
    "credit-limit-exceeded": {
        "it": "Cliente {customer}: esposizione {total} (fatture aperte {outstanding} + spedito da fatturare "
              "{uninvoiced} + ordinato da spedire {unshipped}) oltre il fido {limit}: merce non spedita. Per spedire "
              "comunque premi «Spedisci anche oltre il fido».",
        "en": "Customer {customer}: exposure {total} (open invoices {outstanding} + shipped not invoiced {uninvoiced} "
              "+ ordered not shipped {unshipped}) above the credit limit {limit}: goods not shipped. To ship anyway "
              "press “Spedisci anche oltre il fido”."},
    "credit-limit-forced": {
        "it": "Cliente {customer}: esposizione {total} (fatture aperte {outstanding} + spedito da fatturare "
              "{uninvoiced} + ordinato da spedire {unshipped}) oltre il fido {limit}: spedito comunque («Spedisci "
              "anche oltre il fido»), annotato nel registro.",
        "en": "Customer {customer}: exposure {total} (open invoices {outstanding} + shipped not invoiced {uninvoiced} "
              "+ ordered not shipped {unshipped}) above the credit limit {limit}: shipped anyway (“Spedisci anche "
              "oltre il fido”), noted in the ledger."},
    "ship-held-as-before": {
        "it": "Ordini ancora trattenuti come nei giorni precedenti: {count} (il più vecchio dal {since}). Non è "
              "cambiato nulla di ciò che li tratteneva (pagamento, fido, giacenza, anagrafiche), quindi non sono stati "
              "ripianificati e i loro avvisi non sono ripetuti. Nessun pulsante li ripianifica tutti: dalla riga di "
              "comando, toolkit ship --all --replan.",
        "en": "Orders still held as on previous days: {count} (the oldest since {since}). Nothing that held them "
              "changed (payment, credit, stock, master data), so they were not planned again and their warnings are "
              "not repeated. No button plans them all again: from the command line, toolkit ship --all --replan."},
    "ddt-date-in-future": {
        "it": "La data del DDT {day} è successiva a oggi ({today}): un DDT accompagna la merce quando parte, nulla è "
              "stato spedito. Scrivi in «Data ordini» la data di oggi o una passata; un DDT datato dopo oggi si emette "
              "solo dalla riga di comando, toolkit ship con --future.",
        "en": "The DDT date {day} is after today ({today}): a DDT travels with the goods when they leave, nothing was "
              "shipped. Write today's date or a past one in “Data ordini”; a DDT dated after today is issued only "
              "from the command line, toolkit ship with --future."},
    "order-date-far-ahead": {
        "it": "La data degli ordini {day} è più di {most} giorni dopo oggi ({today}): sembra un errore di battitura, "
              "nessun ordine è stato creato. Correggi la data in «Data ordini»; se è proprio voluta, dalla riga di "
              "comando, toolkit orders create con --future.",
        "en": "The order date {day} is more than {most} days after today ({today}): it looks like a typo, no order was "
              "created. Correct the date in “Data ordini”; if it is really meant, from the command line, toolkit "
              "orders create with --future."},
    "order-date-far-ahead-preview": {
        "it": "La data {day} è più di {most} giorni dopo oggi ({today}): controlla che non sia un errore di battitura. "
              "«Crea ordini selezionati» non crea gli ordini di questa data: se è proprio voluta, dalla riga di "
              "comando, toolkit orders create con --future.",
        "en": "The date {day} is more than {most} days after today ({today}): check it is not a typo. “Crea ordini "
              "selezionati” does not create the orders of this date: if it is really meant, from the command line, "
              "toolkit orders create with --future."},
    "order-documents-not-yet-due": {
        "it": "L'ordine {number} è stato creato in anticipo e il suo DDT o la sua fattura immediati attendono il suo "
              "giorno ({day}): non si spedisce il {ship_day}, nulla è stato spedito. Spediscilo dal {day} (lo spedisce "
              "anche «Spedisci (DDT)» di quel giorno), oppure toglilo da «Ordine».",
        "en": "Order {number} was created ahead and its immediate DDT or invoice waits for its day ({day}): it does "
              "not ship on {ship_day}, nothing was shipped. Ship it from {day} (that day's “Spedisci (DDT)” ships it "
              "too), or leave it out of “Ordine”."},
    "payment-voided-before": {
        "it": "Un incasso di {amount} € del {day} su {number} con lo stesso riferimento è stato annullato: per "
              "registrarlo di nuovo serve un riferimento diverso, che il pannello non ha: dalla riga di comando, "
              "toolkit payments record con --reference (es. il CRO del bonifico). Nulla è stato registrato.",
        "en": "A payment of {amount} € on {day} on {number} with the same reference was voided: to record it again "
              "it needs another reference, which the panel has not: from the command line, toolkit payments record "
              "with --reference (e.g. the transfer's CRO). Nothing was recorded."},
    "void-credited-order": {
        "it": "L'ordine {number} è stato fatturato ({invoices}) e le note di credito ne hanno già ripreso la merce: "
              "non si annulla, chiudilo: scrivi Chiuso in «Nuovo stato» e premi «Cambia stato ordine».",
        "en": "Order {number} was invoiced ({invoices}) and credit notes took its goods back already: it is not "
              "voided, close it: write Chiuso in “Nuovo stato” and press “Cambia stato ordine”."},
    "no-price-on-date": {
        "it": "Il modello {template} del {day}: l'articolo {item} non ha prezzo nel listino {price_list} valido quel "
              "giorno ({version}): aggiungi il prezzo, oppure togli la «x» al modello {template} in «Anteprima "
              "ordini».",
        "en": "Template {template} on {day}: item {item} has no price in price list {price_list} valid that day "
              "({version}): add the price, or remove the “x” from template {template} in “Anteprima ordini”."},
    "order-without-price-version": {
        "it": "Il modello {template} del {day}: il listino {price_list} non ha una versione valida quel giorno: "
              "aggiungi nel foglio Versioni listino una versione che copra il {day} (con i suoi prezzi), oppure togli "
              "la «x» al modello {template} in «Anteprima ordini».",
        "en": "Template {template} on {day}: price list {price_list} has no version valid that day: add on the Price "
              "list versions sheet a version covering {day} (with its prices), or remove the “x” from template "
              "{template} in “Anteprima ordini”."},
    "order-invoice-out-of-sequence": {
        "it": "L'ordine del {day} del modello {template} (cliente {customer}) si fattura alla creazione, ma la sua "
              "fattura {number} sarebbe datata prima della {latest_number} del {latest_day} già emessa (serie "
              "{series} {year}, dove i numeri seguono le date): nessun ordine è stato creato. Crea gli ordini in "
              "ordine di data, oppure togli la «x» al modello {template} in «Anteprima ordini».",
        "en": "The order of {day} of template {template} (customer {customer}) is invoiced when created, but its "
              "invoice {number} would be dated before {latest_number} of {latest_day}, already issued (series "
              "{series} {year}, where numbers follow dates): no order was created. Create the orders in date order, "
              "or remove the “x” from template {template} in “Anteprima ordini”."},
    "request-empty-text": {
        "it": "Scrivi il testo della richiesta in «Testo richiesta»: una richiesta senza testo non dice cosa fare.",
        "en": "Write the request's text in “Testo richiesta”: a request without text does not say what to do."},
    "einvoice-draft-run": {
        "it": "L'emissione {run_id} è in bozza ({documents}): le fatture elettroniche si scrivono solo per le "
              "fatture definitive. Controllala, scrivi {run_id} in «Emissione fatture», premi «Rendi definitiva "
              "emissione» e riprova.",
        "en": "Run {run_id} is a draft ({documents}): e-invoices are written for final invoices only. Check it, "
              "write {run_id} in “Emissione fatture”, press “Rendi definitiva emissione” and try again."},
    "einvoice-already-zipped": {
        "it": "Già in uno zip per lo SDI ({zips}), quindi lasciati fuori da questo: {numbers} — {count} in tutto. "
              "Inviarli di nuovo li farebbe ricevere due volte allo SDI; nessun pulsante li reinvia: per farlo di "
              "proposito, dalla riga di comando, toolkit einvoice con --resend.",
        "en": "Already in a zip for SDI ({zips}), so left out of this one: {numbers} — {count} in all. Sending them "
              "again would deliver them to SDI twice; no button sends them again: to do it on purpose, from the "
              "command line, toolkit einvoice with --resend."},
    "commission-drafts-left-out": {
        "it": "{count} del periodo {are} ({numbers}): {finalize} («Rendi definitiva emissione»).",
        "en": "{count} of the period {are} ({numbers}): {finalize} (“Rendi definitiva emissione”)."},
    "invoice-held": {
        "it": "Il cliente {customer} ha {lines} righe consegnate non fatturate ma è «Non fatturare»: nessun pulsante "
              "lo sblocca; quando dà il via libera, dalla riga di comando, toolkit invoice con --release {customer}.",
        "en": "Customer {customer} has {lines} delivered lines not invoiced but is “Do not invoice”: no button "
              "releases it; when they give the go-ahead, from the command line, toolkit invoice with --release "
              "{customer}."},
}
"""By problem code, what a button says in place of the services' words, in each language."""


def message(problem: Problem, lang: str) -> str:
    """The problem's message, in the button's words when its fix names an option."""
    templates = BY_BUTTON.get(problem.code)
    if templates is None:
        return problem.message(lang)
    return templates.get(lang, templates["it"]).format(**{k: shown(v, lang) for k, v in problem.params})


def render(problem: Problem, lang: str) -> str:
    """`Problem.render`, in the button's words: where the problem is, then its message."""
    said = message(problem, lang)
    return f"{problem.location}: {said}" if problem.location else said


MOST = 10
"""The problems a message box lists before it only counts the rest: a box is read, not scrolled."""


def lines(problems: Sequence[Problem], lang: str, most: int = MOST) -> list[str]:
    """The problems a message box shows, in the button's words: the first `most`, then how many
    more, so a box never drops a warning the command line prints without saying so."""
    said = [render(p, lang) for p in problems[:most]]
    if len(problems) > most:
        left = len(problems) - most
        said.append(f"… e ancora {left}." if lang == "it" else f"… and {left} more.")
    return said
