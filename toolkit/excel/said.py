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

from toolkit.basics.problems import Problem, define
from toolkit.basics.wording import Counted, shown

BY_BUTTON: dict[str, dict[str, str]] = {
    "return-waits-for-ddt": {
        "it": "Il reso {order} del cliente {customer} non ha una fattura da citare (nessuna fattura del registro ha "
              "venduto quella merce) né ancora un DDT: la sua nota di credito non è emessa con l'ordine, perché non "
              "citerebbe alcun documento. Quando la merce rientra, spediscilo con il pulsante «Spedisci (DDT)»: la "
              "nota di credito sarà emessa con «Fatturazione fine mese», citando il DDT del reso.",
        "en": "Return {order} of customer {customer} has no invoice to cite (no invoice of the ledger sold those goods) "
              "nor a DDT yet: its credit note is not issued with the order, as it would cite no document. When the "
              "goods come back, ship it with the “Spedisci (DDT)” button: the credit note is issued by “Fatturazione "
              "fine mese”, citing the return's DDT."},
    "month-register-not-rewritten": {
        "it": "Il registro del mese {month} in {folder} elencava le bozze annullate ed è stato tolto, ma non "
              "riscritto ({reason}): scrivilo di nuovo con il pulsante «Registro fatture del mese», con una data di "
              "quel mese in «Data ordini».",
        "en": "The {month} register in {folder} listed the undone drafts and was removed, but not written again "
              "({reason}): write it again with the “Registro fatture del mese” button, with a date of that month in "
              "“Data ordini”."},
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
    "ddt-void-unknown": {
        "it": "Il DDT {number} non esiste nel registro: controlla il numero in «DDT da annullare» (i DDT di un giorno: "
              "pulsante «Ristampa DDT» con quella data in «Data ordini»). Nulla è stato annullato.",
        "en": "DDT {number} is not in the ledger: check the number in “DDT da annullare” (a day's DDTs: the "
              "“Ristampa DDT” button with that date in “Data ordini”). Nothing was voided."},
    "ddt-void-services": {
        "it": "{number} registra servizi resi, non è un DDT: non si annulla. Se i servizi non erano dovuti, correggi la "
              "fattura che li addebita con il pulsante «Nota di credito».",
        "en": "{number} records services rendered, it is not a DDT: it is not voided. If the services were not due, "
              "set right the invoice charging them with the “Nota di credito” button."},
    "ddt-void-return": {
        "it": "Il DDT {number} è il DDT di un reso: non si annulla, la merce è già rientrata nelle giacenze e nel "
              "conto del reso. Nulla è stato annullato; se il reso era sbagliato, chiudilo con il pulsante «Nessun "
              "accredito dovuto» o spedisci di nuovo la merce con un ordine.",
        "en": "DDT {number} is a return's DDT: it is not voided, its goods are back in stock and on the return's "
              "account. Nothing was voided; if the return was wrong, close it with the “Nessun accredito dovuto” "
              "button or ship the goods again with an order."},
    "ddt-void-invoiced": {
        "it": "Il DDT {number} è già fatturato ({invoices}): un DDT che una fattura cita non si annulla. Nulla è stato "
              "annullato. Se la merce non è partita, emetti una nota di credito sulla fattura (pulsante «Nota di "
              "credito»); se è partita e rientra, registra un reso.",
        "en": "DDT {number} is invoiced already ({invoices}): a DDT an invoice cites is not voided. Nothing was "
              "voided. If the goods did not leave, credit the invoice (the “Nota di credito” button); if they left "
              "and come back, record a return."},
    "ddt-void-closed-order-billed": {
        "it": "Il DDT {number} spedisce merce dell'ordine chiuso {order} già fatturata all'ordine ({invoices}): "
              "annullato, la fattura resterebbe da incassare per merce che non partirà più ({lines}), perché un "
              "ordine chiuso non si rispedisce. Nulla è stato annullato. Se la merce non partirà, emetti prima una "
              "nota di credito per essa su {invoices} («Nota di credito», con la fattura in «Fattura»), poi annulla "
              "il DDT; se partirà, non annullarlo: il DDT la accompagna.",
        "en": "DDT {number} ships goods of closed order {order} invoiced at the order ({invoices}): voided, the "
              "invoice would stay due for goods that will never leave ({lines}), as a closed order ships nothing "
              "again. Nothing was voided. If the goods will not leave, credit them on {invoices} first (“Nota di "
              "credito”, with the invoice in “Fattura”), then void the DDT; if they will, keep the DDT: it goes "
              "with them."},
    "ddt-void-in-draft": {
        "it": "Il DDT {number} è nelle fatture in bozza dell'emissione {run} ({invoices}): nulla è stato annullato. "
              "Annulla prima l'emissione (scrivi {run} in «Emissione fatture» e premi «Annulla emissione»), poi il "
              "DDT, poi rifai le fatture.",
        "en": "DDT {number} is on the draft invoices of run {run} ({invoices}): nothing was voided. Undo the run first "
              "(write {run} in “Emissione fatture” and press “Annulla emissione”), then void the DDT, then run the "
              "invoices again."},
    "ddt-void-cash-collected": {
        "it": "Il DDT {number} ha un contrassegno già incassato (fattura {invoices}): un DDT il cui denaro è stato "
              "riscosso non si annulla. Nulla è stato annullato. Se la merce non è partita, restituisci l'incasso e "
              "annullalo: nessun pulsante annulla un incasso, dalla riga di comando, toolkit payments void; poi "
              "riprova.",
        "en": "DDT {number} carried cash on delivery already collected (invoice {invoices}): a DDT whose cash was "
              "collected is not voided. Nothing was voided. If the goods did not leave, refund the payment and void "
              "it: no button voids a payment, from the command line, toolkit payments void; then try again."},
    "ddt-date-in-future": {
        "it": "La data del DDT {day} è successiva a oggi ({today}): un DDT accompagna la merce quando parte, nulla è "
              "stato spedito. Scrivi in «Data ordini» la data di oggi o una passata; un DDT datato dopo oggi si emette "
              "solo dalla riga di comando, toolkit ship con --future.",
        "en": "The DDT date {day} is after today ({today}): a DDT travels with the goods when they leave, nothing was "
              "shipped. Write today's date or a past one in “Data ordini”; a DDT dated after today is issued only "
              "from the command line, toolkit ship with --future."},
    "ddt-date-before-latest": {
        "it": "Il DDT sarebbe datato {day}, prima del {latest_number} del {latest_day} già emesso{returned}: nella "
              "serie {series} {year} i numeri seguono le date, e un DDT datato all'indietro prenderebbe un numero dopo "
              "il suo, quindi nulla è stato spedito. Scrivi in «Data ordini» una data dal {latest_day} in poi (la merce "
              "che parte oggi va con la data di oggi).",
        "en": "The DDT would be dated {day}, before {latest_number} of {latest_day}, already issued{returned}: in "
              "series {series} {year} numbers follow dates, and a DDT dated back would take a number after it, so nothing was "
              "shipped. Write a date from {latest_day} on in “Data ordini” (goods leaving today go with today's date)."},
    "ddt-date-before-issued-ahead": {
        "it": "Il DDT sarebbe datato {day}, ma il {latest_number} è già emesso in anticipo con la data "
              "{latest_day}{returned}: nella serie {series} {year} i numeri seguono le date, come per le fatture, e un "
              "DDT datato prima prenderebbe un numero dopo il suo, quindi nulla è stato spedito. Scrivi in «Data "
              "ordini» una data dal {latest_day} in poi; se la merce deve partire prima, annulla ognuno dei DDT "
              "datati dopo il {day}, {later} (scrivi il suo numero in «DDT da annullare» e premi «Annulla DDT»), "
              "spedisci questa, poi emetti di nuovo quelli.",
        "en": "The DDT would be dated {day}, but {latest_number} was issued ahead, dated {latest_day}{returned}: in "
              "series {series} {year} numbers follow dates, as for invoices, and a DDT dated before it would take a "
              "number after it, so nothing was shipped. Write a date from {latest_day} on in “Data ordini”; if the "
              "goods must leave before then, void each of the DDTs dated after {day}, {later} (write its number in "
              "“DDT da annullare” and press “Annulla DDT”), ship these, then issue those again."},
    "ddt-date-holiday": {
        "it": "La data dei DDT emessi ({ddts}) è {day}, {holiday_it}: un giorno festivo o di chiusura (Regione "
              "festività, Santo patrono, foglio Chiusure). Sono emessi come chiesto, perché si può spedire anche un "
              "giorno festivo; se la merce non parte quel giorno, la data in «Data ordini» è un errore: controllala "
              "prima di spedire ancora.",
        "en": "The date of the DDTs issued ({ddts}) is {day}, {holiday_en}: a holiday or closure (Holiday region, "
              "Patron saint, Closures sheet). They are issued as asked, since a desk may ship on a holiday; if the "
              "goods do not leave that day, the date in “Data ordini” is a slip: check it before shipping again."},
    "order-ddt-out-of-sequence": {
        "it": "L'ordine del {day} del modello {template} (cliente {customer}) si spedisce alla creazione, ma il suo "
              "DDT sarebbe datato prima del {latest_number} del {latest_day} già emesso{returned} (serie {series} "
              "{year}, dove i numeri seguono le date, come per le fatture): nulla è stato creato né spedito. Crea e "
              "spedisci in ordine di data (un DDT emesso in anticipo ferma quelli datati prima fino al suo giorno), "
              "oppure togli la «x» al modello {template} in «Anteprima ordini»; un ordine creato in anticipo in "
              "un'esecuzione precedente non si esclude così: se la sua merce deve partire prima, annulla ognuno dei "
              "DDT datati dopo il {day}, {later} (scrivi il suo numero in «DDT da annullare» e premi «Annulla DDT»), "
              "crea di nuovo, poi rispedisci quelli nel loro giorno.",
        "en": "The order of {day} of template {template} (customer {customer}) ships when created, but its DDT would "
              "be dated before {latest_number} of {latest_day}, already issued{returned} (series {series} {year}, "
              "where numbers follow dates, as for invoices): nothing was created or shipped. Create and ship in date "
              "order (a DDT issued ahead holds back those dated before it until its day), or remove the “x” from "
              "template {template} in “Anteprima ordini”; an order created ahead in an earlier run is not left out "
              "so: if its goods must leave before then, void each of the DDTs dated after {day}, {later} (write its "
              "number in “DDT da annullare” and press “Annulla DDT”), create again, then ship those again on their "
              "days."},
    "order-ddt-before-return": {
        "it": "L'ordine del {day} del modello {template} (cliente {customer}) si spedisce alla creazione, ma il suo "
              "DDT sarebbe datato prima del {latest_number} del {latest_day}, il DDT di un reso, numerato nella "
              "stessa serie dei DDT della merce in uscita (serie {series} {year}, dove i numeri seguono le date, "
              "come per le fatture): nulla è stato creato né spedito. Il DDT di un reso non si annulla, quindi "
              "nessun DDT della serie può essere datato prima del {latest_day}: togli la «x» alle righe del {day} dei "
              "modelli {templates} in «Anteprima ordini» (quegli ordini restano fuori per sempre) e premi di nuovo "
              "«Crea ordini selezionati»; la merce che parte oggi va con la data di oggi.",
        "en": "The order of {day} of template {template} (customer {customer}) ships when created, but its DDT would "
              "be dated before {latest_number} of {latest_day}, a return's DDT, numbered in the same series as the "
              "DDTs of goods leaving (series {series} {year}, where numbers follow dates, as for invoices): nothing "
              "was created or shipped. A return's DDT is not voided, so no DDT of the series may be dated before "
              "{latest_day}: remove the “x” from the rows of {day} of templates {templates} in “Anteprima ordini” "
              "(those orders stay out for good) and press “Crea ordini selezionati” again; goods leaving today go with "
              "today's date."},
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
    "vat-rate-kept-part-shipped": {
        "it": "L'ordine {number} ha già fatturato all'ordine parte di {item} con IVA {old}: il resto esce con il DDT "
              "del {day} ancora con IVA {old}, mentre Articoli dà IVA {new} per quel giorno. Per tassare il resto al "
              "{new}, prima di spedirlo chiudi l'ordine ({number} in «Ordine», Chiuso in «Nuovo stato», poi «Cambia "
              "stato ordine») e ordina di nuovo ciò che resta come modulo d'ordine: dalla riga di comando, toolkit "
              "convert con --to ordini.",
        "en": "Order {number} has already invoiced at the order part of {item} at VAT {old}: the rest leaves on the "
              "DDT of {day} still at VAT {old}, while Items gives VAT {new} for that day. To tax the rest at {new}, "
              "before shipping it close the order ({number} in “Ordine”, Chiuso in “Nuovo stato”, then “Cambia stato "
              "ordine”) and order what is left again as an order form: from the command line, toolkit convert with "
              "--to orders."},
    "invoice-vat-under-regime": {
        "it": "Il cliente {customer} ha {lines} da fatturare con IVA o con una natura che il regime non usa "
              "({orders}), ma il Regime fiscale di Impostazioni è {regime}, {name}, che non addebita IVA: le righe "
              "hanno l'aliquota e la natura con cui sono partite (fatturate all'ordine, quelle dell'ordine) e non "
              "vengono ricalcolate, quindi le sue fatture non sono state emesse. Se quelle "
              "vendite sono di prima del cambio di regime, fatturale col regime di allora (correggi il Regime fiscale, "
              "fattura, poi rimettilo); altrimenti annulla quegli ordini (il numero in «Ordine», Annullato in «Nuovo "
              "stato», poi «Cambia stato ordine») e, dopo aver scritto negli articoli aliquota 0 e natura {nature}, "
              "rifalli come moduli d'ordine (il modello non ricrea un ordine annullato): dalla riga di comando, "
              "toolkit convert con --to ordini.",
        "en": "Customer {customer} has {lines} to invoice with VAT or a nature the regime does not use ({orders}), "
              "but the Tax regime in Settings is {regime}, {name}, which charges no VAT: the lines keep the rate and "
              "nature they shipped with (invoiced at the order, the order's) and are not rated again, "
              "so its invoices were not issued. If those sales were made before the "
              "regime changed, invoice them under the regime of then (correct the Tax regime, invoice, then set it "
              "back); otherwise void those orders (the number in “Ordine”, Annullato in “Nuovo stato”, then “Cambia "
              "stato ordine”) and, after writing 0 VAT rate and nature {nature} on the items, make them again as "
              "order forms (the template does not make a voided order again): from the command line, toolkit "
              "convert with --to orders."},
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
              "ordine di data, oppure in «Anteprima ordini» togli la «x» per {these} alla creazione con ordini prima "
              "del {latest_day}: {templates}.{draft}",
        "en": "The order of {day} of template {template} (customer {customer}) is invoiced when created, but its "
              "invoice {number} would be dated before {latest_number} of {latest_day}, already issued (series "
              "{series} {year}, where numbers follow dates): no order was created. Create the orders in date order, "
              "or in “Anteprima ordini” remove the “x” for {these} when created with orders before {latest_day}: "
              "{templates}.{draft}"},
    "issued-after-draft-run": {
        "it": "L'emissione {run_id} ha documenti in bozza nella serie {series} {year} ({first}–{last}): un documento "
              "definitivo ({what_it}) prenderebbe il numero dopo di loro, e l'emissione non si potrebbe più annullare "
              "(la numerazione resterebbe con un buco), quindi non è stato registrato nulla. Prima scrivi {run_id} in "
              "«Emissione fatture» e premi «Rendi definitiva emissione» o «Annulla emissione», poi premi di nuovo il "
              "pulsante; dalla riga di comando, toolkit invoice finalize {workbook} {run_id} o toolkit invoice undo "
              "{workbook} {run_id}.",
        "en": "Run {run_id} has draft documents in series {series} {year} ({first}–{last}): a final document "
              "({what_en}) would take the number after them, and the run could never be undone (its numbers would "
              "leave a gap), so nothing was stored. First write {run_id} in “Emissione fatture” and press “Rendi "
              "definitiva emissione” or “Annulla emissione”, then press the button again; from the command line, "
              "toolkit invoice finalize {workbook} {run_id} or toolkit invoice undo {workbook} {run_id}."},
    "numbered-after-draft-run": {
        "it": "L'emissione {run_id} è ancora in bozza nella serie {series} {year} ({first}–{last}) e {what_it} (ordine "
              "{order}) hanno preso i numeri dopo i suoi: ora non si può più annullare (la numerazione resterebbe con "
              "un buco), solo rendere definitiva: scrivi {run_id} in «Emissione fatture» e premi «Rendi definitiva "
              "emissione» (dalla riga di comando, toolkit invoice finalize {workbook} {run_id}); una sua fattura "
              "sbagliata si corregge con il pulsante «Nota di credito».",
        "en": "Run {run_id} is still a draft in series {series} {year} ({first}–{last}) and {what_en} (order {order}) "
              "took the numbers after its own: it can no longer be undone (its numbers would leave a gap), only made "
              "final: write {run_id} in “Emissione fatture” and press “Rendi definitiva emissione” (from the command "
              "line, toolkit invoice finalize {workbook} {run_id}); a wrong invoice of it is corrected with the “Nota "
              "di credito” button."},
    "invoice-run-followed-by-final": {
        "it": "L'emissione {run_id} non si può più annullare: dopo i suoi numeri nella serie {series} {year} {are} "
              "già {count} ({first}), che non si {undone}, e annullarla lascerebbe un "
              "buco nella numerazione. Nulla è stato annullato. Rendila definitiva con il pulsante «Rendi definitiva "
              "emissione» (dalla riga di comando, toolkit invoice finalize {workbook} {run_id}) e correggi le sue "
              "fatture sbagliate con il pulsante «Nota di credito».",
        "en": "Run {run_id} can no longer be undone: after its numbers in series {series} {year} {are} already "
              "{count} ({first}), which {undone} never undone, and undoing it would leave a gap "
              "in the numbering. Nothing was undone. Make it final with the “Rendi definitiva emissione” button (from "
              "the command line, toolkit invoice finalize {workbook} {run_id}) and correct its wrong invoices with the "
              "“Nota di credito” button."},
    "request-empty-text": {
        "it": "Scrivi il testo della richiesta in «Testo richiesta»: una richiesta senza testo non dice cosa fare.",
        "en": "Write the request's text in “Testo richiesta”: a request without text does not say what to do."},
    "request-text-too-long": {
        "it": "Il testo in «Testo richiesta» è lungo {length}, più dei {most} che l'elenco delle richieste "
              "stampa in una cella di Excel: accorcialo, o scrivi il resto in un'altra azione.",
        "en": "The text in “Testo richiesta” has {length}, more than the {most} the requests' list "
              "prints in an Excel cell: shorten it, or write the rest as another action."},
    "request-text-control-character": {
        "it": "Il testo in «Testo richiesta» contiene {chars}, un carattere di controllo che non si vede (lo porta "
              "spesso un testo copiato da un altro programma): la richiesta non è stata registrata. Cancella la "
              "cella e riscrivi il testo a mano.",
        "en": "The text in “Testo richiesta” holds {chars}, a control character that does not show (text copied "
              "from another program often brings one): the request was not recorded. Clear the cell and type the "
              "text again."},
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
        "it": "Il cliente {customer} ha {lines} ma è «Non fatturare»: nessun pulsante "
              "lo sblocca; quando dà il via libera, dalla riga di comando, toolkit invoice con --release {customer}.",
        "en": "Customer {customer} has {lines} but is “Do not invoice”: no button "
              "releases it; when they give the go-ahead, from the command line, toolkit invoice with --release "
              "{customer}."},
    "document-not-printed": {
        "it": "{recorded} nel registro: {documents}. Il file {path} non è stato scritto ({reason}). Stampa{them} "
              "dalla riga di comando con: {command}",
        "en": "Recorded in the ledger: {documents}. The file {path} was not written ({reason}). Print {them} from "
              "the command line with: {command}"},
    "credit-note-repeated-unprinted": {
        "it": "La fattura {invoice} ha già la nota di credito {note} del {day} per le stesse righe ({lines}), "
              "registrata e mai stampata (emessa dalla riga di comando, toolkit invoice credit senza --out, oppure "
              "da una pressione fermata prima di scriverne il file): una seconda nota accrediterebbe il cliente due"
              " volte. Nulla è stato registrato. Nessun pulsante la ristampa: stampala dalla riga di comando con "
              "{command} — se serve davvero un'altra nota per quelle righe, {again_it}.",
        "en": "Invoice {invoice} already has credit note {note} of {day} for the same lines ({lines}), recorded and"
              " never printed (issued from the command line, toolkit invoice credit without --out, or by a press "
              "stopped before writing its file): a second note would credit the customer twice. Nothing was stored."
              " No button prints it again: print it from the command line with {command} — if another note for "
              "those lines is really due, {again_en}."},
    "credit-unknown-invoice": {
        "it": "Nel registro non c'è la fattura {number} indicata in {asked_in}: controlla il numero (es. FT-2026-00001; "
              "«Stato pagamenti» le elenca).",
        "en": "The ledger has no invoice {number}, named in {asked_in}: check the number (e.g. FT-2026-00001; "
              "“Stato pagamenti” lists them)."},
    "credit-of-draft-invoice": {
        "it": "La fattura {number} è ancora in bozza (emissione {run_id}): non serve una nota di credito, annulla "
              "l'emissione (scrivi {run_id} in «Emissione fatture» e premi «Annulla emissione») e rifalla; dalla riga "
              "di comando, toolkit invoice undo {workbook} {run_id}.",
        "en": "Invoice {number} is still a draft (run {run_id}): no credit note is needed, undo the run (write "
              "{run_id} in “Emissione fatture” and press “Annulla emissione”) and run it again; from the command "
              "line, toolkit invoice undo {workbook} {run_id}."},
    "credit-before-invoice": {
        "it": "La nota di credito sarebbe datata {day}, prima della fattura {number} del {invoice_day} che corregge: "
              "«Nota di credito» la data oggi, premila dal {invoice_day} in poi.",
        "en": "The credit note would be dated {day}, before invoice {number} of {invoice_day} it corrects: “Nota di "
              "credito” dates it today, press it from {invoice_day} on."},
    "credit-date-out-of-sequence": {
        "it": "La nota di credito {number} sarebbe datata {day}, prima della {latest_number} del {latest_day} già "
              "emessa: nella serie {series} {year} i numeri seguono le date, quindi non è stato registrato nulla. "
              "«Nota di credito» la data oggi: premila dal {latest_day} in poi.",
        "en": "Credit note {number} would be dated {day}, before {latest_number} of {latest_day}, already issued: in "
              "series {series} {year} numbers follow dates, so nothing was stored. “Nota di credito” dates it today: "
              "press it from {latest_day} on."},
    "credit-order-invoice-held": {
        "it": "L'ordine {number} del cliente {customer}, creato in anticipo, ha {what_it} ancora in attesa del suo "
              "giorno ({day}), prima della data della nota di credito ({run_day}) nella stessa serie: emessa dopo la "
              "nota sarebbe datata prima (nella serie {series} {year} i numeri seguono le date) e ogni «Crea ordini "
              "selezionati» e «Spedisci (DDT)» la rifiuterebbe, quindi non è stato registrato nulla. Emetti prima i "
              "documenti attesi: scrivi {day} in «Data ordini», premi «Anteprima ordini» e poi «Crea ordini "
              "selezionati» (per un giorno già creato emette solo quelli; dalla riga di comando, toolkit orders "
              "create {workbook} --date {day}); poi premi di nuovo «Nota di credito».",
        "en": "Order {number} of customer {customer}, created ahead, still has {what_en} waiting for its day ({day}), "
              "before the credit note's date ({run_day}) in the same series: issued after the note it would be dated "
              "before it (in series {series} {year} numbers follow dates) and every “Crea ordini selezionati” and "
              "“Spedisci (DDT)” would refuse it, so nothing was stored. Issue the waiting documents first: write {day} "
              "in “Data ordini”, press “Anteprima ordini” then “Crea ordini selezionati” (for a day already created "
              "it issues only those; from the command line, toolkit orders create {workbook} --date {day}); then "
              "press “Nota di credito” again."},
    "debit-note-repeated-unprinted": {
        "it": "La fattura {invoice} ha già la nota di debito {note} del {day}, registrata e mai stampata (emessa "
              "dalla riga di comando, toolkit invoice debit senza --out, oppure da una pressione fermata prima di "
              "scriverne il file): una seconda nota addebiterebbe il cliente due volte. Nulla è stato registrato. "
              "Nessun pulsante la ristampa: stampala dalla riga di comando con: {command} — se serve davvero "
              "un'altra nota di debito, emettila dalla riga di comando, toolkit invoice debit con --again.",
        "en": "Invoice {invoice} already has debit note {note} of {day}, recorded and never printed (issued from "
              "the command line, toolkit invoice debit without --out, or by a press stopped before writing its "
              "file): a second note would charge the customer twice. Nothing was stored. No button prints it again:"
              " print it from the command line with: {command} — if "
              "another debit note is really due, issue it from the command line, toolkit invoice debit with --again."},
    "debit-of-draft-invoice": {
        "it": "La fattura {number} è ancora in bozza (emissione {run_id}): non serve una nota di debito, annulla "
              "l'emissione (scrivi {run_id} in «Emissione fatture» e premi «Annulla emissione»), correggi i dati e "
              "rifalla; dalla riga di comando, toolkit invoice undo {workbook} {run_id}.",
        "en": "Invoice {number} is still a draft (run {run_id}): no debit note is needed, undo the run (write "
              "{run_id} in “Emissione fatture” and press “Annulla emissione”), fix the data and run it again; from "
              "the command line, toolkit invoice undo {workbook} {run_id}."},
    "debit-before-invoice": {
        "it": "La nota di debito sarebbe datata {day}, prima della fattura {number} del {invoice_day} a cui si "
              "aggiunge: «Nota di debito» la data oggi, premila dal {invoice_day} in poi.",
        "en": "The debit note would be dated {day}, before invoice {number} of {invoice_day} it adds to: “Nota di "
              "debito” dates it today, press it from {invoice_day} on."},
    "debit-date-out-of-sequence": {
        "it": "La nota di debito {number} sarebbe datata {day}, prima della {latest_number} del {latest_day} già "
              "emessa: nella serie {series} {year} i numeri seguono le date, quindi non è stato registrato nulla. "
              "«Nota di debito» la data oggi: premila dal {latest_day} in poi.",
        "en": "Debit note {number} would be dated {day}, before {latest_number} of {latest_day}, already issued: in "
              "series {series} {year} numbers follow dates, so nothing was stored. “Nota di debito” dates it today: "
              "press it from {latest_day} on."},
    "debit-order-invoice-held": {
        "it": "L'ordine {number} del cliente {customer}, creato in anticipo, ha {what_it} ancora in attesa del suo "
              "giorno ({day}), prima della data della nota di debito ({run_day}) nella stessa serie: emessa dopo la "
              "nota sarebbe datata prima (nella serie {series} {year} i numeri seguono le date) e ogni «Crea ordini "
              "selezionati» e «Spedisci (DDT)» la rifiuterebbe, quindi non è stato registrato nulla. Emetti prima i "
              "documenti attesi: scrivi {day} in «Data ordini», premi «Anteprima ordini» e poi «Crea ordini "
              "selezionati» (per un giorno già creato emette solo quelli; dalla riga di comando, toolkit orders "
              "create {workbook} --date {day}); poi premi di nuovo «Nota di debito».",
        "en": "Order {number} of customer {customer}, created ahead, still has {what_en} waiting for its day ({day}), "
              "before the debit note's date ({run_day}) in the same series: issued after the note it would be dated "
              "before it (in series {series} {year} numbers follow dates) and every “Crea ordini selezionati” and "
              "“Spedisci (DDT)” would refuse it, so nothing was stored. Issue the waiting documents first: write {day} "
              "in “Data ordini”, press “Anteprima ordini” then “Crea ordini selezionati” (for a day already created "
              "it issues only those; from the command line, toolkit orders create {workbook} --date {day}); then "
              "press “Nota di debito” again."},
    "debit-rate-needed": {
        "it": "La fattura {number} ha più aliquote ({rates}): scrivi in «Aliquota nota di debito» quella della nota "
              "di debito, la stessa della merce o del servizio a cui si aggiunge (es. {first}); nulla è stato "
              "registrato.",
        "en": "Invoice {number} has several VAT rates ({rates}): write the debit note's in “Aliquota nota di "
              "debito”, the one of the goods or service it adds to (e.g. {first}); nothing was stored."},
    "letter-of-intent-debit-rates": {
        "it": "La nota di debito di {debited} € sulla fattura {invoice} supera quanto resta ({left} €) della "
              "dichiarazione d'intento {protocol} del cliente {customer}, di {amount} €, quindi va emessa con l'IVA "
              "della merce a cui si aggiunge, ma la merce della fattura ha più aliquote ({rates}); nulla è stato "
              "registrato. Scrivi in «Aliquota nota di debito» quella della merce a cui la nota si aggiunge (es. "
              "{first}), oppure scrivi nel foglio Clienti protocollo, data e importo della nuova dichiarazione del "
              "cliente e premi di nuovo «Nota di debito».",
        "en": "The debit note of {debited} € on invoice {invoice} passes what is left ({left} €) of customer "
              "{customer}'s letter of intent {protocol}, of {amount} €, so it must carry the VAT of the goods it adds "
              "to, but the invoice's goods have several rates ({rates}); nothing was stored. Write in “Aliquota nota "
              "di debito” the one of the goods the note adds to (e.g. {first}), or write the customer's new letter's "
              "protocol, date and amount in the Clienti sheet and press “Nota di debito” again."},
    "letter-of-intent-debit-past-year-rates": {
        "it": "La nota di debito di {debited} € del {day} sulla fattura {invoice} del cliente {customer} è del {next}, "
              "ma la dichiarazione d'intento {protocol} che la fattura cita copre le vendite del {year}, quindi va "
              "emessa con l'IVA della merce a cui si aggiunge, e la merce della fattura ha più aliquote ({rates}); "
              "nulla è stato registrato. Scrivi in «Aliquota nota di debito» quella della merce a cui la nota si "
              "aggiunge (es. {first}) e premi di nuovo «Nota di debito».",
        "en": "The debit note of {debited} € of {day} on customer {customer}'s invoice {invoice} is of {next}, but "
              "the letter of intent {protocol} the invoice cites covers the sales of {year}, so it must carry the VAT "
              "of the goods it adds to, and the invoice's goods have several rates ({rates}); nothing was stored. "
              "Write in “Aliquota nota di debito” the one of the goods the note adds to (e.g. {first}) and press "
              "“Nota di debito” again."},
    "letter-of-intent-debit-after-end-rates": {
        "it": "La nota di debito di {debited} € del {day} sulla fattura {invoice} del cliente {customer} è del "
              "{revoked} o dopo, quando la dichiarazione d'intento {protocol} che la fattura cita è revocata, quindi "
              "va emessa con l'IVA della merce a cui si aggiunge, e la merce della fattura ha più aliquote ({rates}); "
              "nulla è stato registrato. Scrivi in «Aliquota nota di debito» quella della merce a cui la nota si "
              "aggiunge (es. {first}) e premi di nuovo «Nota di debito».",
        "en": "The debit note of {debited} € of {day} on customer {customer}'s invoice {invoice} is of {revoked} or "
              "later, when the letter of intent {protocol} the invoice cites is revoked, so it must carry the VAT of "
              "the goods it adds to, and the invoice's goods have several rates ({rates}); nothing was stored. Write "
              "in “Aliquota nota di debito” the one of the goods the note adds to (e.g. {first}) and press “Nota di "
              "debito” again."},
    "letter-of-intent-debit-before-rates": {
        "it": "La nota di debito di {debited} € sulla fattura {invoice} del cliente {customer} si aggiunge a merce "
              "{sold} il {days}, prima della dichiarazione d'intento {protocol} del {letter}, quindi va emessa "
              "con l'IVA di quella merce, che ha più aliquote ({rates}); nulla è stato registrato. Scrivi in "
              "«Aliquota nota di debito» quella della merce a cui la nota si aggiunge (es. {first}) e premi di nuovo "
              "«Nota di debito».",
        "en": "The debit note of {debited} € on customer {customer}'s invoice {invoice} adds to goods {sold} on "
              "{days}, before the letter of intent {protocol} of {letter}, so it must carry those goods' VAT, and they "
              "have several rates ({rates}); nothing was stored. Write in “Aliquota nota di debito” the one of the "
              "goods the note adds to (e.g. {first}) and press “Nota di debito” again."},
    "letter-of-intent-debit-former-rates": {
        "it": "La nota di debito di {debited} € sulla fattura {invoice} del cliente {customer} segue la "
              "dichiarazione d'intento {protocol} che la fattura cita, che il foglio Clienti non riporta più (ora "
              "cita {current}), quindi va emessa con l'IVA della merce a cui si aggiunge, e la merce della fattura ha "
              "più aliquote ({rates}); nulla è stato registrato. Scrivi in «Aliquota nota di debito» quella della "
              "merce a cui la nota si aggiunge (es. {first}) e premi di nuovo «Nota di debito».",
        "en": "The debit note of {debited} € on customer {customer}'s invoice {invoice} follows the letter of intent "
              "{protocol} the invoice cites, which the Clienti sheet no longer holds (it now cites {current}), so it "
              "must carry the VAT of the goods it adds to, and the invoice's goods have several rates ({rates}); "
              "nothing was stored. Write in “Aliquota nota di debito” the one of the goods the note adds to (e.g. "
              "{first}) and press “Nota di debito” again."},
    "debit-unknown-rate": {
        "it": "La fattura {number} non ha l'aliquota «{typed}» indicata in «Aliquota nota di debito»: le sue sono "
              "{rates}. La nota di debito segue l'aliquota dell'operazione a cui si aggiunge; nulla è stato "
              "registrato.",
        "en": "Invoice {number} has no VAT rate “{typed}”, named in “Aliquota nota di debito”: its rates are "
              "{rates}. A debit note follows the rate of the operation it adds to; nothing was stored."},
    "return-credited-already": {
        "it": "Il reso {order}{ddt} restituisce {asked} {unit} di {item}, ma delle fatture che li hanno venduti "
              "({invoices}) resta da accreditare solo {left} {unit}: il resto è già stato accreditato dalle note di "
              "credito {notes}. {waits} Controlla con il cliente se quella merce è già stata rimborsata. Se sì, "
              "registra che non è dovuto alcun accredito: scrivi {order} in «Ordine», il motivo in «Motivo nota di "
              "credito» e premi «Nessun accredito dovuto»: {then}",
        "en": "Return {order}{ddt} gives back {asked} {unit} of {item}, but of the invoices that sold them "
              "({invoices}) only {left} {unit} is left to credit: the rest was credited already by credit notes "
              "{notes}. {waits} Check with the customer whether those goods were paid back already. If so, record "
              "that no credit is due: write {order} in “Ordine”, the reason in “Motivo nota di credito” and press "
              "“Nessun accredito dovuto”: {then}"},
    "return-mixed-vat": {
        "it": "Il reso {order}{ddt} restituisce {item}, che le fatture che lo hanno venduto ({invoices}) hanno "
              "addebitato con IVA {sold}, mentre il reso ha IVA {own}: una nota di credito corregge ogni operazione "
              "con l'aliquota della fattura (art. 26 DPR 633/72), e una sola riga del reso non può averne due (la "
              "nota divide una riga solo tra la merce venduta senza IVA con una dichiarazione d'intento, N3.5, e "
              "quella venduta oltre con l'IVA), quindi il reso non è stato accreditato; {waits} Registra che il reso "
              "non va accreditato (scrivi {order} in «Ordine», il motivo in «Motivo nota di credito» e premi «Nessun "
              "accredito dovuto») e accredita ciascuna fattura a parte («Nota di credito», con la fattura in "
              "«Fattura» e le righe in «Righe da accreditare»).",
        "en": "Return {order}{ddt} gives back {item}, which the invoices that sold it ({invoices}) charged with VAT "
              "{sold}, while the return bears VAT {own}: a credit note corrects each operation at the invoice's rate "
              "(art. 26 DPR 633/72), and one line of the return cannot bear two (a note splits a line only between goods sold "
              "without VAT under a letter of intent, N3.5, and those sold beyond it with VAT), so the return was not "
              "credited; {waits} Record that the return is not to be credited (write {order} in “Ordine”, the "
              "reason in “Motivo nota di credito” and press “Nessun accredito dovuto”) and credit each invoice apart "
              "(“Nota di credito”, with the invoice in “Fattura” and the lines in “Righe da accreditare”)."},
    "discount-deliveries-not-invoiced": {
        "it": "{count} del periodo {period} di clienti con uno sconto volume {are} ({customers}: {numbers}): lo "
              "sconto conta solo le fatture definitive, e le fatture di quei DDT datate nel periodo non saranno "
              "contate da una liquidazione successiva (il periodo liquidato non si liquida di nuovo). Emetti e rendi "
              "definitive le fatture del periodo («Fatturazione fine mese», poi «Rendi definitiva emissione»), poi "
              "liquida.",
        "en": "{count} of period {period} of customers with a volume discount {are} ({customers}: {numbers}): the "
              "discount counts final invoices only, and the invoices of those DDTs dated in the period will not be "
              "counted by a later settlement (a period settled is not settled again). Issue and finalize the "
              "period's invoices (“Fatturazione fine mese”, then “Rendi definitiva emissione”), then settle."},
    "discount-drafts-left-out": {
        "it": "{count} del periodo {period} {are} ({numbers}): {finalize} («Rendi definitiva emissione») prima di "
              "liquidare.",
        "en": "{count} of period {period} {are} ({numbers}): {finalize} (“Rendi definitiva emissione”) before "
              "settling."},
    "discount-period-open": {
        "it": "Il periodo {period} finisce il {end}: gli sconti volume si liquidano a periodo chiuso, e «Liquida "
              "sconti volume» data le note oggi: premilo dal {end} in poi.",
        "en": "Period {period} ends on {end}: volume discounts are settled once it is over, and “Liquida sconti "
              "volume” dates its notes today: press it from {end} on."},
    "commission-period-settled": {
        "it": "Le provvigioni di {agent} sono già liquidate dal {first} al {last} (il {settled_on}): il periodo dal "
              "{asked_first} al {asked_last} si sovrappone, e un periodo si liquida una volta sola, quindi non è "
              "stato registrato nulla. Scrivi in «Dal» un giorno dopo il {last}, o rispondi No per avere gli estratti "
              "senza liquidarli (dalla riga di comando, toolkit commissions --reprint --from {first_iso} --to "
              "{last_iso} ristampa quelli liquidati).",
        "en": "The commissions of {agent} are settled from {first} to {last} (on {settled_on}): the period from "
              "{asked_first} to {asked_last} overlaps it, and a period is settled once, so nothing was stored. Write "
              "a day after {last} in “Dal”, or answer No for the statements without settling them (from the command "
              "line, toolkit commissions --reprint --from {first_iso} --to {last_iso} prints the settled ones "
              "again)."},
    "commission-agent-left-out": {
        "it": "Le provvigioni di {agent} sono già liquidate dal {first} al {last} (il {settled_on}): il periodo dal "
              "{asked_first} al {asked_last} è liquidato per gli altri agenti, non per {agent}, il cui estratto non è "
              "registrato né scritto di nuovo (dalla riga di comando, toolkit commissions --reprint --from "
              "{first_iso} --to {last_iso} ristampa quello liquidato come emesso).",
        "en": "The commissions of {agent} are settled from {first} to {last} (on {settled_on}): the period from "
              "{asked_first} to {asked_last} is settled for the other agents, not for {agent}, whose statement is "
              "neither recorded nor written again (from the command line, toolkit commissions --reprint --from "
              "{first_iso} --to {last_iso} prints the settled one again as issued)."},
    "commission-nothing-left-to-settle": {
        "it": "Nessun agente ha un estratto da liquidare dal {asked_first} al {asked_last}: il periodo è già "
              "liquidato per {settled} e nessun altro agente ha vendite o note del periodo che una regola di "
              "Provvigioni paghi. Non resta nulla da liquidare: nulla è stato registrato né scritto (dalla riga di "
              "comando, toolkit commissions --reprint --from {first_iso} --to {last_iso} ristampa gli estratti "
              "liquidati come emessi).",
        "en": "No agent has a statement to settle from {asked_first} to {asked_last}: the period is already settled "
              "for {settled} and no other agent has sales or notes of the period a Commissions rule pays. Nothing "
              "remains to settle: nothing was stored or written (from the command line, toolkit commissions "
              "--reprint --from {first_iso} --to {last_iso} prints the settled statements again as issued)."},
    "commission-preview-of-settled": {
        "it": "Le provvigioni di {agent} sono già liquidate dal {first} al {last} (il {settled_on}): gli estratti "
              "scritti ora dal {asked_first} al {asked_last} sono un'anteprima con le cifre di oggi, non quelli "
              "liquidati, e i loro file si chiamano anteprima-provvigioni-…, accanto a quelli liquidati, che non "
              "sostituiscono (dalla riga di comando, toolkit commissions --reprint --from {first_iso} --to "
              "{last_iso} ristampa quelli liquidati come emessi).",
        "en": "The commissions of {agent} are settled from {first} to {last} (on {settled_on}): the statements "
              "written now from {asked_first} to {asked_last} are a preview with today's figures, not the settled "
              "ones, and their files are named anteprima-provvigioni-…, beside the settled ones, which they do not "
              "replace (from the command line, toolkit commissions --reprint --from {first_iso} --to {last_iso} "
              "prints the settled ones again as issued)."},
    "commission-period-open": {
        "it": "Il periodo finisce il {last}, dopo oggi ({today}): le provvigioni si liquidano a periodo chiuso, quando "
              "i suoi documenti e incassi sono registrati. Rispondi No per gli estratti di oggi senza liquidarli, e "
              "liquida dal {last} in poi.",
        "en": "The period ends on {last}, after today ({today}): commissions are settled once it is over, when its "
              "documents and payments are recorded. Answer No for today's statements without settling them, and "
              "settle from {last} on."},
    "commission-recorded-after-settling": {
        "it": "{count} del periodo dal {first} al {last}, liquidato per {agents}, {are} registrat{o_i} "
              "dopo la liquidazione ({numbers}): l'estratto liquidato non {them} conta, e nessun estratto successivo "
              "{them} conterà, perché le provvigioni contano documenti e incassi per la loro data. Regola a mano la "
              "differenza con {the_agents}: gli estratti di quel periodo senza liquidarli («Provvigioni», risposta No; "
              "dalla riga di comando, toolkit commissions --from {first_iso} --to {last_iso}) mostrano le cifre di "
              "oggi.",
        "en": "{count} of the period from {first} to {last}, settled for {agents}, {are} recorded "
              "after the settlement ({numbers}): the settled statement does not count {them}, and no later statement "
              "will, as commissions count documents and payments by their date. Settle the difference with {the_agents} "
              "by hand: that period's statements without settling (“Provvigioni”, answer No; from the command line, "
              "toolkit commissions --from {first_iso} --to {last_iso}) show today's figures."},
    "discount-order-invoice-held": {
        "it": "L'ordine {number} del cliente {customer}, creato in anticipo, ha {what_it} ancora in attesa del suo "
              "giorno ({day}), prima della data delle note di credito degli sconti volume ({run_day}) nella stessa "
              "serie: emessa dopo di loro sarebbe datata prima (nella serie {series} {year} i numeri seguono le date) "
              "e ogni «Crea ordini selezionati» e «Spedisci (DDT)» la rifiuterebbe, quindi non è stato registrato "
              "nulla. Emetti prima i documenti attesi: scrivi {day} in «Data ordini», premi «Anteprima ordini» e poi "
              "«Crea ordini selezionati» (per un giorno già creato emette solo quelli; dalla riga di comando, toolkit "
              "orders create {workbook} --date {day}); poi premi di nuovo «Liquida sconti volume».",
        "en": "Order {number} of customer {customer}, created ahead, still has {what_en} waiting for its day ({day}), "
              "before the date of the volume discounts' credit notes ({run_day}) in the same series: issued after "
              "them it would be dated before them (in series {series} {year} numbers follow dates) and every “Crea "
              "ordini selezionati” and “Spedisci (DDT)” would refuse it, so nothing was stored. Issue the waiting "
              "documents first: write {day} in “Data ordini”, press “Anteprima ordini” then “Crea ordini "
              "selezionati” (for a day already created it issues only those; from the command line, toolkit orders "
              "create {workbook} --date {day}); then press “Liquida sconti volume” again."},
    "invoice-credit-note-out-of-sequence": {
        "it": "La nota di credito {number} sarebbe datata {day}, prima della {latest_number} del {latest_day} già "
              "emessa: nella serie {series} {year} i numeri seguono le date, quindi non è stato registrato nulla. "
              "Scrivi in «Data note di credito dei resi» (Pannello!B19) una data dal {latest_day} in poi e premi di "
              "nuovo «Fatturazione fine mese»: le fatture tengono la loro data.",
        "en": "Credit note {number} would be dated {day}, before {latest_number} of {latest_day}, already issued: in "
              "series {series} {year} numbers follow dates, so nothing was stored. Write a date from {latest_day} on "
              "in “Data note di credito dei resi” (Pannello!B19) and press “Fatturazione fine mese” again: the "
              "invoices keep their date."},
    "invoice-credit-date-before-run": {
        "it": "La data delle note di credito {day} è prima della data delle fatture dell'emissione ({run_day}): una "
              "nota di credito per un reso si data dalle fatture in poi. Scrivi in «Data note di credito dei resi» "
              "una data dal {run_day} in poi, oppure svuota la cella per datarle come le fatture.",
        "en": "Credit note date {day} is before the run's invoice date ({run_day}): a return's credit note is dated "
              "from the invoices on. Write a date from {run_day} on in “Data note di credito dei resi”, or empty the "
              "cell to date them as the invoices."},
    "invoice-credit-date-in-future": {
        "it": "La data delle note di credito {day} è successiva a oggi ({today}): il Sistema di Interscambio la "
              "rifiuterebbe. Scrivi in «Data note di credito dei resi» una data non futura.",
        "en": "Credit note date {day} is after today ({today}): the exchange system would reject it. Write a date "
              "that is not in the future in “Data note di credito dei resi”."},
    "invoice-month-not-begun": {
        "it": "Il mese da fatturare, {month} (quello della «Data ordini»), non è ancora cominciato (oggi è il "
              "{today}): le sue consegne non ci sono ancora, e l'emissione fatturerebbe quelle del mese in corso con "
              "la data di oggi, prima del mese che dice. Nulla è stato registrato: per il mese in corso ({current}) "
              "scrivi in «Data ordini» un suo giorno e premi di nuovo «Fatturazione fine mese».",
        "en": "The month to invoice, {month} (that of “Data ordini”), has not begun (today is {today}): its "
              "deliveries are not there yet, and the run would invoice the current month's with today's date, before "
              "the month it names. Nothing was stored: for the current month ({current}) write one of its days in "
              "“Data ordini” and press “Fatturazione fine mese” again."},
    "invoice-month-takes-previous-month": {
        "it": "L'emissione di {month} (il mese della «Data ordini») fattura anche {ddts} di {previous} non ancora "
              "fatturati ({numbers}), con la data del {day} e nel registro di {month}. Se volevi chiudere {previous}, "
              "annulla questa emissione («Annulla emissione»), scrivi in «Data ordini» un giorno di {previous} e premi "
              "di nuovo «Fatturazione fine mese», entro il {deadline} (dalla riga di comando, toolkit invoice --month "
              "{option}).",
        "en": "The run of {month} (the month of “Data ordini”) also invoices {ddts} of {previous} not invoiced yet "
              "({numbers}), dated {day} and in {month}'s register. If you meant to close {previous}, undo this run "
              "(“Annulla emissione”), write a day of {previous} in “Data ordini” and press “Fatturazione fine mese” "
              "again, by {deadline} (from the command line, toolkit invoice --month {option})."},
    "invoice-date-out-of-sequence": {
        "it": "La fattura {number} sarebbe datata {day}, prima della {latest_number} del {latest_day} già emessa: "
              "nella serie {series} {year} i numeri seguono le date, quindi non è stato registrato nulla. Premi di "
              "nuovo dal {latest_day} in poi («Spedisci e fattura»: con quel giorno in «Data ordini»); la fatturazione "
              "di fine mese si data come dice Impostazioni: scegli «Data fattura differita» = Emissione, oppure, "
              "dalla riga di comando, toolkit invoice con --date dal {latest_day} in poi.",
        "en": "Invoice {number} would be dated {day}, before {latest_number} of {latest_day}, already issued: in "
              "series {series} {year} numbers follow dates, so nothing was stored. Press again from {latest_day} on "
              "(“Spedisci e fattura”: with that day in “Data ordini”); month-end invoicing is dated as Settings say: "
              "choose “Deferred invoice date” = Issue date, or, from the command line, toolkit invoice with --date "
              "from {latest_day} on."},
    "invoice-order-ddt-held": {
        "it": "L'ordine {number} del cliente {customer}, creato in anticipo, ha il DDT in attesa del suo giorno "
              "({day}): la merce non risulta spedita e questa fatturazione non la comprende. Se è partita, il DDT lo "
              "emette, datato {day}, il primo «Crea ordini selezionati» o «Spedisci (DDT)» da quel giorno in poi; poi "
              "fattura di nuovo il mese (le righe già fatturate non si ripetono).",
        "en": "Order {number} of customer {customer}, created ahead, has its DDT waiting for its day ({day}): its "
              "goods are not shipped on record and this run does not include them. If they left, the first “Crea "
              "ordini selezionati” or “Spedisci (DDT)” from that day on issues the DDT, dated {day}; then invoice the "
              "month again (lines already invoiced are not repeated)."},
    "order-not-delivered-deferred-deadline": {
        "it": "Il cliente {customer} si fattura dopo l'evasione completa dell'ordine, e {lines} "
              "{wait} ordini non ancora evasi del tutto ({orders}); ma la fattura differita va emessa entro il 15 "
              "del mese dopo il DDT: per il {ddt} del {day} entro il {deadline}. {then} le righe già spedite dalla "
              "riga di comando, toolkit invoice --orders e i loro numeri.",
        "en": "Customer {customer} is invoiced once the order is complete, and {lines} {wait} for orders "
              "not yet complete ({orders}); but the deferred invoice is due by the 15th of the month after the DDT: "
              "for {ddt} of {day} by {deadline}. {then} the shipped lines from the command line, toolkit invoice "
              "--orders and their numbers."},
    "einvoice-month-deliveries-dated-after": {
        "it": "Le consegne dal {first} al {last} hanno anche {documents} con la data del {day} (emissione {run_id}: "
              "{numbers}): non sono fra questi file, perché le fatture elettroniche di un mese sono quelle con la data "
              "del mese. Premi «Fatture elettroniche» con una data di quel mese nella cella della data, e invia i "
              "file allo SDI entro il {deadline}.",
        "en": "The deliveries from {first} to {last} also have {documents} dated {day} (run {run_id}: {numbers}): "
              "they are not among these files, as a month's e-invoices are those dated in it. Press “Fatture "
              "elettroniche” with a day of that month in the date cell, and send the files to SDI by {deadline}."},
    "invoice-order-invoice-held": {
        "it": "L'ordine {number} del cliente {customer}, creato in anticipo, ha la fattura immediata in attesa del "
              "suo giorno ({day}): questa fatturazione non la comprende. La emette, datata {day} e numerata dopo le "
              "fatture già emesse, il primo «Crea ordini selezionati» o «Spedisci (DDT)» da quel giorno in poi.",
        "en": "Order {number} of customer {customer}, created ahead, has its immediate invoice waiting for its day "
              "({day}): this run does not include it. The first “Crea ordini selezionati” or “Spedisci (DDT)” from "
              "that day on issues it, dated {day} and numbered after the invoices already issued."},
    "invoice-order-invoice-held-before-run": {
        "it": "L'ordine {number} del cliente {customer}, creato in anticipo, ha {what_it} ancora in attesa del suo "
              "giorno ({day}), prima della data dei documenti di questa fatturazione ({run_day}): emessa dopo di loro "
              "sarebbe datata prima (nella serie {series} {year} i numeri seguono le date) e ogni «Crea ordini "
              "selezionati» e «Spedisci (DDT)» la rifiuterebbe, quindi non è stato registrato nulla. Emetti prima i "
              "documenti attesi: scrivi {day} in «Data ordini», premi «Anteprima ordini» e poi «Crea ordini "
              "selezionati» (per un giorno già creato emette solo quelli), poi fattura di nuovo il mese; oppure, "
              "dalla riga di comando, toolkit invoice con --date {day}.",
        "en": "Order {number} of customer {customer}, created ahead, still has {what_en} waiting for its day ({day}), "
              "before the date of this run's documents ({run_day}): issued after them it would be dated before them "
              "(in series {series} {year} numbers follow dates) and every “Crea ordini selezionati” and “Spedisci "
              "(DDT)” would refuse it, so nothing was stored. Issue the waiting documents first: write {day} in “Data "
              "ordini”, press “Anteprima ordini” then “Crea ordini selezionati” (for a day already created it issues "
              "only those), then invoice the month again; or, from the command line, toolkit invoice with --date "
              "{day}."},
    "unknown-invoice-run": {
        "it": "Nel registro non c'è un'emissione di fatture {run_id}: controlla la sigla in «Emissione fatture» "
              "(svuota la cella e premi di nuovo: il foglio «Emissioni fatture» elenca quelle del registro).",
        "en": "The ledger has no invoicing run {run_id}: check the id in “Emissione fatture” (empty the cell and "
              "press again: the “Emissioni fatture” sheet lists the ledger's runs)."},
    "invoice-run-undone": {
        "it": "L'emissione {run_id} è stata annullata ({at}, {by}: {documents}): le sue fatture non ci sono più e il "
              "prossimo «Fatturazione fine mese» fattura le consegne che fatturavano (il foglio «Emissioni fatture» "
              "elenca quelle del registro).",
        "en": "Run {run_id} was undone ({at}, {by}: {documents}): its invoices are gone, and the next “Fatturazione "
              "fine mese” invoices the deliveries they invoiced (the “Emissioni fatture” sheet lists the ledger's "
              "runs)."},
    "payment-on-draft-invoice": {
        "it": "La fattura {number} è ancora in bozza: rendila definitiva (la sua emissione in «Emissione fatture», "
              "poi «Rendi definitiva emissione») prima di registrare incassi.",
        "en": "Invoice {number} is still a draft: finalize it (its run in “Emissione fatture”, then “Rendi "
              "definitiva emissione”) before recording payments."},
    "payment-wrong-sign": {
        "it": "L'importo {amount} € per {number} ha il segno sbagliato: positivo per una fattura, negativo (rimborso) "
              "per una nota di credito. Per correggere un incasso registrato male (nessun pulsante lo annulla), "
              "dalla riga di comando, toolkit payments void, poi registra quello giusto.",
        "en": "Amount {amount} € for {number} has the wrong sign: positive for an invoice, negative (a refund) for a "
              "credit note. To correct a payment recorded wrong (no button voids it), from the command line, "
              "toolkit payments void, then record the right one."},
    "payment-exceeds-outstanding": {
        "it": "Con {amount} € la fattura {number} risulta pagata oltre {total}: incassati in tutto {paid} €. "
              "Controlla l'importo; se è sbagliato, nessun pulsante annulla l'incasso: dalla riga di comando, "
              "toolkit payments void.",
        "en": "With {amount} € invoice {number} is paid beyond {total}: {paid} € collected in all. Check the "
              "amount; if it is wrong, no button voids the payment: from the command line, toolkit payments void."},
    "refund-exceeds-credit-note": {
        "it": "Con {amount} € la nota di credito {number} risulta rimborsata oltre {total}: rimborsati in tutto "
              "{paid} €. Controlla l'importo; se è sbagliato, nessun pulsante annulla il rimborso: dalla riga di "
              "comando, toolkit payments void.",
        "en": "With {amount} € credit note {number} is refunded beyond {total}: {paid} € refunded in all. Check "
              "the amount; if it is wrong, no button voids the refund: from the command line, toolkit payments "
              "void."},
    "refund-of-settled-credit-note": {
        "it": "Il rimborso di {amount} € sulla nota di credito {number} è rifiutato: la nota ha già saldato {settled} "
              "€ della fattura {invoices}, importo che il cliente non ha pagato e che quindi non va rimborsato; della "
              "nota resta da rimborsare {refundable} €. Se il cliente ha pagato la fattura per intero, registra prima "
              "quell'incasso («Registra incasso» sulla fattura) e poi il rimborso. Nulla è stato registrato.",
        "en": "The refund of {amount} € on credit note {number} is refused: the note already settled {settled} € of "
              "invoice {invoices}, which the customer never paid and so is not to be refunded; {refundable} € of the "
              "note is left to refund. If the customer paid the invoice in full, record that payment first (“Registra "
              "incasso” on the invoice), then the refund. Nothing was recorded."},
    "unknown-order": {
        "it": "L'ordine {number} non esiste nel registro: controlla il numero in «Ordine» (gli ordini aperti: "
              "«Pannello di controllo»).",
        "en": "Order {number} is not in the ledger: check the number in “Ordine” (the open orders: “Pannello di "
              "controllo”)."},
    "ship-unknown-order": {
        "it": "L'ordine {number} non esiste nel registro: controlla il numero in «Ordine» (gli ordini aperti: "
              "«Pannello di controllo»).",
        "en": "Order {number} is not in the ledger: check the number in “Ordine” (the open orders: “Pannello di "
              "controllo”)."},
    "ship-nothing-selected": {
        "it": "Scegli cosa spedire: scrivi in «Ordine» i numeri d'ordine, separati da virgole, e premi «Spedisci e "
              "fattura», oppure premi «Spedisci (DDT)» per tutti gli ordini aperti fino a «Data ordini».",
        "en": "Choose what to ship: write the order numbers in “Ordine”, separated by commas, and press “Spedisci e "
              "fattura”, or press “Spedisci (DDT)” for every open order up to “Data ordini”."},
    "close-invoiced-order": {
        "it": "L'ordine {number} è già fatturato ({invoices}) per merce non ancora spedita ({lines}) e non è stato "
              "chiuso: la fattura resterebbe da incassare per merce che non partirà. Se l'ordine non si farà, emetti "
              "una nota di credito per {invoices} («Nota di credito», con la fattura in «Fattura»), che chiude anche "
              "l'ordine; se la merce partirà, spediscilo.",
        "en": "Order {number} is already invoiced ({invoices}) for goods not shipped yet ({lines}) and was not "
              "closed: the invoice would stay due for goods that will not leave. If the order is off, issue a credit "
              "note for {invoices} (“Nota di credito”, with the invoice in “Fattura”), which closes the order too; "
              "if the goods will leave, ship it."},
    "confirm-invoice-out-of-sequence": {
        "it": "La conferma di {quotation} del {day} emetterebbe la fattura immediata {number} del cliente {customer} "
              "datata prima della {latest_number} del {latest_day} già emessa (serie {series} {year}, dove i numeri "
              "seguono le date): nulla è stato registrato. Il pulsante conferma con la data di oggi: dalla riga di "
              "comando, toolkit orders confirm con --date dal {latest_day} in poi.",
        "en": "Confirming {quotation} on {day} would issue immediate invoice {number} of customer {customer} dated "
              "before {latest_number} of {latest_day}, already issued (series {series} {year}, where numbers follow "
              "dates): nothing was stored. The button confirms with today's date: from the command line, toolkit "
              "orders confirm with --date from {latest_day} on."},
    "held-documents-customer-not-in-workbook": {
        "it": "L'ordine {number} del {day}, creato in anticipo, ha DDT o fattura in attesa del suo giorno, ma il "
              "cliente {customer} non è più nel foglio Clienti: non sono stati emessi e restano in attesa, il resto è "
              "stato fatto. Rimetti il cliente nel foglio, oppure annulla l'ordine (il numero in «Ordine», Annullato "
              "in «Nuovo stato», poi «Cambia stato ordine»).",
        "en": "Order {number} of {day}, created ahead, has a DDT or invoice waiting for its day, but customer "
              "{customer} is no longer on the Customers sheet: they were not issued and keep waiting, the rest was "
              "done. Put the customer back on the sheet, or void the order (the number in “Ordine”, Annullato in "
              "“Nuovo stato”, then “Cambia stato ordine”)."},
    "held-documents-customer-another-company": {
        "it": "L'ordine {number} del {day}, creato in anticipo, è stato fatto per il cliente {customer} {printed} "
              "(partita IVA o codice fiscale {printed_id}), ma in questa cartella di lavoro {customer} è {now} "
              "({now_id}): un'altra ditta, quindi il suo DDT o la sua fattura non sono stati emessi e restano in "
              "attesa, il resto è stato fatto. Se la copia di un collega usa {customer} per un altro cliente, "
              "allineate le copie (ogni cliente con il suo codice in tutte): la prossima creazione degli ordini o spedizione li "
              "emette. Se invece il cliente ha cambiato davvero partita IVA (una fusione, una nuova società) e questa "
              "copia ha già la nuova, l'ordine è della ditta di prima: rimetti qui la sua partita IVA e ragione "
              "sociale finché i documenti non sono emessi, poi riscrivi le nuove; oppure annulla l'ordine (il numero "
              "in «Ordine», Annullato in «Nuovo stato», poi «Cambia stato ordine») e creane uno per la nuova ditta.",
        "en": "Order {number} of {day}, created ahead, was made for customer {customer} {printed} (VAT number or tax "
              "code {printed_id}), but in this workbook {customer} is {now} ({now_id}): another company, so its DDT "
              "or invoice were not issued and keep waiting, the rest was done. If a colleague's copy uses {customer} "
              "for another customer, align the copies (each customer with its own code in all of them): the next "
              "order creation or shipment issues them. If instead the customer really changed its VAT number (a merger, a new "
              "company) and this copy has the new one already, the order is the former company's: put its VAT "
              "number and name back here until the documents are issued, then write the new ones again; or void the "
              "order (the number in “Ordine”, Annullato in “Nuovo stato”, then “Cambia stato ordine”) and make one "
              "for the new company."},
    "invoice-customer-another-company": {
        "it": "Il DDT {ddt} è intestato a {printed} (partita IVA o codice fiscale {printed_id}), ma in questa "
              "cartella di lavoro il cliente {customer} è {now} ({now_id}): un'altra ditta, quindi le sue righe non "
              "sono state fatturate. Se la copia di un collega usa {customer} per un altro cliente, allineate le "
              "copie (ogni cliente con il suo codice in tutte) ed emetti di nuovo. Se invece il cliente ha cambiato "
              "davvero partita IVA (una fusione, una nuova società) e questa copia ha già la nuova, il DDT è della "
              "ditta di prima, che ha avuto la merce: rimetti qui la sua partita IVA e ragione sociale, emetti le sue "
              "fatture (nessun pulsante fattura un cliente solo: dalla riga di comando, toolkit invoice run con "
              "--customer {customer}), poi riscrivi le nuove.",
        "en": "DDT {ddt} is made out to {printed} (VAT number or tax code {printed_id}), but in this workbook "
              "customer {customer} is {now} ({now_id}): another company, so its lines were not invoiced. If a "
              "colleague's copy uses {customer} for another customer, align the copies (each customer with its own "
              "code in all of them) and run again. If instead the customer really changed its VAT number (a merger, "
              "a new company) and this copy has the new one already, the DDT is the former company's, which had the "
              "goods: put its VAT number and name back here, invoice it (no button invoices one customer: from the "
              "command line, toolkit invoice run with --customer {customer}), then write the new ones again."},
    "invoice-order-customer-another-company": {
        "it": "L'ordine {number} è stato fatto per {printed} (partita IVA o codice fiscale {printed_id}), ma in "
              "questa cartella di lavoro il cliente {customer} è {now} ({now_id}): un'altra ditta, quindi le sue "
              "righe non sono state fatturate. Se la copia di un collega usa {customer} per un altro cliente, "
              "allineate le copie (ogni cliente con il suo codice in tutte) ed emetti di nuovo. Se invece il cliente "
              "ha cambiato davvero partita IVA (una fusione, una nuova società) e questa copia ha già la nuova, "
              "l'ordine è della ditta di prima: rimetti qui la sua partita IVA e ragione sociale, emetti le sue "
              "fatture (nessun pulsante fattura un cliente solo: dalla riga di comando, toolkit invoice run con "
              "--customer {customer}), poi riscrivi le nuove.",
        "en": "Order {number} was made for {printed} (VAT number or tax code {printed_id}), but in this workbook "
              "customer {customer} is {now} ({now_id}): another company, so its lines were not invoiced. If a "
              "colleague's copy uses {customer} for another customer, align the copies (each customer with its own "
              "code in all of them) and run again. If instead the customer really changed its VAT number (a merger, "
              "a new company) and this copy has the new one already, the order is the former company's: put its VAT "
              "number and name back here, invoice it (no button invoices one customer: from the command line, "
              "toolkit invoice run with --customer {customer}), then write the new ones again."},
    "letter-of-intent-prepaid-not-invoiced": {
        "it": "Il cliente {customer} ha {count} ({orders}) da spedire solo a pagamento ricevuto, ma la fattura che il "
              "pagamento salda non è stata emessa, perché nel foglio Clienti manca il protocollo o la data della "
              "dichiarazione d'intento, e nessuna fatturazione la emetterà: la fine mese fattura la merce spedita, e "
              "questa aspetta il pagamento. Scritti protocollo e data, annulla l'ordine (il numero {first} in "
              "«Ordine», Annullato in «Nuovo stato», poi «Cambia stato ordine», e così gli altri) e ordinalo di "
              "nuovo: la sua fattura sarà emessa con l'ordine e citerà la dichiarazione.",
        "en": "Customer {customer} has {count} ({orders}) to ship only once paid, but the invoice the payment settles "
              "was not issued, as the Clienti sheet lacks the protocol or date of the letter of intent, and no "
              "invoicing will issue it: month end invoices goods shipped, and these wait for the payment. Once the "
              "protocol and date are written, void the order (the number {first} in “Ordine”, Annullato in “Nuovo "
              "stato”, then “Cambia stato ordine”, and the others likewise) and order it again: its invoice will be "
              "issued with the order, citing the letter."},
    "moved-delivery-already-ordered": {
        "it": "Modello {template}: la consegna del {nominal} ora va al {day} (un'eccezione o una chiusura l'ha "
              "spostata), ma per il {nominal} c'è già l'ordine {number}, creato prima: l'ordine del {day} la "
              "conterrebbe di nuovo e la merce partirebbe due volte, quindi l'ordine del {day} di questo modello non "
              "è stato creato (gli altri sì). Se la consegna va davvero spostata, annulla {number} (il numero in "
              "«Ordine», Annullato in «Nuovo stato», poi «Cambia stato ordine») e crea di nuovo gli ordini; "
              "altrimenti togli l'eccezione.",
        "en": "Template {template}: the delivery of {nominal} now goes to {day} (an exception or a closure moved it), "
              "but {nominal} already has order {number}, made before: the order of {day} would hold it again and the "
              "goods would leave twice, so this template's order of {day} was not created (the others were). If the "
              "delivery is really to move, void {number} (the number in “Ordine”, Annullato in “Nuovo stato”, then "
              "“Cambia stato ordine”) and create the orders again; otherwise remove the exception."},
    "order-no-longer-planned": {
        "it": "L'ordine {number} del {day} (modello {template}) era già stato creato, ma il modello ora non lo prevede "
              "(sospeso, saltato, in una chiusura, fuori validità o tolto dal foglio, oppure non ancora in questa copia "
              "della cartella, se l'ha aggiunto un collega nella sua): resta aperto e partirà come gli altri. Se non "
              "deve partire, annullalo (il numero in «Ordine», Annullato in «Nuovo stato», poi «Cambia stato ordine»).",
        "en": "Order {number} of {day} (template {template}) was made already, but the template no longer plans it "
              "(paused, skipped, in a closure, out of its validity or taken off the sheet, or not yet in this copy of "
              "the workbook, if a colleague added it in theirs): it stays open and will ship like the others. If it "
              "is not to ship, void it (the number in “Ordine”, Annullato in “Nuovo stato”, then “Cambia stato "
              "ordine”)."},
    "quotation-not-accepted": {
        "it": "Il documento {number} è «Non accettato»: il cliente l'aveva rifiutato, quindi non è stato confermato. Se "
              "ora lo accetta, riportalo in «Bozza» (Bozza in «Nuovo stato», poi «Cambia stato ordine») e premi di "
              "nuovo «Conferma offerta».",
        "en": "Document {number} is “Not accepted”: the customer had turned it down, so it was not confirmed. If they "
              "accept it now, set it back to “Draft” (Bozza in “Nuovo stato”, then “Cambia stato ordine”) and press "
              "“Conferma offerta” again."},
    "void-credited-return": {
        "it": "Il reso {number} è già accreditato al cliente ({notes}) e non è stato annullato: la nota di credito "
              "resta valida anche annullando il reso. Se la merce rientrerà, spediscilo (il suo DDT); se non "
              "rientrerà, l'accredito va ripreso con una nota di debito sulla fattura che la nota di credito corregge "
              "(nessun pulsante la emette: dalla riga di comando, toolkit invoice debit con --invoice la fattura, "
              "--amount l'imponibile e --reason), e il reso si chiude: Chiuso in «Nuovo stato», poi «Cambia stato "
              "ordine».",
        "en": "Return {number} is credited to the customer already ({notes}) and was not voided: the credit note "
              "stands even if the return is voided. If the goods come back, ship it (its DDT); if they will not, the "
              "credit must be taken back with a debit note on the invoice the credit note corrects (no button issues "
              "it: from the command line, toolkit invoice debit with --invoice the invoice, --amount the taxable "
              "amount and --reason), and the return closed: Chiuso in “Nuovo stato”, then “Cambia stato ordine”."},
    "order-template-now-another-customer": {
        "it": "L'ordine {number} del {day} (modello {template}) era già stato creato per il cliente {ordered}, ma il "
              "modello ora è del cliente {customer}: l'ordine resta di {ordered} e partirà a lui, e per {customer} "
              "quel giorno non se ne crea un altro. Se quella consegna è di {customer}, annulla {number} (il numero "
              "in «Ordine», Annullato in «Nuovo stato», poi «Cambia stato ordine») e importala come modulo d'ordine "
              "del cliente: nessun pulsante lo fa, dalla riga di comando, toolkit convert MODULO.xlsx con --to "
              "ordini, --master e il nome di questo file, --out e una cartella; se il modello passa a {customer} da "
              "un giorno successivo, rimetti qui {ordered} e fai per {customer} un modello nuovo valido da quel giorno.",
        "en": "Order {number} of {day} (template {template}) was made already for customer {ordered}, but the "
              "template now belongs to customer {customer}: the order stays {ordered}'s and will ship to it, and no "
              "other one is made that day for {customer}. If that delivery is {customer}'s, void {number} (the number "
              "in “Ordine”, Annullato in “Nuovo stato”, then “Cambia stato ordine”) and import it as the customer's "
              "order form: no button does it, from the command line, toolkit convert FORM.xlsx with --to orders, "
              "--master and this workbook's name, --out and a folder; if the template goes to {customer} from a "
              "later day, put {ordered} back here and make {customer} a new template valid from that day."},
    "finalize-master-changed": {
        "it": "{field} ora è «{now}», ma {drafts} dell'emissione {run_id} ({numbers}) {bear} «{was}», il dato di "
              "quando è stata fatta: da definitive, fatture e fatture elettroniche direbbero «{was}». Nessun "
              "documento è stato reso definitivo. Se il dato giusto è «{now}», annulla l'emissione (scrivi {run_id} "
              "in «Emissione fatture» e premi «Annulla emissione»; dalla riga di comando, toolkit invoice undo {workbook} "
              "{run_id}) e rifalla con «Fatturazione fine mese»; se vale "
              "solo per le fatture successive, rimetti «{was}», premi di nuovo «Rendi definitiva emissione» e poi "
              "scrivi di nuovo «{now}».",
        "en": "{field} is now “{now}”, but {drafts} of run {run_id} ({numbers}) {bear} “{was}”, as when the run was "
              "made: made final, invoices and e-invoices would say “{was}”. No document was made final. If “{now}” is "
              "right, undo the run (write {run_id} in “Emissione fatture” and press “Annulla emissione”; from the "
              "command line, toolkit invoice undo {workbook} {run_id}) and run it "
              "again with “Fatturazione fine mese”; if it holds for later invoices only, put “{was}” back, press "
              "“Rendi definitiva emissione” again, then write “{now}” again."},
    "letter-of-intent-draft-not-cited": {
        "it": "{drafts} dell'emissione {run_id} del cliente {customer} ({numbers}) {sell} senza IVA con dichiarazione "
              "d'intento (N3.5) ma non {cite} protocollo e data della dichiarazione: {were} fatte prima che la "
              "fatturazione li chiedesse. Da definitive andrebbero a SDI così (nella fattura elettronica manca "
              "AltriDatiGestionali INTENTO), e non si correggerebbero più. Nessun documento è stato reso definitivo. "
              "{write}Annulla l'emissione (scrivi {run_id} in «Emissione fatture» e premi «Annulla emissione»; dalla "
              "riga di comando, toolkit invoice undo {workbook} {run_id}) e rifalla con «Fatturazione fine mese»: le "
              "sue fatture citeranno la dichiarazione.",
        "en": "{drafts} of run {run_id} of customer {customer} ({numbers}) {sell} without VAT on a letter of intent "
              "(N3.5) but {cite} no protocol and date of the letter: {were} made before invoicing asked for them. "
              "Made final they would go to SDI so (the e-invoice lacking AltriDatiGestionali INTENTO), never to be "
              "corrected. No document was made final. {write}Undo the run (write {run_id} in “Emissione fatture” and "
              "press “Annulla emissione”; from the command line, toolkit invoice undo {workbook} {run_id}) and run "
              "it again with “Fatturazione fine mese”: its invoices will cite the letter."},
    "letter-of-intent-draft-final-uncited": {
        "it": "{drafts} dell'emissione {run_id} del cliente {customer} ({numbers}) {sell} senza IVA con dichiarazione "
              "d'intento (N3.5) ma non {cite} protocollo e data della dichiarazione: {were} fatte prima che la "
              "fatturazione li chiedesse. L'emissione non si può annullare, perché la seguono documenti definitivi o "
              "pagamenti, e rifiutarla l'avrebbe lasciata bozza per sempre: è stata resa definitiva così. Correggi "
              "ciascuna con un documento di rettifica, come indica il tuo commercialista: una nota di credito "
              "(pulsante «Nota di credito») e una nuova fattura che citi protocollo e data della dichiarazione.",
        "en": "{drafts} of run {run_id} of customer {customer} ({numbers}) {sell} without VAT on a letter of intent "
              "(N3.5) but {cite} no protocol and date of the letter: {were} made before invoicing asked for them. The "
              "run cannot be undone, as final documents or payments follow it, and refusing it would have left it a "
              "draft for good: it was made final so. Correct each with a correcting document, as your accountant "
              "advises: a credit note (the “Nota di credito” button) and a new invoice citing the letter's protocol "
              "and date."},
    "einvoice-letter-of-intent-not-cited": {
        "it": "Fra i file scritti, {documents} {numbers} {sell} senza IVA con dichiarazione d'intento (N3.5) ma non ne "
              "citano protocollo e data (AltriDatiGestionali INTENTO). {were} prima che la fatturazione li chiedesse, "
              "e il file li riporta come emessi: lo SDI lo accetta, ma la norma (art. 1 c. 1 lett. c DL 746/83) vuole "
              "la dichiarazione citata in fattura, e l'Agenzia non può abbinare la vendita alla dichiarazione. "
              "Correggi ciascuno con un documento di rettifica, come indica il tuo commercialista: una nota di "
              "credito (pulsante «Nota di credito») e una nuova fattura che citi protocollo e data della "
              "dichiarazione.",
        "en": "Among the files written, {documents} {numbers} {sell} without VAT on a letter of intent (N3.5) but cite "
              "no protocol and date of it (AltriDatiGestionali INTENTO). {were} before invoicing asked for them, and "
              "the file bears them as issued: SDI takes it, but the rule (art. 1 c. 1 lett. c DL 746/83) wants the "
              "letter cited on the invoice, and the Agenzia cannot match the sale to the letter. Correct each with a "
              "correcting document, as your accountant advises: a credit note (the “Nota di credito” button) and a "
              "new invoice citing the letter's protocol and date."},
    "ship-awaiting-payment": {
        "it": "Ordine {number} del cliente {customer}: la merce parte dopo l'incasso e {payment}: non spedito.",
        "en": "Order {number} of customer {customer}: goods leave after payment and {payment}: not shipped."},
    "finalize-dues-moved": {
        "it": "«Mesi esclusi» e «Giorno di slittamento» del cliente {customer} ora fanno scadere {drafts} "
              "dell'emissione {run_id} ({numbers}) il {now}, ma {bear} la scadenza di quando è stata fatta, il {was}: "
              "da definitive, fatture e fatture elettroniche direbbero {was}. Nessun documento è stato reso "
              "definitivo. Se la scadenza giusta è il {now}, annulla l'emissione (scrivi {run_id} in «Emissione "
              "fatture» e premi «Annulla emissione»; dalla riga di comando, toolkit invoice undo {workbook} {run_id}) "
              "e rifalla con «Fatturazione fine mese»; se i mesi valgono solo per le fatture successive, rimetti le "
              "due celle com'erano, premi di nuovo «Rendi definitiva emissione» e poi scrivile di nuovo.",
        "en": "“Excluded months” and “Moved to day” of customer {customer} now make {drafts} of run {run_id} "
              "({numbers}) due on {now}, but {bear} the due of when the run was made, {was}: made final, invoices and "
              "e-invoices would say {was}. No document was made final. If {now} is the right due, undo the run "
              "(write {run_id} in “Emissione fatture” and press “Annulla emissione”; from the command line, toolkit "
              "invoice undo {workbook} {run_id}) and run it again with “Fatturazione fine mese”; if the months hold "
              "for later invoices only, put the two cells back as they were, press “Rendi definitiva emissione” "
              "again, then write them again."},
    "order-template-now-another-destination": {
        "it": "L'ordine {number} del {day} (modello {template}) era già stato creato per la destinazione {ordered}, "
              "ma il modello ora indica {destination}: l'ordine non cambia e la merce partirà per {ordered}. Se deve "
              "andare a {destination}, annulla {number} (il numero in «Ordine», Annullato in «Nuovo stato», poi "
              "«Cambia stato ordine») e importalo come modulo d'ordine del cliente: nessun pulsante lo fa, dalla riga "
              "di comando, toolkit convert MODULO.xlsx con --to ordini, --master e il nome di questo file, --out e "
              "una cartella; se la destinazione cambia da un giorno successivo, lascia l'ordine com'è.",
        "en": "Order {number} of {day} (template {template}) was made already for destination {ordered}, but the "
              "template now names {destination}: the order does not change and the goods will leave for {ordered}. If "
              "they are to go to {destination}, void {number} (the number in “Ordine”, Annullato in “Nuovo stato”, "
              "then “Cambia stato ordine”) and import it as the customer's order form: no button does it, from the "
              "command line, toolkit convert FORM.xlsx with --to orders, --master and this workbook's name, --out and "
              "a folder; if the destination changes from a later day, leave the order as it is."},
    "order-voided-not-made-again": {
        "it": "L'ordine {number} del {day} (modello {template}) è annullato: un modello ha un solo ordine per giorno, "
              "anche annullato, quindi non ne è stato creato un altro. Per rifarlo quel giorno, importalo come modulo "
              "d'ordine del cliente: nessun pulsante lo fa, dalla riga di comando, toolkit convert MODULO.xlsx con "
              "--to ordini, --master e il nome di questo file, --out e una cartella.",
        "en": "Order {number} of {day} (template {template}) is voided: a template has one order per day, voided too, "
              "so no other one was created. To make it again that day, import it as the customer's order form: no "
              "button does it, from the command line, toolkit convert FORM.xlsx with --to orders, --master and this "
              "workbook's name, --out and a folder."},
    "void-invoiced-order": {
        "it": "L'ordine {number} è già fatturato ({invoices}) e non è stato annullato: la fattura resterebbe da "
              "incassare per merce che non partirà. Se l'ordine non si farà, emetti una nota di credito per "
              "{invoices} («Nota di credito», con la fattura in «Fattura»), che chiude anche l'ordine; se la merce "
              "partirà, spediscilo.",
        "en": "Order {number} is already invoiced ({invoices}) and was not voided: the invoice would stay due for "
              "goods that will not leave. If the order is off, issue a credit note for {invoices} (“Nota di credito”, "
              "with the invoice in “Fattura”), which closes the order too; if the goods will leave, ship it."},
    "unknown-request": {
        "it": "Nel registro non c'è la richiesta {request}: controlla il numero in «Cliente o richiesta» (quelle "
              "aperte: «Richieste aperte»).",
        "en": "The ledger has no request {request}: check the number in “Cliente o richiesta” (the open ones: "
              "“Richieste aperte”)."},
    "report-aging-ahead": {
        "it": "Lo scadenziario è al {day}, dopo oggi ({today}): le rate che scadono fino a quel giorno vi risultano "
              "già scadute e gli incassi di quei giorni non ci sono ancora. È una previsione, non la situazione di "
              "oggi: per quella metti in «Al» la data di oggi.",
        "en": "The aging is on {day}, after today ({today}): the dues falling due up to that day show as overdue "
              "already, and the payments of those days are not in it yet. It is a forecast, not today's position: "
              "for that, put today's date in “Al”."},
    "too-many-rows": {  # met by «Report», «Calendario», the three lists and «Pannello di controllo» alike
        "it": "{document}: {rows} righe, più di quante ne tiene un foglio di Excel ({limit}); non è stato scritto "
              "nulla. Per «Report» scegli un periodo più corto in «Dal» e «Al». Le liste leggono il solo giorno in "
              "«Data ordini» e il «Calendario» ha una riga per modello nei 31 giorni da «Data ordini»: nessuna "
              "cella le restringe di più. Il «Pannello di controllo» mostra tutti gli ordini aperti; una parte, "
              "dalla riga di comando, toolkit panel con --from e --to.",
        "en": "{document}: {rows} rows, more than an Excel sheet holds ({limit}); nothing was written. For “Report” "
              "choose a shorter period in “Dal” and “Al”. The lists read the one day in “Data ordini” and the "
              "“Calendario” has a row per template over the 31 days from “Data ordini”: no cell narrows them "
              "further. “Pannello di controllo” shows every open order; a part of them, from the command line, "
              "toolkit panel with --from and --to."},
    "output-holds-documents": {
        "it": "Il file {path} contiene già documenti del registro, {documents}: scriverci i nuovi {them} "
              "toglierebbe dal file, forse prima della stampa. Nulla è stato registrato. {choose_it}, oppure sposta "
              "il file ({reprinted} dalla riga di comando, toolkit print {kind} con --numbers).",
        "en": "The file {path} already holds documents of the ledger, {documents}: writing the new ones into it "
              "would take {them} out of the file, perhaps before {they_are} printed. Nothing was recorded. "
              "{choose_en}, or move the file away ({reprinted} from the command line, toolkit print {kind} with "
              "--numbers)."},
    "file-empty-workbook": {
        "it": "La cartella di lavoro {name} è vuota: parti dall'esempio (dalla riga di comando, toolkit sample) e "
              "inserisci i tuoi dati.",
        "en": "Workbook {name} is empty: start from the sample (from the command line, toolkit sample) and enter "
              "your data."},
    "ledger-busy": {
        "it": "Il registro è ancora occupato da {holder} dopo {wait} secondi: non ho scritto nulla. Premi di nuovo il "
              "pulsante più tardi, quando {holder} ha finito.",
        "en": "The ledger is still busy with {holder} after {wait} seconds: nothing was written. Press the button "
              "again later, once {holder} is done."},
    "ledger-unreachable": {
        "it": "Non riesco ad aprire il registro {url}: {reason}. I pulsanti usano il registro accanto alla cartella "
              "di lavoro, o quello di TOOLKIT_LEDGER_URL o di Registro in Impostazioni: controlla che la sua "
              "cartella o il suo server siano raggiungibili e l'indirizzo giusto.",
        "en": "Cannot open the ledger {url}: {reason}. The buttons use the ledger beside the workbook, or the one in "
              "TOOLKIT_LEDGER_URL or in Registro on Impostazioni: check that its folder or server can be reached and "
              "the address is right."},
    "ledger-address-reserved-character": {
        "it": "L'indirizzo del registro {url} ha nella password (o nel nome utente) un carattere che in un indirizzo "
              "vuol dire altro (@ / ? # :), e sarebbe letto come parte del server, della porta o del database: non "
              "l'ho usato e non ho scritto nulla. Nella variabile TOOLKIT_LEDGER_URL scrivi quei caratteri "
              "codificati, @ come %40, / come %2F, ? come %3F, # come %23, : come %3A e % come %25 (la password p@ss "
              "diventa p%40ss), oppure togli la password dall'indirizzo e mettila nel file pgpass di PostgreSQL; poi "
              "riapri Excel.",
        "en": "The ledger's address {url} holds in its password (or user name) a character that means something "
              "else in an address (@ / ? # :), and would be read as part of the server, the port or the database: "
              "it was not used and nothing was written. In the TOOLKIT_LEDGER_URL variable write those characters "
              "encoded, @ as %40, / as %2F, ? as %3F, # as %23, : as %3A and % as %25 (the password p@ss becomes "
              "p%40ss), or take the password out of the address and put it in PostgreSQL's password file; then "
              "reopen Excel."},
    "ledger-server-silent": {
        "it": "Il server del registro {url} non risponde ({reason}): è spento o si sta riavviando, la rete non lo "
              "raggiunge da questo PC, o l'indirizzo o la porta sono sbagliati. Non ho scritto nulla. Premi di nuovo "
              "il pulsante fra poco; se continua, chiedi a chi cura il server se è acceso e raggiungibile, e "
              "controlla l'indirizzo in Registro in Impostazioni (o nella variabile TOOLKIT_LEDGER_URL).",
        "en": "The ledger's server {url} does not answer ({reason}): it is off or restarting, the network does not "
              "reach it from this PC, or the address or the port is wrong. Nothing was written. Press the button "
              "again in a while; if it goes on, ask whoever looks after the server whether it is on and reachable, "
              "and check the address in Registro on Impostazioni (or in the TOOLKIT_LEDGER_URL variable)."},
    "ledger-server-gone": {
        "it": "Il server del registro {url} ha chiuso il collegamento mentre si apriva ({reason}): si è fermato, è "
              "caduto o si sta riavviando. Non ho scritto nulla. Premi di nuovo il pulsante fra qualche minuto, quando "
              "il server è di nuovo su; se continua, chiedi a chi cura il server di guardarne il log, e controlla che "
              "la porta dell'indirizzo in Registro in Impostazioni (o nella variabile TOOLKIT_LEDGER_URL) sia quella "
              "di PostgreSQL.",
        "en": "The ledger's server {url} closed the connection while it was opening ({reason}): it stopped, crashed "
              "or is restarting. Nothing was written. Press the button again in a few minutes, once the server is up "
              "again; if it goes on, ask whoever looks after the server to read its log, and check that the "
              "address's port in Registro on Impostazioni (or in the TOOLKIT_LEDGER_URL variable) is PostgreSQL's."},
    "ledger-password-wrong": {
        "it": "Il server del registro {url} non accetta la password scritta nell'indirizzo per l'utente {user} "
              "({reason}). Non ho scritto nulla. I pulsanti usano l'indirizzo della variabile TOOLKIT_LEDGER_URL: "
              "correggi la password lì e riapri Excel.",
        "en": "The ledger's server {url} does not accept the password written in the address for the user {user} "
              "({reason}). Nothing was written. The buttons use the address in the TOOLKIT_LEDGER_URL variable: "
              "correct the password there and reopen Excel."},
    "ledger-database-missing": {
        "it": "Sul server del registro {url} non c'è il database {database}: non ho scritto nulla. Controlla il nome "
              "del database in Registro in Impostazioni (o nella variabile TOOLKIT_LEDGER_URL); per iniziare un "
              "registro del team nuovo, fai creare il database vuoto a chi cura il server (createdb {database}, o "
              "CREATE DATABASE {database}), poi premi di nuovo il pulsante: le tabelle le crea il toolkit.",
        "en": "The ledger's server {url} has no database {database}: nothing was written. Check the database's name "
              "in Registro on Impostazioni (or in the TOOLKIT_LEDGER_URL variable); to start a new team ledger, have "
              "whoever looks after the server create the database, empty (createdb {database}, or CREATE DATABASE "
              "{database}), then press the button again: the toolkit makes its tables."},
    "ledger-team-not-named": {
        "it": "Il foglio Impostazioni dice che il registro di questa cartella di lavoro è quello del team (Registro "
              "«{setting}»), ma nessun registro è indicato: i pulsanti ne userebbero uno nuovo accanto alla cartella, "
              "con ordini, DDT e fatture numerati di nuovo da 1. Non ho fatto nulla. Scrivi in Registro l'indirizzo "
              "del registro del team, senza password (es. postgresql://server-db/ordini), e i pulsanti lo useranno "
              "da soli; oppure imposta la variabile TOOLKIT_LEDGER_URL e riapri Excel.",
        "en": "The Impostazioni sheet says this workbook's ledger is the team's (Ledger “shared”), but no ledger "
              "is named: the buttons would use a new one beside the workbook, numbering orders, DDTs and invoices "
              "from 1 again. Nothing was done. Write the team ledger's address, without a password, in Ledger "
              "(e.g. postgresql://server-db/ordini) and the buttons use it by themselves; or set the "
              "TOOLKIT_LEDGER_URL variable and reopen Excel."},
    "ledger-not-the-teams": {
        "it": "Il registro di TOOLKIT_LEDGER_URL, {given}, è un file SQLite, ma il foglio Impostazioni dice che il "
              "registro di questa cartella di lavoro è quello PostgreSQL del team (Registro «{setting}»): ordini, "
              "DDT e fatture prenderebbero numeri già dati nel registro del team. Non ho fatto nulla. Togli "
              "TOOLKIT_LEDGER_URL e scrivi in Registro l'indirizzo del registro del team, senza password, poi "
              "riapri Excel; se questa cartella lavora davvero da sola, svuota la cella Registro.",
        "en": "The ledger in TOOLKIT_LEDGER_URL, {given}, is a SQLite file, but the Impostazioni sheet says this "
              "workbook's ledger is the team's PostgreSQL one (Ledger “shared”): orders, DDTs and invoices "
              "would take numbers the team ledger already gave. Nothing was done. Remove TOOLKIT_LEDGER_URL and "
              "write the team ledger's address, without a password, in Ledger, then reopen Excel; if this "
              "workbook really works alone, empty the Ledger cell."},
    "ledger-not-the-workbooks": {
        "it": "Il registro di TOOLKIT_LEDGER_URL, {given}, non è quello di questa cartella di lavoro: il foglio "
              "Impostazioni indica in Registro {setting}. Due registri per la stessa ditta darebbero due volte gli "
              "stessi numeri a ordini, DDT e fatture, quindi non ho fatto nulla. Togli TOOLKIT_LEDGER_URL (i "
              "pulsanti usano Registro) o mettici lo stesso database, poi riapri Excel; se il registro del team è "
              "davvero cambiato, correggi Registro.",
        "en": "The ledger in TOOLKIT_LEDGER_URL, {given}, is not this workbook's: the Impostazioni sheet gives "
              "{setting} in Ledger. Two ledgers for one company would give orders, DDTs and invoices the same "
              "numbers twice, so nothing was done. Remove TOOLKIT_LEDGER_URL (the buttons use Ledger) or put the "
              "same database in it, then reopen Excel; if the team's ledger really moved, correct Ledger."},
    "ledger-connection-lost": {
        "it": "Il collegamento con il registro si è interrotto mentre il pulsante lavorava (il server PostgreSQL si è "
              "fermato o riavviato, o la rete è caduta): il server ha annullato l'operazione in corso, nulla è rimasto "
              "a metà. Quando il server risponde di nuovo premi ancora il pulsante: ciò che era già registrato non "
              "viene ripetuto.",
        "en": "The connection to the ledger was lost while the button was working (the PostgreSQL server stopped or "
              "restarted, or the network dropped): the server rolled back the action under way, nothing was left "
              "half-done. When the server answers again, press the button again: what was already stored is not "
              "repeated."},
    "ledger-history-beside": {
        "it": "Il registro del team {ledger} (TOOLKIT_LEDGER_URL) è ancora vuoto, ma accanto alla cartella di lavoro "
              "c'è il suo registro {file} con i documenti emessi finora. Nel registro del team ordini, DDT, fatture e "
              "nomi dei file delle fatture elettroniche ripartirebbero da 1, ripetendo numeri già inviati: non ho "
              "fatto nulla. Chi ha preparato il registro del team vi sposti prima lo storico, dalla riga di comando, "
              "toolkit ledger move \"{workbook}\" --to {to}. Per continuare invece con il registro accanto alla cartella "
              "togli TOOLKIT_LEDGER_URL e riapri Excel; per iniziare davvero da zero il registro del team, sposta "
              "{file} in un'altra cartella e conservalo.",
        "en": "The team ledger {ledger} (TOOLKIT_LEDGER_URL) is still empty, but the workbook's own ledger {file} "
              "beside it holds the documents issued so far. In the team ledger orders, DDTs, invoices and e-invoice "
              "file names would start from 1 again, repeating numbers already sent: nothing was done. Whoever set up "
              "the team ledger should move the history into it first, from the command line, toolkit ledger move "
              "\"{workbook}\" --to {to}. To go on with the ledger beside the workbook instead, remove "
              "TOOLKIT_LEDGER_URL and reopen Excel; to start the team ledger from scratch on purpose, move {file} to "
              "another folder and keep it."},
    "ledger-history-beside-setting": {
        "it": "Il registro del team {ledger} (cella Registro) è ancora vuoto, ma accanto alla cartella di lavoro c'è il "
              "suo registro {file} con i documenti emessi finora. Nel registro del team ordini, DDT, fatture e nomi "
              "dei file delle fatture elettroniche ripartirebbero da 1, ripetendo numeri già inviati: non ho fatto "
              "nulla. Chi ha preparato il registro del team vi sposti prima lo storico, dalla riga di comando, "
              "toolkit ledger move \"{workbook}\"{to}. Per continuare invece con il registro accanto alla "
              "cartella svuota la cella Registro (e togli TOOLKIT_LEDGER_URL, se c'è); per iniziare davvero da zero "
              "il registro del team, sposta {file} in un'altra cartella e conservalo.",
        "en": "The team ledger {ledger} (the Registro cell) is still empty, but the workbook's own ledger {file} "
              "beside it holds the documents issued so far. In the team ledger orders, DDTs, invoices and e-invoice "
              "file names would start from 1 again, repeating numbers already sent: nothing was done. Whoever set up "
              "the team ledger should move the history into it first, from the command line, toolkit ledger move "
              "\"{workbook}\"{to}. To go on with the ledger beside the workbook instead, empty the Registro "
              "cell (and remove TOOLKIT_LEDGER_URL, if set); to start the team ledger from scratch on purpose, move "
              "{file} to another folder and keep it."},
    "ledger-moved": {
        "it": "Il registro {ledger} è stato spostato nel registro del team (PostgreSQL): il file ora è "
              "{moved}, conservato per ristampare. Non ho fatto nulla. Scrivi l'indirizzo del registro del team "
              "(chiedilo a chi l'ha preparato), senza password, nella cella Registro del foglio Impostazioni e salva: "
              "vale per ogni PC; oppure imposta su questo PC la variabile TOOLKIT_LEDGER_URL con quell'indirizzo e "
              "riapri Excel.",
        "en": "The ledger {ledger} was moved into the team's ledger (PostgreSQL): the file is now {moved}, "
              "kept to reprint. Nothing was done. Write the team ledger's address (ask whoever set it up), without "
              "a password, in the Registro cell of the Impostazioni sheet and save: it holds for every PC; or set on "
              "this PC the TOOLKIT_LEDGER_URL variable to that address and reopen Excel."},
    "ledger-moved-beside": {
        "it": "Questa cartella di lavoro ({workbook}) non ha ancora un registro, ma accanto a lei c'è {moved}, il "
              "registro di un'altra spostato nel registro del team (PostgreSQL). Se è una copia della cartella del "
              "team, un registro nuovo farebbe ripartire da 1 ordini, DDT e fatture già numerati là: non ho fatto "
              "nulla, né creato {new}. Scrivi l'indirizzo del registro del team (chiedilo a chi l'ha preparato), "
              "senza password, nella "
              "cella Registro del foglio Impostazioni e salva. Se invece è davvero un'altra ditta, con una "
              "numerazione sua, chiudi la cartella di lavoro e mettila in una cartella sua: lì avrà il suo registro.",
        "en": "This workbook ({workbook}) has no ledger yet, but beside it is {moved}, another one's ledger moved into "
              "the team's ledger (PostgreSQL). If it is a copy of the team's workbook, a new ledger would number from "
              "1 orders, DDTs and invoices numbered there already: nothing was done, nor {new} created. Write the "
              "team ledger's address "
              "(ask whoever set it up), without a password, in the Registro cell of the Impostazioni sheet and save. "
              "If it really is another company, with numbers of its own, close the workbook and put it in a folder "
              "of its own: there it gets its own ledger."},
    "ledger-no-rights": {
        "it": "L'utente del registro PostgreSQL non ha i permessi necessari ({reason}): non è stato registrato nulla. "
              "I pulsanti usano il registro di TOOLKIT_LEDGER_URL (o di Registro in Impostazioni): chiedi "
              "all'amministratore del database di dare a quell'utente i permessi sul database del registro (la "
              "prima volta crea le tabelle: GRANT CREATE ON SCHEMA public; poi lettura e scrittura di tutte le "
              "tabelle), o metti in TOOLKIT_LEDGER_URL l'utente che ha creato il registro.",
        "en": "The PostgreSQL ledger's user lacks the rights it needs ({reason}): nothing was stored. The buttons "
              "use the ledger in TOOLKIT_LEDGER_URL (or in Registro on Impostazioni): ask the database "
              "administrator to grant that user rights on the ledger's database (the first time it creates the "
              "tables: GRANT CREATE ON SCHEMA public; then reading and writing every table), or put in "
              "TOOLKIT_LEDGER_URL the user that created the ledger."},
    "ledger-unsupported": {
        "it": "Il registro {url} non è utilizzabile: il toolkit tiene il registro in un file SQLite "
              "(sqlite:///percorso) o in PostgreSQL (postgresql://utente:password@server/database). Correggi "
              "TOOLKIT_LEDGER_URL.",
        "en": "The ledger {url} cannot be used: the toolkit keeps its ledger in a SQLite file (sqlite:///path) or in "
              "PostgreSQL (postgresql://user:password@server/database). Fix TOOLKIT_LEDGER_URL."},
    "ledger-bad-port": {
        "it": "La porta «{port}» del registro {url} non è un numero di porta: scrivi dopo i «:» la porta del server "
              "PostgreSQL (di solito 5432, che si può anche omettere: postgresql://server-db/ordini). Correggi "
              "TOOLKIT_LEDGER_URL.",
        "en": "The port “{port}” of the ledger {url} is not a port number: write after the “:” the PostgreSQL "
              "server's port (usually 5432, which may be left out: postgresql://server-db/ordini). Fix "
              "TOOLKIT_LEDGER_URL."},
    "ledger-folder-missing": {
        "it": "Il registro {path} è in una cartella che non c'è, {folder}: un disco o una cartella di rete non "
              "collegati, o il percorso scritto male. Non ho scritto nulla. I pulsanti usano il registro di "
              "TOOLKIT_LEDGER_URL: collega il disco (o la cartella condivisa) e premi di nuovo, oppure correggi quella "
              "variabile.",
        "en": "The ledger {path} is in a folder that is not there, {folder}: a drive or a network folder not "
              "connected, or the path mistyped. Nothing was written. The buttons use the ledger in TOOLKIT_LEDGER_URL: "
              "connect the drive (or the shared folder) and press again, or correct that variable."},
    "ledger-not-a-ledger": {
        "it": "Il file {path} non è un registro del toolkit utilizzabile ({reason}): non ho scritto nulla. "
              "Ripristinalo da una copia di sicurezza (i pulsanti usano il registro accanto alla cartella, o quello "
              "di TOOLKIT_LEDGER_URL).",
        "en": "The file {path} is not a usable ledger of the toolkit ({reason}): nothing was written. Restore it from a "
              "backup (the buttons use the ledger beside the workbook, or the one in TOOLKIT_LEDGER_URL)."},
    "ledger-of-another-program": {
        "it": "Il file {path} è il database di un altro programma, non un registro del toolkit: non ho scritto "
              "nulla. Ripristina il registro da una copia di sicurezza (i pulsanti usano il registro accanto alla "
              "cartella, o quello di TOOLKIT_LEDGER_URL).",
        "en": "The file {path} is another program's database, not a ledger of the toolkit: nothing was written. Restore "
              "the ledger from a backup (the buttons use the ledger beside the workbook, or the one in "
              "TOOLKIT_LEDGER_URL)."},
}
"""By problem code, what a button says in place of the services' words, in each language."""


def message(problem: Problem, lang: str) -> str:
    """The problem's message, in the button's words when its fix names an option."""
    templates = BY_BUTTON.get(problem.code)
    if templates is None:
        return problem.message(lang)
    return templates.get(lang, templates["it"]).format(**{k: shown(getattr(v, "at_panel", v), lang)
                                                          for k, v in problem.params})


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


WAITING_FOR_STOCK = define(
    "orders-waiting-for-stock", "warning",
    title=("Ordini in attesa di merce", "Orders waiting for stock"),
    it="{orders} in attesa di merce: vedi il «Pannello di controllo».",
    en="{orders} waiting for stock: see the “Pannello di controllo”.")

ROUTINE_STOCK = frozenset({"ship-partial-stock", "ship-line-held", "ship-order-held", "stock-reserved"})
"""The stock warnings of a day's DDTs issued at once: an item short, an order or a line held for
it. Many on a busy day, each of one order, and the panel lists those orders still to ship."""


def stock_in_one_line(problems: Sequence[Problem]) -> list[Problem]:
    """`problems` with the routine stock warnings (`ROUTINE_STOCK`) said in one line at the end,
    counting the orders they name (`WAITING_FOR_STOCK`): a box lists ten, and one per order
    pushed what the desk must act on out of it, where the panel shows each order waiting."""
    routine = [p for p in problems if p.code in ROUTINE_STOCK]
    if not routine:
        return list(problems)
    orders = {dict(p.params).get("number") for p in routine}
    return [*(p for p in problems if p.code not in ROUTINE_STOCK),
            WAITING_FOR_STOCK(None, orders=Counted(len(orders), ("ordine", "ordini"), ("order", "orders")))]
