"""SDI's content controls on a FatturaPA file, read from its XML: for the tests only.

The toolkit checks its own tree before writing (`toolkit.core.einvoice.checks`); this module
checks the *file*, as the Sistema di Interscambio does after the schema (00200), from the
Agenzia delle Entrate's list of controls (Specifiche tecniche, allegato A, and its «Elenco dei
controlli», the 2021-and-later rules). It is written from that list and reads the XML with
ElementTree paths of its own, not the toolkit's records, so a mistake in the writer or in the
toolkit's checks is not repeated here.

`breaches(xml)` gives every control a file fails, each as (code, where, detail); `duplicates`
the files SDI would take for one invoice sent twice (00404). Each control is written as the
list's pseudo-code has it (version 2.0, 31 January 2025), not as its title reads: 00419 counts
the summaries against the distinct rates, 00443 and 00444 look for each rate and nature of the
lines and of the pension fund (DatiCassaPrevidenziale) among the summaries'. The list has no
00460 or 00461: its content controls end at 00445 and go on at 00471. The codes are SDI's; the few
checks SDI does not make but a file's recipient does (the total, the payments, the letter of
intent, the stamp duty, a summary with no line of its rate) are named `coherence-…`. What SDI checks against its registries (a
partita IVA that exists, a channel code that is open) cannot be checked offline; the check
digit of a partita IVA and a codice fiscale can, and is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

CENT = Decimal("0.01")
EURO = Decimal(1)
STAMP_THRESHOLD = Decimal("77.47")
NATURES_RETIRED_FROM = date(2021, 1, 1)
RETIRED = {"N2", "N3", "N6"}
REVERSE_CHARGE = re.compile(r"N6(\.\d)?")

TO_ANOTHER = {"TD01", "TD02", "TD03", "TD06", "TD16", "TD17", "TD18", "TD19", "TD20", "TD24", "TD25", "TD28"}
"""00471: the types whose buyer must be another than the seller."""
TO_ONESELF = {"TD21", "TD27"}
"""00472: the self-invoices, whose buyer is the seller."""
FROM_ABROAD = {"TD17", "TD18", "TD19"}
"""00473: integrations of purchases from abroad, whose seller is not Italian."""
BUYER_VAT_ID = {"TD16", "TD17", "TD18", "TD19", "TD20", "TD22", "TD23"}
"""00475: the types whose buyer must be named by IdFiscaleIVA."""
STAMPED_NATURES = re.compile(r"N1|N2\.[12]|N3\.[456]|N4")
"""Amounts without VAT that owe the stamp duty above 77.47 € (DPR 642/72, tariff art. 13)."""


@dataclass(frozen=True, order=True)
class Breach:
    code: str
    where: str
    detail: str = ""


def _text(node: ET.Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path)
    return None if found is None or found.text is None else found.text.strip()


def _money(node: ET.Element | None, path: str, default: Decimal | None = None) -> Decimal | None:
    value = _text(node, path)
    return default if value is None else Decimal(value)


def vat_number_ok(code: str) -> bool:
    """The check digit of an Italian partita IVA (11 digits, Luhn-like)."""
    if not re.fullmatch(r"\d{11}", code):
        return False
    total = 0
    for n, c in enumerate(code[:10]):
        d = int(c)
        if n % 2:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10 == int(code[10])


_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12,
                 14, 16, 10, 22, 25, 24, 23), strict=True))


def tax_code_ok(code: str) -> bool:
    """A codice fiscale: a person's 16 characters with their check letter, or an entity's 11
    digits (a partita IVA's check digit)."""
    if re.fullmatch(r"\d{11}", code):
        return vat_number_ok(code)
    if not re.fullmatch(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]", code):
        return False
    total = 0
    for n, c in enumerate(code[:15]):
        total += _ODD[c] if n % 2 == 0 else (int(c) if c.isdigit() else ord(c) - ord("A"))
    return chr(ord("A") + total % 26) == code[15]


def _fiscal_id(node: ET.Element | None) -> tuple[str, str] | None:
    if node is None or node.find("IdFiscaleIVA") is None:
        return None
    return _text(node, "IdFiscaleIVA/IdPaese") or "", _text(node, "IdFiscaleIVA/IdCodice") or ""


def parsed(xml: bytes) -> ET.Element:
    """The file's elements by their local names: FatturaPA qualifies only its root, but a file
    written again by ElementTree after another library registered the namespace as the default
    one qualifies every element (the same document, which SDI reads alike)."""
    root = ET.fromstring(xml)
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    return root


def breaches(xml: bytes, received: date | None = None) -> list[Breach]:
    """Every SDI content control the file fails, and the recipient's coherence checks, for a
    file SDI receives on `received` (today when None: a document dated after it, 00403)."""
    root = parsed(xml)
    out: list[Breach] = []
    header = root.find("FatturaElettronicaHeader")
    tx = header.find("DatiTrasmissione")
    seller = header.find("CedentePrestatore/DatiAnagrafici")
    buyer = header.find("CessionarioCommittente/DatiAnagrafici")
    out += _transmission(root, tx, buyer)
    out += _parties(seller, buyer)
    for body in root.findall("FatturaElettronicaBody"):
        out += _body(body, seller, buyer, received or date.today())
    return out


def _transmission(root: ET.Element, tx: ET.Element, buyer: ET.Element) -> list[Breach]:
    out = []
    fmt, code, pec = _text(tx, "FormatoTrasmissione"), _text(tx, "CodiceDestinatario") or "", _text(tx, "PECDestinatario")
    if root.get("versione") != fmt:
        out.append(Breach("00428", "FormatoTrasmissione", f"{fmt} in a file of versione {root.get('versione')}"))
    if pec and code != "0000000":
        out.append(Breach("00426", "PECDestinatario", f"PEC with CodiceDestinatario {code}"))
    if (len(code) == 6) != (fmt == "FPA12"):
        out.append(Breach("00427", "CodiceDestinatario", f"{code} ({len(code)} characters) with {fmt}"))
    sender = _text(tx, "IdTrasmittente/IdPaese"), _text(tx, "IdTrasmittente/IdCodice") or ""
    if sender[0] == "IT" and not tax_code_ok(sender[1]):
        out.append(Breach("00300", "IdTrasmittente/IdCodice", f"{sender[1]}: no codice fiscale"))
    buyer_id = _fiscal_id(buyer)
    if code == "XXXXXXX":
        country = _text(root, "FatturaElettronicaHeader/CessionarioCommittente/Sede/Nazione")
        if buyer_id is None or buyer_id[0] == "IT":
            out.append(Breach("00313", "CodiceDestinatario", "XXXXXXX for a buyer without a foreign IdFiscaleIVA"))
        if country == "IT":
            out.append(Breach("00313", "CessionarioCommittente/Sede/Nazione", "XXXXXXX for a buyer in Italy"))
        if _text(buyer, "CodiceFiscale") is not None:
            out.append(Breach("00313", "CessionarioCommittente/DatiAnagrafici/CodiceFiscale",
                              "XXXXXXX for a buyer with an Italian codice fiscale"))
    return out


def _parties(seller: ET.Element, buyer: ET.Element) -> list[Breach]:
    out = []
    for where, party, vat_code, tax_code in (("CedentePrestatore", seller, "00301", "00302"),
                                             ("CessionarioCommittente", buyer, "00305", "00306")):
        fid = _fiscal_id(party)
        if fid is not None and fid[0] == "IT" and not vat_number_ok(fid[1]):
            out.append(Breach(vat_code, f"{where}/IdFiscaleIVA/IdCodice", fid[1]))
        cf = _text(party, "CodiceFiscale")
        if cf is not None and not tax_code_ok(cf):
            out.append(Breach(tax_code, f"{where}/CodiceFiscale", cf))
    if _fiscal_id(buyer) is None and _text(buyer, "CodiceFiscale") is None:
        out.append(Breach("00417", "CessionarioCommittente", "neither IdFiscaleIVA nor CodiceFiscale"))
    seller_id, buyer_id = _fiscal_id(seller), _fiscal_id(buyer)
    if seller_id and buyer_id and seller_id[0] != "IT" and buyer_id[0] != "IT":
        out.append(Breach("00476", "IdPaese", "neither the seller nor the buyer is Italian"))
    return out


def _body(body: ET.Element, seller: ET.Element, buyer: ET.Element, received: date) -> list[Breach]:
    out: list[Breach] = []
    doc = body.find("DatiGenerali/DatiGeneraliDocumento")
    kind, number = _text(doc, "TipoDocumento") or "", _text(doc, "Numero") or ""
    day = date.fromisoformat(_text(doc, "Data") or "")
    if day > received:
        out.append(Breach("00403", "DatiGeneraliDocumento/Data", f"{day} after its reception on {received}"))
    if not any(c.isdigit() for c in number):
        out.append(Breach("00425", "Numero", number))
    seller_id, buyer_id = _fiscal_id(seller), _fiscal_id(buyer)
    if kind in TO_ANOTHER and buyer_id is not None and buyer_id == seller_id:
        out.append(Breach("00471", "CessionarioCommittente", f"{kind} made out to the seller"))
    if kind in TO_ONESELF and buyer_id != seller_id:
        out.append(Breach("00472", "CessionarioCommittente", f"{kind} not made out to the seller"))
    if kind in FROM_ABROAD and seller_id is not None and seller_id[0] == "IT":
        out.append(Breach("00473", "CedentePrestatore", f"{kind} from an Italian seller"))
    if kind in BUYER_VAT_ID and buyer_id is None:
        out.append(Breach("00475", "CessionarioCommittente", f"{kind} without the buyer's IdFiscaleIVA"))
    for n, linked in enumerate(body.findall("DatiGenerali/DatiFattureCollegate"), start=1):
        linked_day = _text(linked, "Data")
        if linked_day and day < date.fromisoformat(linked_day):
            out.append(Breach("00418", f"DatiFattureCollegate[{n}]/Data", f"{day} before {linked_day}"))
    for n, discount in enumerate(doc.findall("ScontoMaggiorazione"), start=1):
        if discount.find("Percentuale") is None and discount.find("Importo") is None:
            out.append(Breach("00437", f"DatiGeneraliDocumento/ScontoMaggiorazione[{n}]", "Tipo alone"))
    out += _lines_and_summary(body, kind, day)
    out += _coherence(body, doc)
    return out


def _rate_and_nature(rate: Decimal, nature: str | None, where: str, codes: tuple[str, str]) -> list[Breach]:
    """A nature exactly at 0 % (a line's 00400/00401, a summary's 00429/00430), and a rate said
    in percent, 22.00 and never 0.22 (00424)."""
    found = []
    if rate == 0 and not nature:
        found.append(Breach(codes[0], where, "AliquotaIVA 0 without Natura"))
    if rate != 0 and nature:
        found.append(Breach(codes[1], where, f"Natura {nature} with AliquotaIVA {rate}"))
    if 0 < rate < 1:
        found.append(Breach("00424", f"{where}/AliquotaIVA", str(rate)))
    return found


def _line_total(line: ET.Element) -> Decimal:
    """00423's expected total: the unit price after each discount or surcharge, times the
    quantity (one without Quantita)."""
    price = _money(line, "PrezzoUnitario") or Decimal(0)
    for change in line.findall("ScontoMaggiorazione"):
        sign = -1 if _text(change, "Tipo") == "SC" else 1
        percent, amount = _money(change, "Percentuale"), _money(change, "Importo")
        if percent is not None:
            price += sign * price * percent / 100
        elif amount is not None:
            price += sign * amount
    return price * (_money(line, "Quantita") or Decimal(1))


def _lines_and_summary(body: ET.Element, kind: str, day: date) -> list[Breach]:
    out: list[Breach] = []
    goods = body.find("DatiBeniServizi")
    sums: dict[tuple[Decimal, str | None], Decimal] = {}
    retired: set[str] = set()
    for line in goods.findall("DettaglioLinee"):
        where = f"DettaglioLinee[{_text(line, 'NumeroLinea')}]"
        rate, nature = _money(line, "AliquotaIVA") or Decimal(0), _text(line, "Natura")
        total = _money(line, "PrezzoTotale") or Decimal(0)
        out += _rate_and_nature(rate, nature, where, ("00400", "00401"))
        expected = _line_total(line)
        if abs(total - expected) > CENT:
            out.append(Breach("00423", f"{where}/PrezzoTotale", f"{total} against {expected}"))
        for n, change in enumerate(line.findall("ScontoMaggiorazione"), start=1):
            if change.find("Percentuale") is None and change.find("Importo") is None:
                out.append(Breach("00438", f"{where}/ScontoMaggiorazione[{n}]", "Tipo alone"))
        if nature in RETIRED:
            retired.add(nature)
        key = (rate, nature if rate == 0 else None)
        sums[key] = sums.get(key, Decimal(0)) + total
    for fund in body.findall("DatiGenerali/DatiGeneraliDocumento/DatiCassaPrevidenziale"):
        rate, nature = _money(fund, "AliquotaIVA") or Decimal(0), _text(fund, "Natura")
        key = (rate, nature if rate == 0 else None)
        sums[key] = sums.get(key, Decimal(0)) + (_money(fund, "ImportoContributoCassa") or Decimal(0))
    summarized: dict[tuple[Decimal, str | None], Decimal] = {}
    for row in goods.findall("DatiRiepilogo"):
        rate, nature = _money(row, "AliquotaIVA") or Decimal(0), _text(row, "Natura")
        where = f"DatiRiepilogo[{rate}{'/' + nature if nature else ''}]"
        key = (rate, nature if rate == 0 else None)
        out += _rate_and_nature(rate, nature, where, ("00429", "00430"))
        if nature and REVERSE_CHARGE.fullmatch(nature) and _text(row, "EsigibilitaIVA") == "S":
            out.append(Breach("00420", where, "reverse charge under split payment"))
        if nature in RETIRED:
            retired.add(nature)
        taxable, vat = _money(row, "ImponibileImporto") or Decimal(0), _money(row, "Imposta") or Decimal(0)
        rounding = _money(row, "Arrotondamento", Decimal(0)) or Decimal(0)
        if abs(vat - taxable * rate / 100) > CENT:
            out.append(Breach("00421", f"{where}/Imposta", f"{vat} against {taxable} × {rate} %"))
        summarized[key] = summarized.get(key, Decimal(0)) + taxable - rounding
    for key, taxable in summarized.items():
        lines_sum = sums.get(key, Decimal(0))
        if abs(taxable - lines_sum) > EURO:
            where = f"DatiRiepilogo[{key[0]}{'/' + key[1] if key[1] else ''}]"
            out.append(Breach("00422", f"{where}/ImponibileImporto", f"{taxable} against the lines' {lines_sum}"))
    zero = [taxable for (rate, _), taxable in summarized.items() if rate == 0]
    if len(zero) > 1:  # SDI's euro is a rate's, whatever the natures: two summaries 0.90 off each are 1.80 off
        taxable, lines_sum = sum(zero, Decimal(0)), sum((v for (r, _), v in sums.items() if r == 0), Decimal(0))
        if abs(taxable - lines_sum) > EURO:
            out.append(Breach("00422", "DatiRiepilogo[0]/ImponibileImporto", f"{taxable} against the lines' {lines_sum}"))
    out += _summarized(body, goods, sums, summarized)
    if day >= NATURES_RETIRED_FROM:
        out += [Breach("00445", "Natura", n) for n in sorted(retired)]
    return out


def _summarized(body: ET.Element, goods: ET.Element, sums: dict[tuple[Decimal, str | None], Decimal],
                summarized: dict[tuple[Decimal, str | None], Decimal]) -> list[Breach]:
    """00419: no fewer summaries than the distinct rates of the lines and the pension fund;
    00443, 00444: each of their rates, and each of their natures, among the summaries'; and the
    other way, which SDI does not check, a summary whose rate and nature no line or pension fund
    has (`coherence-summary-without-lines`): a VAT register would read a rate the document sold
    nothing at."""
    out: list[Breach] = []
    used: list[tuple[str, Decimal, str | None]] = []
    for line in goods.findall("DettaglioLinee"):
        used.append((f"DettaglioLinee[{_text(line, 'NumeroLinea')}]", _money(line, "AliquotaIVA") or Decimal(0),
                     _text(line, "Natura")))
    for n, fund in enumerate(body.findall("DatiGenerali/DatiGeneraliDocumento/DatiCassaPrevidenziale"), start=1):
        used.append((f"DatiCassaPrevidenziale[{n}]", _money(fund, "AliquotaIVA") or Decimal(0), _text(fund, "Natura")))
    rows = goods.findall("DatiRiepilogo")
    rates = {_money(row, "AliquotaIVA") or Decimal(0) for row in rows}
    natures = {nature for row in rows if (nature := _text(row, "Natura"))}
    if len(rows) < len({rate for _, rate, _ in used}):
        out.append(Breach("00419", "DatiRiepilogo", f"{len(rows)} for {len({r for _, r, _ in used})} rates"))
    missing_rates: dict[Decimal, str] = {}
    missing_natures: dict[str, str] = {}
    for where, rate, nature in used:
        if rate not in rates:
            missing_rates.setdefault(rate, where)
        if nature and nature not in natures:
            missing_natures.setdefault(nature, where)
    out += [Breach("00443", f"{where}/AliquotaIVA", f"{rate} in no DatiRiepilogo") for rate, where in missing_rates.items()]
    out += [Breach("00444", f"{where}/Natura", f"{nature} in no DatiRiepilogo")
            for nature, where in missing_natures.items()]
    for rate, nature in summarized:
        if (rate, nature) not in sums:
            out.append(Breach("coherence-summary-without-lines", f"DatiRiepilogo[{rate}{'/' + nature if nature else ''}]",
                              "no line nor pension fund of its rate and nature"))
    return out


def _coherence(body: ET.Element, doc: ET.Element) -> list[Breach]:
    """What SDI lets through and the recipient does not: a total that is not the summary's, dues
    that do not add up to what is to be paid, a line reference to no line, N3.5 without the
    letter of intent's protocol, amounts without VAT over 77.47 € without the stamp duty."""
    out: list[Breach] = []
    goods = body.find("DatiBeniServizi")
    rows = goods.findall("DatiRiepilogo")
    taxable = sum((_money(r, "ImponibileImporto") or Decimal(0) for r in rows), Decimal(0))
    vat = sum((_money(r, "Imposta") or Decimal(0) for r in rows), Decimal(0))
    split_vat = sum((_money(r, "Imposta") or Decimal(0) for r in rows if _text(r, "EsigibilitaIVA") == "S"),
                    Decimal(0))
    rounding = _money(doc, "Arrotondamento", Decimal(0)) or Decimal(0)
    total = _money(doc, "ImportoTotaleDocumento")
    if total is not None and total != taxable + vat + rounding:
        out.append(Breach("coherence-total", "ImportoTotaleDocumento", f"{total} against {taxable} + {vat}"))
    payments = body.findall("DatiPagamento/DettaglioPagamento")
    if payments and total is not None:
        paid = sum((_money(p, "ImportoPagamento") or Decimal(0) for p in payments), Decimal(0))
        if paid != total - split_vat:
            out.append(Breach("coherence-payments", "DatiPagamento", f"{paid} against {total - split_vat}"))
    numbers = {_text(line, "NumeroLinea") for line in goods.findall("DettaglioLinee")}
    for block in ("DatiOrdineAcquisto", "DatiDDT", "DatiFattureCollegate", "DatiContratto", "DatiConvenzione"):
        for n, node in enumerate(body.findall(f"DatiGenerali/{block}"), start=1):
            for ref in node.findall("RiferimentoNumeroLinea"):
                if ref.text not in numbers:
                    out.append(Breach("coherence-line-reference", f"{block}[{n}]", f"no line {ref.text}"))
    lines = goods.findall("DettaglioLinee")
    if any(_text(line, "Natura") == "N3.5" for line in lines):
        cited = [d for line in lines for d in line.findall("AltriDatiGestionali")
                 if _text(d, "TipoDato") == "INTENTO" and _text(d, "RiferimentoTesto")]
        if not cited:
            out.append(Breach("coherence-intent", "AltriDatiGestionali", "N3.5 without the letter of intent"))
    stamped = sum((_money(r, "ImponibileImporto") or Decimal(0) for r in rows
                   if STAMPED_NATURES.fullmatch(_text(r, "Natura") or "")), Decimal(0))
    if stamped > STAMP_THRESHOLD and doc.find("DatiBollo") is None:
        out.append(Breach("coherence-stamp-duty", "DatiBollo", f"{stamped} without VAT and no stamp duty"))
    return out


def duplicates(files: Iterable[bytes]) -> list[Breach]:
    """00404: two files of one seller with the same TipoDocumento, year and number."""
    seen: dict[tuple[str, str, str, str], int] = {}
    out = []
    for n, xml in enumerate(files):
        root = parsed(xml)
        seller = _fiscal_id(root.find("FatturaElettronicaHeader/CedentePrestatore/DatiAnagrafici")) or ("", "")
        for body in root.findall("FatturaElettronicaBody"):
            doc = body.find("DatiGenerali/DatiGeneraliDocumento")
            key = ("".join(seller), _text(doc, "TipoDocumento") or "", (_text(doc, "Data") or "")[:4],
                   _text(doc, "Numero") or "")
            if key in seen:
                out.append(Breach("00404", f"file {n}", f"{key[1]} {key[3]} of {key[2]} already in file {seen[key]}"))
            seen.setdefault(key, n)
    return out
