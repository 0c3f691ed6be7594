"""The official FatturaPA schema and an independent reader of FatturaPA files, for the tests.

The reader uses ElementTree paths written from the format's documentation, not the toolkit's
writer: a file the writer gets wrong cannot be read back "right" by the same mistake.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

NS = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
XMLDSIG = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA_FILE = "Schema_del_file_xml_FatturaPA_v1.2.2.xsd"


def schema_dir() -> Path | None:
    """`../shared/standards/fatturapa` beside the clone (`parents[2]` of this file); a git
    worktree kept one level deeper finds it on a further ancestor."""
    here = Path(__file__).resolve()
    for folder in (here.parents[2], *here.parents[3:]):
        candidate = folder / "shared" / "standards" / "fatturapa"
        if (candidate / SCHEMA_FILE).exists():
            return candidate
    return None


@functools.cache
def _load_schema():
    import xmlschema

    folder = schema_dir()
    if folder is None:
        return None
    return xmlschema.XMLSchema(str(folder / SCHEMA_FILE), locations=[(XMLDSIG, str(folder / "xmldsig-core-schema.xsd"))])


def official_schema():
    """The FatturaPA 1.2.2 schema with its xmldsig import read from the local copy; skips the
    test when xmlschema or the folder is missing."""
    pytest.importorskip("xmlschema", reason="xmlschema is not installed: pip install -e '.[test]'")
    schema = _load_schema()
    if schema is None:
        pytest.skip("the official FatturaPA schema is not here: it is expected in ../shared/standards/fatturapa/ "
                    "beside the clone (CI puts it there)")
    return schema


def schema_errors(path_or_bytes) -> list[str]:
    schema = official_schema()
    source = ET.fromstring(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return [str(e) for e in schema.iter_errors(source)]


@dataclass(frozen=True)
class ReadLine:
    number: int
    item: str | None
    description: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal
    total: Decimal
    rate: Decimal
    nature: str | None


@dataclass(frozen=True)
class ReadInvoice:
    """What a FatturaPA file says, as read back by the tests."""

    version: str
    transmitter: str
    progressive: str
    transmission_format: str
    recipient_code: str
    pec: str | None
    seller_vat: str
    buyer_vat: str | None
    buyer_tax_code: str | None
    buyer_name: str
    kind: str
    currency: str
    day: date
    number: str
    total: Decimal
    stamp_duty: Decimal | None
    purchase_orders: tuple[tuple[str, tuple[int, ...]], ...]
    linked: tuple[tuple[str, date | None], ...]
    ddts: tuple[tuple[str, date, tuple[int, ...]], ...]
    lines: tuple[ReadLine, ...]
    summary: tuple[tuple[Decimal, str | None, Decimal, Decimal, str | None], ...]
    """(rate, nature, taxable, VAT, legal reference)."""
    payment_terms: str | None
    dues: tuple[tuple[str, date, Decimal], ...]
    """(method, due date, amount)."""
    payability: tuple[str | None, ...] = ()
    """EsigibilitaIVA of each DatiRiepilogo, in order (None where the file leaves it out)."""
    order_codes: tuple[tuple[str, str | None, str | None], ...] = ()
    """(IdDocumento, CodiceCUP, CodiceCIG) of each DatiOrdineAcquisto, in order."""
    linked_codes: tuple[tuple[str, str | None, str | None], ...] = ()
    """(IdDocumento, CodiceCUP, CodiceCIG) of each DatiFattureCollegate."""
    regime: str | None = None
    """The seller's RegimeFiscale."""


def read(source: Path | bytes) -> ReadInvoice:
    root = ET.fromstring(source) if isinstance(source, bytes) else ET.parse(source).getroot()
    assert root.tag == f"{{{NS}}}FatturaElettronica", root.tag
    h = root.find("FatturaElettronicaHeader")
    b = root.find("FatturaElettronicaBody")
    tx = h.find("DatiTrasmissione")
    seller = h.find("CedentePrestatore/DatiAnagrafici")
    buyer = h.find("CessionarioCommittente/DatiAnagrafici")
    doc = b.find("DatiGenerali/DatiGeneraliDocumento")

    def text(node, path):
        found = node.find(path)
        return None if found is None else found.text

    def day(node, path):
        value = text(node, path)
        return None if value is None else date.fromisoformat(value)

    def numbers(node):
        return tuple(int(e.text) for e in node.findall("RiferimentoNumeroLinea"))

    def money(node, path):
        value = text(node, path)
        return None if value is None else Decimal(value)

    payment = b.find("DatiPagamento")
    return ReadInvoice(
        version=root.get("versione"),
        transmitter=text(tx, "IdTrasmittente/IdPaese") + text(tx, "IdTrasmittente/IdCodice"),
        progressive=text(tx, "ProgressivoInvio"),
        transmission_format=text(tx, "FormatoTrasmissione"),
        recipient_code=text(tx, "CodiceDestinatario"),
        pec=text(tx, "PECDestinatario"),
        seller_vat=text(seller, "IdFiscaleIVA/IdCodice"),
        buyer_vat=text(buyer, "IdFiscaleIVA/IdCodice"),
        buyer_tax_code=text(buyer, "CodiceFiscale"),
        buyer_name=text(buyer, "Anagrafica/Denominazione"),
        kind=text(doc, "TipoDocumento"),
        currency=text(doc, "Divisa"),
        day=day(doc, "Data"),
        number=text(doc, "Numero"),
        total=money(doc, "ImportoTotaleDocumento"),
        stamp_duty=money(doc, "DatiBollo/ImportoBollo"),
        purchase_orders=tuple((text(e, "IdDocumento"), numbers(e)) for e in b.findall("DatiGenerali/DatiOrdineAcquisto")),
        order_codes=tuple((text(e, "IdDocumento"), text(e, "CodiceCUP"), text(e, "CodiceCIG"))
                          for e in b.findall("DatiGenerali/DatiOrdineAcquisto")),
        linked=tuple((text(e, "IdDocumento"), day(e, "Data")) for e in b.findall("DatiGenerali/DatiFattureCollegate")),
        linked_codes=tuple((text(e, "IdDocumento"), text(e, "CodiceCUP"), text(e, "CodiceCIG"))
                           for e in b.findall("DatiGenerali/DatiFattureCollegate")),
        ddts=tuple((text(e, "NumeroDDT"), day(e, "DataDDT"), numbers(e)) for e in b.findall("DatiGenerali/DatiDDT")),
        lines=tuple(
            ReadLine(int(text(e, "NumeroLinea")), text(e, "CodiceArticolo/CodiceValore"), text(e, "Descrizione"),
                     money(e, "Quantita"), text(e, "UnitaMisura"), money(e, "PrezzoUnitario"), money(e, "PrezzoTotale"),
                     money(e, "AliquotaIVA"), text(e, "Natura"))
            for e in b.findall("DatiBeniServizi/DettaglioLinee")),
        summary=tuple((money(e, "AliquotaIVA"), text(e, "Natura"), money(e, "ImponibileImporto"), money(e, "Imposta"),
                       text(e, "RiferimentoNormativo")) for e in b.findall("DatiBeniServizi/DatiRiepilogo")),
        payment_terms=None if payment is None else text(payment, "CondizioniPagamento"),
        dues=() if payment is None else tuple(
            (text(e, "ModalitaPagamento"), day(e, "DataScadenzaPagamento"), money(e, "ImportoPagamento"))
            for e in payment.findall("DettaglioPagamento")),
        payability=tuple(text(e, "EsigibilitaIVA") for e in b.findall("DatiBeniServizi/DatiRiepilogo")),
        regime=text(seller, "RegimeFiscale"),
    )
