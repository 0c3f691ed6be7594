"""SDI's checks, run on the FatturaPA tree before any file is written.

The Sistema di Interscambio rejects a file (ricevuta di scarto) for two kinds of reasons: the
file does not fit the schema (00200), or its content breaks a rule the schema cannot say.
The toolkit runs both kinds on what the file will say, always, so a rejected invoice is found
at the desk instead of days later in a notice from SDI:

- the schema's types (`einvoice-invalid-field`): every value in its character set, length,
  pattern or number of decimals (`toolkit.core.einvoice.fields`), and every required value
  present;
- SDI's content checks, each under its own code (`einvoice-00421` …):
  00400/00401 a line's nature (Natura) against its VAT rate — a rate of zero needs a nature
  saying why, a positive rate may not have one — and 00429/00430 the same on the summary;
  00313 the recipient code XXXXXXX not for a buyer in Italy (an Italian VAT id, or none at an
  Italian address); 00417 a buyer with neither VAT number nor tax code; 00418 an invoice
  dated before the invoice it corrects; a summary (DatiRiepilogo) for every rate the lines
  use (00443) and every nature (00444), and no fewer summaries than the lines' rates (00419);
  00421 the VAT of a rate is its taxable × rate (± 0.01 €); 00422 the taxable of a rate
  is the sum of its lines (± 1 €); 00423 a line's total is quantity × unit price (± 0.01 €);
  00424 a rate in percent (22.00, not 0.22: nothing between 0 and 1);
  00425 an invoice number with at least one digit; 00426 a PEC address only with the
  recipient code 0000000; 00427 a 6-character recipient code with FPA12 only, a 7-character
  one with FPR12 only; 00445 the natures retired in 2021 (N2, N3, N6 without sub-code);
  00471 an invoice (TD01, TD24) made out to the seller's own VAT number, as the Elenco
  controlli 2.0 has it for those types (a credit note, TD04, is not among them; 00472 is of
  the self-invoices TD21 and TD27, which the toolkit does not issue);
- the shape of a public contract's CIG (10 capitals and digits) and a public work's CUP (15):
  the schema takes any text up to 15 characters, SDI passes it, and the public body refuses
  the invoice (`einvoice-bad-cig`, `einvoice-bad-cup`). The data check refuses them on the
  sheet; these catch a customer passed in directly or a party stored by hand.

Each problem names the invoice and the field, so the user knows which invoice was not written
and what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from toolkit.basics.problems import Problem, ProblemType, define
from toolkit.basics.wording import Counted, percent
from toolkit.core.einvoice import codes
from toolkit.core.einvoice.fields import FIRST_INVOICE_DAY, MAX_LINE_NUMBER, NUMBERS, TYPES, TextType, legible
from toolkit.core.einvoice.records import Address, FatturaPA, Line, Party, VatSummary

ZERO = Decimal(0)
CENT = Decimal("0.01")
EURO = Decimal(1)
NATURES_RETIRED_FROM = date(2021, 1, 1)

FILE_PROGRESSIVE = TextType("progressive", pattern="[A-Za-z0-9]{1,5}")
"""The file name's progressive: one to five letters or digits (IT<partita IVA>_<progressive>.xml)."""
FILE_ID = TextType("transmitter id", pattern="[A-Za-z0-9]{1,28}")
"""The transmitter's id also names the file, so it must be letters and digits only."""
REGIME = TextType("RegimeFiscaleType", pattern="RF0[124-9]|RF1[0-9]")
FORMAT = TextType("FormatoTrasmissioneType", pattern="FP[AR]12")
DOCUMENT_KIND = TextType("TipoDocumentoType", pattern="TD0[1-6]|TD1[6-9]|TD2[0-8]")
PAYMENT_TERMS = TextType("CondizioniPagamentoType", pattern="TP0[1-3]")
PAYMENT_METHOD = TextType("ModalitaPagamentoType", pattern="MP0[1-9]|MP1[0-9]|MP2[0-3]")
NATURE = TextType("NaturaType", pattern=r"N1|N2(\.[12])?|N3(\.[1-6])?|N4|N5|N6(\.[1-9])?|N7")

_WHAT = "la fattura non è stata scritta"
_WHAT_EN = "the invoice was not written"


def _sdi(code: str, it: str, en: str) -> ProblemType:
    return define(f"einvoice-{code}", "error", it=f"Fattura {{invoice}}, {{field}}: {it} (SDI {code}): {_WHAT}.",
                  en=f"Invoice {{invoice}}, {{field}}: {en} (SDI {code}): {_WHAT_EN}.")


INVALID_FIELD = define(
    "einvoice-invalid-field", "error",
    it="Fattura {invoice}, {field}: «{value}» non è ammesso dallo schema FatturaPA ({reason}): "
       "correggi il dato nel foglio (cliente, articolo o impostazioni); " + _WHAT + ".",
    en="Invoice {invoice}, {field}: “{value}” is not allowed by the FatturaPA schema ({reason}): "
       "fix it in the sheet (customer, item or settings); " + _WHAT_EN + ".")
ZERO_RATE_WITHOUT_NATURE = _sdi(
    "00400", "aliquota IVA zero senza Natura: indica sull'articolo la natura dell'operazione (es. N4 esente)",
    "a VAT rate of zero without a nature (Natura): give the item its nature (e.g. N4 exempt)")
NATURE_WITH_RATE = _sdi(
    "00401", "Natura {nature} con aliquota IVA {rate}: la natura va solo sulle righe senza IVA",
    "nature {nature} with VAT rate {rate}: a nature belongs only on lines without VAT")
NO_BUYER_ID = _sdi(
    "00417", "il cliente non ha né partita IVA né codice fiscale: indicane almeno uno nel foglio Clienti",
    "the customer has neither VAT number nor tax code: give at least one on the Customers sheet")
BEFORE_LINKED = _sdi(
    "00418", "la data {day} è precedente a quella della fattura collegata {linked} ({linked_day})",
    "the date {day} is before that of the linked invoice {linked} ({linked_day})")
FEWER_SUMMARIES = _sdi(
    "00419", "{rows} (DatiRiepilogo) per {rates} IVA delle righe: ne serve almeno uno per aliquota",
    "{rows} (DatiRiepilogo) for the lines' {rates}: each rate needs one at least")
RATE_WITHOUT_SUMMARY = _sdi(
    "00443", "manca il riepilogo (DatiRiepilogo) per {what}, usata dalle righe",
    "no summary (DatiRiepilogo) for {what}, which the lines use")
NATURE_WITHOUT_SUMMARY = _sdi(
    "00444", "manca il riepilogo (DatiRiepilogo) per {what}, usata dalle righe",
    "no summary (DatiRiepilogo) for {what}, which the lines use")


@dataclass(frozen=True, slots=True)
class Unsummarized:
    """The rate or nature a summary is missing for, in the message's language: `aliquota 22 %`
    (`22.00` is the XML's form, not the desk's) or `Natura N4`."""

    rate: Decimal
    nature: str | None

    def shown(self, lang: str) -> str:
        if self.nature:
            return f"{'nature' if lang == 'en' else 'Natura'} {self.nature}"
        return f"{'rate' if lang == 'en' else 'aliquota'} {percent(self.rate, lang)}"


@dataclass(frozen=True, slots=True)
class AtHome:
    """Why XXXXXXX does not fit the buyer, in the message's language: SDI wants a VAT id of a
    country other than Italy beside it (00313)."""

    no_vat_id: bool
    tax_code: bool = False
    """A buyer abroad named by an Italian codice fiscale, which SDI takes for one in Italy."""

    def shown(self, lang: str) -> str:
        if self.tax_code:
            return "has an Italian tax code" if lang == "en" else "ha un codice fiscale italiano"
        if lang == "en":
            return "has no VAT number of another country" if self.no_vat_id else "has an Italian VAT number"
        return "non ha una partita IVA estera" if self.no_vat_id else "ha una partita IVA italiana"


VAT_NOT_RATE = _sdi(
    "00421", "l'imposta {found} non è imponibile × aliquota ({expected})",
    "the VAT {found} is not taxable × rate ({expected})")
TAXABLE_NOT_LINES = _sdi(
    "00422", "l'imponibile {found} non è la somma delle righe ({expected})",
    "the taxable amount {found} is not the sum of the lines ({expected})")
RATE_NOT_PERCENT = _sdi(
    "00424", "l'aliquota IVA {rate} non è espressa in percentuale (22.00, non 0.22): correggi l'aliquota "
             "dell'articolo nel foglio Articoli",
    "the VAT rate {rate} is not in percent (22.00, not 0.22): correct the item's rate on the Items sheet")
LINE_NOT_PRODUCT = _sdi(
    "00423", "il totale {found} non è quantità × prezzo unitario ({expected})",
    "the total {found} is not quantity × unit price ({expected})")
ABROAD_CODE_AT_HOME = _sdi(
    "00313", "il codice destinatario XXXXXXX è dei soli clienti esteri, ma il cliente {where}: scrivi nel foglio "
             "Clienti il suo codice di 7 caratteri, o lascia vuoto il codice SDI (0000000); se è estero, correggi il Paese",
    "the recipient code XXXXXXX is for customers abroad only, but the customer {where}: write its 7-character code "
    "on the Customers sheet, or leave the SDI code empty (0000000); if it is abroad, correct the country")
SELLER_IS_BUYER = _sdi(
    "00471", "il cliente ha la partita IVA del venditore ({vat}), e una fattura {kind} non può essere intestata a sé "
             "stessi (per il consumo interno o gli omaggi serve un'autofattura TD27, che il toolkit non emette): "
             "correggi la partita IVA del cliente nel foglio Clienti",
    "the customer has the seller's VAT number ({vat}), and a {kind} invoice cannot be made out to oneself (own use "
    "or free goods take a self-invoice, TD27, which the toolkit does not issue): correct the customer's VAT number "
    "on the Customers sheet")
NUMBER_WITHOUT_DIGITS = _sdi(
    "00425", "il numero «{number}» non contiene cifre", "the number “{number}” has no digits")
PEC_WITH_CODE = _sdi(
    "00426", "c'è un indirizzo PEC ma il codice destinatario è {code}, non 0000000: "
             "nel foglio Clienti lascia il codice destinatario o la PEC, non entrambi",
    "there is a PEC address but the recipient code is {code}, not 0000000: "
    "keep either the recipient code or the PEC on the Customers sheet, not both")
CODE_NOT_FORMAT = _sdi(
    "00427", "il codice destinatario {code} ha {length} caratteri ma il formato è {format} "
             "(6 caratteri per la pubblica amministrazione, 7 per i privati)",
    "the recipient code {code} has {length} characters but the format is {format} "
    "(6 characters for a public administration, 7 for everyone else)")
NATURE_SUMMARY_MISSING = _sdi(
    "00429", "aliquota IVA zero senza Natura nel riepilogo", "a VAT rate of zero without a nature in the summary")
NATURE_SUMMARY_WITH_RATE = _sdi(
    "00430", "Natura {nature} con aliquota IVA {rate} nel riepilogo", "nature {nature} with VAT rate {rate} in the summary")
RETIRED_NATURE = _sdi(
    "00445", "la Natura {nature} non si usa più dal 2021: usa un sotto-codice (es. {nature}.1)",
    "the nature {nature} is no longer used since 2021: use a sub-code (e.g. {nature}.1)")
BAD_CIG = define(
    "einvoice-bad-cig", "error",
    it="Fattura {invoice}, {field}: il CIG «{value}» deve avere 10 caratteri, lettere e cifre (es. ZA1B2C3D4E): "
       "correggilo nel foglio Clienti; " + _WHAT + ".",
    en="Invoice {invoice}, {field}: CIG “{value}” must have 10 characters, letters and digits (e.g. ZA1B2C3D4E): "
       "correct it on the Customers sheet; " + _WHAT_EN + ".")
BAD_CUP = define(
    "einvoice-bad-cup", "error",
    it="Fattura {invoice}, {field}: il CUP «{value}» deve avere 15 caratteri, lettere e cifre (es. J11B21000010001): "
       "correggilo nel foglio Clienti; " + _WHAT + ".",
    en="Invoice {invoice}, {field}: CUP “{value}” must have 15 characters, letters and digits (e.g. "
       "J11B21000010001): correct it on the Customers sheet; " + _WHAT_EN + ".")


def check(doc: FatturaPA) -> list[Problem]:
    """Every reason SDI would reject the file, or the schema would not take it."""
    return content_problems(doc) + field_problems(doc)


def cites_no_letter(doc: FatturaPA) -> bool:
    """Whether an invoice or debit note sells under a letter of intent (N3.5) without citing it
    (AltriDatiGestionali INTENTO on no line): SDI takes the file, and the Agenzia, matching the
    sale to the letter, finds none. Invoicing refuses to issue such a document now
    (`core.letter_cited`); one issued before is written as issued, and the desk is told to
    correct it with a credit note and a new invoice. A credit note follows its invoices."""
    return (doc.body.kind != codes.CREDIT_NOTE and any(line.nature == codes.LETTER_OF_INTENT for line in doc.body.lines)
            and not any(line.intents for line in doc.body.lines))


def _at_home(buyer: Party) -> bool:
    """Whether XXXXXXX does not fit the buyer (00313): an Italian VAT id, or none at an Italian
    address. A consumer abroad has no VAT id either, and XXXXXXX is its code: what it lacks is
    an identifier (00417), and telling the desk to give it an Italian code led nowhere."""
    if buyer.vat_id is not None:
        return buyer.vat_id.country == "IT"
    return buyer.address.country == "IT"


def content_problems(doc: FatturaPA) -> list[Problem]:
    """SDI's content checks (the 004xx codes)."""
    invoice = doc.body.number or "?"
    body, tx = doc.body, doc.transmission
    problems: list[Problem] = []
    if not any(c.isdigit() for c in body.number):
        problems.append(NUMBER_WITHOUT_DIGITS(None, invoice=invoice, field="DatiGeneraliDocumento/Numero",
                                              number=body.number))
    if tx.pec and tx.recipient_code != codes.NO_CHANNEL:
        problems.append(PEC_WITH_CODE(None, invoice=invoice, field="DatiTrasmissione/PECDestinatario",
                                      code=tx.recipient_code))
    length = len(tx.recipient_code)
    if (length == 6) != (tx.format == codes.TO_PUBLIC_ADMINISTRATION):
        problems.append(CODE_NOT_FORMAT(None, invoice=invoice, field="DatiTrasmissione/CodiceDestinatario",
                                        code=tx.recipient_code, length=length, format=tx.format))
    if tx.recipient_code == codes.ABROAD and (_at_home(doc.buyer) or doc.buyer.tax_code):
        problems.append(ABROAD_CODE_AT_HOME(None, invoice=invoice, field="DatiTrasmissione/CodiceDestinatario",
                                            where=AtHome(doc.buyer.vat_id is None, not _at_home(doc.buyer))))
    if body.kind in codes.TO_ANOTHER and doc.buyer.vat_id is not None and doc.buyer.vat_id == doc.seller.vat_id:
        vat = doc.buyer.vat_id
        problems.append(SELLER_IS_BUYER(None, invoice=invoice, field="CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA",
                                        vat=f"{vat.country}{vat.code}", kind=body.kind))
    if doc.buyer.vat_id is None and not doc.buyer.tax_code:
        problems.append(NO_BUYER_ID(None, invoice=invoice, field="CessionarioCommittente/DatiAnagrafici"))
    for n, linked in enumerate(body.linked_invoices, start=1):
        if linked.day is not None and body.day < linked.day:
            problems.append(BEFORE_LINKED(None, invoice=invoice, field=f"DatiFattureCollegate[{n}]/Data",
                                          day=body.day, linked=linked.reference, linked_day=linked.day))
    retired: set[str] = set()
    sums: dict[tuple[Decimal, str | None], Decimal] = {}
    for line in body.lines:
        rate, nature, total = line.rate, line.nature, line.total
        if not rate and not nature:
            problems.append(ZERO_RATE_WITHOUT_NATURE(None, invoice=invoice, field=f"{_at(line)}/Natura"))
        elif rate and nature:
            problems.append(NATURE_WITH_RATE(None, invoice=invoice, field=f"{_at(line)}/Natura", nature=nature,
                                             rate=rate))
        if 0 < rate < 1:
            problems.append(RATE_NOT_PERCENT(None, invoice=invoice, field=f"{_at(line)}/AliquotaIVA", rate=rate))
        expected = line.unit_price * line.quantity
        if abs(total - expected) > CENT:
            problems.append(LINE_NOT_PRODUCT(None, invoice=invoice, field=f"{_at(line)}/PrezzoTotale", found=total,
                                             expected=expected.normalize()))
        if nature is not None and nature in codes.RETIRED_NATURES:
            retired.add(nature)
        key = (rate, nature if not rate else None)
        sums[key] = sums.get(key, ZERO) + total
    for row in body.summary:
        where = f"DatiRiepilogo[{_rate(row.rate)}{'/' + row.nature if row.nature else ''}]"
        key = (row.rate, row.nature if not row.rate else None)
        if not row.rate and not row.nature:
            problems.append(NATURE_SUMMARY_MISSING(None, invoice=invoice, field=f"{where}/Natura"))
        elif row.rate and row.nature:
            problems.append(NATURE_SUMMARY_WITH_RATE(None, invoice=invoice, field=f"{where}/Natura",
                                                     nature=row.nature, rate=row.rate))
        if row.nature in codes.RETIRED_NATURES:
            retired.add(row.nature)
        if 0 < row.rate < 1:
            problems.append(RATE_NOT_PERCENT(None, invoice=invoice, field=f"{where}/AliquotaIVA", rate=row.rate))
        expected = row.taxable * row.rate / 100
        if abs(row.vat - expected) > CENT:
            problems.append(VAT_NOT_RATE(None, invoice=invoice, field=f"{where}/Imposta", found=row.vat,
                                         expected=expected.normalize()))
        lines_sum = sums.get(key, ZERO)
        if abs(row.taxable - lines_sum) > EURO:
            problems.append(TAXABLE_NOT_LINES(None, invoice=invoice, field=f"{where}/ImponibileImporto",
                                              found=row.taxable, expected=lines_sum))
    problems += _unsummarized(body.summary, sums, invoice)
    if body.day >= NATURES_RETIRED_FROM:
        problems += [RETIRED_NATURE(None, invoice=invoice, field="Natura", nature=n) for n in sorted(retired)]
    problems += _public_code_problems(doc, invoice)
    return problems


def _unsummarized(summary: tuple[VatSummary, ...], used: Collection[tuple[Decimal, str | None]], invoice: str
                  ) -> list[Problem]:
    """The lines' rates and natures without their summary, under the codes SDI gives them (the
    Elenco controlli 2.0): 00443 a rate of the lines in no summary, 00444 a nature of the lines
    in no summary, and 00419 fewer summaries than the lines' distinct rates, which SDI counts
    apart. Each rate and each nature is named once, a nature whether its rate has a summary or
    not: a 0 % summary missing for lines at N4 and N3.6 is one 00443 and two 00444, as SDI's
    notice lists them. A rate and nature each summarized, but not together, is a nature at a
    rate (00430, said of its summary)."""
    rates, natures = {row.rate for row in summary}, {row.nature for row in summary if row.nature}
    lines_rates = {rate for rate, _ in used}
    problems: list[Problem] = []
    if len(summary) < len(lines_rates):
        problems.append(FEWER_SUMMARIES(
            None, invoice=invoice, field="DatiRiepilogo",
            rates=Counted(len(lines_rates), ("aliquota", "aliquote"), ("VAT rate", "VAT rates")),
            rows=Counted(len(summary), ("riepilogo", "riepiloghi"), ("summary", "summaries"))))
    problems += [RATE_WITHOUT_SUMMARY(None, invoice=invoice, field="DatiRiepilogo", what=Unsummarized(rate, None))
                 for rate in sorted(lines_rates - rates)]
    problems += [NATURE_WITHOUT_SUMMARY(None, invoice=invoice, field="DatiRiepilogo",
                                        what=Unsummarized(ZERO, nature))
                 for nature in sorted({nature for _, nature in used if nature is not None} - natures)]
    return problems


def _public_code_problems(doc: FatturaPA, invoice: str) -> list[Problem]:
    """A CUP or CIG not of its shape (`codes.CUP_SHAPE`, `codes.CIG_SHAPE`). Every block cites
    the buyer's codes, so a wrong one is said once, at the first block carrying it."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    body = doc.body
    for block, documents in (("DatiOrdineAcquisto", body.purchase_orders), ("DatiFattureCollegate", body.linked_invoices)):
        for n, related in enumerate(documents, start=1):
            for element, value, shape, kind in (("CodiceCUP", related.cup, codes.CUP_SHAPE, BAD_CUP),
                                                ("CodiceCIG", related.cig, codes.CIG_SHAPE, BAD_CIG)):
                if value and (element, value) not in seen and not re.fullmatch(shape, value):
                    seen.add((element, value))
                    problems.append(kind(None, invoice=invoice, field=f"{block}[{n}]/{element}", value=value))
    return problems


def field_problems(doc: FatturaPA) -> list[Problem]:
    """Values the schema would refuse: missing, too long, outside the character set, …

    Lines often repeat one item: a wrong description is reported once, at its first line."""
    invoice = doc.body.number or "?"
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for field, value, reason in _bad_values(doc):
        element = field.rsplit("/", 1)[-1]
        if field.startswith("DettaglioLinee[") and (element, value, reason) in seen:
            continue
        seen.add((element, value, reason))
        problems.append(INVALID_FIELD(None, invoice=invoice, field=field, value=legible(value), reason=reason))
    return problems


def _bad_values(doc: FatturaPA) -> Iterator[tuple[str, str, str]]:
    """(field, value, why) for each value outside its type."""
    t = TYPES
    tx, body = doc.transmission, doc.body

    def text(field: str, value: str | None, kind: TextType, required: bool = True) -> Iterator[tuple[str, str, str]]:
        if not value:
            if required:
                yield field, "", "missing"
            return
        reason = kind.problem(value)
        if reason:
            yield field, value, reason

    def number(field: str, value: Decimal, kind: str) -> Iterator[tuple[str, str, str]]:
        reason = NUMBERS[kind].problem(value)
        if reason:
            yield field, str(value), reason

    def line_refs(field: str, lines: tuple[int, ...]) -> Iterator[tuple[str, str, str]]:
        for n in lines:
            if not 1 <= n <= MAX_LINE_NUMBER:
                yield f"{field}/RiferimentoNumeroLinea", str(n), f"from 1 to {MAX_LINE_NUMBER}"

    yield from text("DatiTrasmissione/IdTrasmittente/IdPaese", tx.transmitter.country, t["NazioneType"])
    yield from text("DatiTrasmissione/IdTrasmittente/IdCodice", tx.transmitter.code, FILE_ID)
    yield from text("DatiTrasmissione/ProgressivoInvio", tx.progressive, FILE_PROGRESSIVE)
    yield from text("DatiTrasmissione/FormatoTrasmissione", tx.format, FORMAT)
    yield from text("DatiTrasmissione/CodiceDestinatario", tx.recipient_code, t["CodiceDestinatarioType"])
    yield from text("DatiTrasmissione/PECDestinatario", tx.pec, t["EmailType"], required=False)
    yield from _party_values("CedentePrestatore", doc.seller, True)
    yield from _party_values("CessionarioCommittente", doc.buyer, False)
    general = "DatiGeneraliDocumento"
    yield from text(f"{general}/TipoDocumento", body.kind, DOCUMENT_KIND)
    yield from text(f"{general}/Divisa", body.currency, t["DivisaType"])
    if body.day < FIRST_INVOICE_DAY:
        yield f"{general}/Data", body.day.isoformat(), f"from {FIRST_INVOICE_DAY.isoformat()}"
    yield from text(f"{general}/Numero", body.number, t["String20Type"])
    if body.stamp_duty is not None:
        yield from number(f"{general}/DatiBollo/ImportoBollo", body.stamp_duty, "Amount2DecimalType")
    yield from number(f"{general}/ImportoTotaleDocumento", body.total, "Amount2DecimalType")
    yield from text(f"{general}/Causale", body.reason, t["String200LatinType"], required=False)
    for block, documents in (("DatiOrdineAcquisto", body.purchase_orders), ("DatiFattureCollegate", body.linked_invoices)):
        for n, related in enumerate(documents, start=1):
            yield from line_refs(f"{block}[{n}]", related.lines)
            yield from text(f"{block}[{n}]/IdDocumento", related.reference, t["String20Type"])
    for n, ddt in enumerate(body.delivery_notes, start=1):
        yield from text(f"DatiDDT[{n}]/NumeroDDT", ddt.number, t["String20Type"])
        yield from line_refs(f"DatiDDT[{n}]", ddt.lines)
    if not body.lines:
        yield "DettaglioLinee", "", "missing"
    for line in body.lines:
        if not 1 <= line.number <= MAX_LINE_NUMBER:
            yield f"{_at(line)}/NumeroLinea", str(line.number), f"from 1 to {MAX_LINE_NUMBER}"
        if _sound(line):
            continue
        for name, value, reason in _line_values(line):
            yield f"{_at(line)}/{name}", value, reason
    for line in body.lines:
        for letter in line.intents:
            yield from text(f"{_at(line)}/AltriDatiGestionali/RiferimentoTesto", letter.protocol,
                            t["String60LatinType"])
    if not body.summary:
        yield "DatiRiepilogo", "", "missing"
    for row in body.summary:
        where = f"DatiRiepilogo[{_rate(row.rate)}{'/' + row.nature if row.nature else ''}]"
        yield from number(f"{where}/AliquotaIVA", row.rate, "RateType")
        yield from text(f"{where}/Natura", row.nature, NATURE, required=False)
        yield from number(f"{where}/ImponibileImporto", row.taxable, "Amount2DecimalType")
        yield from number(f"{where}/Imposta", row.vat, "Amount2DecimalType")
        yield from text(f"{where}/RiferimentoNormativo", row.legal_reference, t["String100LatinType"],
                        required=bool(row.nature))
    if body.payment is not None:
        yield from text("DatiPagamento/CondizioniPagamento", body.payment.terms, PAYMENT_TERMS)
        for n, instalment in enumerate(body.payment.instalments, start=1):
            where = f"DettaglioPagamento[{n}]"
            yield from text(f"{where}/ModalitaPagamento", instalment.method, PAYMENT_METHOD)
            yield from number(f"{where}/ImportoPagamento", instalment.amount, "Amount2DecimalType")
            yield from text(f"{where}/IBAN", instalment.iban, t["IBANType"], required=False)


def _line_values(line: Line) -> Iterator[tuple[str, str, str]]:
    """(element, value, why) for each value of a line outside its type, its number aside."""
    t = TYPES
    if line.item and (reason := t["String35LatinExtType"].problem(line.item)):
        yield "CodiceArticolo/CodiceValore", line.item, reason
    if not line.description:
        yield "Descrizione", "", "missing"
    elif reason := t["String1000LatinType"].problem(line.description):
        yield "Descrizione", line.description, reason
    if line.unit and (reason := t["String10Type"].problem(line.unit)):
        yield "UnitaMisura", line.unit, reason
    quantity, amount8, rate = NUMBERS["QuantitaType"], NUMBERS["Amount8DecimalType"], NUMBERS["RateType"]
    for name, value, kind in (("Quantita", line.quantity, quantity), ("PrezzoUnitario", line.unit_price, amount8),
                              ("PrezzoTotale", line.total, amount8), ("AliquotaIVA", line.rate, rate)):
        if reason := kind.problem(value):
            yield name, str(value), reason
    if line.nature and (reason := NATURE.problem(line.nature)):
        yield "Natura", line.nature, reason


def _sound(line: Line) -> bool:
    """Whether every value of the line, its number aside, is of its type; remembered for the
    lines found sound. A month's lines repeat (the same item, quantity and price week after
    week: one in six is new in the benchmark's month), and a type's verdict depends on the
    value alone, so a line saying what a sound line said is sound. A line with a fault is
    looked at each time, so its problems name its own values."""
    key = (line.item, line.description, line.quantity, line.unit, line.unit_price, line.total, line.rate, line.nature)
    if key in _SOUND_LINES:
        return True
    if any(True for _ in _line_values(line)):
        return False
    if len(_SOUND_LINES) > 1 << 16:
        _SOUND_LINES.clear()
    _SOUND_LINES.add(key)
    return True


_SOUND_LINES: set[tuple[object, ...]] = set()


@lru_cache(maxsize=1 << 12)
def _party_values(block: str, party: Party, seller: bool) -> tuple[tuple[str, str, str], ...]:
    """`_party`, remembered: every file of a run has the same seller, a customer's files the
    same buyer, and a party's verdicts depend on its texts alone."""
    return tuple(_party(block, party, seller=seller))


def _party(block: str, party: Party, *, seller: bool) -> Iterator[tuple[str, str, str]]:
    t = TYPES
    data = f"{block}/DatiAnagrafici"
    checks: list[tuple[str, str | None, TextType, bool]] = []
    if party.vat_id is not None or seller:
        vat_id = party.vat_id
        checks += [(f"{data}/IdFiscaleIVA/IdPaese", vat_id.country if vat_id else None, t["NazioneType"], True),
                   (f"{data}/IdFiscaleIVA/IdCodice", vat_id.code if vat_id else None, t["CodiceType"], True)]
    checks += [(f"{data}/CodiceFiscale", party.tax_code, t["CodiceFiscaleType"], False),
               (f"{data}/Anagrafica/Denominazione", party.name, t["String80LatinType"], True)]
    if seller:
        checks.append((f"{data}/RegimeFiscale", party.tax_regime, REGIME, True))
    checks += _address(f"{block}/Sede", party.address)
    if (rea := party.registration) is not None:
        checks += [(f"{block}/IscrizioneREA/Ufficio", rea.office, t["ProvinciaType"], True),
                   (f"{block}/IscrizioneREA/NumeroREA", rea.number, t["String20Type"], True)]
        if rea.share_capital is not None and (reason := NUMBERS["Amount2DecimalType"].problem(rea.share_capital)):
            yield f"{block}/IscrizioneREA/CapitaleSociale", str(rea.share_capital), reason
    for field, value, kind, required in checks:
        if not value:
            if required:
                yield field, "", "missing"
            continue
        reason = kind.problem(value)
        if reason:
            yield field, value, reason


def _address(block: str, address: Address) -> list[tuple[str, str | None, TextType, bool]]:
    t = TYPES
    return [(f"{block}/Indirizzo", address.street, t["String60LatinType"], True),
            (f"{block}/CAP", address.postcode, t["CAPType"], True),
            (f"{block}/Comune", address.city, t["String60LatinType"], True),
            (f"{block}/Provincia", address.province, t["ProvinciaType"], False),
            (f"{block}/Nazione", address.country, t["NazioneType"], True)]


def _at(line: Line) -> str:
    return f"DettaglioLinee[{line.number}]"


def _rate(rate: Decimal) -> str:
    return f"{rate:.2f}"
