"""FatturaPA XML files: one per invoice, named as SDI wants, written atomically, optionally zipped.

How the installed toolkit guarantees a valid file without the official XSD at hand: this
writer emits each block's elements in exactly the schema's order (the sequences of
`Schema_del_file_xml_FatturaPA_v1.2.2.xsd`, restated below one function per block), only
from a tree that passed `toolkit.core.einvoice.checks` — SDI's content checks and every
value against its schema type. Typed bindings generated from the schema (xsdata) would
guarantee the order too, but add a run-time dependency and a slow serializer for a month of
36,000 files; the tests instead validate every file of a month with the XSD and probe the
value types against it, so the writer and the schema cannot drift apart unnoticed.

The text is built as strings, not as an element tree: it is the fastest way in the standard
library, and the order is the code's order. Elements have no namespace prefix (the schema's
local elements are unqualified); the root is `p:FatturaElettronica` with `versione`.

File names are `IT<partita IVA>_<progressive>.xml`, the seller's id even when an intermediary
transmits (SDI has not checked the name's id against the file since 2018, and the progressives
are the seller's own), with a progressive of up to five letters or digits that the caller keeps
(the same invoice gets the same name, and the same bytes, when written again).
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, ExitStack, suppress
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from toolkit.basics.files import (
    abandon_archives,
    atomic_path,
    inside,
    noted_writing,
    noted_writing_in,
    sweep_stale,
    temporary_file,
    write_atomic,
)
from toolkit.basics.problems import Problem
from toolkit.core.einvoice import Context, codes, names, prepare_all
from toolkit.core.einvoice.checks import cites_no_letter
from toolkit.core.einvoice.fields import decimals
from toolkit.core.einvoice.records import Address, FatturaPA, FiscalId, LetterOfIntent, Line, Party, RelatedDocument
from toolkit.core.invoicing import Invoice

NAMESPACE = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
ITEM_CODE_TYPE = "INTERNO"
"""CodiceTipo of the item codes: the seller's own codes."""

ZIP_LIMIT = 5_000_000
"""SDI takes files and zips of at most 5 MB: `write_archives` keeps each zip below this."""
_ZIP_ENTRY = 30 + 46
"""Bytes a zip spends on an entry besides its name (twice) and its data: local header and
central directory record."""
_ZIP_END = 22

_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


@dataclass
class Written:
    """What a run wrote: each invoice's file, the archive, and every problem found."""

    files: dict[str, Path] = field(default_factory=dict)
    """Invoice number → its file."""
    problems: list[Problem] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Numbers of the invoices not written, because they failed a check."""
    archive: Path | None = None
    uncited: list[str] = field(default_factory=list)
    """Numbers of the invoices written selling N3.5 without citing the letter of intent
    (`checks.cites_no_letter`): issued so before invoicing refused them, written as issued."""
    immediate: dict[str, date] = field(default_factory=dict)
    """Number → date of the immediate invoices (TD01) written, whose twelve days at SDI run from
    that date (`toolkit.core.einvoice.deadline`)."""


def file_name(doc: FatturaPA) -> str:
    """`IT09876540155_00001.xml`: the seller's country and id, and the progressive."""
    return names.file_name(doc.seller.vat_id or doc.transmission.transmitter, doc.transmission.progressive)


def write_file(doc: FatturaPA, folder: Path) -> Path:
    """Write one checked FatturaPA into `folder`, atomically; the path written."""
    data = xml_bytes(doc)
    return write_atomic(inside(folder, file_name(doc)), lambda path: path.write_bytes(data))


def _put(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` as `folder/name` through a temporary file renamed into place, named as
    `atomic_path` names them (so a later run's sweep removes one a kill left), as
    `write_atomic` does, without what it checks for every file and a run settles once: the
    folder exists, and no Excel lock file (Excel does not hold XML files). A month is tens of
    thousands of small files, and those checks cost three times the writing. The temporary
    file is named after the file and the process rather than at random, and created with the
    permissions the process umask gives a new file (`os.open` applies it), which saves a call each."""
    target = _target(folder, name)
    stem, _, suffix = name.rpartition(".")
    tmp = os.path.join(folder, f".{stem}.{os.getpid():08d}.{suffix}")
    try:
        fd = os.open(tmp, _NEW_FILE, 0o666)
    except FileExistsError:  # left by a process that had this id and was killed mid-write
        os.unlink(tmp)
        fd = os.open(tmp, _NEW_FILE, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException as failed:
        Path(tmp).unlink(missing_ok=True)
        noted_writing(failed, target)
        raise
    return target


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _target(folder: Path, name: str) -> Path:
    """`folder / name` for a name that cannot leave `folder` (the checks keep file names to
    letters, digits and `_`); `inside`, which resolves the path on disk, costs more than
    writing a small file, and a month has tens of thousands. A name of letters, digits, `_`
    and dots not starting with a dot, as every name the checks let through, needs no parsing."""
    if not _PLAIN_NAME.fullmatch(name) and (not name or name != Path(name).name or name.startswith(".")):
        raise ValueError(f"{name!r} is not a plain file name")
    return folder / name


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.]*")


def write_invoices(invoices: Iterable[Invoice], context: Context, folder: Path, *,
                   archive: Path | None = None) -> Written:
    """Check and write each invoice's file, one at a time; an invoice that fails a check is
    not written and its problems are reported. With `archive`, the files written also go into
    that zip (written atomically: a run that fails leaves no half archive). Entries carry a
    fixed date, so the same files make the same archive."""
    written = Written()
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    sweep_stale(folder)
    with ExitStack() as stack:
        bundle = None
        if archive is not None:
            tmp = stack.enter_context(atomic_path(Path(archive)))
            bundle = stack.enter_context(zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED))
        for prepared in prepare_all(invoices, context):
            written.problems.extend(prepared.problems)
            number = prepared.invoice.number or "?"
            if not prepared.ok or prepared.document is None:
                written.refused.append(number)
                continue
            data = xml_bytes(prepared.document)
            name = file_name(prepared.document)
            written.files[number] = _put(folder, name, data)
            if cites_no_letter(prepared.document):
                written.uncited.append(number)
            if prepared.document.body.kind == codes.IMMEDIATE:
                written.immediate[number] = prepared.document.body.day
            if bundle is not None:
                entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                entry.external_attr = 0o644 << 16
                bundle.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
        if bundle is not None:
            bundle.close()
    if archive is not None:
        written.archive = Path(archive)
    return written


Naming = Callable[[tuple[str, ...]], AbstractContextManager[str]]
"""What names a zip: asked with the names of the files it holds, it gives the zip's name for
the time the zip is put in place, so the caller records the zip only once it is there."""


ZipNaming = Callable[[Sequence[tuple[str, ...]], tuple[str, ...], bool], str | None]
"""The name a zip under way takes once in place, asked with the files of each zip made before
it, the files it holds so far and whether those are all it would hold: a zip of files zipped
before may take an earlier zip's name, known only once its files are; None when not known."""


def write_archives(files: Iterable[Path], folder: Path, name: Naming, *, limit: int = ZIP_LIMIT) -> list[Path]:
    """Put written files into zips of at most `limit` bytes each, in the order given, and
    return the zips. A zip's name comes from `name`, asked with the names of the files it holds
    once it is complete (the caller keeps a progressive per zip, and records it when `name`'s
    context ends, after the zip is in place: a run killed in between leaves a zip nobody
    recorded, which the next run writes again under the same name, never a record of a zip
    that is not there); each zip is written under a temporary name and renamed into place, so a
    failure leaves no half zip. Entries carry a fixed date: the same files make the same bytes."""
    folder = Path(folder).resolve()
    done: list[Path] = []
    packed = pack_archives(files, folder, limit=limit)
    try:
        for tmp, members in packed:
            with name(members) as chosen:
                target = _target(folder, chosen)
                os.replace(tmp, target)
            done.append(target)
    finally:
        for tmp, _ in packed:
            tmp.unlink(missing_ok=True)
    return done


def pack_archives(files: Iterable[Path], folder: Path, *, limit: int = ZIP_LIMIT,
                  named: ZipNaming | None = None) -> list[tuple[Path, tuple[str, ...]]]:
    """The zips of `files`, each of at most `limit` bytes, in the order given, written in
    `folder` under temporary names (`temporary_file`, which a later run's sweep removes if a
    kill left one), each with the names of the files it holds: the caller names each one and
    puts it in place. A failure leaves none of them; a full disk's is noted with the name the
    zip under way was to take (`named`), where the system's error names its temporary file,
    hidden and gone, or nothing; with its folder alone when that name depends on files the zip
    never got to.

    Whether the next file fits is first judged from its size (XML never grows by much when
    deflated); only near the limit is it compressed once more to know exactly.
    """
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    queue = list(files)
    done: list[tuple[Path, tuple[str, ...]]] = []
    members: list[str] = []
    size = _ZIP_END
    bundle: zipfile.ZipFile | None = None
    tmp: Path | None = None
    taken, closing = 0, False
    try:
        for path in queue:
            data = Path(path).read_bytes()
            entry = Path(path).name
            overhead = _ZIP_ENTRY + 2 * len(entry.encode("utf-8"))
            if bundle is not None and tmp is not None and size + overhead + _deflate_bound(len(data)) > limit \
                    and size + overhead + _deflated_size(data) > limit:
                closing = True
                bundle.close()
                closing = False
                done.append((tmp, tuple(members)))
                bundle, tmp, members, size = None, None, [], _ZIP_END
            if bundle is None:
                tmp = temporary_file(folder, "fatture", ".zip")
                bundle = zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED)
            info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
            members.append(entry)
            taken += 1
            size += overhead + info.compress_size
        if bundle is not None and tmp is not None:
            closing = True
            bundle.close()
            done.append((tmp, tuple(members)))
            bundle, tmp = None, None
    except BaseException as failed:
        if tmp is not None:
            abandon_archives(failed, tmp)
        if named is not None:
            held, whole = (tuple(members), True) if closing else _to_hold(queue[taken:], tuple(members), size, limit)
            chosen = named([made for _, made in done], held, whole)
            if chosen is None:
                noted_writing_in(failed, folder)
            else:
                noted_writing(failed, folder / chosen)
        for made, _ in done:
            made.unlink(missing_ok=True)
        raise
    finally:
        if bundle is not None:
            with suppress(OSError, ValueError):
                bundle.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return done


def _to_hold(rest: Sequence[Path], held: tuple[str, ...], size: int, limit: int) -> tuple[tuple[str, ...], bool]:
    """The files the zip a failure stopped would hold, and whether that is all of them: with
    the files it holds (`held`, taking `size` bytes), every file still to zip (`rest`, the one
    under way first) when their sizes' bound says all of them fit, the last zip whole; else the
    one under way with those before it, the rest depending on how each would deflate."""
    names = tuple(Path(path).name for path in rest)
    try:
        room = sum(_ZIP_ENTRY + 2 * len(name.encode("utf-8")) + _deflate_bound(Path(path).stat().st_size)
                   for path, name in zip(rest, names))
    except OSError:
        room = limit + 1
    if size + room <= limit:
        return held + names, True
    return held + names[:1], False


def _deflate_bound(length: int) -> int:
    """An upper bound of deflate's output for `length` bytes (stored blocks cost 5 bytes per 16 KiB)."""
    return length + 5 * (length // 16_383 + 1) + 6


def _deflated_size(data: bytes) -> int:
    """The exact size `zipfile` will store for `data`: raw deflate at the default level."""
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return len(packer.compress(data)) + len(packer.flush())


def xml_bytes(doc: FatturaPA) -> bytes:
    """The file's bytes: UTF-8, no indentation, elements in the schema's order."""
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>',
                      f'<p:FatturaElettronica xmlns:p="{NAMESPACE}" versione="{_text(doc.version)}">',
                      "<FatturaElettronicaHeader>"]
    _transmission(out, doc)
    out += ("<CedentePrestatore>", _party_text(doc.seller), "</CedentePrestatore><CessionarioCommittente>",
            _party_text(doc.buyer), "</CessionarioCommittente></FatturaElettronicaHeader><FatturaElettronicaBody>")
    _general_data(out, doc)
    _goods_and_services(out, doc)
    _payment(out, doc)
    out.append("</FatturaElettronicaBody></p:FatturaElettronica>")
    return "".join(out).encode("utf-8")


def _transmission(out: list[str], doc: FatturaPA) -> None:
    tx = doc.transmission
    out.append("<DatiTrasmissione>")
    _fiscal_id(out, "IdTrasmittente", tx.transmitter)
    out.append(f"<ProgressivoInvio>{_text(tx.progressive)}</ProgressivoInvio>"
               f"<FormatoTrasmissione>{_text(tx.format)}</FormatoTrasmissione>"
               f"<CodiceDestinatario>{_text(tx.recipient_code)}</CodiceDestinatario>")
    if tx.pec:
        out.append(f"<PECDestinatario>{_text(tx.pec)}</PECDestinatario>")
    out.append("</DatiTrasmissione>")


def _fiscal_id(out: list[str], tag: str, fiscal_id: FiscalId) -> None:
    out.append(f"<{tag}><IdPaese>{_text(fiscal_id.country)}</IdPaese>"
               f"<IdCodice>{_text(fiscal_id.code)}</IdCodice></{tag}>")


def _party_text(party: Party) -> str:
    """DatiAnagrafici, Sede and the seller's IscrizioneREA, remembered: every file of a run has the same
    seller, and a customer's files the same buyer."""
    try:
        return _PARTY_TEXTS[party]
    except KeyError:
        if len(_PARTY_TEXTS) > _REMEMBERED:
            _PARTY_TEXTS.clear()
        out: list[str] = []
        _personal_data(out, party)
        _address(out, "Sede", party.address)
        if (rea := party.registration) is not None:
            out.append(f"<IscrizioneREA><Ufficio>{_text(rea.office)}</Ufficio>"
                       f"<NumeroREA>{_text(rea.number)}</NumeroREA>")
            if rea.share_capital is not None:
                out.append(f"<CapitaleSociale>{_number(rea.share_capital)}</CapitaleSociale>")
            if rea.shareholders:
                out.append(f"<SocioUnico>{_text(rea.shareholders)}</SocioUnico>")
            out.append(f"<StatoLiquidazione>{_text(rea.liquidation)}</StatoLiquidazione></IscrizioneREA>")
        text = _PARTY_TEXTS[party] = "".join(out)
        return text


_PARTY_TEXTS: dict[Party, str] = {}


def _personal_data(out: list[str], party: Party) -> None:
    """DatiAnagrafici: IdFiscaleIVA, CodiceFiscale, Anagrafica, then the seller's RegimeFiscale."""
    out.append("<DatiAnagrafici>")
    if party.vat_id is not None:
        _fiscal_id(out, "IdFiscaleIVA", party.vat_id)
    if party.tax_code:
        out.append(f"<CodiceFiscale>{_text(party.tax_code)}</CodiceFiscale>")
    out.append(f"<Anagrafica><Denominazione>{_text(party.name)}</Denominazione></Anagrafica>")
    if party.tax_regime:
        out.append(f"<RegimeFiscale>{_text(party.tax_regime)}</RegimeFiscale>")
    out.append("</DatiAnagrafici>")


def _address(out: list[str], tag: str, address: Address) -> None:
    out.append(f"<{tag}><Indirizzo>{_text(address.street)}</Indirizzo><CAP>{_text(address.postcode)}</CAP>"
               f"<Comune>{_text(address.city)}</Comune>")
    if address.province:
        out.append(f"<Provincia>{_text(address.province)}</Provincia>")
    out.append(f"<Nazione>{_text(address.country)}</Nazione></{tag}>")


def _general_data(out: list[str], doc: FatturaPA) -> None:
    """DatiGenerali: the document, then purchase orders, linked invoices and DDTs, in that order."""
    body = doc.body
    out.append(f"<DatiGenerali><DatiGeneraliDocumento><TipoDocumento>{_text(body.kind)}</TipoDocumento>"
               f"<Divisa>{_text(body.currency)}</Divisa><Data>{body.day.isoformat()}</Data>"
               f"<Numero>{_text(body.number)}</Numero>")
    if body.stamp_duty is not None:
        out.append(f"<DatiBollo><BolloVirtuale>SI</BolloVirtuale>"
                   f"<ImportoBollo>{_number(body.stamp_duty)}</ImportoBollo></DatiBollo>")
    out.append(f"<ImportoTotaleDocumento>{_number(body.total)}</ImportoTotaleDocumento>")
    if body.reason:
        out.append(f"<Causale>{_text(body.reason)}</Causale>")
    out.append("</DatiGeneraliDocumento>")
    for related in body.purchase_orders:
        _related(out, "DatiOrdineAcquisto", related)
    for related in body.linked_invoices:
        _related(out, "DatiFattureCollegate", related)
    for ddt in body.delivery_notes:
        out.append(f"<DatiDDT><NumeroDDT>{_text(ddt.number)}</NumeroDDT><DataDDT>{ddt.day.isoformat()}</DataDDT>")
        out.extend(f"<RiferimentoNumeroLinea>{n}</RiferimentoNumeroLinea>" for n in ddt.lines)
        out.append("</DatiDDT>")
    out.append("</DatiGenerali>")


def _related(out: list[str], tag: str, related: RelatedDocument) -> None:
    """DatiDocumentiCorrelatiType: RiferimentoNumeroLinea comes first, then IdDocumento, Data, CodiceCUP and
    CodiceCIG, the order the schema fixes."""
    out.append(f"<{tag}>")
    out.extend(f"<RiferimentoNumeroLinea>{n}</RiferimentoNumeroLinea>" for n in related.lines)
    out.append(f"<IdDocumento>{_text(related.reference)}</IdDocumento>")
    if related.day is not None:
        out.append(f"<Data>{related.day.isoformat()}</Data>")
    if related.cup:
        out.append(f"<CodiceCUP>{_text(related.cup)}</CodiceCUP>")
    if related.cig:
        out.append(f"<CodiceCIG>{_text(related.cig)}</CodiceCIG>")
    out.append(f"</{tag}>")


def _goods_and_services(out: list[str], doc: FatturaPA) -> None:
    """DatiBeniServizi: every DettaglioLinee, then every DatiRiepilogo."""
    out.append("<DatiBeniServizi>")
    append = out.append
    for line in doc.body.lines:
        text = _line_after_number(line)
        if line.intents:
            text = text.removesuffix("</DettaglioLinee>") + "".join(map(_intent, line.intents)) + "</DettaglioLinee>"
        append(f"<DettaglioLinee><NumeroLinea>{line.number}</NumeroLinea>{text}")
    for row in doc.body.summary:
        append(f"<DatiRiepilogo><AliquotaIVA>{_number(row.rate)}</AliquotaIVA>")
        if row.nature:
            append(f"<Natura>{_text(row.nature)}</Natura>")
        append(f"<ImponibileImporto>{_number(row.taxable)}</ImponibileImporto><Imposta>{_number(row.vat)}</Imposta>")
        if row.payability:
            append(f"<EsigibilitaIVA>{_text(row.payability)}</EsigibilitaIVA>")
        if row.legal_reference:
            append(f"<RiferimentoNormativo>{_text(row.legal_reference)}</RiferimentoNormativo>")
        append("</DatiRiepilogo>")
    append("</DatiBeniServizi>")


INTENT = "INTENTO"
"""AltriDatiGestionali's TipoDato for a letter of intent, as the Agenzia's instructions name it."""


def _intent(letter: LetterOfIntent) -> str:
    """AltriDatiGestionali citing the buyer's letter of intent: its protocol, and its date."""
    day = f"<RiferimentoData>{letter.day.isoformat()}</RiferimentoData>" if letter.day else ""
    return (f"<AltriDatiGestionali><TipoDato>{INTENT}</TipoDato>"
            f"<RiferimentoTesto>{_text(letter.protocol)}</RiferimentoTesto>{day}</AltriDatiGestionali>")


def _line_after_number(line: Line) -> str:
    """DettaglioLinee after its NumeroLinea, up to its closing tag."""
    key = (line.item, line.description, line.quantity, line.unit, line.unit_price, line.total, line.rate, line.nature)
    try:
        return _LINE_TEXTS[key]
    except KeyError:
        if len(_LINE_TEXTS) > _REMEMBERED:
            _LINE_TEXTS.clear()
        text = _LINE_TEXTS[key] = _line_text(line)
        return text


_LINE_TEXTS: dict[tuple[object, ...], str] = {}
"""A line's text by what it says, its number aside. A month's lines repeat: the same item,
quantity and price week after week (one line in six is new in the benchmark's month), and
spelling each number anew was a third of the writing. `_number` depends on a number's value
only, not on its trailing zeros, so two equal keys always give the same text."""
_REMEMBERED = 1 << 16


def _line_text(line: Line) -> str:
    code = (f"<CodiceArticolo><CodiceTipo>{ITEM_CODE_TYPE}</CodiceTipo>"
            f"<CodiceValore>{_text(line.item)}</CodiceValore></CodiceArticolo>") if line.item else ""
    unit = f"<UnitaMisura>{_text(line.unit)}</UnitaMisura>" if line.unit else ""
    nature = f"<Natura>{_text(line.nature)}</Natura>" if line.nature else ""
    return (f"{code}<Descrizione>{_text(line.description)}</Descrizione><Quantita>{_number(line.quantity)}</Quantita>"
            f"{unit}<PrezzoUnitario>{_number(line.unit_price)}</PrezzoUnitario>"
            f"<PrezzoTotale>{_number(line.total)}</PrezzoTotale><AliquotaIVA>{_number(line.rate)}</AliquotaIVA>"
            f"{nature}</DettaglioLinee>")


def _payment(out: list[str], doc: FatturaPA) -> None:
    """DatiPagamento: the terms (TP01/TP02), then one DettaglioPagamento per instalment."""
    payment = doc.body.payment
    if payment is None:
        return
    out.append(f"<DatiPagamento><CondizioniPagamento>{_text(payment.terms)}</CondizioniPagamento>")
    for instalment in payment.instalments:
        out.append(f"<DettaglioPagamento><ModalitaPagamento>{_text(instalment.method)}</ModalitaPagamento>"
                   f"<DataScadenzaPagamento>{instalment.due.isoformat()}</DataScadenzaPagamento>"
                   f"<ImportoPagamento>{_number(instalment.amount)}</ImportoPagamento>")
        if instalment.iban:
            out.append(f"<IBAN>{_text(instalment.iban)}</IBAN>")
        out.append("</DettaglioPagamento>")
    out.append("</DatiPagamento>")


def _text(value: str) -> str:
    return value.translate(_ESCAPE)


def _number(value: Decimal) -> str:
    """At least two decimals, as every number type of the format wants: 12 → 12.00, 1.5 → 1.50,
    0.125 → 0.125. Never rounded: how many decimals a field may have is the checks' business
    (two for amounts and rates, eight for prices and quantities), and a value the writer
    rounded would no longer be the ledger's. Worked on the number's text, for speed.

    >>> [_number(Decimal(x)) for x in ("12", "1.5", "0.125", "3.10", "2.500", "-0.00", "1E+1", "0E-9")]
    ['12.00', '1.50', '0.125', '3.10', '2.50', '0.00', '10.00', '0.00']
    """
    text = str(value)
    if "E" in text:
        return f"{value if value else abs(value):.{max(2, decimals(value))}f}"
    if text[0] == "-" and not value:
        text = text[1:]
    dot = text.find(".")
    if dot < 0:
        return text + ".00"
    places = len(text) - dot - 1
    if places == 2:
        return text
    if places > 2:
        text = text.rstrip("0")
        places = len(text) - dot - 1
        if places >= 2:
            return text
    return text + "0" * (2 - places)
