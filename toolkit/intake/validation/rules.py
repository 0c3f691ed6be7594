"""Rules across records: codes unique, references resolvable, dates and prices coherent.

Each rule is a function `(master, layout) -> Iterable[Problem]`; `RULES` lists them in the
order a user would fix things. A rule never stops at the first finding.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache, partial
from itertools import compress, groupby, repeat
from operator import add, and_, gt, is_not, itemgetter, lt, ne, not_, or_
from typing import Any, cast

from toolkit.basics import tax_regimes, vat_ids
from toolkit.basics.cells import Location
from toolkit.basics.codes import folded
from toolkit.basics.dates import MonthList
from toolkit.basics.problems import Problem, ProblemType, define
from toolkit.basics.vocab import (
    DeliveryTerms,
    DocumentType,
    ExceptionAction,
    InvoiceTerms,
    PaymentMethod,
    PriceType,
    ScheduleKind,
)
from toolkit.basics.wording import Agreed, Grouped, first_numbers
from toolkit.core import payment_terms
from toolkit.core.drafts import net_unit_price
from toolkit.core.einvoice.build import UNIT, clip
from toolkit.core.einvoice.codes import (
    ABROAD,
    CIG_SHAPE,
    CUP_SHAPE,
    LEGAL_REFERENCES,
    LETTER_OF_INTENT,
    NO_CHANNEL,
    SAN_MARINO,
    abroad_code,
)
from toolkit.core.einvoice.fields import fold, legible
from toolkit.core.intent_ceiling import letter_key
from toolkit.core.letter_cited import OtherRows, SharingRows, buyer_ids, dated_for, dating_rows, first_dating
from toolkit.core.pricing import below_limit, price_book, template_price_list, unit_price
from toolkit.core.shipping import SERVICES_SERIES, missing_stock
from toolkit.core.vat import EXPORT_GOODS, GOODS_ABROAD, INTRA_EU_GOODS, SAN_MARINO_GOODS
from toolkit.intake.validation.addresses import addresses
from toolkit.intake.validation.case_variants import names_in_two_cases
from toolkit.intake.validation.einvoice_text import customer_texts
from toolkit.intake.validation.einvoice_text import not_in_einvoice as _not_in_einvoice
from toolkit.intake.validation.iban import iban
from toolkit.intake.validation.invoice_terms import invoice_terms
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.leftovers import sample_rows_left
from toolkit.intake.validation.letter_items import INTENT_WITHOUT_AMOUNT, amount_cell, letter_items
from toolkit.intake.validation.letter_revoked import letter_revoked
from toolkit.intake.validation.pricing_rules import derived_versions, price_rules, rounding_steps
from toolkit.intake.validation.rebates import discounts_and_commissions
from toolkit.intake.validation.records import column, distinct
from toolkit.intake.validation.registration import registration
from toolkit.intake.validation.unknown_codes import (
    TEMPLATE_CUSTOMER_GONE,
    UNKNOWN_REFERENCE,
    case_twins,
    unknown_code,
)
from toolkit.intake.validation.whole_units import whole_units
from toolkit.model.cells import FILES_SERIES, MONTH_END
from toolkit.model.headings import heading
from toolkit.model.records import (
    SERIES_SETTINGS,
    Customer,
    Item,
    MasterData,
    Price,
    PriceVersion,
    Record,
    Settings,
    Template,
    TemplateLine,
    public_administration,
)

Rule = Callable[[MasterData, Layout], Iterable[Problem]]

DUPLICATE_CODE = define(
    "duplicate-code", "error",
    it="Il codice «{code}» è già usato alla riga {first}: ogni riga deve avere un codice diverso.",
    en="Code “{code}” is already used in row {first}: every row needs a different code.")
WRONG_OWNER = define(
    "belongs-to-other-customer", "error",
    it="«{code}» appartiene al cliente {owner}, non a {customer}: scegli un codice del cliente {customer}.",
    en="“{code}” belongs to customer {owner}, not {customer}: choose one of customer {customer}'s codes.")
MISSING_FISCAL_ID = define(
    "missing-fiscal-id", "error",
    it="Il cliente {code} non ha né partita IVA né codice fiscale: inseriscine almeno uno (servono in fattura).",
    en="Customer {code} has neither VAT number nor tax code: fill in at least one (invoices need it).")
FOREIGN_WITHOUT_VAT = define(
    "foreign-customer-without-vat", "error",
    it="Il cliente {code} è estero (Paese {country}) ma non ha la partita IVA: scrivila con il prefisso del paese "
       "(es. SM12345, il suo codice operatore economico); il codice fiscale italiano non la sostituisce.",
    en="Customer {code} is abroad (country {country}) but has no VAT number: write it with its country prefix "
       "(e.g. SM12345, its economic operator code); an Italian tax code does not stand in for it.")
VAT_COUNTRY_MISMATCH = define(
    "vat-country-mismatch", "error",
    it="La partita IVA {value} del cliente {code} è di {found}, ma il suo Paese è {country}: correggi il Paese "
       "o la partita IVA (una partita IVA estera va scritta con il prefisso del suo paese).",
    en="Customer {code}'s VAT number {value} belongs to {found}, but its country is {country}: correct the "
       "country or the VAT number (a foreign one is written with its country prefix).")
INTRA_EU_WITHOUT_VAT = define(
    "intra-eu-supply-without-vat", "error",
    it="Il cliente {code} (Paese {country}) ha la Natura IVA N3.2, cessione intracomunitaria, ma non ha la partita "
       "IVA: la cessione è non imponibile solo verso un'impresa con la partita IVA del suo paese (VIES). Scrivila "
       "con il prefisso del paese (es. DE123456789); se è un privato, lascia vuota la Natura IVA: paga l'IVA "
       "italiana.",
    en="Customer {code} (country {country}) has VAT nature N3.2, intra-EU supply, but no VAT number: the supply is "
       "non-taxable only to a business with its own country's VAT number (VIES). Write it with its country prefix "
       "(e.g. DE123456789); if it is a private person, leave the VAT nature empty: it pays Italian VAT.")
EU_CONSUMER = define(
    "eu-private-customer", "warning",
    title=("Cliente privato UE", "EU private customer"),
    it="Il cliente {code} (Paese {country}) non ha partita IVA: è un privato, e le sue righe hanno l'IVA italiana "
       "dell'articolo, come le vendite a distanza finché, in un anno, non superano 10.000 € in tutta la UE "
       "(oltre, si paga l'IVA del suo paese con l'OSS, che il toolkit non fa). Se è un'impresa, scrivi la sua "
       "partita IVA con il prefisso del paese e N3.2 in Natura IVA.",
    en="Customer {code} (country {country}) has no VAT number: it is a private person, and its lines carry the "
       "item's Italian VAT, as distance sales do until, in a year, they exceed 10,000 € across the EU (beyond, "
       "its own country's VAT is due through the OSS, which the toolkit does not do). If it is a business, write "
       "its VAT number with its country prefix and N3.2 in VAT nature.")
EU_CUSTOMER_WITHOUT_NATURE = define(
    "eu-customer-without-nature", "warning",
    title=("Cliente UE senza natura IVA", "EU customer without VAT nature"),
    it="Il cliente {code} è in un altro paese UE ({country}) ma non ha la Natura IVA: le sue righe avranno "
       "l'aliquota dell'articolo (es. 22 %); per una cessione intracomunitaria scrivi N3.2.",
    en="Customer {code} is in another EU country ({country}) but has no VAT nature: its lines will carry the "
       "item's rate (e.g. 22 %); for an intra-EU supply write N3.2.")
FOREIGN_SDI_CODE = define(
    "foreign-customer-sdi-code", "error",
    it="Il cliente {code} è estero (Paese {country}) ma ha il codice SDI «{value}»: la sua fattura elettronica "
       "va a XXXXXXX; lascia vuoto il codice SDI o scrivi XXXXXXX (un codice di 6 caratteri è di un ufficio "
       "della pubblica amministrazione italiana).",
    en="Customer {code} is abroad (country {country}) but has SDI code “{value}”: its e-invoice goes to XXXXXXX; "
       "leave the SDI code empty or write XXXXXXX (a 6-character code is an Italian public office's).")
ABROAD_CODE_AT_HOME = define(
    "italian-customer-abroad-code", "error",
    it="Il cliente {code} è in Italia (Paese {country}) ma ha il codice SDI «{value}», che è dei soli clienti "
       "esteri: lo SDI scarterebbe la sua fattura elettronica (00313). Scrivi il suo "
       "codice destinatario di 7 caratteri, oppure lascia vuoto il codice SDI (0000000: la PEC o il suo cassetto "
       "fiscale); se il cliente è estero, correggi il Paese.",
    en="Customer {code} is in Italy (country {country}) but has SDI code “{value}”, which is for customers abroad "
       "only: SDI would reject its e-invoice (00313). Write its 7-character "
       "recipient code, or leave the SDI code empty (0000000: its PEC or its tax drawer); if the customer is "
       "abroad, correct the country.")
CUSTOMER_IS_SELLER = define(
    "customer-is-the-seller", "error",
    it="Il cliente {code} ha la partita IVA della tua azienda ({value}) ed è fatturato: lo SDI scarta una fattura "
       "intestata a sé stessi (00471; per il consumo interno o gli omaggi serve un'autofattura TD27, che il toolkit "
       "non emette). Correggi la partita IVA, oppure metti «Non fatturare» nei suoi termini di fatturazione se "
       "serve solo per i DDT.",
    en="Customer {code} has your company's VAT number ({value}) and is invoiced: SDI rejects an invoice made out "
       "to oneself (00471; own use or free goods take a self-invoice, TD27, which the toolkit does not issue). "
       "Correct the VAT number, or set its invoice terms to “Non fatturare” if it is only for DDTs.")
SAN_MARINO_SDI_CODE = define(
    "san-marino-sdi-code", "error",
    it="Il cliente {code} è a San Marino (Paese SM) ma ha il codice SDI «{value}»: la sua fattura elettronica "
       "va all'ufficio tributario di San Marino, codice 2R4GTO8; scrivi 2R4GTO8 o lascia vuoto il codice SDI.",
    en="Customer {code} is in San Marino (country SM) but has SDI code “{value}”: its e-invoice goes to San "
       "Marino's tax office, code 2R4GTO8; write 2R4GTO8 or leave the SDI code empty.")
SAN_MARINO_NATURE = define(
    "san-marino-customer-nature", "warning",
    title=("Cliente di San Marino senza natura N3.3", "San Marino customer without nature N3.3"),
    it="Il cliente {code} è a San Marino (Paese SM) ma la sua Natura IVA è {nature}: la merce venduta a San "
       "Marino è non imponibile (art. 71 DPR 633/72), scrivi N3.3 (i servizi andranno da soli in N2.1); "
       "senza natura le sue righe avranno l'aliquota dell'articolo (es. 22 %).",
    en="Customer {code} is in San Marino (country SM) but its VAT nature is {nature}: goods sold to San Marino "
       "are non-taxable (art. 71 DPR 633/72), write N3.3 (services will take N2.1 on their own); without a "
       "nature its lines carry the item's rate (e.g. 22 %).")
GOODS_NATURE_AT_HOME = define(
    "goods-abroad-nature-in-italy", "warning",
    title=("Natura di esportazione, cessione UE o verso San Marino per un cliente italiano",
           "Export, intra-EU or San Marino nature for an Italian customer"),
    it="Il cliente {code} è in Italia (Paese IT) ma ha la Natura IVA {nature} ({meaning}): tutte le sue righe "
       "andranno al 0 %. Se la merce resta in Italia togli la natura, se il cliente è estero correggi il Paese; "
       "lasciala solo nei rari casi previsti (es. esportazione triangolare).",
    en="Customer {code} is in Italy (country IT) but has VAT nature {nature} ({meaning}): all its lines will be "
       "at 0 %. If the goods stay in Italy remove the nature, if the customer is abroad correct the country; keep "
       "it only in the rare cases the law allows (e.g. a triangular export).")
NATURE_AGAINST_COUNTRY = define(
    "nature-against-country", "warning",
    title=("Natura IVA di un altro paese", "VAT nature of another country"),
    it="Il cliente {code} è in {place} (Paese {country}) ma ha la Natura IVA {nature} ({meaning}): per la merce "
       "venduta lì la natura è {expected}. Correggi la natura o il Paese; lasciala solo se la merce va davvero "
       "altrove (es. esportata fuori dalla UE per un cliente UE).",
    en="Customer {code} is in {place_en} (country {country}) but has VAT nature {nature} ({meaning}): goods sold "
       "there take {expected}. Correct the nature or the country; keep it only if the goods really go elsewhere "
       "(e.g. exported outside the EU for an EU customer).")
SPLIT_PAYMENT_WITH_NATURE = define(
    "split-payment-with-nature", "warning",
    title=("Scissione dei pagamenti senza IVA", "Split payment without VAT"),
    it="Cliente {code}: «Scissione pagamenti» è sì, ma la Natura IVA {nature} porta ogni riga al 0 %: non c'è "
       "IVA da scindere. Togli la natura o scrivi no nella scissione.",
    en="Customer {code}: “Scissione pagamenti” is sì, but VAT nature {nature} puts every line at 0 %: there is no "
       "VAT to split. Remove the nature or write no for split payment.")
SELLER_VAT_NOT_ITALIAN = define(
    "seller-vat-not-italian", "error",
    it="La partita IVA dell'azienda «{value}» è estera: in Impostazioni scrivi la tua partita IVA italiana "
       "(11 cifre), con cui sono nominate le fatture elettroniche.",
    en="The company's VAT number “{value}” is foreign: in Settings write your Italian partita IVA (11 digits), "
       "which names the e-invoices.")
DDT_SERIES_IS_SERVICES = define(
    "ddt-series-is-services", "error",
    it="La serie DDT «{value}» è quella dei servizi resi, che non viaggiano con un DDT: in Impostazioni scegli "
       "un'altra serie DDT (di solito DDT).",
    en="The DDT series “{value}” is the one of services rendered, which travel on no DDT: in Settings choose "
       "another DDT series (usually DDT).")
ITEM_TEXT_NOT_IN_EINVOICE = define(
    "item-text-not-in-einvoice", "error",
    it="Articolo {code}: «{value}» contiene {characters}, che la fattura elettronica non può portare: ogni fattura "
       "con questo articolo sarebbe emessa e poi rifiutata, e le righe di una fattura emessa non si cambiano più. "
       "Togli quei caratteri o sostituiscili (es. n° → nr, ☕ → caffè).",
    en="Item {code}: “{value}” holds {characters}, which the e-invoice cannot carry: every invoice with this item "
       "would be issued and then refused, and an issued invoice's lines never change. Remove those characters or "
       "replace them (e.g. n° → nr, ☕ → caffè).")
UNIT_CUT_IN_EINVOICE = define(
    "item-unit-cut-in-einvoice", "warning",
    title=("Unità di misura tagliata nella fattura elettronica", "Unit cut in the e-invoice"),
    it="Articolo {code}: l'unità di misura «{value}» ha {length} caratteri, la fattura elettronica ne porta "
       "{limit} e la scrive «{cut}», che può dire un'altra quantità (conf. da 100 → conf. da 1). Accorciala "
       "nel foglio Articoli (es. cf100).",
    en="Item {code}: the unit “{value}” has {length} characters, the e-invoice carries {limit} and writes "
       "“{cut}”, which may say another quantity (conf. da 100 → conf. da 1). Shorten it on the Items sheet "
       "(e.g. cf100).")
SERIES_TOO_LONG = define(
    "series-too-long-for-einvoice", "error",
    it="La serie «{value}» non entra nella fattura elettronica: i suoi numeri ({example}) hanno {length} "
       "caratteri, e FatturaPA ne accetta al massimo 20, senza accenti (numero della fattura, del DDT, dell'ordine "
       "citato): le fatture elettroniche non si potrebbero scrivere. In Impostazioni scrivi una serie di al "
       "massimo {most} caratteri senza accenti (es. FT).",
    en="The series “{value}” does not fit the e-invoice: its numbers ({example}) have {length} characters, and "
       "FatturaPA takes at most 20, without accents (the invoice's, the DDT's, the cited order's number): the "
       "e-invoices could not be written. In Settings write a series of at most {most} characters without accents "
       "(e.g. FT).")
NUMBERS_BEFORE_UNKNOWN_SERIES = define(
    "numbers-before-unknown-series", "error",
    it="«{series}» in «Numeri prima del toolkit» non è una serie di Impostazioni ({known}), né SDI: scrivi la serie "
       "come in «Serie fatture», «Serie note di credito», «Serie DDT» o «Serie ordini».",
    en="“{series}” in “Numbers before the toolkit” is not a series of the Settings ({known}), nor SDI: write the "
       "series as in “Invoice series”, “Credit note series”, “DDT series” or “Order series”.")
SERIES_SHARED = define(
    "series-shared", "error",
    it="«{own_it}» è «{value}», come «{other_it}»: le due numerazioni prenderebbero i numeri dallo stesso "
       "contatore, e ciascuna avrebbe dei buchi ({value}-2026-00001 {first_it}, {value}-2026-00002 {second_it}, …), "
       "dove fatture e DDT vanno numerati in progressione. In Impostazioni scrivi serie diverse (di solito FT, NC, "
       "DDT, OC): solo le note di credito possono usare la serie delle fatture.",
    en="“{own_en}” is “{value}”, as is “{other_en}”: the two numberings would draw from one counter, and each "
       "would have gaps ({value}-2026-00001 {first_en}, {value}-2026-00002 {second_en}, …), where invoices and "
       "DDTs are numbered in progression. In Settings write different series (usually FT, NC, DDT, OC): only credit "
       "notes may use the invoices' series.")
SHARING_ALLOWED = frozenset({frozenset({"invoice_series", "credit_note_series"})})
"""Credit notes may continue the invoices' numbering (one sequence of the sales register); any other
two documents drawing from one counter leave gaps in both."""
NUMBER_LENGTH = 20
"""A document number's most characters in FatturaPA (String20, of Basic Latin)."""
BAD_PAYMENT_TERMS = define(
    "bad-payment-terms", "error",
    it="Termini di pagamento «{value}» non riconosciuti: usa IMM, 30, 60, 30FM, FM+30, 30/60/90, MS10 o CONSEGNA.",
    en="Payment terms “{value}” not recognised: use IMM, 30, 60, 30FM, FM+30, 30/60/90, MS10 or CONSEGNA.")
BAD_SDI_CODE = define(
    "bad-sdi-code", "error",
    it="Il codice SDI «{value}» deve avere 7 caratteri (lettere e cifre; 6 per la PA).",
    en="SDI code “{value}” must have 7 characters (letters and digits; 6 for public bodies).")
BAD_CIG = define(
    "bad-cig", "error",
    it="Il CIG «{value}» deve avere 10 caratteri, lettere e cifre (es. ZA1B2C3D4E).",
    en="CIG “{value}” must have 10 characters, letters and digits (e.g. ZA1B2C3D4E).")
BAD_CUP = define(
    "bad-cup", "error",
    it="Il CUP «{value}» deve avere 15 caratteri, lettere e cifre (es. J11B21000010001).",
    en="CUP “{value}” must have 15 characters, letters and digits (e.g. J11B21000010001).")
BAD_INTENT_PROTOCOL = define(
    "bad-intent-protocol", "error",
    it="Il protocollo della dichiarazione d'intento «{value}» deve avere 17 cifre, un trattino (o una barra) e 6 "
       "cifre, come nella ricevuta dell'Agenzia delle Entrate (es. 26011512345678901-000001).",
    en="Letter of intent protocol “{value}” must have 17 digits, a dash (or a slash) and 6 digits, as on the "
       "Agenzia delle Entrate's receipt (e.g. 26011512345678901-000001).")
INTENT_WITHOUT_PROTOCOL = define(
    "letter-of-intent-without-protocol", "warning",
    title=("Dichiarazione d'intento senza protocollo", "Letter of intent without protocol"),
    it="Il cliente {code} acquista senza IVA con dichiarazione d'intento (Natura IVA N3.5), ma mancano il "
       "protocollo o la data della dichiarazione: le sue fatture devono citarli, e finché mancano la fatturazione "
       "rifiuta i suoi documenti (ordini e DDT si fanno). Scrivili nelle colonne «Protocollo dichiarazione "
       "d'intento» e «Data dichiarazione d'intento» del foglio Clienti (aggiungile se mancano), dalla ricevuta "
       "dell'Agenzia.",
    en="Customer {code} buys without VAT on a letter of intent (VAT nature N3.5), but the letter's protocol or "
       "date is missing: its invoices must cite them, and while they are missing invoicing refuses its documents "
       "(orders and DDTs are made). Write them in the Clienti sheet's columns “Protocollo dichiarazione "
       "d'intento” and “Data dichiarazione d'intento” (add them if missing), from the Agenzia's receipt.")
INTENT_UNDER_OTHER_NATURE = define(
    "letter-of-intent-under-other-nature", "warning",
    title=("Dichiarazione d'intento di un cliente con un'altra natura", "Letter of intent of a customer of another nature"),
    it="Il cliente {code} ha la dichiarazione d'intento {protocol}, ma la sua Natura IVA è {nature} ({meaning}), non "
       "N3.5: ogni sua riga va in {nature} e nessuna fattura cita la dichiarazione né ne usa l'importo. Se il cliente "
       "acquista con la dichiarazione scrivi N3.5 nella Natura IVA; se no togli il protocollo (dopo aver fatturato "
       "gli ordini fatti con N3.5, che lo citano).",
    en="Customer {code} has letter of intent {protocol}, but its VAT nature is {nature} ({meaning}), not N3.5: "
       "every line of it goes at {nature} and no invoice cites the letter or uses its amount. If the customer buys "
       "on the letter write N3.5 in its VAT nature; if not, clear the protocol (after invoicing the orders made at "
       "N3.5, which cite it).")
INTENT_AMOUNTS_DIFFER = define(
    "letter-of-intent-amounts-differ", "warning",
    title=("Una dichiarazione d'intento con due importi", "One letter of intent with two amounts"),
    it="La dichiarazione d'intento {protocol} del cliente {code} è anche del cliente {other} (la stessa lettera, "
       "su due righe di Clienti), ma qui ha importo {amount} € e là {other_amount} €: le righe ne usano insieme "
       "l'importo, e ciascuna si fermerebbe al proprio. Scrivi in entrambe l'importo della dichiarazione.",
    en="Customer {code}'s letter of intent {protocol} is customer {other}'s too (one letter, on two Clienti rows), "
       "but its amount here is {amount} € and there {other_amount} €: the rows use its amount together, and each "
       "would stop at its own. Write the letter's amount in both.")
INTENT_SHARED_WITHOUT_DATE = define(
    "letter-of-intent-shared-without-date", "warning",
    title=("Dichiarazione d'intento condivisa senza data", "Shared letter of intent without its date"),
    it="Il cliente {code} acquista senza IVA con la dichiarazione d'intento {protocol} (Natura IVA N3.5), che è "
       "anche del cliente {other} con data {day} ({cell}), ma qui la data manca: le fatture di {code} devono citare "
       "protocollo e data, e finché manca la fatturazione rifiuta i suoi documenti (ordini e DDT si fanno). Se è la "
       "stessa dichiarazione, scrivi {day} nella «Data dichiarazione d'intento» di {code}; se no, correggi il "
       "protocollo con quello della sua dichiarazione e scrivine la data.",
    en="Customer {code} buys without VAT on letter of intent {protocol} (VAT nature N3.5), which is customer "
       "{other}'s too, dated {day} ({cell}), but the date is missing here: {code}'s invoices must cite protocol and "
       "date, and while it is missing invoicing refuses its documents (orders and DDTs are made). If it is the same "
       "letter, write {day} in {code}'s “Data dichiarazione d'intento”; if not, correct the protocol to its own "
       "letter's and write that letter's date.")
INTENT_DATES_DIFFER = define(
    "letter-of-intent-dates-differ", "warning",
    title=("Una dichiarazione d'intento con due date", "One letter of intent with two dates"),
    it="La dichiarazione d'intento {protocol} del cliente {code} è anche del cliente {other} (la stessa lettera, "
       "su due righe di Clienti), ma qui ha data {day} e là {other_day} ({cell}): le fatture citano protocollo e "
       "data, e l'Agenzia abbina la vendita alla dichiarazione con entrambi, così quelle di uno dei due citerebbero "
       "una dichiarazione che non esiste. Scrivi in entrambe la data della ricevuta dell'Agenzia.",
    en="Customer {code}'s letter of intent {protocol} is customer {other}'s too (one letter, on two Clienti rows), "
       "but its date here is {day} and there {other_day} ({cell}): invoices cite protocol and date, and the Agenzia "
       "matches a sale to its letter by both, so one of the two customers' invoices would cite a letter that does "
       "not exist. Write the date of the Agenzia's receipt in both.")
INTENT_OTHER_BUYER = define(
    "letter-of-intent-other-buyer", "warning",
    title=("Una dichiarazione d'intento di due acquirenti", "One letter of intent of two buyers"),
    it="La dichiarazione d'intento {protocol} del cliente {code} ({ids}) è anche {of_customers} {others}, {another}: "
       "una dichiarazione la emette un esportatore abituale al suo fornitore, con il protocollo della ricevuta "
       "dell'Agenzia, e non è mai di due acquirenti. Le fatture dell'uno citerebbero la dichiarazione dell'altro, e "
       "le loro vendite senza IVA consumerebbero insieme un solo plafond. Copia in ciascuna riga protocollo e data "
       "della dichiarazione che quel cliente ti ha mandato.",
    en="Customer {code}'s letter of intent {protocol} ({ids}) is on the {of_customers} {others} too, "
       "{another}: a letter is issued by a habitual exporter to its supplier, with the protocol of the Agenzia's "
       "receipt, and is never two buyers'. One's invoices would cite the other's letter, and their sales without "
       "VAT would use one ceiling together. Copy into each row the protocol and date of the letter that customer "
       "sent you.")


@dataclass(frozen=True, slots=True)
class BuyerRow:
    """A *Clienti* row as `letter-of-intent-other-buyer` names it: its code, fiscal identity,
    protocol's cell, and whether it lacks the letter's date (the warned row itself then has no
    date warning of its own: this one says it; an earlier row named has its own unless a row of
    another buyer precedes it too, `_letter_of_intent`).

    >>> BuyerRow("C002", "P.IVA 07643520567", "Clienti!L3", True).shown("it")
    'C002 (P.IVA 07643520567, Clienti!L3, senza data)'
    """

    code: str | None
    ids: str
    cell: str | None
    undated: bool

    def shown(self, lang: str) -> str:
        said = ", ".join(x for x in (self.ids, self.cell, ("no date" if lang == "en" else "senza data")
                                                          if self.undated else None) if x)
        return f"{self.code} ({said})" if self.code else said


OTHER_ROWS_NAMED = 3
"""How many earlier rows of another buyer `letter-of-intent-other-buyer` names, the first in
sheet order; it counts the rest. Two buyers alternating on one protocol over 2,000 rows had
each warning name up to 1,000 rows (49,000 characters): the desk acts at the warned row's own
protocol, and the rows named show where the other buyer's letter is."""


@dataclass(frozen=True, slots=True)
class BuyerRows:
    """The earlier rows of another buyer sharing a protocol: the first few named (`rows`), the
    rest counted (`more`), with how many of those lack the date (`more_undated`).

    >>> rows = BuyerRows((BuyerRow("C1", "P.IVA 1", "Clienti!L2", False), BuyerRow("C2", "C.F. X", "Clienti!L3", False)))
    >>> rows.shown("it"), rows.shown("en")
    ('C1 (P.IVA 1, Clienti!L2) e C2 (C.F. X, Clienti!L3)', 'C1 (P.IVA 1, Clienti!L2) and C2 (C.F. X, Clienti!L3)')
    >>> BuyerRows(rows.rows, 1_997, 499).shown("it")
    'C1 (P.IVA 1, Clienti!L2), C2 (C.F. X, Clienti!L3) e altre 1.997 righe (499 senza data)'
    >>> BuyerRows(rows.rows[:1], 1, 0).shown("en")
    'C1 (P.IVA 1, Clienti!L2) and 1 more row'
    """

    rows: tuple[BuyerRow, ...]
    more: int = 0
    more_undated: int = 0

    def shown(self, lang: str) -> str:
        said = [row.shown(lang) for row in self.rows]
        if self.more:
            n, undated = Grouped(self.more).shown(lang), Grouped(self.more_undated).shown(lang)
            if lang == "en":
                rest = f"{n} more row{'s' if self.more > 1 else ''}" + (
                    "" if not self.more_undated else f" ({'' if self.more == 1 else undated + ' '}without a date)")
            else:
                rest = ("un'altra riga" if self.more == 1 else f"altre {n} righe") + (
                    "" if not self.more_undated else f" ({'' if self.more == 1 else undated + ' '}senza data)")
            said.append(rest)
        return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} {'and' if lang == 'en' else 'e'} {said[-1]}"


NEGATIVE_STOCK = define(
    "stock-negative", "error",
    it="La giacenza {value} dell'articolo {item} è sotto zero: in magazzino non c'è una quantità negativa, e con "
       "questa nessun ordine dell'articolo spedirebbe e ogni mancanza risulterebbe più grande del vero. Scrivi la "
       "quantità che c'è sullo scaffale (0 se non ce n'è).",
    en="Stock {value} of item {item} is below zero: a warehouse holds no negative quantity, and with it no order "
       "of the item would ship and every shortfall would be told larger than it is. Write the quantity on the "
       "shelf (0 if there is none).")
NEGATIVE_AMOUNT = define(
    "negative-amount", "error",
    it="L'importo {value} è negativo: scrivi un importo maggiore o uguale a zero.",
    en="Amount {value} is negative: write an amount of zero or more.")
MISSING_VAT_RATE = define(
    "missing-vat-rate", "error",
    it="L'articolo {code} non ha aliquota IVA né natura di esenzione: indica l'aliquota (es. 22) o la natura (es. N4).",
    en="Item {code} has neither VAT rate nor exemption nature: give the rate (e.g. 22) or the nature (e.g. N4).")
ZERO_RATE_NEEDS_NATURE = define(
    "zero-rate-needs-nature", "error",
    it="L'articolo {code} ha aliquota 0: indica la natura dell'esenzione (N1–N7), la fattura elettronica la richiede.",
    en="Item {code} has a 0 rate: give the exemption nature (N1–N7); e-invoices require it.")
BAD_NATURE = define(
    "bad-vat-nature", "error",
    it="La natura IVA «{value}» non esiste: usa un codice come N1, N2.1, N3.1, N4, N5, N6.1, N7.",
    en="VAT nature “{value}” does not exist: use a code such as N1, N2.1, N3.1, N4, N5, N6.1, N7.")
NATURE_WITH_RATE = define(
    "nature-with-rate", "error",
    it="L'articolo {code} ha sia aliquota {rate}% sia natura {nature}: la natura vale solo con aliquota 0.",
    en="Item {code} has both a {rate}% rate and nature {nature}: a nature applies only with a 0 rate.")
VAT_UNDER_REGIME = define(
    "vat-under-regime", "error",
    it="L'articolo {code} ha aliquota {rate}%, ma il Regime fiscale di Impostazioni è {regime}, {name}, che non "
       "addebita IVA: scrivi 0 in Aliquota IVA e {nature} in Natura IVA, o correggi il regime.",
    en="Item {code} has a {rate}% rate, but the Tax regime in Settings is {regime}, {name}, which charges no VAT: "
       "write 0 in VAT rate and {nature} in VAT nature, or correct the regime.")
NATURE_UNDER_REGIME = define(
    "nature-under-regime", "error",
    it="La natura IVA {nature} ({meaning}) non è di chi è nel Regime fiscale di Impostazioni, {regime}, {name}: "
       "ogni sua vendita è fuori campo IVA, {allowed}, anche verso l'estero, e la fattura cita la legge del "
       "regime. Scrivi {allowed} in Natura IVA, o correggi il regime.",
    en="VAT nature {nature} ({meaning}) is not one a seller under the Tax regime in Settings, {regime}, {name}, "
       "can use: each of its sales is outside VAT, {allowed}, abroad too, and the invoice cites the regime's law. "
       "Write {allowed} in VAT nature, or correct the regime.")
UNUSUAL_VAT_RATE = define(
    "unusual-vat-rate", "warning",
    title=("Aliquota IVA insolita", "Unusual VAT rate"),
    it="L'aliquota IVA {rate}% non è un'aliquota italiana (4, 5, 10, 22): controlla che sia giusta.",
    en="VAT rate {rate}% is not an Italian rate (4, 5, 10, 22): check that it is right.")
VAT_RATE_NOT_PERCENT = define(
    "vat-rate-not-percent", "error",
    it="L'aliquota IVA {rate}% è fra 0 e 1: lo SDI scarta la fattura elettronica con un'aliquota non espressa in "
       "percentuale (codice 00424), e la fattura sarebbe già emessa con quell'IVA. Scrivi l'aliquota in percentuale "
       "(22 per il 22%, non 0,22).",
    en="VAT rate {rate}% is between 0 and 1: SDI rejects an e-invoice whose rate is not in percent (code 00424), "
       "and the invoice would already be issued with that VAT. Write the rate in percent (22 for 22%, not 0.22).")
VAT_RATE_DECIMALS = define(
    "vat-rate-decimals", "error",
    it="L'aliquota IVA {rate}% ha più di due decimali, che la fattura elettronica non ammette: la fattura sarebbe "
       "emessa e il suo file non si potrebbe scrivere. Scrivi l'aliquota con al più due decimali (es. 7,65).",
    en="VAT rate {rate}% has more than two decimals, which the e-invoice does not allow: the invoice would be issued "
       "and its file could not be written. Write the rate with two decimals at most (e.g. 7.65).")
VAT_CHANGE_WITHOUT_DAY = define(
    "vat-change-without-day", "error",
    it="L'articolo {code} ha Nuova aliquota IVA {rate}% ma nessuna data in Dal: scrivi il primo giorno in cui vale "
       "(es. 01/01/2027), o svuota Nuova aliquota IVA.",
    en="Item {code} has a New VAT rate of {rate}% but no date in From: write the first day it holds "
       "(e.g. 01/01/2027), or clear New VAT rate.")
VAT_CHANGE_WITHOUT_RATE = define(
    "vat-change-without-rate", "error",
    it="L'articolo {code} ha Dal {day} ma nessuna Nuova aliquota IVA: scrivi l'aliquota che vale da quel giorno "
       "(es. 10), o svuota Dal.",
    en="Item {code} has From {day} but no New VAT rate: write the rate that holds from that day (e.g. 10), "
       "or clear From.")
ENDS_BEFORE_START = define(
    "ends-before-start", "error",
    it="La data finale {end} è prima di quella iniziale {start}: correggi una delle due.",
    en="End date {end} is before start date {start}: correct one of them.")
CLOSURE_TOO_LONG = define(
    "closure-too-long", "error",
    it="La chiusura dal {start} al {end} dura {days} giorni, più di un anno: correggi l'anno della data finale "
       "(una chiusura più lunga è un'attività ferma, non un calendario).",
    en="The closure from {start} to {end} lasts {days} days, more than a year: correct the end date's year "
       "(a longer closure is a business at a standstill, not a calendar).")
LONGEST_CLOSURE_DAYS = 366
"""A closure longer than a year is a typed year (06/01/2207 for 2027), and every day's planning
widens its window by the longest closure."""
OVERLAPPING_VERSIONS = define(
    "overlapping-versions", "error",
    it="La versione {version} del listino {price_list} si sovrappone alla versione {other} (dal {start}): "
       "fai finire una prima che inizi l'altra.",
    en="Version {version} of price list {price_list} overlaps version {other} (from {start}): end one before the other starts.")
PRICE_LIST_ENDS = define(
    "price-list-ends-before-templates", "warning",
    title=("Listino che finisce prima dei modelli", "Price list ending before its templates"),
    it="Il listino {price_list} finisce il {end} (versione {version}), ma i modelli attivi {templates} lo usano anche "
       "dopo: dal {next} i loro ordini non si potranno creare. Aggiungi in Versioni listino la versione che segue "
       "(dal {next}, con i suoi prezzi), oppure chiudi quei modelli con «Valido al».",
    en="Price list {price_list} ends on {end} (version {version}), but the active templates {templates} use it "
       "after that: from {next} their orders cannot be created. Add the next version on Price list versions (from "
       "{next}, with its prices), or end those templates with “Valid to”.")
VERSIONS_GAP = define(
    "price-versions-gap", "warning",
    title=("Giorni senza versione del listino", "Days without a price-list version"),
    it="Il listino {price_list} non ha una versione dal {first} al {last}: la versione {other} finisce il {end} e la "
       "{version} inizia il {start}, e gli ordini di quei giorni non avranno prezzo. Se non è voluto, fai iniziare la "
       "versione {version} il giorno dopo la fine della {other}.",
    en="Price list {price_list} has no version from {first} to {last}: version {other} ends on {end} and {version} "
       "starts on {start}, and the orders of those days will have no price. Unless meant, start version {version} "
       "the day after {other} ends.")
LIMIT_ABOVE_STANDARD = define(
    "limit-above-standard", "error",
    it="Il prezzo limite {limit} è sopra il prezzo standard {standard}: il limite è il prezzo più basso ammesso, abbassalo.",
    en="Limit price {limit} is above standard price {standard}: the limit is the lowest allowed price, lower it.")
DISCOUNT_BELOW_LIMIT = define(
    "discount-below-limit", "warning",
    title=("Sconto del listino sotto il prezzo limite", "Price-list discount below the limit price"),
    it="Lo sconto {discount} % porta il prezzo standard {standard} a {price}, sotto il prezzo limite {limit}: ogni "
       "ordine a prezzo standard di questo articolo (e ogni ordine importato) sarà rifiutato. Riduci lo sconto o "
       "abbassa il limite.",
    en="Discount {discount} % takes standard price {standard} to {price}, below limit price {limit}: every order "
       "of this item at the standard price (and every imported order) will be refused. Lower the discount or the "
       "limit.")
QUANTITY_NOT_POSITIVE = define(
    "quantity-not-positive", "error",
    it="La quantità {value} deve essere maggiore di zero (solo i resi possono avere quantità negative).",
    en="Quantity {value} must be greater than zero (only returns may have negative quantities).")
QUANTITY_ZERO = define(
    "quantity-zero", "error",
    it="La quantità è zero: scrivi la quantità da rendere oppure elimina la riga.",
    en="The quantity is zero: write the quantity to return or delete the row.")
NOT_EURO = define(
    "price-list-not-euro", "error",
    it="Il listino {code} è in {currency}: il toolkit fattura in euro, converti i prezzi del listino o imposta la valuta a EUR.",
    en="Price list {code} is in {currency}: the toolkit invoices in euro, convert the list's prices or set the currency to EUR.")
NO_PRICE_VERSION = define(
    "no-price-version", "error",
    it="Il listino {price_list} non ha una versione valida il {day}: aggiungi una versione che copra questa data.",
    en="Price list {price_list} has no version valid on {day}: add a version covering that date.")
NO_PRICE = define(
    "no-price", "error",
    it="L'articolo {item} non ha prezzo nel listino {price_list} versione {version} (valida il {day}): "
       "aggiungi il prezzo nel foglio Prezzi.",
    en="Item {item} has no price in price list {price_list} version {version} (valid on {day}): "
       "add its price to the Prices sheet.")
PRICE_BELOW_LIMIT = define(
    "price-below-limit", "error",
    it="Il prezzo {price} è sotto il prezzo limite {limit} dell'articolo {item}: alza il prezzo o il limite nel listino.",
    en="Price {price} is below item {item}'s limit price {limit}: raise the price, or the limit in the price list.")
SCHEDULE_PARAMETER = define(
    "schedule-parameter", "error",
    it="La pianificazione «{kind}» richiede «{it}»: {hint_it}.",
    en="Schedule “{kind}” needs “{en}”: {hint_en}.")
TEMPLATE_WITHOUT_LINES = define(
    "template-without-lines", "warning",
    title=("Modello senza righe", "Template without lines"),
    it="Il modello {code} non ha righe: non genererà ordini finché non aggiungi righe in Righe modello.",
    en="Template {code} has no lines: it will generate no orders until you add lines in Template lines.")
REFERENCE_TOO_LONG = define(
    "customer-reference-too-long", "error",
    it="Il riferimento ordine cliente «{value}» ha {length} caratteri come lo scrive la fattura elettronica («{sent}», "
       "€ diventa EUR): ne accetta al più {limit} (DatiOrdineAcquisto); accorcialo.",
    en="Customer order reference “{value}” has {length} characters as the e-invoice writes it (“{sent}”, € becomes "
       "EUR): it takes at most {limit} (DatiOrdineAcquisto); shorten it.")
REFERENCE_CHARACTERS = define(
    "customer-reference-not-in-einvoice", "error",
    it="Il riferimento ordine cliente «{value}» contiene {characters}, che la fattura elettronica non può portare "
       "(DatiOrdineAcquisto: lettere e cifre senza accenti): ogni fattura dei suoi ordini sarebbe emessa e poi "
       "rifiutata. Togli quei caratteri o sostituiscili (es. n° → nr).",
    en="Customer order reference “{value}” holds {characters}, which the e-invoice cannot carry (DatiOrdineAcquisto: "
       "letters and digits without accents): every invoice of its orders would be issued and then refused. Remove "
       "those characters or replace them (e.g. n° → nr).")
EXCEPTION_INCOMPLETE = define(
    "exception-needs-value", "error",
    it="L'eccezione «{action}» richiede anche «{it}»: compila la cella.",
    en="Exception “{action}” also needs “{en}”: fill in the cell.")
UNKNOWN_HOLIDAY_REGION = define(
    "unknown-holiday-region", "error",
    it="La regione festività «{value}» non è nota: usa la sigla di una provincia (es. MI, RM, TO) o lascia vuoto.",
    en="Holiday region “{value}” is unknown: use a province code (e.g. MI, RM, TO) or leave it empty.")
BAD_LANGUAGE = define(
    "bad-language", "error",
    it="La lingua «{value}» non è gestita: scrivi «it» o «en».",
    en="Language “{value}” is not supported: write “it” or “en”.")

PAID_BEFORE_INVOICED = define(
    "ships-after-payment-invoiced-after-delivery", "warning",
    title=("Spedisce dopo l'incasso ma fattura dopo la consegna", "Ships after payment but invoiced after delivery"),
    it="Cliente {code}: con i termini di consegna «Dopo l'incasso» la merce parte solo a fattura pagata, ma con i "
       "termini di fatturazione «{terms}» la fattura arriva solo dopo la consegna: i suoi ordini (tranne "
       "anticipati, POS e a credito, fatturati subito) non partono né si fatturano mai. Metti «Immediato» nei "
       "termini di fatturazione, oppure cambia i termini di consegna.",
    en="Customer {code}: with delivery terms “After receipt” goods leave only once the invoice is paid, but with "
       "invoice terms “{terms}” the invoice comes only after delivery: their orders (except prepay, POS and "
       "on-credit ones, invoiced at once) never ship nor get invoiced. Set the invoice terms to “Immediate”, or "
       "change the delivery terms.")
TERMS_IGNORED_ON_DELIVERY = define(
    "terms-ignored-cash-on-delivery", "warning",
    title=("Termini di pagamento ignorati: contrassegno", "Payment terms ignored: cash on delivery"),
    it="Cliente {code}: paga in contrassegno, quindi le sue fatture scadono alla consegna (l'autista incassa) e i "
       "termini «{value}» non contano. Scrivi CONSEGNA nei termini di pagamento, oppure cambia la modalità di "
       "pagamento se il cliente paga davvero con quei termini.",
    en="Customer {code}: pays cash on delivery, so their invoices fall due at delivery (the driver collects) and "
       "the terms “{value}” count for nothing. Write CONSEGNA in the payment terms, or change the payment method "
       "if the customer really pays on those terms.")
EXCLUDED_MONTHS_WITHOUT_DAY = define(
    "excluded-months-without-day", "error",
    it="Cliente {code}: i mesi esclusi «{months}» non dicono dove vanno le scadenze che vi cadono. Scrivi in "
       "Giorno di slittamento il giorno del mese successivo (es. 10: 31 agosto → 10 settembre) oppure FM per la sua "
       "fine.",
    en="Customer {code}: the excluded months “{months}” do not say where dues falling in them go. Write in Moved "
       "to day the day of the following month (e.g. 10: 31 August → 10 September) or FM for its end.")
DAY_WITHOUT_EXCLUDED_MONTHS = define(
    "moved-day-without-excluded-months", "warning",
    title=("Giorno di slittamento senza mesi esclusi", "Moved to day without excluded months"),
    it="Cliente {code}: il giorno di slittamento {day} non sposta nessuna scadenza senza mesi esclusi. Scrivi in "
       "Mesi esclusi i mesi in cui il cliente non paga (es. ago,dic), oppure svuota la cella.",
    en="Customer {code}: the moved-to day {day} moves no due without excluded months. Write in Excluded months "
       "the months the customer does not pay in (e.g. ago,dic), or clear the cell.")
EXCLUDED_MONTHS_MOVE_NOTHING = define(
    "excluded-months-move-nothing", "warning",
    title=("Mesi esclusi che non spostano nulla", "Excluded months that move nothing"),
    it="Cliente {code}: i mesi esclusi «{months}» non spostano nessuna scadenza: i termini «{terms}» fanno pagare "
       "alla fattura o alla consegna, nel giorno stesso. Se il cliente paga a termine, scrivi i giorni in Termini "
       "di pagamento (es. 30FM); altrimenti svuota Mesi esclusi e Giorno di slittamento.",
    en="Customer {code}: the excluded months “{months}” move no due: the terms “{terms}” are paid on the invoice or "
       "on delivery, that very day. If the customer pays later, write the days in Payment terms (e.g. 30FM); "
       "otherwise clear Excluded months and Moved to day.")
PUBLIC_BODY_WITHOUT_SPLIT_PAYMENT = define(
    "public-body-without-split-payment", "warning",
    title=("Pubblica amministrazione senza scissione dei pagamenti",
           "Public administration without split payment"),
    it="Cliente {code}: il codice SDI «{sdi_code}» è di una pubblica amministrazione, che di norma paga con la "
       "scissione dei pagamenti (art. 17-ter DPR 633/72), ma «Scissione pagamenti» è no: le sue fatture chiedono "
       "anche l'IVA. Scrivi sì (o lascia vuoto), oppure lascia no se l'ente ne è davvero escluso.",
    en="Customer {code}: SDI code “{sdi_code}” is a public administration's, which as a rule pays by split "
       "payment (art. 17-ter DPR 633/72), but “Scissione pagamenti” is no: their invoices ask for the VAT too. "
       "Write sì (or leave it empty), or keep no if the body is truly exempt.")
PUBLIC_BODY_WITHOUT_CIG = define(
    "public-body-without-cig", "warning",
    title=("Pubblica amministrazione senza CIG", "Public administration without CIG"),
    it="Cliente {code}: il codice SDI «{sdi_code}» è di una pubblica amministrazione ma il CIG è vuoto: la PA può "
       "rifiutare la fattura; alcuni acquisti ne sono esenti. Scrivi il CIG del contratto nella colonna CIG.",
    en="Customer {code}: SDI code “{sdi_code}” is a public administration's but the CIG is empty: the body may "
       "refuse the invoice; some purchases are exempt. Write the contract's CIG in the CIG column.")

REFERENCE_LIMIT = 20
"""FatturaPA's IdDocumento (String20Type): the customer's order reference goes there folded as
the e-invoice folds it (`fold`: € → EUR, so it is measured folded), and each order keeps the
reference it was made with, so a longer one is refused before any order carries it."""

NATURES = {"N1", "N2.1", "N2.2", "N3.1", "N3.2", "N3.3", "N3.4", "N3.5", "N3.6", "N4", "N5",
           *(f"N6.{i}" for i in range(1, 10)), "N7"}
ITALIAN_RATES = {0, 4, 5, 10, 22}
CENT_RATE = Decimal("0.01")
"""The finest step of a rate FatturaPA carries (AliquotaIVA: two decimals)."""


def _at(layout: Layout, record: Record, field: str):
    return layout.locate(record.source.sheet, record.source.row, field)  # type: ignore[attr-defined]


def _cell(layout: Layout, record: Record, field: str) -> str:
    """A record's cell as a message names it: `Clienti!M3`."""
    where = _at(layout, record, field)
    return str(Location(where.sheet, where.cell))


def _sheet(layout: Layout, key: str) -> str:
    return layout.locate(key).sheet


def unique_codes(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Each sheet's codes once. A template's code is compared without its case, as the ledger
    finds its orders (`ledger.orders.existing_numbers`): t004 beside T004 would be one
    template's orders for two."""
    keyed: Sequence[tuple[Sequence[Record], tuple[str, ...], str]] = (
        (master.customers, ("code",), "code"),
        (master.ship_to, ("code",), "code"),
        (master.contacts, ("code",), "code"),
        (master.items, ("code",), "code"),
        (master.price_lists, ("code",), "code"),
        (master.price_versions, ("price_list", "version"), "version"),
        (master.prices, ("price_list", "version", "item"), "item"),
        (master.price_rules, ("code",), "code"),
        (master.templates, ("code",), "code"),
        (master.carriers, ("code",), "code"),
        (master.stock or (), ("item",), "item"),
    )
    for records, fields, field in keyed:
        if len(fields) == 1 and records is not master.templates and len(distinct(records, field)) == len(records):
            continue
        keys = column(records, fields[0]) if len(fields) == 1 else list(zip(*(column(records, f) for f in fields)))
        if records is master.templates:
            keys = _folded_codes(keys)
        if len(set(keys)) == len(keys):
            continue
        first: dict[object, int] = {}
        for r, k in zip(records, keys):
            if k in first:
                shown = getattr(r, field) if len(fields) == 1 else " / ".join(getattr(r, f) for f in fields)
                yield DUPLICATE_CODE(_at(layout, r, field), code=shown, first=first[k])
            else:
                first[k] = r.source.row  # type: ignore[attr-defined]


def _folded_codes(codes: Sequence[Any]) -> list[str]:
    """`folded` of each code as text, with the two string methods mapped in C over the codes
    when they are all text, as a code column's are (30,000 templates at L)."""
    try:
        return list(map(str.casefold, map(str.strip, codes)))
    except TypeError:
        return [folded(str(k)) for k in codes]


def references(master: MasterData, layout: Layout) -> Iterator[Problem]:
    unread = layout.unread_codes
    customers = distinct(master.customers, "code") | unread.get("customers", frozenset())
    ship_to = _owners(master.ship_to) | dict.fromkeys(unread.get("ship_to", ()))
    contacts = _owners(master.contacts) | dict.fromkeys(unread.get("contacts", ()))
    items = distinct(master.items, "code") | unread.get("items", frozenset())
    lists = {p.code for p in master.price_lists} | unread.get("price_lists", frozenset())
    versions = {(v.price_list, v.version) for v in master.price_versions}
    templates = distinct(master.templates, "code") | unread.get("templates", frozenset())
    twins_of: dict[int, dict[str, list[str]]] = {}

    def missing(record: Record, field: str, known: Iterable[str], target: str) -> Problem:
        """`unknown_code` at the record's cell, each sheet's codes folded once, when first needed."""
        twins = twins_of.get(id(known))
        if twins is None:
            twins = twins_of[id(known)] = case_twins(known)
        return unknown_code(_at(layout, record, field), getattr(record, field), twins, _sheet(layout, target))

    def unknown_of(record: Record, *checks: tuple[str, AbstractSet, str]) -> Iterator[Problem]:
        """UNKNOWN_REFERENCE for each (field, known codes, target sheet) of the record, in order."""
        for field, known, target in checks:
            code = getattr(record, field)
            if code is not None and code not in known:
                yield missing(record, field, known, target)

    def unknown(records: Sequence[Record], *checks: tuple[str, AbstractSet, str]) -> Iterator[Problem]:
        """The same for each record of a sheet; one whose codes are all known, the usual case,
        costs set operations, not a loop."""
        if any(distinct(records, field) - known - {None} for field, known, _ in checks):
            for record in records:
                yield from unknown_of(record, *checks)

    yield from unknown(master.customers, ("price_list", lists, "price_lists"))
    yield from unknown(master.ship_to, ("customer", customers, "customers"))
    yield from unknown(master.contacts, ("customer", customers, "customers"))
    yield from unknown(master.price_versions, ("price_list", lists, "price_lists"), ("base_list", lists, "price_lists"))
    yield from unknown(master.price_rules, ("customer", customers, "customers"), ("item", items, "items"),
                       ("base_list", lists, "price_lists"))
    if set(zip(column(master.prices, "price_list"), column(master.prices, "version"))) <= versions and \
            distinct(master.prices, "price_list") <= lists:
        yield from unknown(master.prices, ("item", items, "items"))
    else:
        for p in master.prices:
            yield from unknown_of(p, ("price_list", lists, "price_lists"))
            if p.price_list in lists and (p.price_list, p.version) not in versions and not unread.get("price_versions"):
                yield unknown_code(_at(layout, p, "version"), p.version,
                                   case_twins(v for lst, v in versions if lst == p.price_list),
                                   _sheet(layout, "price_versions"))
            yield from unknown_of(p, ("item", items, "items"))
    for t in _templates_with_unknowns(master.templates, customers, lists, ship_to, contacts):
        for problem in unknown_of(t, ("customer", customers, "customers")):
            yield problem if problem.code != UNKNOWN_REFERENCE.code else TEMPLATE_CUSTOMER_GONE(
                _at(layout, t, "customer"), code=t.customer, target=_sheet(layout, "customers"), template=t.code,
                lines=_sheet(layout, "template_lines"))
        yield from unknown_of(t, ("price_list", lists, "price_lists"))
        for field, owners, target in (("ship_to", ship_to, "ship_to"), ("contact", contacts, "contacts")):
            code = getattr(t, field)
            if code is None:
                continue
            if code not in owners:
                yield missing(t, field, owners, target)
            elif owners[code] is not None and owners[code] != t.customer and t.customer in customers:
                yield WRONG_OWNER(_at(layout, t, field), code=code, owner=owners[code], customer=t.customer)
    yield from unknown(master.template_lines, ("template", templates, "templates"), ("item", items, "items"))
    yield from unknown(master.exceptions, ("template", templates, "templates"), ("item", items, "items"))
    yield from unknown(master.stock or (), ("item", items, "items"))


def _templates_with_unknowns(templates: Sequence[Template], customers: AbstractSet[str], lists: AbstractSet[str],
                             ship_to: Mapping[str, str | None], contacts: Mapping[str, str | None]) -> Sequence[Template]:
    """The templates `references` must look at one by one: all of them when any names a
    customer or list not known, or a delivery address or contact not known or another known
    customer's; none otherwise, the usual case, found with passes in C over the columns."""
    names = column(templates, "customer")
    if distinct(templates, "customer") - customers or distinct(templates, "price_list") - lists - {None}:
        return templates
    for field, owners in (("ship_to", ship_to), ("contact", contacts)):
        codes = column(templates, field)
        if set(codes) - owners.keys() - {None}:
            return templates
        owned_by = list(map(owners.get, codes))
        other = map(and_, map(is_not, owned_by, repeat(None)), map(ne, owned_by, names))
        if any(map(customers.__contains__, compress(names, other))):
            return templates
    return ()


def _owners(records: Sequence[Record]) -> dict[str, str | None]:
    """Each code's customer (a delivery address's or a contact's)."""
    return dict(zip(column(records, "code"), column(records, "customer")))


def customers(master: MasterData, layout: Layout) -> Iterator[Problem]:
    terms = cache(payment_terms.parse)
    seller = vat_ids.italian_digits(master.settings.vat_number)
    regime = master.settings.tax_regime
    country_of = {value: vat_ids.country_code(value) for value in distinct(master.customers, "country")}
    shared: dict[str, Customer] = {}
    named: dict[str, SharingRows] = defaultdict(SharingRows)
    dated = dating_rows(master.customers)
    for c in master.customers:
        country = country_of[c.country]
        at_home = country == "IT"
        yield from _fiscal_id(c, layout, country, regime)
        yield from _nature_under_regime(c, layout, regime)
        if seller and c.vat_number and c.invoice_terms is not InvoiceTerms.DO_NOT_INVOICE \
                and vat_ids.italian_digits(c.vat_number) == seller:
            yield CUSTOMER_IS_SELLER(_at(layout, c, "vat_number"), code=c.code, value=c.vat_number)
        deferred: bool | None = None
        try:
            deferred = terms(c.payment_terms).defers
        except ValueError:
            yield BAD_PAYMENT_TERMS(_at(layout, c, "payment_terms"), value=c.payment_terms)
        else:
            if deferred and c.payment_method is PaymentMethod.CASH_ON_DELIVERY:
                yield TERMS_IGNORED_ON_DELIVERY(_at(layout, c, "payment_terms"), code=c.code, value=c.payment_terms)
        if c.excluded_months and c.excluded_months_day is None:
            yield EXCLUDED_MONTHS_WITHOUT_DAY(_at(layout, c, "excluded_months"), code=c.code,
                                              months=MonthList(c.excluded_months))
        elif c.excluded_months and deferred is False:
            yield EXCLUDED_MONTHS_MOVE_NOTHING(_at(layout, c, "excluded_months"), code=c.code,
                                               months=MonthList(c.excluded_months), terms=c.payment_terms)
        elif c.excluded_months_day is not None and not c.excluded_months:
            yield DAY_WITHOUT_EXCLUDED_MONTHS(_at(layout, c, "excluded_months_day"), code=c.code,
                                              day="FM" if c.excluded_months_day == MONTH_END else c.excluded_months_day)
        if c.sdi_code and not _SDI_CODE_SHAPE.fullmatch(c.sdi_code):
            yield BAD_SDI_CODE(_at(layout, c, "sdi_code"), value=c.sdi_code)
        elif c.sdi_code and not at_home and c.sdi_code.strip().upper() not in _abroad_codes(c, country):
            refused = SAN_MARINO_SDI_CODE if country == SAN_MARINO else FOREIGN_SDI_CODE
            yield refused(_at(layout, c, "sdi_code"), code=c.code, country=country, value=c.sdi_code)
        elif c.sdi_code and at_home and c.sdi_code.strip().upper() == ABROAD:
            yield ABROAD_CODE_AT_HOME(_at(layout, c, "sdi_code"), code=c.code, country=country, value=c.sdi_code)
        elif c.split_payment is False and public_administration(c.sdi_code):
            yield PUBLIC_BODY_WITHOUT_SPLIT_PAYMENT(_at(layout, c, "split_payment"), code=c.code, sdi_code=c.sdi_code)
        yield from _public_codes(c, layout, at_home)
        ids = buyer_ids(c)
        letter = letter_key(c.intent_protocol) if c.intent_protocol else None
        earlier = named[letter].of_other_buyers(ids, OTHER_ROWS_NAMED) if letter else None
        yield from _letter_of_intent(c, layout, dated, earlier is not None)
        own = first_dating(c, dated)
        if earlier is not None:
            yield _other_buyer(c, layout, earlier)
        elif c.intent_date is not None and own is not None and own.intent_date != c.intent_date:
            yield INTENT_DATES_DIFFER(_at(layout, c, "intent_date"), code=c.code, protocol=c.intent_protocol,
                                      other=own.code, day=c.intent_date, other_day=own.intent_date,
                                      cell=_cell(layout, own, "intent_date"))
        if letter:
            named[letter].add(c, OTHER_ROWS_NAMED)
        if letter and c.intent_amount is not None and earlier is None:
            first = shared.setdefault(letter, c)
            if first.intent_amount is not None and first.intent_amount != c.intent_amount:
                yield INTENT_AMOUNTS_DIFFER(_at(layout, c, "intent_amount"), code=c.code, protocol=c.intent_protocol,
                                            other=first.code, amount=c.intent_amount.quantize(Decimal("0.01")),
                                            other_amount=first.intent_amount.quantize(Decimal("0.01")))
        if c.credit_limit is not None and c.credit_limit < 0:
            yield NEGATIVE_AMOUNT(_at(layout, c, "credit_limit"), value=c.credit_limit)
        if c.delivery_terms is DeliveryTerms.AFTER_RECEIPT and c.invoice_terms is not InvoiceTerms.IMMEDIATE:
            yield PAID_BEFORE_INVOICED(_at(layout, c, "invoice_terms"), code=c.code,
                                       terms=c.invoice_terms)


_SDI_CODE_SHAPE = re.compile(r"[A-Za-z0-9]{6,7}")


INTENT_PROTOCOL_SHAPE = r"\d{17}[-/]\d{6}"
"""The protocol the Agenzia gives a letter of intent: 17 digits, then the progressive's 6,
separated by a dash or a slash, both of which the Agenzia's instructions for RiferimentoTesto
allow (`08060120341234567-000001`)."""


def _buyer_named(c: Customer) -> str:
    """The customer's fiscal identity as a message names it: `P.IVA 07643520567`."""
    return ", ".join(f"{label} {value}" for label, value in (("P.IVA", c.vat_number), ("C.F.", c.tax_code)) if value)


def _other_buyer(c: Customer, layout: Layout, earlier: OtherRows) -> Problem:
    """`letter-of-intent-other-buyer` at `c`'s protocol: the earlier rows of other buyers giving
    it, the first few named and the rest counted (`SharingRows`)."""
    first, count, undated = earlier.first, earlier.count, earlier.undated
    return INTENT_OTHER_BUYER(_at(layout, c, "intent_protocol"), code=c.code, protocol=c.intent_protocol,
                              ids=BuyerRow(None, _buyer_named(c), None, c.intent_date is None),
                              others=BuyerRows(tuple(BuyerRow(e.code, _buyer_named(e), _cell(layout, e, "intent_protocol"),
                                                              e.intent_date is None) for e in first),
                                               count - len(first), undated),
                              of_customers=Agreed(count, ("del cliente", "dei clienti"),
                                                  ("row of customer", "rows of customers")),
                              another=Agreed(2 if earlier.several else 1, ("un altro acquirente", "altri acquirenti"),
                                             ("another buyer", "other buyers")))


def _letter_of_intent(c: Customer, layout: Layout, dated: Mapping[str, SharingRows], apart: bool
                      ) -> Iterator[Problem]:
    """A customer buying without VAT on a letter of intent (N3.5): its invoices must cite the
    letter's protocol and date (art. 1 c. 1 lett. c DL 746/83), which SDI does not check and the
    Agenzia matches against the letters it received. A row without the date of a letter a row of
    its buyer dates (`dated_for`) is told that row's date and cell: two customers of one buyer
    sharing its letter. A row sharing its protocol with an earlier row of another buyer (`apart`)
    is told so by `letter-of-intent-other-buyer`, which says it lacks the date: the protocol is
    the cell to correct, and a date copied from the other buyer's row would cite its letter. A
    row no earlier row of another buyer precedes has no such warning, so its missing date is
    told here, at its own cell, as any row's: the later warnings name the first few rows and
    count the rest. A letter beside another nature of the customer (N6.x, reverse charge, say),
    which every line takes over the items' natures, is cited by no invoice: a warning, not an
    error, as the buyer may well hold the letter (it can use its ceiling when it self-assesses a
    reverse charge) and the orders made while the row said N3.5 still cite it."""
    nature = c.vat_nature.strip().upper() if c.vat_nature else None
    if c.intent_protocol and not re.fullmatch(INTENT_PROTOCOL_SHAPE, c.intent_protocol):
        yield BAD_INTENT_PROTOCOL(_at(layout, c, "intent_protocol"), value=c.intent_protocol)
    elif nature == LETTER_OF_INTENT and c.intent_protocol and c.intent_date is None and apart:
        pass
    elif nature == LETTER_OF_INTENT and (other := dated_for(c, dated)) is not None:
        where = "intent_date" if "intent_date" in layout.columns.get(c.source.sheet, {}) else "intent_protocol"
        yield INTENT_SHARED_WITHOUT_DATE(_at(layout, c, where), code=c.code, protocol=c.intent_protocol,
                                         other=other.code, day=other.intent_date,
                                         cell=_cell(layout, other, "intent_date"))
    elif nature == LETTER_OF_INTENT and not (c.intent_protocol and c.intent_date):
        where = next((name for name in ("intent_protocol", "intent_date")
                      if not getattr(c, name) and name in layout.columns.get(c.source.sheet, {})), "vat_nature")
        yield INTENT_WITHOUT_PROTOCOL(_at(layout, c, where), code=c.code)
    elif nature == LETTER_OF_INTENT and c.intent_amount is None:
        yield INTENT_WITHOUT_AMOUNT(amount_cell(layout, c), code=c.code, protocol=c.intent_protocol)
    elif nature in NATURES and nature != LETTER_OF_INTENT and c.intent_protocol:
        yield INTENT_UNDER_OTHER_NATURE(_at(layout, c, "intent_protocol"), code=c.code, protocol=c.intent_protocol,
                                        nature=nature, meaning=LEGAL_REFERENCES[nature])
    if c.intent_amount is not None and c.intent_amount < 0:
        yield NEGATIVE_AMOUNT(_at(layout, c, "intent_amount"), value=c.intent_amount)


def _public_codes(c: Customer, layout: Layout, at_home: bool) -> Iterator[Problem]:
    """The CIG and CUP a public administration's e-invoice carries: of their legal shape, since
    SDI passes any text and only the body, refusing the invoice, finds the mistake."""
    if c.cig and not re.fullmatch(CIG_SHAPE, c.cig):
        yield BAD_CIG(_at(layout, c, "cig"), value=c.cig)
    elif not c.cig and at_home and public_administration(c.sdi_code):
        where = "cig" if "cig" in layout.columns.get(c.source.sheet, {}) else "sdi_code"
        yield PUBLIC_BODY_WITHOUT_CIG(_at(layout, c, where), code=c.code, sdi_code=c.sdi_code)
    if c.cup and not re.fullmatch(CUP_SHAPE, c.cup):
        yield BAD_CUP(_at(layout, c, "cup"), value=c.cup)


def _abroad_codes(c: Customer, country: str) -> tuple[str, ...]:
    """The codes a customer abroad may have in Codice SDI: its country's (`abroad_code`), and
    0000000 for a private person with an Italian codice fiscale, where its e-invoice goes."""
    if c.tax_code and not c.vat_number and country != SAN_MARINO:
        return abroad_code(country), NO_CHANNEL
    return (abroad_code(country),)


def _fiscal_id(c: Customer, layout: Layout, country: str, regime: str = tax_regimes.ORDINARY) -> Iterator[Problem]:
    """Who the customer is to the tax office: in Italy a partita IVA or a codice fiscale; abroad
    its country's VAT number, matching its Paese (`country`, read by `vat_ids.country_code`), or
    none for a private person (a consumer, named in its e-invoice as the Agenzia's FAQ says,
    `build.CONSUMER_ABROAD`, with its Italian codice fiscale if it has one), who buys nothing as
    an intra-EU supply; San Marino's operators always by their COE; and, in another EU country,
    why no VAT (not asked of a seller whose regime charges none: its lines are all the regime's
    nature)."""
    nature = c.vat_nature.strip().upper() if c.vat_nature else None
    if nature and nature not in NATURES:
        yield BAD_NATURE(_at(layout, c, "vat_nature"), value=c.vat_nature)
    if country == "IT" and not c.vat_number and not c.tax_code:
        yield MISSING_FISCAL_ID(_at(layout, c, "vat_number"), code=c.code)
    elif country == SAN_MARINO and not c.vat_number:
        yield FOREIGN_WITHOUT_VAT(_at(layout, c, "vat_number"), code=c.code, country=country)
    elif country != "IT" and not c.vat_number and nature == INTRA_EU_GOODS:
        yield INTRA_EU_WITHOUT_VAT(_at(layout, c, "vat_number"), code=c.code, country=country)
    elif c.vat_number and vat_ids.vat_country(c.vat_number) != country:
        yield VAT_COUNTRY_MISMATCH(_at(layout, c, "vat_number"), code=c.code, value=c.vat_number,
                                   found=vat_ids.vat_country(c.vat_number), country=country)
    if country in vat_ids.EU_COUNTRIES and country != "IT" and not nature and regime not in tax_regimes.WITHOUT_VAT:
        if not c.vat_number:
            yield EU_CONSUMER(_at(layout, c, "vat_number"), code=c.code, country=country)
        else:
            yield EU_CUSTOMER_WITHOUT_NATURE(_at(layout, c, "vat_nature"), code=c.code, country=country)
    if regime in tax_regimes.WITHOUT_VAT:
        pass  # every sale is at the regime's nature (`_nature_under_regime`), none of goods abroad to advise
    elif country == SAN_MARINO and nature != SAN_MARINO_GOODS:
        yield SAN_MARINO_NATURE(_at(layout, c, "vat_nature"), code=c.code, nature=nature)
    elif country == "IT" and nature in GOODS_ABROAD:
        yield GOODS_NATURE_AT_HOME(_at(layout, c, "vat_nature"), code=c.code, nature=nature,
                                   meaning=LEGAL_REFERENCES[nature])
    elif country not in ("IT", SAN_MARINO) and nature in GOODS_ABROAD:
        yield from _nature_of_elsewhere(c, layout, country, nature)
    if nature and c.split_payment:
        yield SPLIT_PAYMENT_WITH_NATURE(_at(layout, c, "split_payment"), code=c.code, nature=nature)


def _nature_under_regime(record: Customer | Item, layout: Layout, regime: str) -> Iterator[Problem]:
    """A nature a seller under a regime without VAT (`tax_regimes.WITHOUT_VAT`: RF19, RF02) cannot
    use, at its cell. Everything such a seller sells is outside VAT at the regime's nature (N2.2,
    the Agenzia's instructions), an intra-EU supply or an export too: N3.2 would declare a
    non-taxable supply under art. 41 DL 331/93 that a forfettario cannot make, in a file saying
    RF19, and a customer's nature overrides every item's. N1 (amounts excluded, art. 15) stays
    open to items, as the charged stamp duty's line is."""
    own = tax_regimes.WITHOUT_VAT.get(regime)
    nature = record.vat_nature.strip().upper() if record.vat_nature else None
    if own is None or nature is None or nature not in NATURES or nature == own:
        return
    if isinstance(record, Item) and nature in tax_regimes.natures_under(regime):
        return
    yield NATURE_UNDER_REGIME(_at(layout, record, "vat_nature"), nature=nature, meaning=LEGAL_REFERENCES[nature],
                              regime=regime, name=tax_regimes.REGIMES[regime], allowed=own)


def _nature_of_elsewhere(c: Customer, layout: Layout, country: str, nature: str) -> Iterator[Problem]:
    """Goods sold to another member state are an intra-EU supply (N3.2), anywhere else outside
    Italy and San Marino an export (N3.1): the other nature is warned, not refused, since goods
    may lawfully go elsewhere than the buyer's country (an EU buyer's goods exported). Northern
    Ireland (Paese GB, a VAT number `XI…`) buys goods as the EU does (Windsor Framework)."""
    eu = country in vat_ids.EU_COUNTRIES or (c.vat_number or "").startswith(vat_ids.NORTHERN_IRELAND)
    expected = INTRA_EU_GOODS if eu else EXPORT_GOODS
    if nature != expected:
        place, place_en = ("un altro paese UE", "another EU country") if eu else (
            "un paese fuori dalla UE", "a country outside the EU")
        yield NATURE_AGAINST_COUNTRY(_at(layout, c, "vat_nature"), code=c.code, country=country, nature=nature,
                                     meaning=LEGAL_REFERENCES[nature], expected=expected, place=place,
                                     place_en=place_en)


def items(master: MasterData, layout: Layout) -> Iterator[Problem]:
    regime = master.settings.tax_regime
    no_vat = tax_regimes.WITHOUT_VAT.get(regime)
    for i in _items_to_look_at(master.items, bool(no_vat)):
        for field, ascii_only in (("description", False), ("unit", True)):
            if bad := _not_in_einvoice(getattr(i, field), ascii_only):
                yield ITEM_TEXT_NOT_IN_EINVOICE(_at(layout, i, field), code=i.code, value=legible(getattr(i, field)),
                                                characters=" ".join(map(legible, bad)))
            elif field == "unit" and len(unit := fold(i.unit, ascii_only=True) or "") > UNIT:
                yield UNIT_CUT_IN_EINVOICE(_at(layout, i, "unit"), code=i.code, value=i.unit, length=len(unit),
                                           limit=UNIT, cut=clip(unit, UNIT))
        if no_vat and i.vat_rate:
            yield VAT_UNDER_REGIME(_at(layout, i, "vat_rate"), code=i.code, rate=i.vat_rate, regime=regime,
                                   name=tax_regimes.REGIMES[regime], nature=no_vat)
        yield from _nature_under_regime(i, layout, regime)
        nature = i.vat_nature.upper() if i.vat_nature else None
        fault = _vat_fault(i.vat_rate, None if i.vat_rate and i.new_vat_rate == 0 else nature)
        if fault is BAD_NATURE:
            yield BAD_NATURE(_at(layout, i, "vat_nature"), value=i.vat_nature)
        elif fault is MISSING_VAT_RATE:
            yield MISSING_VAT_RATE(_at(layout, i, "vat_rate"), code=i.code)
        elif fault is ZERO_RATE_NEEDS_NATURE:
            yield ZERO_RATE_NEEDS_NATURE(_at(layout, i, "vat_nature"), code=i.code)
        elif fault is NATURE_WITH_RATE:
            yield NATURE_WITH_RATE(_at(layout, i, "vat_nature"), code=i.code, rate=i.vat_rate, nature=nature)
        elif fault is not None:
            yield fault(_at(layout, i, "vat_rate"), rate=i.vat_rate)
        if i.new_vat_rate is not None or i.vat_from is not None:
            yield from _vat_change(i, layout, no_vat, regime, nature)


def _vat_change(i: Item, layout: Layout, no_vat: str | None, regime: str, nature: str | None) -> Iterator[Problem]:
    """A rate change written ahead (*Nuova aliquota IVA* from *Dal*): both or neither, and the new
    rate judged as *Aliquota IVA* is, at its own cell. *Natura* is the nature of whichever of the
    two rates is 0 (a book at 0 % N4 taxed at 4 % from *Dal*): the other rate has none."""
    if i.new_vat_rate is None:
        yield VAT_CHANGE_WITHOUT_RATE(_at(layout, i, "new_vat_rate"), code=i.code, day=i.vat_from)
        return
    if i.vat_from is None:
        yield VAT_CHANGE_WITHOUT_DAY(_at(layout, i, "vat_from"), code=i.code, rate=i.new_vat_rate)
    at = _at(layout, i, "new_vat_rate")
    if no_vat and i.new_vat_rate:
        yield VAT_UNDER_REGIME(at, code=i.code, rate=i.new_vat_rate, regime=regime,
                               name=tax_regimes.REGIMES[regime], nature=no_vat)
    fault = _vat_fault(i.new_vat_rate, None if i.new_vat_rate and not i.vat_rate else nature)
    if fault is ZERO_RATE_NEEDS_NATURE:
        yield ZERO_RATE_NEEDS_NATURE(at, code=i.code)
    elif fault is NATURE_WITH_RATE:
        yield NATURE_WITH_RATE(at, code=i.code, rate=i.new_vat_rate, nature=nature)
    elif fault in (UNUSUAL_VAT_RATE, VAT_RATE_NOT_PERCENT, VAT_RATE_DECIMALS):
        yield fault(at, rate=i.new_vat_rate)


def _vat_fault(rate: Decimal | None, nature: str | None) -> ProblemType | None:
    """Which of an item's VAT problems its rate and nature (in capitals) make, if any."""
    if nature and nature not in NATURES:
        return BAD_NATURE
    if rate is None and not nature:
        return MISSING_VAT_RATE
    if rate == 0 and not nature:
        return ZERO_RATE_NEEDS_NATURE
    if rate and nature:
        return NATURE_WITH_RATE
    if rate is not None and 0 < rate < 1:
        return VAT_RATE_NOT_PERCENT
    if rate is not None and rate != rate.quantize(CENT_RATE):
        return VAT_RATE_DECIMALS
    if rate is not None and rate not in ITALIAN_RATES:
        return UNUSUAL_VAT_RATE
    return None


def _items_to_look_at(items: Sequence[Item], no_vat: bool) -> Sequence[Item]:
    """The items, in order, that `items` may find a problem in: a description not ASCII, a unit
    the e-invoice cannot carry whole, a VAT rate and nature that do not go together (or any rate
    or nature under a regime without VAT, `_nature_under_regime`). Any other has none, so the rule looks at these alone: at L,
    2,700 of 20,000 items, of 7 units and 4 rates. Each distinct unit and (rate, nature) is
    judged once, equal values alike, the rest found with passes in C over the columns."""
    descriptions, units = column(items, "description"), column(items, "unit")
    try:
        accented = list(compress(range(len(items)), map(not_, map(str.isascii, descriptions))))
    except TypeError:  # a description that is not text
        return items
    look = {i for i in accented if _may_leave_latin1(descriptions[i])}
    cut = {u for u in set(units) if _not_in_einvoice(u, True) or len(fold(u, ascii_only=True) or "") > UNIT}
    if cut:
        look.update(compress(range(len(items)), map(cut.__contains__, units)))
    vat = list(zip(column(items, "vat_rate"), column(items, "vat_nature")))
    wrong = {(rate, nature) for rate, nature in set(vat)
             if (no_vat and (rate or nature)) or _vat_fault(rate, nature.upper() if nature else None) is not None}
    if wrong:
        look.update(compress(range(len(items)), map(wrong.__contains__, vat)))
    for changes in (column(items, "new_vat_rate"), column(items, "vat_from")):
        if changes.count(None) != len(changes):
            look.update(n for n, x in enumerate(changes) if x is not None)
    return [items[i] for i in sorted(look)] if len(look) < len(items) else items


_C1_CONTROLS = re.compile("[\x80-\x9f]")


def _may_leave_latin1(text: str) -> bool:
    """Whether `fold` may leave a character beyond Latin-1 in this text, as `_not_in_einvoice`
    finds for a description: only when it has one already, or a C1 control, which `fold` reads
    as Windows-1252 meant it (U+0083 is ƒ). Folding Latin-1 text otherwise keeps it Latin-1
    (normalizing composes nothing without a combining mark, and the typography's replacements
    are ASCII), so the 2,700 descriptions with an accent of L are not each folded to find it."""
    return max(text) > "\xff" or _C1_CONTROLS.search(text) is not None


def periods(master: MasterData, layout: Layout) -> Iterator[Problem]:
    spans = [(r, "valid_from", "valid_to") for r in (*master.price_versions, *master.templates)]
    spans += [(r, "date_from", "date_to") for r in master.closures]
    for r, start_field, end_field in spans:
        start, end = getattr(r, start_field), getattr(r, end_field)
        if end is not None and end < start:
            yield ENDS_BEFORE_START(_at(layout, r, end_field), start=start, end=end)
    for c in master.closures:
        days = (c.date_to - c.date_from).days + 1
        if days > LONGEST_CLOSURE_DAYS:
            yield CLOSURE_TOO_LONG(_at(layout, c, "date_to"), start=c.date_from, end=c.date_to, days=days)


def price_versions(master: MasterData, layout: Layout) -> Iterator[Problem]:
    by_list = defaultdict(list)
    for v in master.price_versions:
        by_list[v.price_list].append(v)
    for versions in by_list.values():
        versions.sort(key=lambda v: v.valid_from)
        yield from _list_ends_before_templates(master, layout, versions[-1])
        for before, after in zip(versions, versions[1:]):
            if before.valid_to is None or before.valid_to >= after.valid_from:
                yield OVERLAPPING_VERSIONS(_at(layout, after, "valid_from"), version=after.version,
                                           price_list=after.price_list, other=before.version, start=before.valid_from)
            elif after.valid_from - before.valid_to > timedelta(days=1):
                yield VERSIONS_GAP(_at(layout, after, "valid_from"), price_list=after.price_list, version=after.version,
                                   other=before.version, end=before.valid_to, start=after.valid_from,
                                   first=before.valid_to + timedelta(days=1), last=after.valid_from - timedelta(days=1))


def _list_ends_before_templates(master: MasterData, layout: Layout, last: PriceVersion) -> Iterator[Problem]:
    """A list whose last version ends (31/12, as lists often do) while active templates priced
    by it go on: told at the check, not on the first day of the new year, when `orders create`
    refuses the whole day for them."""
    if last.valid_to is None:
        return
    lists = {c.code: c.price_list for c in master.customers}
    outliving = [t.code for t in master.templates
                 if t.active and t.customer in lists and template_price_list(t, lists[t.customer]) == last.price_list
                 and (t.valid_to is None or t.valid_to > last.valid_to)]
    if outliving:
        yield PRICE_LIST_ENDS(_at(layout, last, "valid_to"), price_list=last.price_list, version=last.version,
                              end=last.valid_to, next=last.valid_to + timedelta(days=1),
                              templates=first_numbers(outliving))


def price_lists(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Invoices, their VAT and the FatturaPA are in euro: a list in another currency would be read as euro."""
    for p in master.price_lists:
        if p.currency.upper() != "EUR":
            yield NOT_EURO(_at(layout, p, "currency"), code=p.code, currency=p.currency)


def prices(master: MasterData, layout: Layout) -> Iterator[Problem]:
    for p in _prices_to_look_at(master.prices):
        for field in ("list_price", "standard_price", "limit_price"):
            value = getattr(p, field)
            if value is not None and value < 0:
                yield NEGATIVE_AMOUNT(_at(layout, p, field), value=value)
        if p.limit_price is not None and p.limit_price > p.standard_price:
            yield LIMIT_ABOVE_STANDARD(_at(layout, p, "limit_price"), limit=p.limit_price, standard=p.standard_price)
    yield from _discounts_below_limit(master.prices, layout)


def _discounts_below_limit(prices: Sequence[Price], layout: Layout) -> Iterator[Problem]:
    """A version's discount that takes an item's standard price below its limit (a limit above
    the standard price is reported as such): the orders would be refused one by one at pricing,
    and the cell to correct is the discount's. Only the few prices with both are looked at."""
    both = map(and_, map(is_not, column(prices, "discount"), repeat(None)),
               map(is_not, column(prices, "limit_price"), repeat(None)))
    for p in compress(prices, both):
        discounted = net_unit_price(unit_price(p, PriceType.STANDARD))
        if p.discount and p.limit_price is not None and p.limit_price <= p.standard_price and below_limit(p, discounted):
            yield DISCOUNT_BELOW_LIMIT(_at(layout, p, "discount"), discount=p.discount, standard=p.standard_price,
                                       price=discounted, limit=p.limit_price)


def _prices_to_look_at(prices: Sequence[Price]) -> Sequence[Price]:
    """The prices `prices` must look at one by one: all of them when any of the three is
    negative or a limit is above its standard price, none otherwise (the usual case), found a
    column at a time: at L, 80,000 prices without a Python step each."""
    columns = {field: column(prices, field) for field in ("list_price", "standard_price", "limit_price")}
    limits = columns["limit_price"]
    given = list(map(is_not, limits, repeat(None)))
    for values in columns.values():
        if min(compress(values, given) if values is limits else values, default=0) < 0:
            return prices
    if any(map(gt, compress(limits, given), compress(columns["standard_price"], given))):
        return prices
    return ()


_SCHEDULE_NEEDS = {
    ScheduleKind.WEEKLY: ("weekdays",),
    ScheduleKind.EVERY_N_WEEKS: ("weekdays", "interval"),
    ScheduleKind.MONTHLY_DAY: ("day",),
    ScheduleKind.MONTHLY_NTH_WEEKDAY: ("nth", "weekdays"),
    ScheduleKind.RRULE: ("rrule",),
}
_HINTS = {
    "weekdays": ("scrivi i giorni, es. «lun,gio»", "write the weekdays, e.g. “mon,thu”"),
    "interval": ("scrivi un numero intero da 1 in su, es. 2", "write a whole number from 1 up, e.g. 2"),
    "day": ("scrivi un giorno da 1 a 31", "write a day from 1 to 31"),
    "nth": ("scrivi 1, 2, 3, 4 oppure -1 per l'ultimo", "write 1, 2, 3, 4, or -1 for the last"),
    "rrule": ("scrivi una regola RFC 5545 valida, es. FREQ=MONTHLY;BYMONTHDAY=15",
              "write a valid RFC 5545 rule, e.g. FREQ=MONTHLY;BYMONTHDAY=15"),
}


def _schedule_value_ok(t, field: str) -> bool:
    return _schedule_value_fits(t.schedule, field, getattr(t, field))


def _schedule_value_fits(schedule: ScheduleKind, field: str, value: Any) -> bool:
    """Whether `value` is what a schedule of this kind needs in `field` (`_SCHEDULE_NEEDS`)."""
    if field == "interval":
        return value is not None and value >= 1
    if field == "day":
        return value is not None and 1 <= value <= 31
    if field == "nth":
        return value in (1, 2, 3, 4, -1)
    if field == "weekdays":
        return bool(value) and (schedule is not ScheduleKind.MONTHLY_NTH_WEEKDAY or len(value) == 1)
    if field == "rrule":
        from toolkit.core.recurrence import parse_rrule

        return value is not None and parse_rrule(value) is None
    return True


def templates(master: MasterData, layout: Layout) -> Iterator[Problem]:
    from toolkit.model.sheets import TEMPLATES

    with_lines = distinct(master.template_lines, "template")
    for t in _templates_to_look_at(master.templates, with_lines):
        for field in _SCHEDULE_NEEDS.get(t.schedule, ()):
            if not _schedule_value_ok(t, field):
                needed = TEMPLATES.column(field)
                hint_it, hint_en = _HINTS[field]
                yield SCHEDULE_PARAMETER(_at(layout, t, field), kind=t.schedule, it=needed.it, en=needed.en,
                                         hint_it=hint_it, hint_en=hint_en)
        if t.code not in with_lines:
            yield TEMPLATE_WITHOUT_LINES(_at(layout, t, "code"), code=t.code)
        yield from customer_reference(t.customer_reference, _at(layout, t, "customer_reference"))


_SCHEDULE_FIELDS = ("schedule", "weekdays", "interval", "day", "nth", "rrule")
"""What decides whether a template's schedule has the values its kind needs (`_SCHEDULE_NEEDS`)."""


def _templates_to_look_at(templates: Sequence[Template], with_lines: frozenset[str]) -> Sequence[Template]:
    """The templates, in order, that `templates` may find a problem in: a schedule missing a
    value its kind needs, no lines, or a customer's reference (checked whatever it is). Any
    other has none, so the rule looks at these alone: at L, 30,000 templates of 133
    distinct schedules, two with a reference, all with lines, each of which had its cell's
    address made for the reference's check. Each distinct schedule is judged once (its RRULE
    parsed once too), the rest found with passes in C over the columns."""
    schedules = list(zip(*(column(templates, field) for field in _SCHEDULE_FIELDS)))
    fine = {kind: _schedule_fine(*kind) for kind in set(schedules)}
    look = set(compress(range(len(templates)), map(not_, map(fine.__getitem__, schedules))))
    codes = column(templates, "code")
    if not with_lines.issuperset(codes):
        look.update(compress(range(len(templates)), map(not_, map(with_lines.__contains__, codes))))
    look.update(compress(range(len(templates)), column(templates, "customer_reference")))
    return [templates[i] for i in sorted(look)] if len(look) < len(templates) else templates


def _schedule_fine(schedule: ScheduleKind, *values: Any) -> bool:
    """Whether a schedule of this kind with these values (`_SCHEDULE_FIELDS` after the kind) has
    each value its kind needs: equal values are judged alike, so one verdict serves them all."""
    given = dict(zip(_SCHEDULE_FIELDS[1:], values))
    return all(_schedule_value_fits(schedule, field, given[field]) for field in _SCHEDULE_NEEDS.get(schedule, ()))


def customer_reference(value: str | None, at: Location | None) -> Iterator[Problem]:
    """The problem of a customer's order reference the e-invoice could not carry whole: longer
    than IdDocumento takes once folded, or with a character no folding makes ASCII. A template's
    *Rif. ordine cliente* and an order form's *Vs. ordine* alike: each order keeps the reference
    it was made with, so the cell is the last place to change it before an invoice is refused or
    the reference cut."""
    if len(sent := fold(value, ascii_only=True) or "") > REFERENCE_LIMIT:
        yield REFERENCE_TOO_LONG(at, value=value, sent=sent, length=len(sent), limit=REFERENCE_LIMIT)
    elif bad := _not_in_einvoice(value, ascii_only=True):
        yield REFERENCE_CHARACTERS(at, value=legible(value or ""), characters=" ".join(map(legible, bad)))


def template_lines(master: MasterData, layout: Layout) -> Iterator[Problem]:
    book = price_book(master)
    known_lists = {p.code for p in master.price_lists}
    templates_by_code = dict(zip(column(master.templates, "code"), master.templates))
    customers_by_code = dict(zip(column(master.customers, "code"), master.customers))
    known_items = distinct(master.items, "code")
    prices = book.prices

    @cache
    def priced_by(code: str) -> tuple[Template | None, bool, str | None, PriceVersion | None]:
        """A template, whether it is a return, the price list its lines are checked against (None:
        not checked) and that list's version on the template's first day: once per template."""
        t = templates_by_code.get(code)
        is_return = t is not None and t.document_type is DocumentType.RETURN
        customer = customers_by_code.get(t.customer) if t else None
        if t is None or customer is None:
            return t, is_return, None, None
        price_list = template_price_list(t, customer.price_list)
        if price_list not in book.versions and price_list not in known_lists:
            return t, is_return, None, None
        return t, is_return, price_list, version_on(price_list, t.valid_from)

    version_on = cache(book.version_on)
    lines = master.template_lines
    reported_versions: set[tuple[str, str]] = set()
    for i in _lines_to_look_at(lines, partial(_versions_checked, master, priced_by), prices):
        line = lines[i]
        t, is_return, price_list, version = priced_by(line.template)
        if line.quantity <= 0:
            if is_return and line.quantity == 0:
                yield QUANTITY_ZERO(_at(layout, line, "quantity"))
            elif not is_return:
                yield QUANTITY_NOT_POSITIVE(_at(layout, line, "quantity"), value=line.quantity)
        if line.price is not None and line.price < 0:
            yield NEGATIVE_AMOUNT(_at(layout, line, "price"), value=line.price)
        if price_list is None or t is None or line.item not in known_items:
            continue
        if version is None:
            if (t.code, price_list) not in reported_versions:
                reported_versions.add((t.code, price_list))
                yield NO_PRICE_VERSION(_at(layout, t, "valid_from"), price_list=price_list, day=t.valid_from)
            continue
        price = prices.get((price_list, version.version, line.item))
        if price is None:
            yield NO_PRICE(_at(layout, line, "item"), item=line.item, price_list=price_list,
                           version=version.version, day=t.valid_from)
        elif line.price is not None and below_limit(price, line.price):
            yield PRICE_BELOW_LIMIT(_at(layout, line, "price"), price=line.price, limit=price.limit_price, item=line.item)


def _lines_to_look_at(lines: Sequence[TemplateLine], checked: Callable[[AbstractSet[str]], dict[str, Version | None]],
                      prices: Mapping[tuple[str, str, str], Price]) -> list[int]:
    """The indexes, in order, of the template lines that may have a problem: those with a
    quantity of zero or less, a negative price or one below its limit, a template not checked
    or without a version, or an item without a price in that version. Any other line has none,
    so `template_lines` looks at these alone (at L, a few of 200,000).

    Set-shaped, a column at a time: each template's (list, version) is found once
    (`_versions_checked`), the lines' distinct items are looked up once in each of those
    versions, a handful at L, by a set difference with the items each prices (`_items_priced`),
    and the lines are gone through again only for an item one of them lacks; the lines with a
    price of their own are checked against their limits over columns too."""
    codes = column(lines, "template")
    items = column(lines, "item")
    named = distinct(lines, "template")
    of_code = checked(named)
    unchecked = {code for code in named if of_code[code] is None}
    look = set(compress(range(len(codes)), map(unchecked.__contains__, codes))) if unchecked else set()
    versions = cast("set[Version]", set(map(of_code.__getitem__, named)) - {None})
    priced = _items_priced(prices, versions) if versions else {}
    for key in versions:
        unpriced = distinct(lines, "item") - priced[key]
        if unpriced:
            look.update(i for i, (code, item) in enumerate(zip(codes, items)) if item in unpriced and of_code[code] == key)
    quantities = column(lines, "quantity")
    if quantities and min(quantities) <= 0:
        look.update(i for i, q in enumerate(quantities) if q <= 0)
    owns = column(lines, "price")
    owned = [i for i in compress(range(len(owns)), map(is_not, owns, repeat(None))) if i not in look]
    if owned:
        own = list(map(owns.__getitem__, owned))
        keys = map(of_code.__getitem__, map(codes.__getitem__, owned))
        listed = map(prices.__getitem__, map(add, keys, zip(map(items.__getitem__, owned))))
        look.update(compress(owned, map(or_, map(lt, own, repeat(0)), map(below_limit, listed, own))))
    return sorted(look)


Version = tuple[str, str]
"""A price list and one of its versions."""


def _items_priced(prices: Mapping[tuple[str, str, str], Price], versions: AbstractSet[Version]) -> dict[Version, set[str]]:
    """The items each of these versions has a price for, from the runs of the prices' keys by
    version (a sheet lists a version's prices together, and the derived ones follow version by
    version): one pass of `groupby` in C over the 120,000 keys of L, where looking up each of
    the lines' 20,000 items in each version's prices took about 15 ms a version."""
    found: dict[Version, set[str]] = {key: set() for key in versions}
    for key, run in groupby(prices, itemgetter(0, 1)):
        if key in found:
            found[key].update(map(itemgetter(2), run))
    return found


def _versions_checked(master: MasterData, priced_by: Callable[[str], tuple], codes: AbstractSet[str]
                      ) -> dict[str, Version | None]:
    """Each template's (list, version) its lines are checked against, None when they are not,
    for the `codes` and maybe more: `priced_by`'s, asked once for each distinct own list,
    customer's list and first day (at L a few dozen for 30,000 templates, which it would each
    read from their records), all else from the templates' and customers' columns
    (`_versions_of_templates`). When a code names no template, two templates share a code or a
    template's customer is not known, each code is asked about on its own."""
    templates = master.templates
    known = distinct(templates, "code")
    if codes <= known and len(known) == len(templates):
        found = _versions_of_templates(master, priced_by)
        if found is not None:
            return found
    return {code: _version_checked(priced_by(code)) for code in codes}


def _versions_of_templates(master: MasterData, priced_by: Callable[[str], tuple]) -> dict[str, Version | None] | None:
    """`_versions_checked` of every template, its codes all different, made down the templates'
    columns in their order; None when a template's customer is not known. Looked up in the order
    of the lines' codes (a set's), the templates' columns were read at random, eight passes at
    about 7 ms each at L; in their own order, about a fifth of that."""
    templates = master.templates
    lists_of = dict(zip(column(master.customers, "code"), column(master.customers, "price_list")))
    customer_lists = list(map(lists_of.get, column(templates, "customer")))
    if not all(map(is_not, customer_lists, repeat(None))):
        return None
    codes = column(templates, "code")
    alike = list(zip(column(templates, "price_list"), customer_lists, column(templates, "valid_from")))
    version_of = {same: _version_checked(priced_by(code)) for same, code in dict(zip(alike, codes)).items()}
    return dict(zip(codes, map(version_of.__getitem__, alike)))


def _version_checked(priced: tuple) -> Version | None:
    """`priced_by`'s list and version, as the key of the version's prices."""
    _, _, price_list, version = priced
    return (price_list, version.version) if price_list is not None and version is not None else None


def exceptions(master: MasterData, layout: Layout) -> Iterator[Problem]:
    from toolkit.core.plan import EXCEPTION_NEEDS
    from toolkit.model.sheets import EXCEPTIONS

    for e in master.exceptions:
        for field in EXCEPTION_NEEDS.get(e.action, ()):
            if getattr(e, field) is None:
                column = EXCEPTIONS.column(field)
                yield EXCEPTION_INCOMPLETE(_at(layout, e, field), action=e.action, it=column.it, en=column.en)
        if e.quantity is not None and (e.quantity < 0 or (e.action is ExceptionAction.EXTRA and e.quantity == 0)):
            yield QUANTITY_NOT_POSITIVE(_at(layout, e, "quantity"), value=e.quantity)


def settings(master: MasterData, layout: Layout) -> Iterator[Problem]:
    from toolkit.core.workdays import check_region

    s = master.settings
    if s.language not in ("it", "en"):
        yield BAD_LANGUAGE(layout.locate("settings", field="language"), value=s.language)
    if s.holiday_region and not check_region(s.holiday_region):
        yield UNKNOWN_HOLIDAY_REGION(layout.locate("settings", field="holiday_region"), value=s.holiday_region)
    if vat_ids.vat_country(s.vat_number) != "IT":
        yield SELLER_VAT_NOT_ITALIAN(layout.locate("settings", field="vat_number"), value=s.vat_number)
    if s.ddt_series.upper() == SERVICES_SERIES:
        yield DDT_SERIES_IS_SERVICES(layout.locate("settings", field="ddt_series"), value=s.ddt_series)
    yield from _series_shared(s, layout)
    known = [getattr(s, f) for f in SERIES_SETTINGS]
    for series in dict.fromkeys(e[0] for e in s.numbers_before or ()):
        if series != FILES_SERIES and series not in {k.upper() for k in known}:
            yield NUMBERS_BEFORE_UNKNOWN_SERIES(layout.locate("settings", field="numbers_before"), series=series,
                                                known=", ".join(dict.fromkeys(known)))
    for field in SERIES_SETTINGS if _orders_cited(master) else SERIES_SETTINGS[:-1]:
        series = getattr(s, field)
        example = f"{series}-2026-00001"
        if len(example) > NUMBER_LENGTH or not example.isascii() or not example.isprintable():
            yield SERIES_TOO_LONG(layout.locate("settings", field=field), value=series, example=example,
                                  length=len(example), most=NUMBER_LENGTH - len(example) + len(series))


def _series_shared(s: Settings, layout: Layout) -> Iterator[Problem]:
    """A series two kinds of document both name (in any case: the numbers print alike), told at the
    later setting's cell; the invoices' and credit notes' may be one."""
    document = {"invoice_series": ("una fattura", "an invoice"), "credit_note_series": ("una nota di credito",
                "a credit note"), "ddt_series": ("un DDT", "a DDT"), "order_series": ("un ordine", "an order")}
    for later, field in enumerate(SERIES_SETTINGS):
        for other in SERIES_SETTINGS[:later]:
            if getattr(s, field).upper() == getattr(s, other).upper() and {field, other} not in SHARING_ALLOWED:
                own, before = (heading(Settings.__dataclass_fields__[f]) for f in (field, other))
                assert own is not None and before is not None
                yield SERIES_SHARED(layout.locate("settings", field=field), value=getattr(s, field),
                                    own_it=own.it, own_en=own.en, other_it=before.it, other_en=before.en,
                                    first_it=document[other][0], first_en=document[other][1],
                                    second_it=document[field][0], second_en=document[field][1])
                break


def _orders_cited(master: MasterData) -> bool:
    """Whether an e-invoice may carry an order's own number (`core.einvoice.build._purchase_orders`):
    only a service's order, or every order of a customer with a CIG or CUP. A desk selling goods
    to businesses never shows its order numbers to SDI, so a long order series is no fault there."""
    return any(i.service for i in master.items) or any(c.cig or c.cup for c in master.customers)


def stock(master: MasterData, layout: Layout) -> Iterable[Problem]:
    """No *Giacenze* sheet (`missing_stock`), and a count below zero: shelves hold no -5 of
    anything, and the stock code would take it as written, shipping nothing of the item until
    returns brought it above zero and telling every order a shortfall 5 larger than its own."""
    yield from missing_stock(master)
    for level in master.stock or ():
        if level.quantity < 0:
            yield NEGATIVE_STOCK(_at(layout, level, "quantity"), item=level.item, value=level.quantity)


RULES: tuple[Rule, ...] = (
    settings, registration, iban, unique_codes, references, customers, invoice_terms, customer_texts, addresses, items,
    periods, price_lists, price_versions, derived_versions, rounding_steps, prices, price_rules, templates,
    template_lines, letter_items, letter_revoked, exceptions, stock, whole_units, discounts_and_commissions,
    names_in_two_cases, sample_rows_left,
)


def run_rules(master: MasterData, layout: Layout) -> list[Problem]:
    return [p for rule in RULES for p in rule(master, layout)]
