"""Refuse unusable input files before reading them, with one line that says what to do.

Users hand the toolkit whatever sits in their folder: a CSV export, a PDF, a workbook still open
in Excel, a password-protected copy, a file cut short by a sync client, or a file built to hurt
whoever opens it. Readers fail on these with stack traces, or worse, quietly read something else
(the last saved version of a workbook open in Excel). The guard looks only at headers, the zip
central directory, the first 4 KB of a few XML parts and the cell references of each sheet,
read as a stream, so a hostile file (zip bomb, billion laughs, a far cell) is refused before
anything is decompressed in full and memory stays bounded. A package of at most 1 MiB unzipped
(an order form) is the exception that proves it: its parts are inflated once and read from
memory (`_Package`), the same checks on the same bytes, because there opening a part costs
more than reading it.

>>> from pathlib import Path
>>> try:
...     check_workbook(Path("no/such/Anagrafiche.xlsx"))
... except UnusableInput as exc:
...     print(exc.problem.code)
file-not-found
"""

from __future__ import annotations

import codecs
import io
import math
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, BinaryIO, Literal
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from toolkit.basics.cells import SHEET_ROWS, address
from toolkit.basics.files import open_elsewhere
from toolkit.basics.problems import ProblemType, UnusableInput, define
from toolkit.basics.wording import Grouped

FILE_NOT_FOUND = define(
    "file-not-found", "error",
    it="Il file {path} non esiste: controlla il nome e la cartella, poi riprova.",
    en="The file {path} does not exist: check its name and folder, then try again.",
)
FILE_IS_FOLDER = define(
    "file-is-folder", "error",
    it="{path} è una cartella, non un file: indica la cartella di lavoro (.xlsx) che contiene.",
    en="{path} is a folder, not a file: give the workbook (.xlsx) inside it.",
)
FILE_EMPTY = define(
    "file-empty", "error",
    it="Il file {path} è vuoto (0 byte), forse per un salvataggio o una copia non finiti: "
       "salvalo di nuovo da Excel o recuperane una copia.",
    en="The file {path} is empty (0 bytes), perhaps from an unfinished save or copy: "
       "save it again from Excel or restore a copy.",
)
FILE_NO_ACCESS = define(
    "file-no-access", "error",
    it="Non hai il permesso di leggere il file {path}: chiedi l'accesso o copialo in una tua cartella, "
       "poi riprova.",
    en="You are not allowed to read the file {path}: ask for access or copy it to a folder of yours, "
       "then try again.",
)
FILE_IS_LOCK_FILE = define(
    "file-is-lock-file", "error",
    it="Il file {path} è il file di blocco che Excel crea mentre {workbook} è aperto, non la cartella "
       "di lavoro: scegli {workbook}.",
    en="The file {path} is the lock file Excel creates while {workbook} is open, not the workbook: "
       "choose {workbook}.",
)
FILE_INPUT_OPEN_IN_EXCEL = define(
    "file-input-open-in-excel", "error",
    it="Il file {path} è aperto in Excel o LibreOffice (c'è il file di blocco {lock}) e se ne leggerebbe "
       "solo l'ultima versione salvata: salvalo e chiudilo, poi riprova (se è già chiuso, elimina {lock}).",
    en="The file {path} is open in Excel or LibreOffice (lock file {lock} exists), so only its last saved "
       "version would be read: save and close it, then try again (if it is already closed, delete {lock}).",
)
FILE_TOO_LARGE = define(
    "file-too-large", "error",
    it="Il file {path} è troppo grande ({size}, al massimo {limit}): togli i fogli e le righe che non "
       "servono e salvalo di nuovo.",
    en="The file {path} is too large ({size}, at most {limit}): remove the sheets and rows you do not "
       "need and save it again.",
)
FILE_NOT_A_WORKBOOK = define(
    "file-not-a-workbook", "error",
    it="Il file {path} non è una cartella di lavoro di Excel o LibreOffice ma {kind_it}: scegli il file "
       "giusto, oppure aprilo e salvalo come «Cartella di lavoro di Excel (*.xlsx)».",
    en="The file {path} is not an Excel or LibreOffice workbook but {kind_en}: choose the right file, "
       "or open it and save it as “Excel Workbook (*.xlsx)”.",
)
CSV_IS_A_WORKBOOK = define(
    "csv-is-a-workbook", "error",
    it="Il file {path} non è un CSV ma una cartella di lavoro .{format}: rinominalo {name}, poi riprova.",
    en="The file {path} is not a CSV but a .{format} workbook: rename it {name}, then try again.",
)
FILE_CORRUPT = define(
    "file-corrupt", "error",
    it="Il file {path} è danneggiato o incompleto, forse per un download o una copia interrotti: "
       "copialo di nuovo, oppure aprilo in Excel (che prova a ripararlo) e salvalo.",
    en="The file {path} is damaged or incomplete, perhaps from an interrupted download or copy: "
       "copy it again, or open it in Excel (which tries to repair it) and save it.",
)
FILE_ENCRYPTED = define(
    "file-encrypted", "error",
    it="Il file {path} è protetto da password e non si può leggere: in Excel togli la password "
       "(File > Informazioni > Proteggi cartella di lavoro > Crittografa con password) e salvalo di nuovo.",
    en="The file {path} is password-protected and cannot be read: in Excel remove the password "
       "(File > Info > Protect Workbook > Encrypt with Password) and save it again.",
)
FILE_ZIP_BOMB = define(
    "file-zip-bomb", "error",
    it="Il file {path} passerebbe da {packed} a {size} una volta decompresso, come i file costruiti per "
       "esaurire la memoria, e non viene letto: se è davvero tuo, aprilo in Excel, togli i dati superflui "
       "e salvalo di nuovo.",
    en="The file {path} would grow from {packed} to {size} once decompressed, like files built to exhaust "
       "memory, so it is not read: if it really is yours, open it in Excel, remove the data you do not "
       "need and save it again.",
)
FILE_TOO_MANY_PARTS = define(
    "file-too-many-parts", "error",
    it="Il file {path} contiene più di {limit} parti interne, molte più di quante ne scriva Excel, e non "
       "viene letto: chiedi a chi l'ha prodotto una copia salvata da Excel.",
    en="The file {path} holds more than {limit} internal parts, far more than Excel writes, so it is not "
       "read: ask whoever produced it for a copy saved by Excel.",
)
FILE_UNSAFE_XML = define(
    "file-unsafe-xml", "error",
    it="Il file {path} contiene nella parte {part} una dichiarazione DOCTYPE o ENTITY, che Excel non scrive "
       "e che può bloccare chi lo legge, e non viene letto: chiedi a chi l'ha prodotto una copia salvata "
       "da Excel.",
    en="The file {path} has a DOCTYPE or ENTITY declaration in its part {part}, which Excel never writes "
       "and which can hang whoever reads it, so it is not read: ask whoever produced it for a copy saved "
       "by Excel.",
)
FILE_TOO_MANY_SHEETS = define(
    "file-too-many-sheets", "error",
    it="Il file {path} contiene {count} fogli, più dei {limit} che una cartella anagrafica può avere, e non "
       "viene letto: togli i fogli che non servono e salvalo di nuovo.",
    en="The file {path} holds {count} sheets, more than the {limit} a master workbook can have, so it is not "
       "read: remove the sheets you do not need and save it again.",
)
FILE_SHEET_TOO_LARGE = define(
    "file-sheet-too-large", "error",
    it="Il file {path} ha nel foglio «{sheet}» celle fino a {cell} ({cells} celle, al massimo {limit}), e "
       "leggerlo esaurirebbe la memoria: in Excel cancella le righe e le colonne vuote oltre i dati "
       "(selezionale, Elimina) e salvalo di nuovo.",
    en="The file {path} has cells up to {cell} in its sheet “{sheet}” ({cells} cells, at most {limit}), and "
       "reading it would exhaust memory: in Excel delete the empty rows and columns past the data "
       "(select them, Delete) and save it again.",
)
FILE_SHEET_TOO_MANY_ROWS = define(
    "file-sheet-too-many-rows", "error",
    it="Il file {path} ha nel foglio «{sheet}» dati alla riga {row}, oltre l'ultima riga che tiene un foglio di "
       "Excel ({limit}): se ne terrebbero solo le righe fino alla {limit} e le altre andrebbero perse senza dirlo, "
       "quindi il file non viene letto. Tieni nel foglio al massimo {limit} righe: cancella quelle che non "
       "servono, o dividi i dati in due file.",
    en="The file {path} has data in its sheet “{sheet}” at row {row}, past the last row an Excel sheet holds "
       "({limit}): only its rows up to {limit} would be kept and the others lost without a word, so the file is not "
       "read. Keep at most {limit} rows in the sheet: delete those you do not need, or split the data into two "
       "files.",
)
FILE_SHEETS_TOO_LARGE = define(
    "file-sheets-too-large", "error",
    it="Il file {path} si legge tenendo in memoria tutti i fogli insieme, come ogni .xls e .ods, e i suoi fogli "
       "fino a «{sheet}» (con celle fino a {cell}) hanno già {cells} celle, più delle {limit} che si possono "
       "leggere: in Excel o LibreOffice salvalo come .xlsx (File › Salva con nome), che si legge un foglio alla "
       "volta, oppure cancella le righe e le colonne vuote oltre i dati (selezionale, Elimina) e salvalo di nuovo.",
    en="The file {path} is read holding all its sheets in memory at once, as every .xls and .ods is, and its "
       "sheets up to “{sheet}” (with cells up to {cell}) already have {cells} cells, more than the {limit} that "
       "can be read: in Excel or LibreOffice save it as .xlsx (File › Save As), which is read one sheet at a "
       "time, or delete the empty rows and columns past the data (select them, Delete) and save it again.",
)
FILE_XLS_DECLARED_RANGE = define(
    "file-xls-declared-range", "error",
    it="Il file {path} dichiara nel foglio «{sheet}» l'intervallo {range}, che il lettore dei file .xls conta "
       "come {cells} celle e per cui riserva la memoria prima di leggerne una: un foglio .xls ne ha al massimo "
       "{limit} (65.536 righe per 256 colonne), quindi l'intervallo è sbagliato (Excel non lo scrive mai così) e "
       "il file non viene letto. Aprilo in Excel o LibreOffice e salvalo di nuovo, meglio come .xlsx: "
       "l'intervallo viene riscritto dalle celle che il foglio tiene.",
    en="The file {path} declares the range {range} in its sheet “{sheet}”, which the .xls reader counts as "
       "{cells} cells and reserves memory for before reading one: an .xls sheet has at most {limit} "
       "(65,536 rows by 256 columns), so the range is wrong (Excel never writes it so) and the file is not "
       "read. Open it in Excel or LibreOffice and save it again, as .xlsx at best: the range is written anew "
       "from the cells the sheet holds.",
)
FILE_XLS_SHEET_MISPLACED = define(
    "file-xls-sheet-misplaced", "error",
    it="Il file {path} dice che il foglio «{sheet}» comincia in un punto del file dove non comincia nessun "
       "foglio (dentro un altro dato): il file è danneggiato, o scritto per sfuggire ai controlli, e non viene "
       "letto. Aprilo in Excel o LibreOffice e salvalo di nuovo, meglio come .xlsx.",
    en="The file {path} says the sheet “{sheet}” begins at a place in the file where no sheet begins (inside "
       "other data): the file is damaged, or written to slip past the checks, and is not read. Open it in "
       "Excel or LibreOffice and save it again, as .xlsx at best.",
)
FILE_NO_SHEETS = define(
    "file-no-sheets", "error",
    it="Il file {path} non contiene nessun foglio: scegli la cartella di lavoro giusta o esportala di "
       "nuovo dal programma che l'ha creata.",
    en="The file {path} contains no sheets: choose the right workbook or export it again from the "
       "program that created it.",
)
FILE_UNREADABLE = define(
    "file-unreadable", "error",
    it="Il file {path} è danneggiato e non si riesce a leggere ({detail}): aprilo in Excel, salvalo con "
       "«Salva con nome» come .xlsx e riprova.",
    en="The file {path} is damaged and cannot be read ({detail}): open it in Excel, use “Save As” to save "
       "it as .xlsx and try again.",
)

MAX_MEMBERS = 10_000
"""More zip members than any real workbook has (each sheet is two or three)."""

_MAX_DIRECTORY = 16 * 2**20
"""Zip central-directory bytes: zipfile loads it whole, so it must be small before we open it."""

MAX_SHEETS = 200
"""Worksheet parts: a master workbook has about fifteen; each sheet read costs memory of its own."""

MAX_SHEET_CELLS = 10_000_000
"""Rows × columns from A1 to the farthest cell a sheet holds (its declared range is a hint,
`_check_sheet_sizes`).

Calamine builds each sheet as a dense grid of 32-byte cells, so a grid costs at most 320 MB
here (a lone value in XFD1048576 would ask for 512 GiB). The L benchmark's largest sheet,
200,000 template lines × 5 columns, is a tenth of this; every row of a sheet with 9 columns
fits.
"""

MAX_UNZIPPED = 256 * 2**20
"""All parts decompressed, whatever they hold: the L benchmark (10,000 customers) is about
110 MB as an .xlsx. Past it a package is read only as data (`DATA_RATIO`), up to
`ROOM_FOR_DATA` times this."""

DATA_RATIO = 100
"""How far a package past `MAX_UNZIPPED` may have shrunk in the zip, its parts taken together.
LibreOffice writes each cell of an .ods in about three times the XML of an .xlsx's, so the L
benchmark saved as .ods is about 300 MB unzipped, and was refused, though nothing in it is
hostile: it shrinks 36 to 1 (an .xlsx about 10 to 1), where the padding of a file built to
exhaust memory, zeros or a repeated string, shrinks a thousand to 1. A file past this ratio
is refused as before; one within it must carry on disk a hundredth of what it unpacks to."""

ROOM_FOR_DATA = 4
"""`MAX_UNZIPPED` times this (1 GiB) is the most any package may unzip to: three times the L
benchmark's .ods."""

_BOMB_MEMBER = 10 * 2**20
_HEAD = 4096
_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

_SPREADSHEET_MAIN = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": "xlsb",
}
_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODF_MACROS = ("Basic/", "Dialogs/")
"""The folders where LibreOffice keeps a document's macros and dialogs (an .xlsm's VBA saved as
.ods lands in `Basic/VBAProject/`), each part opening with a DOCTYPE naming LibreOffice's own
DTD (`<!DOCTYPE library:library PUBLIC … "library.dtd">`). No reader of ours or calamine's
parses them, so their declarations cannot hang anything: refusing them refused every .ods
that holds a macro, the toolkit's own workbook saved as .ods among them. Only that declaration
is let through (`_ODF_MACRO_DOCTYPE`), in a part named plainly there: an entity, an internal
subset, or a path leaving the folder (`Basic/../content.xml`) is refused as anywhere else."""
_ODF_MACRO_DOCTYPE = re.compile(r'<!DOCTYPE\s+[\w:.-]+\s+PUBLIC\s+"[^"<>\[\]]*"\s+"[\w.-]+\.dtd"\s*>')
_ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table"

_KINDS = {
    "pdf": ("un PDF", "a PDF"),
    "html": ("una pagina web (HTML)", "a web page (HTML)"),
    "xml2003": ("un foglio «XML 2003»", "an “XML Spreadsheet 2003”"),
    "xml": ("un file XML", "an XML file"),
    "text": ("un file di testo o CSV", "a text or CSV file"),
    "zip": ("un archivio zip", "a zip archive"),
    "word": ("un documento Word", "a Word document"),
    "powerpoint": ("una presentazione PowerPoint", "a PowerPoint presentation"),
    "addin": ("un componente aggiuntivo di Excel", "an Excel add-in"),
    "office": ("un documento Office che non è un foglio di calcolo", "an Office document that is not a spreadsheet"),
    "odf": ("un documento LibreOffice che non è un foglio di calcolo", "a LibreOffice document that is not a spreadsheet"),
    "special": ("un file speciale (dispositivo o pipe)", "a special file (device or pipe)"),
    "unknown": ("un file di tipo sconosciuto", "a file of unknown type"),
}


@dataclass(frozen=True, slots=True)
class _Limits:
    max_unzipped: int
    max_ratio: int


class _Broken(Exception):
    """The container structure does not hold together; reported as `file-corrupt`."""


def check_workbook(
    path: Path,
    *,
    max_bytes: int = 200 * 2**20,
    max_unzipped: int = MAX_UNZIPPED,
    max_ratio: int = 200,
) -> str:
    """The workbook's format ("xlsx", "xlsm", "xlsb", "ods" or "xls"), decided from its content.

    The content decides, not the extension: exports often carry the wrong one, and the caller
    should pick its reader by this result. Raises `UnusableInput` with one clear line when the
    file cannot or should not be read.
    """
    return vet_workbook(path, max_bytes=max_bytes, max_unzipped=max_unzipped, max_ratio=max_ratio).format


@dataclass(frozen=True, slots=True)
class Vetted:
    """A workbook that passed the guard: its format, and the bytes the checks ran on when the
    file was small enough to be read whole (`_SMALL_PACKAGE`), else None."""

    format: str
    data: bytes | None = None
    total_rows: bool = True
    """False when no Total Row can be in the file: an .ods whose `content.xml`, read through by
    the guard, names no database range or no `SUBTOTAL` (`total_rows` need not read it again)."""


def vet_workbook(
    path: Path,
    *,
    max_bytes: int = 200 * 2**20,
    max_unzipped: int = MAX_UNZIPPED,
    max_ratio: int = 200,
) -> Vetted:
    """`check_workbook`, keeping the bytes of a small file for its reader.

    A batch of order forms opened each file three times: the guard, the reader and the digest
    of the form. Reading and hashing the bytes the guard has vetted costs one read, and the
    reader then sees exactly what was checked, even if the file changes on disk meanwhile.
    """
    return vet_in_stages(path, None, max_bytes=max_bytes, max_unzipped=max_unzipped, max_ratio=max_ratio)


SheetStage = Callable[[BinaryIO, zipfile.ZipFile, Path, str, str], bool]
"""Takes over the rest of an OOXML package's checks (`check_ooxml_sheets`) once everything
before them has passed: given the file, the package, the path, the format and the workbook
part, it returns True when it now owns the file and the package (and will close them), False
to leave the checks to the guard, done now as ever."""


def vet_in_stages(
    path: Path,
    stage: SheetStage | None,
    *,
    max_bytes: int = 200 * 2**20,
    max_unzipped: int = MAX_UNZIPPED,
    max_ratio: int = 200,
) -> Vetted:
    """`vet_workbook`, whose sheet checks `stage` may take over (see `SheetStage`): every
    other check, and every refusal they make, comes first and is as `vet_workbook`'s."""
    path = Path(path)
    size = present_size(path)
    if lock := open_elsewhere(path):
        raise _refuse(FILE_INPUT_OPEN_IN_EXCEL, path, lock=lock.name)
    if size > max_bytes:
        raise _refuse(FILE_TOO_LARGE, path, size=_size(size), limit=_size(max_bytes))
    limits = _Limits(max_unzipped, max_ratio)
    handed_over = False
    try:
        f = _open_file(path, size)
        try:
            head = f.read(1024)
            held = f.getvalue() if isinstance(f, io.BytesIO) else None
            if head.startswith(_ZIP_MAGIC):
                fmt, handed_over, totals = _check_zip(f, path, limits, stage)
                return Vetted(fmt, held, totals)
            if head.startswith(_CFB_MAGIC):
                return Vetted(_check_cfb(f, path), held)
        finally:
            if not handed_over:
                f.close()
    except PermissionError:
        raise _refuse(FILE_NO_ACCESS, path) from None
    except (_Broken, OSError, struct.error):
        raise _refuse(FILE_CORRUPT, path) from None
    raise _not_a_workbook(path, head)


def describe_exception(exc: Exception, path: Path) -> UnusableInput:
    """One line for a reader's failure on a file that passed the guard but is still broken.

    python-calamine and openpyxl raise many unrelated types (XmlError, ZipError, KeyError,
    ParseError...) with multi-line or raw-XML text; the user needs the file name and what to do.
    """
    if isinstance(exc, UnusableInput):
        return exc
    if _is_password_error(exc):
        return _refuse(FILE_ENCRYPTED, Path(path))
    return _refuse(FILE_UNREADABLE, Path(path), detail=_one_line(exc))


def read_cfb_streams(path: Path) -> set[str]:
    """Names of the streams and storages at the top of a CFB (OLE2) file, as written.

    Enough to tell a legacy .xls (`Workbook`, `Book`) from an encrypted OOXML workbook
    (`EncryptionInfo`, `EncryptedPackage`) or a Word .doc. Written here rather than taken from
    olefile, which is only a test dependency, and it reads only the FAT sectors on the directory
    chain, so memory stays small whatever the file size. Raises `ValueError` on a broken file.
    """
    with Path(path).open("rb") as f:
        try:
            return _Cfb(f).top_level_names()
        except _Broken as exc:
            raise ValueError(str(exc)) from None


# -- file system -----------------------------------------------------------------------------

def present_size(path: Path) -> int:
    """The size of a regular, non-empty file, or the refusal that explains why there is none:
    the one check of a path every input takes, workbook or text."""
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise _refuse(FILE_NOT_FOUND, path) from None
    except PermissionError:
        raise _refuse(FILE_NO_ACCESS, path) from None
    except OSError:
        raise _refuse(FILE_NOT_FOUND, path) from None
    if stat.S_ISDIR(st.st_mode):
        raise _refuse(FILE_IS_FOLDER, path)
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(FILE_NOT_A_WORKBOOK, path, **_kind("special"))
    if st.st_size == 0:
        raise _refuse(FILE_EMPTY, path)
    return st.st_size


def _open_file(path: Path, size: int) -> BinaryIO:
    """The file to check: read whole into memory when it is small, else opened as a stream.

    The guard seeks and reads the end of a zip, its central directory and every part's local
    header, a few dozen small reads; on an order form of a few KB these system calls cost more
    than the checks. A file of at most `_SMALL_PACKAGE` bytes on disk is read at once instead:
    the same bytes, so the same decisions.
    """
    if size <= _SMALL_PACKAGE:
        return io.BytesIO(path.read_bytes())
    return path.open("rb")


def _not_a_workbook(path: Path, head: bytes) -> UnusableInput:
    """Name what the file looks like, so the user recognises the wrong pick or the bad export."""
    lock_of = _lock_file_target(path.name)
    if lock_of:
        return _refuse(FILE_IS_LOCK_FILE, path, workbook=lock_of)
    return _refuse(FILE_NOT_A_WORKBOOK, path, **_kind(_sniff(head)))


def refuse_not_text(path: Path, head: bytes) -> None:
    """Refuse a text file (a CSV) that is none, named for what it is: a PDF or a web page, as a
    workbook that is one is refused (their first lines are text: each was read as a sheet of
    one column headed `%PDF-1.4` or `<html>`), and a workbook (an export named `.csv`, refused
    as binary content to export again as CSV) with the name to give it, the one its reader
    takes; a package that is no workbook (a Word document) as the guard names it."""
    kind = _sniff(head[:_HEAD])
    if kind in ("pdf", "html"):
        raise _refuse(FILE_NOT_A_WORKBOOK, path, **_kind(kind))
    if head.startswith((_ZIP_MAGIC, _CFB_MAGIC)):
        found = check_workbook(path)
        raise _refuse(CSV_IS_A_WORKBOOK, path, format=found, name=path.with_suffix(f".{found}").name)


def _lock_file_target(name: str) -> str | None:
    if name.startswith("~$") and len(name) > 2:
        return name[2:]
    if m := re.fullmatch(r"\.~lock\.(.+)#", name):
        return m[1]
    return None


def _sniff(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        return "pdf"
    if text.startswith(b"pk\x05\x06"):
        return "zip"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "xml2003"
    if re.search(rb"<(!doctype\s+)?html", text[:512]):
        return "html"
    if text.startswith(b"<"):
        return "xml"
    return "text" if _looks_like_text(head) else "unknown"


def _looks_like_text(head: bytes) -> bool:
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in _decode_text(head))


def _decode_text(head: bytes) -> str:
    """The head as text, in the encodings Excel exports CSV and "Unicode text" with (and other
    programs UTF-16 without its mark, `unmarked_utf16`)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")[:-1]
    if order := unmarked_utf16(head):
        return head[:len(head) // 2 * 2].decode(order, "replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[:exc.start].decode("utf-8")
    return head.decode("cp1252", "replace")


def unmarked_utf16(raw: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when `raw`, a file's start, is UTF-16 text without the mark
    Excel writes (some ERPs' exports): a zero byte in the high place of one character in eight at
    least, as the separators, digits and line ends (of the first 256 characters of Unicode) have
    it, and none in the low places, or hardly any, the text all printable with a separator or a
    line end in it (`_RECORD_MARKS`); else None. Refused as binary for its zero bytes, such a CSV
    said nothing of what it was; a list of Greek or Chinese names has such a zero in a fifth of
    its characters, and was refused when half were asked. A character of two units (an emoji)
    the 4 KB cut in half is left out, not taken for a decoding error: such a file was refused.

    >>> unmarked_utf16("Città;€".encode("utf-16-le")), unmarked_utf16("Città;1".encode("utf-16-be"))
    ('utf-16-le', 'utf-16-be')
    >>> unmarked_utf16(b"Citta;1"), unmarked_utf16(bytes(16)), unmarked_utf16(b"\\x00\\x01" * 8)
    (None, None, None)
    >>> unmarked_utf16(b"\\xf2\\x00\\xf2\\x9c"), unmarked_utf16("Κωδικός;Πόλη\\r\\n".encode("utf-16-le"))
    (None, 'utf-16-le')
    """
    head = raw[:4096][:len(raw[:4096]) // 2 * 2]
    units = len(head) // 2
    low, high = head[0::2].count(0), head[1::2].count(0)
    for order, zeros, others in (("utf-16-le", high, low), ("utf-16-be", low, high)):
        if units and zeros * 8 >= units and others * 16 <= zeros:
            try:
                text = codecs.getincrementaldecoder(order)().decode(head)
            except UnicodeDecodeError:
                return None
            return order if _RECORD_MARKS.intersection(text) and all(
                ch.isprintable() or ch in "\t\r\n\f" for ch in text) else None
    return None


_RECORD_MARKS = frozenset(";,\t\r\n")
"""What a CSV's start holds one of at least, where a binary file's few bytes may decode to
printable characters (a CJK ideograph from any two bytes) and no separator."""


# -- zip packages (xlsx, xlsm, xlsb, ods) ----------------------------------------------------

ZIP_FAULTS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError,
              struct.error, ValueError)
"""What zipfile, zlib and the parsers raise on a package that does not hold together:
reported as `file-corrupt`."""


def _check_zip(f: BinaryIO, path: Path, limits: _Limits, stage: SheetStage | None = None) -> tuple[str, bool, bool]:
    """The package's format, whether `stage` took its sheet checks over (with the file), and
    whether it may hold a Total Row (`Vetted.total_rows`)."""
    members, directory_size = _zip_directory(f)
    if members > MAX_MEMBERS or directory_size > _MAX_DIRECTORY:
        raise _refuse(FILE_TOO_MANY_PARTS, path, limit=MAX_MEMBERS)
    on_disk = f.seek(0, 2)
    try:
        zf = _Package(f)
        handed_over = False
        try:
            _check_expansion(zf, path, limits, on_disk)
            names = zf.namelist()
            if mimetype := _member(names, "mimetype"):
                return "ods", False, _check_odf(zf, path, mimetype)
            if content_types := _member(names, "[Content_Types].xml"):
                fmt, workbook = _check_ooxml_package(zf, path, content_types)
                handed_over = stage is not None and stage(f, zf, path, fmt, workbook)
                if not handed_over:
                    check_ooxml_sheets(zf, path, fmt, workbook)
                return fmt, handed_over, True
        finally:
            if not handed_over:
                zf.close()
    except ZIP_FAULTS:
        raise _refuse(FILE_CORRUPT, path) from None
    raise _refuse(FILE_NOT_A_WORKBOOK, path, **_kind("zip"))


_SMALL_PACKAGE = 2**20
"""A package this small unzipped (an order form is about 17 KB) has its parts decompressed once
and read from memory: see `_Package`."""


class _Package(zipfile.ZipFile):
    """A zip package whose parts, when the whole package is small, are decompressed once.

    The guard opens the same parts several times: the head of every XML part (for a DTD), the
    content types and the workbook part (parsed), each sheet's references. On an order form
    of a few KB each open through zipfile costs more than reading the part, and the opens
    were most of the guard's time.

    When the central directory declares at most `_SMALL_PACKAGE` bytes in all, zipped or not,
    a part is read whole at its first open, never past its declared sizes, and kept (`whole`);
    every check then reads the same bytes from memory, so it decides as on the stream. Memory
    stays bounded by the declared sizes, which `_check_expansion` has already weighed. Nothing
    here trusts a size to skip a check: a part of a hundred bytes can still name XFD1048576.
    """

    def __init__(self, file: BinaryIO):
        super().__init__(file)
        declared = sum(max(i.file_size, i.compress_size) for i in self.infolist())
        self._parts: dict[str, bytes] | None = {} if declared <= _SMALL_PACKAGE else None
        self._raw = file.getvalue() if self._parts is not None and isinstance(file, io.BytesIO) else None

    def whole(self, name: str) -> bytes | None:
        """The part's bytes when the package is small and the part reads cleanly, else None
        (the caller then streams it through zipfile, which refuses or passes it as before)."""
        if self._parts is None:
            return None
        if name not in self._parts:
            info = self.getinfo(name)
            if self._raw is not None:
                data = _clean_member(self._raw, info.header_offset, info)
            else:
                data = _clean_member(self._span(info), 0, info)
            if data is None:
                return None
            self._parts[name] = data
        return self._parts[name]

    def _span(self, info: zipfile.ZipInfo) -> bytes:
        """A member's local header, name, extra field and data, read from the file (a package
        small by its declared sizes in a file too large to have been read whole)."""
        assert self.fp is not None
        self.fp.seek(info.header_offset)
        header = self.fp.read(30)
        extra = struct.unpack_from("<HH", header, 26) if len(header) == 30 else (0, 0)
        return header + self.fp.read(sum(extra) + info.compress_size)

    def open(self, name: str | zipfile.ZipInfo, mode: Literal["r", "w"] = "r", pwd: bytes | None = None, *,
             force_zip64: bool = False) -> IO[bytes]:
        if isinstance(name, str) and mode == "r" and pwd is None and (data := self.whole(name)) is not None:
            return io.BytesIO(data)
        return super().open(name, mode, pwd, force_zip64=force_zip64)


_UNUSUAL_FLAGS = 0x1 | 0x20 | 0x40
"""Encrypted, compressed patched data, strong encryption: zipfile asks for a password or
refuses these, so they go back to it."""


def _clean_member(raw: bytes, at: int, info: zipfile.ZipInfo) -> bytes | None:
    """A stored or deflated member read straight from its local header with zlib, or None
    when anything about it is unusual (encrypted, another method, a local header that does
    not match, data that inflates past or short of its size, a wrong CRC).

    The local header starts at `at` in `raw`: the whole file, or the member's own span.
    zipfile's own open costs about 40 µs a part in bookkeeping, more than inflating a small
    part; None sends the part back to zipfile, so only a member zipfile would read to the
    same bytes without complaint is read here.
    """
    if info.flag_bits & _UNUSUAL_FLAGS or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    header = raw[at:at + 30]
    if len(header) < 30 or header[:4] != _ZIP_MAGIC:
        return None
    local_flags, = struct.unpack_from("<H", header, 6)
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    if (local_flags ^ info.flag_bits) & 0x800:
        return None
    name = info.orig_filename
    try:  # an ASCII name is the same bytes either way, and "ascii" skips cp437's Python codec
        stored_name = name.encode("utf-8" if info.flag_bits & 0x800 else "ascii" if name.isascii() else "cp437")
    except UnicodeEncodeError:
        return None
    at += 30
    if raw[at:at + name_length] != stored_name:
        return None
    at += name_length + extra_length
    packed = raw[at:at + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        data = packed
    else:
        inflate = zlib.decompressobj(-15)
        try:
            data = inflate.decompress(packed, info.file_size + 1)
        except zlib.error:
            return None
        if not inflate.eof:
            return None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return None
    return data


def _zip_directory(f: BinaryIO) -> tuple[int, int]:
    """How many members the central directory holds, and its size, before zipfile loads it.

    zipfile builds a ZipInfo for every entry, trusting the end record; counting the entries
    ourselves (stopping past the limit) keeps a crafted directory from costing gigabytes.
    """
    end = f.seek(0, 2)
    tail_start = max(0, end - 22 - 0xFFFF)
    f.seek(tail_start)
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise _Broken("no end of central directory")
    _, _, _, _, count, size, offset, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
    if count == 0xFFFF or 0xFFFFFFFF in (size, offset):
        size, offset = _zip64_directory(f, tail_start + at)
    if offset + size > end:
        raise _Broken("central directory past the end of the file")
    return _count_entries(f, offset, size), size


def _zip64_directory(f: BinaryIO, end_record: int) -> tuple[int, int]:
    if end_record < 20:
        raise _Broken("no zip64 locator")
    f.seek(end_record - 20)
    sig, _, record_at, _ = struct.unpack("<4sLQL", f.read(20))
    if sig != b"PK\x06\x07":
        raise _Broken("no zip64 locator")
    f.seek(record_at)
    record = f.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        raise _Broken("no zip64 end record")
    *_, size, offset = struct.unpack("<4sQ2H2L4Q", record)
    return size, offset


def _count_entries(f: BinaryIO, offset: int, size: int) -> int:
    f.seek(offset)
    position, stop, count = offset, offset + size, 0
    while position < stop and count <= MAX_MEMBERS:
        record = f.read(46)
        if len(record) < 46 or record[:4] != b"PK\x01\x02":
            raise _Broken("bad central directory entry")
        name, extra, comment = struct.unpack("<3H", record[28:34])
        position += 46 + name + extra + comment
        f.seek(position)
        count += 1
    return count


def _check_expansion(zf: zipfile.ZipFile, path: Path, limits: _Limits, on_disk: int) -> None:
    """Refuse by the sizes the central directory declares: nothing is decompressed to decide.
    A part past `_BOMB_MEMBER` that shrank past `max_ratio` is a bomb; so are all the parts
    together past `max_unzipped`, unless they shrank no more than data does (`DATA_RATIO`) and
    stay within `ROOM_FOR_DATA` times it. A packed size is taken at most the file's `on_disk`:
    a crafted directory can declare parts larger packed than the file, or many parts packed in
    the same bytes, and so pass for data what shrank a thousand to one."""
    total = packed = 0
    for info in zf.infolist():
        total += info.file_size
        packed += info.compress_size
        compressed = min(info.compress_size, on_disk)
        if info.file_size > _BOMB_MEMBER and info.file_size > limits.max_ratio * max(compressed, 1):
            raise _refuse(FILE_ZIP_BOMB, path, size=_size(info.file_size), packed=_size(compressed))
    packed = min(packed, on_disk)
    if total > limits.max_unzipped and (total > ROOM_FOR_DATA * limits.max_unzipped
                                        or total > DATA_RATIO * max(packed, 1)):
        raise _refuse(FILE_ZIP_BOMB, path, size=_size(total), packed=_size(packed))


def _check_ooxml_package(zf: zipfile.ZipFile, path: Path, content_types: str) -> tuple[str, str]:
    """Everything checked of an OOXML package before its sheets (`check_ooxml_sheets`): its
    format and its workbook part."""
    _refuse_unsafe_heads(zf, path, [content_types])
    part, content_type = _main_part(zf, path, content_types)
    fmt = _SPREADSHEET_MAIN.get(content_type)
    if fmt is None:
        raise _refuse(FILE_NOT_A_WORKBOOK, path, **_kind(_office_kind(content_type)))
    _refuse_unsafe_heads(zf, path, _xml_members(zf))
    workbook = _member(zf.namelist(), part.lstrip("/"))
    if workbook is None:
        raise _refuse(FILE_CORRUPT, path)
    return fmt, workbook


def check_ooxml_sheets(zf: zipfile.ZipFile, path: Path, fmt: str, workbook: str) -> None:
    """The last of an OOXML package's checks: the sheets' number and extent, then that the
    workbook names a sheet at all."""
    _check_sheet_sizes(zf, path, fmt, workbook)
    check_names_a_sheet(zf, path, fmt, workbook)


def check_names_a_sheet(zf: zipfile.ZipFile, path: Path, fmt: str, workbook: str) -> None:
    if fmt != "xlsb" and not _any_start(zf, path, workbook, lambda e: _local(e) == "sheet"):
        raise _refuse(FILE_NO_SHEETS, path)


def sheet_parts(zf: zipfile.ZipFile) -> list[str]:
    """The package's worksheet parts (and chart, dialog and macro sheets), in the zip's order:
    what `MAX_SHEETS` counts."""
    return [n for n in zf.namelist() if _WORKSHEET.fullmatch(n.casefold()) or _WORKSHEET.fullmatch(part_key(n))]


def readable_as_sheets(zf: zipfile.ZipFile) -> list[str]:
    """Every part calamine could be made to read as a sheet, in the zip's order: the worksheet
    parts by name, and whatever a relationship anywhere in the package points to, looked up as
    calamine looks a part up (ASCII case aside, a backslash read as a slash).

    A sheet is read from wherever the workbook's relationship for it points, not only under
    `xl/worksheets/`: a far cell kept in `xl/other/sheet1.xml`, in `xl/media/sheet1.png` or in
    a member stored as `xl\\worksheets\\sheet1.xml` passed the guard, and calamine's grid for it
    aborted the process. Every relationship counts, whatever its type and source, so the guard
    need not read the workbook exactly as calamine does to know what it may read; when a
    relationships part cannot be read, or a target is spelt so that its raw and decoded forms
    differ, every part of the package is searched."""
    members = zf.namelist()
    wanted = {part_key(n) for n in sheet_parts(zf)}
    for rels in (n for n in members if part_key(n).endswith(".rels")):
        folder = part_key(rels).rpartition("_rels/")[0]
        targets = _relationship_targets(zf, rels)
        if targets is None:
            return members
        for target in targets:
            if any(ch in target for ch in "&<>\"'"):
                return members
            wanted |= _target_keys(folder, target)
    return [n for n in members if part_key(n) in wanted]


def _target_keys(folder: str, target: str) -> set[str]:
    """The member keys (`part_key`) a relationship's target may name, read from a part in
    `folder` (ending in a slash, or empty): joined to the folder as it is, or from the
    package's root when it starts with a slash, each also with `..` resolved."""
    joined = [folder + target, *([target[1:]] if target.startswith("/") else [])]
    return {part_key(j) for j in joined} | {part_key(posixpath.normpath(j)) for j in joined}


def _xlsb_sheets(zf: zipfile.ZipFile, path: Path, workbook: str) -> set[str]:
    """The parts of an .xlsb that calamine reads as binary sheet records: those named `.bin`,
    and those the workbook names as its sheets (`BrtBundleSh`, record 156, by relationship
    id), whatever their names say. calamine reads `xl/workbook.bin` and
    `xl/_rels/workbook.bin.rels` whatever the content types name, so both the named workbook
    and that one are read. Other parts (the theme is XML) are searched as XML: read as records,
    any line break would look like a cell. A workbook part whose sheets' list does not end
    within `SHEETS_LISTED_WITHIN` records is refused as damaged (`_bundled_sheets`)."""
    names = zf.namelist()
    by_key = {part_key(name): name for name in names}
    keys: set[str] = set()
    for book in {workbook, by_key.get("xl/workbook.bin")} - {None}:
        folder, _, base = part_key(str(book)).rpartition("/")
        folder = f"{folder}/" if folder else ""
        rels = by_key.get(f"{folder}_rels/{base}.rels")
        try:
            targets = {rid: target for rid, _, target in relationships(zf, rels) if rid and target} if rels else {}
            listed = _bundled_sheets(zf, str(book))
        except (UnusableInput, *ZIP_FAULTS):
            continue
        if listed is None:
            raise _refuse(FILE_CORRUPT, path)
        ids = [body[12:12 + 2 * _u32(body, 8)].decode("utf-16-le", "replace") for body in listed]
        for rid in ids:
            if rid in targets:
                keys |= _target_keys(folder, targets[rid]) | _target_keys("xl/", targets[rid])
    return {name for name in names if name.lower().endswith(".bin") or part_key(name) in keys}


def part_key(name: str) -> str:
    """A member's name as calamine matches it: backslashes as slashes, ASCII letters lower (as
    Rust's `to_ascii_lowercase`: no other letter changes)."""
    return name.replace("\\", "/").encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def relationships(zf: zipfile.ZipFile, part: str) -> list[tuple[str | None, str, str | None]]:
    """(Id, Type, Target) of each relationship in a relationships part, read as the guard reads
    any part (`_starts`: a DTD or a part that does not parse raises `UnusableInput`)."""
    return [(elem.get("Id"), elem.get("Type") or "", elem.get("Target")) for elem in _starts(zf, Path(), part)
            if _local(elem) == "Relationship"]


def _relationship_targets(zf: zipfile.ZipFile, rels: str) -> list[str] | None:
    """The targets a relationships part names, or None when it cannot be read."""
    try:
        return [target for _, _, target in relationships(zf, rels) if target is not None]
    except (UnusableInput, *ZIP_FAULTS):
        return None


def _check_sheet_sizes(zf: zipfile.ZipFile, path: Path, fmt: str, workbook: str) -> None:
    """Refuse too many worksheets, or one whose cells reach past `MAX_SHEET_CELLS`.

    Only what a sheet holds counts: calamine builds the grid from A1 to the farthest cell it
    finds, and reserves room for the declared range (`<dimension>`, an .xlsb's BrtWsDim) only
    below 100,000 cells (calamine 0.30 to 0.37, `worksheet_range`), so a sheet declaring
    A1:Z1048576 over a few rows, as some generators write the whole sheet, reads in a few MB
    and was refused as too large, and one whose dimension is missing or lies (`A1` with a cell
    in XFD1048576) is caught by its cells: `_farthest_cell` finds them in an XML part,
    `_xlsb_extent` in a binary one, each reading the part as a stream.
    """
    _check_sheet_count(path, sheet_parts(zf))
    records = _xlsb_sheets(zf, path, workbook) if fmt == "xlsb" else set()
    for part in readable_as_sheets(zf):
        check_sheet_part(zf, path, workbook, part, records=part in records)


def _check_sheet_count(path: Path, sheets: list[str]) -> None:
    if len(sheets) > MAX_SHEETS:
        raise _refuse(FILE_TOO_MANY_SHEETS, path, count=len(sheets), limit=MAX_SHEETS)


def check_sheet_part(zf: zipfile.ZipFile, path: Path, workbook: str, part: str, *, records: bool = False,
                     seen: Callable[[bytes], object] | None = None) -> None:
    """Refuse one part calamine may read as a sheet whose declared or found extent reaches past
    `MAX_SHEET_CELLS` (`_check_sheet_sizes`): read as XML, or with `records` as an .xlsb
    sheet's binary records. The xlsx reader reads whatever part a sheet points to as XML,
    whatever its name: an .xlsm's `vbaProject.bin` read as records would find cells in
    compiled macros. `seen` is shown every chunk of XML read (`_farthest_cell`).

    A cell or a row found past Excel's last row (`SHEET_ROWS`), which Excel never writes and a
    broken or hostile file may, is refused too (`file-sheet-too-many-rows`), as an .ods's and a
    CSV's are: calamine read it, and converted to .xlsx the rows past the last were cut."""
    found = rows, columns = _xlsb_extent(zf, part) if records else _farthest_cell(zf, part, seen)
    if rows * columns > MAX_SHEET_CELLS:
        raise _refuse(
            FILE_SHEET_TOO_LARGE, path, sheet=_tab_name(zf, workbook, part, records), cell=address(rows, columns),
            cells=Grouped(rows * columns), limit=Grouped(MAX_SHEET_CELLS),
        )
    if found[0] > SHEET_ROWS:
        raise too_many_rows(path, _tab_name(zf, workbook, part, records), found[0])


def _tab_name(zf: zipfile.ZipFile, workbook: str, part: str, records: bool) -> str:
    """The name on the tab of a sheet part the guard refuses, the part's own when it has none: an
    .xlsb's (`records`) from its binary workbook part (`xlsb_sheet_parts`), where reading it as
    XML found none and the refusal named `xl/worksheets/sheet1.bin`."""
    try:
        names = xlsb_sheet_parts(zf) if records else _sheet_names(zf, workbook)
    except UnusableInput:
        return part
    return names.get(part, part)


_WORKSHEET = re.compile(r"xl/(worksheets|chartsheets|dialogsheets|macrosheets)/[^/]+\.(xml|bin)")
_CHUNK = 4 * 2**20
_FAR = (r"""r(?:=["'](?:(?:[A-Za-z]{3,}|[B-Zb-z][A-Za-z]|[Aa][I-Zi-z])[0-9]"""
        r"""|[A-Za-z]{0,2}(?:(?:29|[3-9][0-9])[0-9]{4}|[0-9]{7})|\$)"""
        r"""|=[ \t\n\r\x0b\x0c]|[ \t\n\r\x0b\x0c]+=)""")
"""A reference that may reach past AH289999 — a column from AI (of any number of letters: calamine
reads `AAAAA7` as column 475,255), a row from 290,000 — or an `r` attribute written in an unusual
way: only a part where this or `_PLACED` matches is scanned exactly. Without either the sheet
holds at most 34 × 289,999 cells (`NEAR_BOX`), within `MAX_SHEET_CELLS`.

The box is as wide as the format's widest sheet and some: *Clienti* has 31 columns, to AE, and
with a box to Z every desk's *Clienti* was inflated twice, the second time each of its references
turned into numbers by `re` while holding the interpreter (0.17 s of CPU at L, 10,000 customers),
only to find the columns every customer sheet has. Rows to 289,999 keep the L benchmark's 200,000
template lines and a third more within it.

Searched by Rust's regular expressions in the chunk read as text (`found_in`), so each of its
classes is spelt in ASCII as a bytes pattern means it (`\\s` and `\\d` would take in Unicode's
spaces and digits): it matches wherever the plain spelling of bytes does
(`tests/oracles/guard_chunks.FAR`, `tests/test_guard_inflated_ahead.py`)."""
NEAR_BOX = (34, 289_999)
"""The columns and rows a sheet's references stay within when `_FAR` finds none (AH289999)."""
_PLACED = r"""[<:]c(?:[/>]|[ \t\n\r]+(?:[^r \t\n\r]|r[^ \t\n\r=]))"""
"""A cell whose first attribute is not `r` (`<c>`, `<c t="s">`, `<x:c>`): one that may have
none, which calamine places where the one before ends (`_placed_extent`), however many rows
without `r` came before. Excel, LibreOffice and openpyxl write `r` first on every row and cell;
some programs write none, and a sheet of such rows held 2 million of them unrefused. A cell
with `r` is where it says, so rows alone are not looked for: a button Excel saves in the sheet
anchors at an `<xdr:row>`, which sent the sheet to the count by position (0.6 s to 4 s of CPU
on the L benchmark's largest sheet). A prefixed name (`x:c`) and its end tag match too, so a
sheet written with a prefix is always counted by position: exact, only slower."""
_UNBOUNDED = f"{_PLACED}|{_FAR}"
"""Either, in the one search of the first pass: spelt in this order, 0.12 s of CPU over the L
benchmark's sheets where `_FAR` alone takes 0.10 s and the other order 0.135 s."""
_REF = re.compile(rb"""[\s"']r\s*=\s*["']\$?([A-Za-z]*)\$?(\d{1,16})""")
"""A cell's or a row's reference, `<c r="XFD1048576"`, `<row r='7'`: sheet XML has no other
attribute named `r`. After a blank or right after the value before (`s="0"r="XFD1048576"`, not
XML), where calamine reads a name too (`_place_of`)."""
_TAIL = 256
"""Bytes carried from one chunk into the next: longer than any match but a run of blanks, which
is carried as one."""


def _farthest_cell(zf: zipfile.ZipFile, part: str, seen: Callable[[bytes], object] | None = None) -> tuple[int, int]:
    """The largest row and column any cell or row of the part names or is placed at, or (1, 1)
    when none can reach past AH289999 (`NEAR_BOX`); read as a stream in chunks, so memory stays a few MB.
    Each chunk is shown to `seen` too, every chunk of the part at least once (the first pass
    reads them all unless it finds a far reference, and then the second does): a second search
    over the same XML then costs no second inflating (`sheet_clearance.SheetClearance.holds_errors`).

    Calamine builds the grid from what the cells say, whatever `<dimension>` declares, so this
    is what bounds its memory. Turning every reference into numbers would cost as much as the
    read itself on a large workbook; a first pass looks only for far references and for rows or
    cells that may have no `r` (`_UNBOUNDED`; on the L benchmark it costs about a sixth of
    calamine's read, README "Reliability"), and only a part where it finds one is read again and
    every reference counted, by position as calamine counts them (`_placed_extent`) once a
    chunk holds a row or cell that may have none.
    """
    shown = _chunks(zf, part) if seen is None else _shown(_chunks(zf, part), seen)
    if not any(map(found_in(_UNBOUNDED), shown)):
        return 1, 1
    placed = found_in(_PLACED)
    rows, columns = 1, 1
    for text, _ in _carried(_unhidden(_fresh(zf, part, seen))):
        if placed(text):
            return _placed_extent(zf, part, seen)
        if found := _REF.findall(text):
            letters, digits = zip(*found)
            rows = max(rows, *map(int, set(digits)))
            columns = max(columns, *map(_column_number, set(letters)))
    return rows, columns


_QUOTED = rb"""[^"'>]*+(?:(?:"[^"]*+"|'[^']*+')[^"'>]*+)*+"""
"""A tag's text past its name as quick-xml reads it: to its first `>` outside quotes, whatever
else it holds (a `<`, blanks or none between attributes: not XML, read all the same). Unrolled,
twice as fast as the plain alternation of text and quoted values (0.08 s for 20 MB)."""
_NAMED = (rb"""(?:[^ \t\r\n:>"']*+(?:(?:"[^" \t\r\n:]*+"|'[^' \t\r\n:]*+')[^ \t\r\n:>"']*+)*+:)?"""
          rb"""(row|sheetData|c(?<!/c))(?=[ \t\r\n>]|/>)""")
"""A tag's name calamine reads as a row's, a cell's or the rows' (`row`, `c`, `sheetData`): a
name runs to one of XML's four blanks and loses what its first colon ends (`x:c`, `:c`), quotes
and all (`x'a':c`, `x">":c`: quick-xml checks no name, and reads a tag to its first `>` outside
quotes, those of its name too). Such a cell was skipped by the count by position, and one after
a cell without `r` named XFD1048576 unrefused. A name whose quote stays open is not read at all
(calamine: an attribute key must be followed by `=`). A cell's end tells nothing (`</c>`,
skipped)."""
_NEXT_PLACE = re.compile(rb"(?:[^<]*+<(?!/?" + _NAMED.replace(b"(row", b"(?:row") + rb")" + _QUOTED + rb">)*+"
                         + rb"[^<]*+<(/?)" + _NAMED + rb"(" + _QUOTED + rb")>")
"""From a tag's start, the next row's or cell's start, a row's or the rows' end (its `/`, its
name, the rest of the tag), the tags between skipped, each read to its end as quick-xml reads
it: a search that never steps back, so a part of tags no `>` ends costs one reading."""
_WHOLE_TAGS = re.compile(rb"(?:[^<]*+<" + _QUOTED + rb">)*+")
_XML_BLANK = b" \t\r\n"
_BLANK = b" \t\n\x0c\r"
"""What calamine skips around an attribute's name and `=` (Rust's `is_ascii_whitespace`)."""
_BLANKS = re.compile(rb"[" + re.escape(_BLANK) + rb"]*")
_PLACE = re.compile(rb"([A-Za-z]*)([0-9]+)")
_CARRIED_TAG = 2**16
"""The most of a tag cut by a chunk's end carried into the next (`_placed_extent`). Excel's tags
are a few dozen bytes; a longer one cut so is read past, not counted (`_past_tag`): at most one
row or cell a chunk (4 MB) goes uncounted."""


def _placed_extent(zf: zipfile.ZipFile, part: str, seen: Callable[[bytes], object] | None) -> tuple[int, int]:
    """The farthest row and column of the part's rows and cells, each where calamine places it
    (calamine 0.37, `XlsxCellReader::next_cell`): a row with `r` at that row, one without it
    after the one before (the first at row 1); a cell with `r` there, one without it in the next
    column of its row (the first at column A). Every row and cell counts, empty or not, as every
    `r` does in `_farthest_cell`, up to `</sheetData>`, where calamine stops: a button Excel saves
    after the rows anchors at an `<xdr:row>`, which is no row, and counted as one a sheet filled
    to its last row was refused (`tests/test_guard_placed_rows.py`).

    Read as a stream in the chunks the guard reads (each shown to `seen`), the bytes of each
    read once: a tag cut by a chunk's end is carried into the next (`_CARRIED_TAG`). Each match
    is taken as found, not listed per chunk: two million rows of a cell each (61 MB) take 4 to
    5 s of CPU in 77 MiB, as four million do (the L benchmark's guard takes 73 MiB)."""
    row, column = 0, 0
    rows, columns = 1, 1
    carried, past_rows, in_tag, quote = b"", False, False, b""
    for text in _unhidden(_fresh(zf, part, seen)):
        if past_rows:
            continue
        buffer, at = carried + text if carried else text, 0
        if in_tag:  # the rest of a tag past `_CARRIED_TAG`
            at, quote = _past_tag(buffer, 0, quote)
            if at < 0:
                continue
            in_tag = False
        while found := _NEXT_PLACE.match(buffer, at):
            at = found.end()
            closed, name, rest = found.groups()
            if closed:
                if rest.strip(_XML_BLANK):  # `</row x>`, no end of a row
                    continue
                if name == b"sheetData":
                    past_rows = True
                    break
                if name == b"row":  # not a prefixed `</x:c>`
                    row, column = row + 1, 0
                continue
            if name == b"sheetData":
                continue
            place = _place_of(rest) if b"r" in rest else None
            if name == b"c":
                down, across = (row, column) if place is None else (place[0], column if place[1] < 0 else place[1])
                column = across + 1
                if down >= rows:
                    rows = down + 1
                if column > columns:
                    columns = column
                continue
            if place is not None:
                row = place[0]
            if row >= rows:
                rows = row + 1
            if rest.endswith(b"/"):
                row, column = row + 1, 0
        cut = buffer.find(b"<", _WHOLE_TAGS.match(buffer, at).end())  # type: ignore[union-attr]
        carried = b""
        if 0 <= cut and len(buffer) - cut <= _CARRIED_TAG:
            carried = buffer[cut:]
        elif 0 <= cut:
            in_tag, quote = True, _past_tag(buffer, cut + 1, b"")[1]
    return rows, columns


def _past_tag(buffer: bytes, at: int, quote: bytes) -> tuple[int, bytes]:
    """Where a tag that began before `at` ends in `buffer` (past its `>`), its value quoted by
    `quote` open at `at`; or -1 and the quote open at the buffer's end, none (`b""`) outside one.
    So a tag too long to carry is read past as quick-xml reads it: a `<` in its values starts
    no tag that would hide the rows after it."""
    if quote:
        close = buffer.find(quote, at)
        if close < 0:
            return -1, quote
        at = close + 1
    end = _IN_TAG.match(buffer, at).end()  # type: ignore[union-attr]
    if buffer[end:end + 1] == b">":
        return end + 1, b""
    return -1, buffer[end:end + 1]


_HIDDEN_UNTIL = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
"""What hides markup from calamine's XML reader (quick-xml), each to its end: a comment, a
CDATA section, a processing instruction, each opened where markup may start (`_VISIBLE`)."""
_VISIBLE = re.compile(rb"""[^<]*+(?:<[^!?"'>]""" + _QUOTED + rb""">[^<]*+)*+""")
"""Text and whole tags up to what may open a hidden section: quick-xml reads a tag, start or end,
to its first `>` outside quotes (`_QUOTED`), so an `<!--` in an attribute's value
(`<c r="A1" x="<!--">`) opens no comment."""
_IN_TAG = re.compile(_QUOTED)
"""The rest of a tag a piece's end cut, up to its `>` or a quoted value the piece's end cuts."""
_TEXT, _TAG = b"", b">"


def _unhidden(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The XML of `pieces`, one after the other, without its comments, CDATA sections and
    processing instructions, whose text calamine reads as no row and no cell: a row written in
    a comment (`<!-- <row r="1048576"> … -->`) or in an inline string's CDATA refused a sheet of
    two rows, and an `</sheetData>` in one stopped the count where calamine reads on, so a cell
    in XFD1048576 after `<!-- </sheetData> -->` passed the guard. Only an opening where quick-xml
    reads markup hides: one inside a tag's quoted value (`<c x="<!--">`, not XML, which quick-xml
    reads) hid every row after it, a cell in XFD1048576 among them. After any other `<!` (a
    DOCTYPE, which quick-xml reads to its own end) nothing more is hidden. What a piece's end cuts,
    an opening or a closing (held for the next piece, at most 8 bytes), a tag or a quoted value
    (the state carried), reads as if whole, so the pieces may be of any size."""
    state, held, plain = _TEXT, b"", False
    for piece in pieces:
        text, held = held + piece if held else piece, b""
        if plain:
            yield text
            continue
        kept, at, size = [], 0, len(text)
        while at < size:
            if state == _TEXT:
                end = _VISIBLE.match(text, at).end()  # type: ignore[union-attr]
                kept.append(text[at:end])
                if end == size:
                    break
                opening = next((o for o in _HIDDEN_UNTIL if text.startswith(o, end)), None)
                if opening is not None:
                    at, state = end + len(opening), _HIDDEN_UNTIL[opening]
                elif any(len(o) > size - end and o.startswith(text[end:]) for o in _HIDDEN_UNTIL):
                    held = text[end:]
                    break
                elif text.startswith(b"<!", end):
                    plain = True
                    kept.append(text[end:])
                    break
                else:  # a tag the piece's end cuts
                    kept.append(b"<")
                    at, state = end + 1, _TAG
            elif state == _TAG:
                end = _IN_TAG.match(text, at).end()  # type: ignore[union-attr]
                kept.append(text[at:end + 1])
                if end == size:
                    break
                at, state = end + 1, _TEXT if text[end] == ord(">") else text[end:end + 1]
            elif state in (b'"', b"'"):
                end = text.find(state, at)
                end = size - 1 if end < 0 else end
                kept.append(text[at:end + 1])
                at, state = end + 1, _TAG if text[end:end + 1] == state else state
            else:
                end = text.find(state, at)
                if end < 0:
                    held = text[max(at, size - len(state) + 1):]
                    break
                at, state = end + len(state), _TEXT
        yield kept[0] if len(kept) == 1 else b"".join(kept)


def _fresh(zf: zipfile.ZipFile, part: str, seen: Callable[[bytes], object] | None) -> Iterator[bytes]:
    """The part's bytes in the chunks the guard reads, each once (`_overlapping`'s own bytes),
    each overlapping chunk shown to `seen` as it is read."""
    for text, fresh in _overlapping(zf, part):
        if seen is not None:
            seen(text)
        yield text[fresh:]


def _carried(pieces: Iterable[bytes]) -> Iterator[tuple[bytes, int]]:
    """Each piece after the end of the one before (`_TAIL`), so a reference cut in two is whole
    in one of them; with where the piece's own bytes start."""
    carried = b""
    for piece in pieces:
        text = carried + piece
        yield text, len(carried)
        end = len(text.rstrip())
        carried = text[max(0, end - _TAIL):end] + (b" " if end < len(text) else b"")


def _place_of(attributes: bytes) -> tuple[int, int] | None:
    """The 0-based (row, column) of a row's or a cell's `r`, the column -1 when it names none
    (a row's); None without `r`, or one calamine refuses to read (its read then fails whole).

    Read as calamine reads a tag's attributes (calamine 0.37, `attrs::RawAttrIter`): a name runs
    from past the blanks after the value before, none needed (`s="0"r="B2"`), to its `=`
    (`s="0"/x="1"` names `/x`), its value quoted after `=`; an attribute without either ends
    the reading. Of two `r`, not XML, the farthest counts."""
    found, at, size = None, 0, len(attributes)
    while (key := attributes.find(b"=", at)) >= 0:
        start = _BLANKS.match(attributes, key + 1).end()  # type: ignore[union-attr]
        quote = attributes[start:start + 1]
        if quote not in (b'"', b"'"):
            break
        end = attributes.find(quote, start + 1)
        end = size if end < 0 else end
        place = _PLACE.fullmatch(attributes, start + 1, end) if attributes[at:key].strip(_BLANK) == b"r" else None
        at = end + 1
        if place is not None:
            here = int(place[2]) - 1, _column_number(place[1]) - 1 if place[1] else -1
            found = here if found is None else (max(found[0], here[0]), max(found[1], here[1]))
    return found


def _shown(texts: Iterator[bytes], seen: Callable[[bytes], object]) -> Iterator[bytes]:
    for text in texts:
        seen(text)
        yield text


@cache
def found_in(pattern: str) -> Callable[[bytes], bool]:
    """Whether `pattern`, all of whose characters and classes are ASCII, occurs anywhere in a
    chunk of XML, searched by pydantic-core's Rust regular expressions: the check of a str
    schema's `pattern`, which a text passes when it holds a match anywhere. The chunk is read as
    UTF-8 by pydantic-core itself or, where it is not UTF-8 (a chunk's end cuts a character in
    two, a file in another encoding), as Latin-1, one character a byte: either way an ASCII
    pattern matches the text where it matches the bytes, since no byte of a character beyond
    ASCII is an ASCII one.

    The guard searches every byte of every sheet (at L 110 MB) in a thread beside the one that
    reads the parsed sheets, and both hold the interpreter while they work: Python's `re` steps
    through the XML from every `r` and held it about 0.3 s at L, the error marks' three
    substring searches 0.15 s more. The Rust engine finds the pattern's literals first and
    takes less than a third of that time (0.45 → 0.13 s), the chunk's decoding included. It
    also never backtracks, whatever a hostile file holds."""
    from pydantic_core import SchemaValidator, ValidationError, core_schema

    validator = SchemaValidator(core_schema.str_schema(pattern=pattern, regex_engine="rust-regex"))

    def found(chunk: bytes) -> bool:
        try:
            validator.validate_python(chunk)
        except ValidationError as mismatch:
            if mismatch.errors(include_url=False, include_input=False)[0]["type"] == "string_pattern_mismatch":
                return False
            return validator.isinstance_python(chunk.decode("latin-1"))
        return True

    return found


_XLSB_CELLS = frozenset(range(1, 12))
"""BrtCellBlank … BrtFmlaError: records of one cell of the current row, its column first."""


def _xlsb_extent(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """The farthest row and column an .xlsb sheet part holds (the cells under the rows'
    BrtRowHdr), read record by record as a stream.

    Its declared range (BrtWsDim) is a hint and is not counted: calamine builds the grid from
    the cells it reads and reserves room for the declared range only below 100,000 cells, so a
    range past the last row with a few rows under it costs nothing, and was refused as data at
    row 2,000,000 that the sheet did not hold (`tests/test_binary_cells.py`)."""
    rows, columns, row = 0, 0, 0
    for kind, body in _xlsb_records(zf, part):
        if kind in _XLSB_CELLS and len(body) >= 4:
            rows, columns = max(rows, row + 1), max(columns, _u32(body, 0) + 1)
        elif kind == 0 and len(body) >= 4:
            row = _u32(body, 0)
    return rows, columns


def xlsb_records(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each BIFF12 record of an .xlsb part (`_xlsb_records`)."""
    return _xlsb_records(zf, part)


def xlsb_sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet part of an .xlsb by the name on its tab: `xl/workbook.bin`'s BrtBundleSh
    records (relationship id, then name) through `xl/_rels/workbook.bin.rels`."""
    names = {part_key(name): name for name in zf.namelist()}
    book, rels = names.get("xl/workbook.bin"), names.get("xl/_rels/workbook.bin.rels")
    if book is None or rels is None:
        return {}
    targets = {rid: target for rid, _, target in relationships(zf, rels) if rid and target}
    found: dict[str, str] = {}
    for body in _bundled_sheets(zf, book) or ():
        at = 12 + 2 * _u32(body, 8)
        rid = body[12:at].decode("utf-16-le", "replace")
        if len(body) < at + 4 or rid not in targets:
            continue
        name = body[at + 4:at + 4 + 2 * _u32(body, at)].decode("utf-16-le", "replace")
        part = next((names[k] for k in sorted(_target_keys("xl/", targets[rid])) if k in names), None)
        if part is not None and name:
            found[part] = name
    return found


SHEETS_LISTED_WITHIN = 65_536
"""The most records a workbook.bin may hold before its sheets' list ends (BrtEndBundleShs).
Excel writes a few dozen there (the book's properties, views, file version); the defined names
and the rest come after. A part of millions of tiny records held the guard's walk in Python ten
seconds a 10 MB, and the readers walked it again."""


def _bundled_sheets(zf: zipfile.ZipFile, book: str) -> list[bytes] | None:
    """The BrtBundleSh records (156) of an .xlsb workbook part, read up to BrtEndBundleShs (144),
    after which the part names no sheet; None when the list has not ended within
    `SHEETS_LISTED_WITHIN` records, as in no workbook Excel writes."""
    listed: list[bytes] = []
    for n, (kind, body) in enumerate(_xlsb_records(zf, book)):
        if n >= SHEETS_LISTED_WITHIN:
            return None
        if kind == 156 and len(body) >= 12:
            listed.append(body)
        elif kind == 144:
            break
    return listed


def _xlsb_records(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each record of a binary part: a type of one or two 7-bit bytes, a size
    of up to four, then the body."""
    buffer = b""
    with zf.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            buffer += chunk
            at = 0
            while True:
                header = _xlsb_header(buffer, at)
                if header is None:
                    break
                kind, size, start = header
                if len(buffer) < start + size:
                    break
                yield kind, buffer[start:start + size]
                at = start + size
            buffer = buffer[at:]


def _xlsb_header(buffer: bytes, at: int) -> tuple[int, int, int] | None:
    """The record type, size and body offset at `at`, or None when the header is cut short."""
    values = []
    for width in (2, 4):
        value = 0
        for shift in range(width):
            if at >= len(buffer):
                return None
            byte = buffer[at]
            at += 1
            value |= (byte & 0x7F) << (7 * shift)
            if not byte & 0x80:
                break
        values.append(value)
    return values[0], values[1], at


def _chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part decompressed in chunks, each starting with the end of the one before, so a
    reference cut in two is whole in one of them."""
    return (text for text, _ in _overlapping(zf, part))


def _overlapping(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[bytes, int]]:
    """`_chunks`, each with where its own bytes start, after the end carried from the one before:
    those bytes, one chunk after the other, are the part's."""
    if isinstance(zf, _Package) and (data := zf.whole(part)) is not None and len(data) <= _CHUNK:
        if data:  # the one chunk the stream would give
            yield data, 0
        return
    with zf.open(part) as stream:
        yield from _carried(_inflated_ahead(stream))


def _inflated_ahead(stream: IO[bytes]) -> Iterator[bytes]:
    """`stream.read(_CHUNK)` until the part ends, the next chunk read by a second thread while
    the caller searches this one.

    zlib inflates, and checks the CRC, without holding the interpreter, so on a second core a
    large workbook's parts are inflated beside the search for far references instead of before
    it: at L about a quarter of a second of the guard, which calamine waits for. The chunks, and
    an error reading one (raised when that chunk is asked for), are those of the plain loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="guard") as pool:
        pending = pool.submit(stream.read, _CHUNK)
        while chunk := pending.result():
            pending = pool.submit(stream.read, _CHUNK)
            yield chunk


def _sheet_names(zf: zipfile.ZipFile, workbook: str) -> dict[str, str]:
    """Each worksheet part's name as the user sees it on its tab, from the workbook part and its
    relationships; empty when they cannot be read (the part name is used instead)."""
    folder, _, base = workbook.rpartition("/")
    rels = _member(zf.namelist(), f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
    by_key = {part_key(name): name for name in zf.namelist()}
    try:
        targets: dict[str, str] = {}
        if rels is not None:
            for rid, _, target in relationships(zf, rels):
                if rid and target:
                    targets[rid] = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
        names: dict[str, str] = {}
        for elem in _starts(zf, Path(), workbook):
            if _local(elem) == "sheet":
                rid = next((v for k, v in elem.attrib.items() if k.rpartition("}")[2] == "id"), None)
                if rid in targets and elem.get("name"):
                    names[by_key.get(part_key(targets[rid]), targets[rid])] = str(elem.get("name"))
        return names
    except UnusableInput:
        return {}


def sheet_tabs(zf: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part of a vetted OOXML package by the name on its tab (`_sheet_names`),
    its workbook part found as the guard finds it; empty when there is none."""
    content_types = _member(zf.namelist(), "[Content_Types].xml")
    if content_types is None:
        return {}
    part, _ = _main_part(zf, Path(), content_types)
    workbook = _member(zf.namelist(), part.lstrip("/"))
    return _sheet_names(zf, workbook) if workbook else {}


def chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A part decompressed as a stream of overlapping chunks (`_chunks`)."""
    return _chunks(zf, part)


def _column_number(letters: bytes) -> int:
    """`A` is 1, `XFD` is 16,384; rows alone (`<row r="5">`) count as column 1.

    >>> _column_number(b"XFD"), _column_number(b"")
    (16384, 1)
    """
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return max(number, 1)


def _main_part(zf: zipfile.ZipFile, path: Path, content_types: str) -> tuple[str, str]:
    """The package's main document and its content type, from `[Content_Types].xml`."""
    fallback = ("", "")
    for elem in _starts(zf, path, content_types):
        if _local(elem) != "Override":
            continue
        content_type = (elem.get("ContentType") or "").strip().lower()
        if content_type in _SPREADSHEET_MAIN:
            return elem.get("PartName") or "", content_type
        if content_type.endswith((".main+xml", ".main")) and not fallback[1]:
            fallback = (elem.get("PartName") or "", content_type)
    return fallback


def _office_kind(content_type: str) -> str:
    if "wordprocessingml" in content_type or "ms-word" in content_type:
        return "word"
    if "presentationml" in content_type or "ms-powerpoint" in content_type:
        return "powerpoint"
    if "ms-excel.addin" in content_type:
        return "addin"
    return "office" if content_type else "zip"


def _check_odf(zf: zipfile.ZipFile, path: Path, mimetype_member: str) -> bool:
    """Refuse an ODF package that is no spreadsheet, or no safe one; else whether its
    `content.xml` may hold a Total Row (`_check_ods_extent`)."""
    names = zf.namelist()
    mimetype = _head(zf, mimetype_member, 200).decode("ascii", "replace").strip()
    if mimetype != _ODS_MIMETYPE:
        kind = "odf" if mimetype.startswith("application/vnd.oasis.opendocument") else "zip"
        raise _refuse(FILE_NOT_A_WORKBOOK, path, **_kind(kind))
    manifest = _member(names, "META-INF/manifest.xml")
    if manifest is not None:
        _refuse_unsafe_heads(zf, path, [manifest])
        if _any_start(zf, path, manifest, lambda e: _local(e) == "encryption-data"):
            raise _refuse(FILE_ENCRYPTED, path)
    macros = [n for n in _xml_members(zf) if n.startswith(_ODF_MACROS) and posixpath.normpath(n) == n and "\\" not in n]
    _refuse_unsafe_heads(zf, path, [n for n in _xml_members(zf) if n not in macros])
    for name in macros:
        head = _head(zf, name)
        if _unsafe_head(_ODF_MACRO_DOCTYPE.sub("", _decode_head(head), count=1).encode("utf-8"),
                        complete=len(head) < _HEAD):
            raise _refuse(FILE_UNSAFE_XML, path, part=name)
    content = _member(names, "content.xml")
    if content is None:
        raise _refuse(FILE_CORRUPT, path)
    if not _any_start(zf, path, content, lambda e: e.tag == _ODF_TABLE):
        raise _refuse(FILE_NO_SHEETS, path)
    return _check_ods_extent(zf, path, content)


_ODS_TAG = re.compile(rb"<(/?)(?:\w{1,32}:)?(table|table-row|table-cell|covered-table-cell)([\s/>])")
_ODS_REPEAT = re.compile(rb"number-(?:rows|columns)-repeated\s*=\s*[\"'](\d{1,12})")
_ODS_NAME = re.compile(rb"""(?:\w{1,32}:)?name\s*=\s*["']([^"']{0,200})""")
_MAX_TAG = 2**20


def _check_ods_extent(zf: zipfile.ZipFile, path: Path, content: str) -> bool:
    """Refuse a table whose cells reach past `MAX_SHEET_CELLS`, or whose data reaches past Excel's
    last row (`too_many_rows`: calamine drops those rows), counting repeated rows and cells as
    calamine does: `number-rows-repeated="1048575"` over empty rows, then one value,
    costs a grid of a million rows. Trailing empty rows and cells (LibreOffice writes a
    thousand repeated empty columns in every file) count only when a value follows them. calamine
    reads every table on opening the file and keeps their grids, so the tables are bounded
    together too (`sheets_too_large`): three of two values each, A1 and IO40000, took 1.5 GB.

    `content.xml` is read as a stream of tags, so memory stays a few MB. Whether it names both a
    database range and a `SUBTOTAL` (`ODS_TOTAL_WORDS`) is looked for in the same chunks: without
    both it holds no Total Row, and `total_rows` does not inflate it again (at L, 8 % of the read).
    """
    table, rows, row_repeat, column, row_columns = "", 0, 1, 0, 0
    far = (0, 0)
    held = 0
    words: set[bytes] = set()

    def see(text: bytes) -> None:
        if len(words) < len(ODS_TOTAL_WORDS):
            words.update(w for w in ODS_TOTAL_WORDS if w in text)

    for closing, name, tag in _ods_tags(zf, path, content, see):
        if name == b"table":
            if not closing:
                found = _ODS_NAME.search(tag)
                table, rows, far = (found[1].decode("utf-8", "replace") if found else "?"), 0, (0, 0)
            elif (held := held + far[0] * far[1]) > MAX_SHEET_CELLS:
                raise sheets_too_large(path, table, far, held)
        elif name == b"table-row":
            if closing:
                if row_columns:
                    far = (rows + row_repeat, max(far[1], row_columns))
                    _refuse_far_ods(path, table, far, max(rows + 1, SHEET_ROWS + 1))
                rows += row_repeat
            else:
                row_repeat, column, row_columns = _repeat(tag), 0, 0
                if tag.endswith(b"/>"):
                    rows += row_repeat
        elif not closing:
            repeat = _repeat(tag)
            if not tag.endswith(b"/>") or b"value-type" in tag:
                row_columns = column + repeat
            column += repeat
    return len(words) == len(ODS_TOTAL_WORDS)


def _refuse_far_ods(path: Path, table: str, far: tuple[int, int], past: int) -> None:
    """Refuse an .ods table whose farthest value, at `far` (row, column), makes its grid larger
    than `MAX_SHEET_CELLS`, or lies past Excel's last row (`past`: the first row of data after
    it), which calamine would drop with no error. Asked when a row with a value ends, the only
    place the farthest value moves."""
    if far[0] * far[1] > MAX_SHEET_CELLS:
        raise _refuse(
            FILE_SHEET_TOO_LARGE, path, sheet=table, cell=address(far[0], far[1]),
            cells=Grouped(far[0] * far[1]), limit=Grouped(MAX_SHEET_CELLS),
        )
    if far[0] > SHEET_ROWS:
        raise too_many_rows(path, table, past)


def too_many_rows(path: Path, sheet: str, row: int, limit: int = SHEET_ROWS) -> UnusableInput:
    """The refusal of a sheet with data at `row`, past Excel's last (`SHEET_ROWS`): calamine
    reads an .ods's rows up to that one and drops the rest with no error, and a CSV's rows past
    it would be lost when written to a workbook. Nothing is read rather than part of the sheet.

    >>> too_many_rows(Path("listino.ods"), "Prezzi", 1_048_577).problem.message("en")[:83]
    'The file listino.ods has data in its sheet “Prezzi” at row 1,048,577, past the last'
    """
    return _refuse(FILE_SHEET_TOO_MANY_ROWS, path, sheet=sheet, row=Grouped(row), limit=Grouped(limit))


def sheets_too_large(path: Path, sheet: str, far: tuple[int, int], held: int) -> UnusableInput:
    """The refusal of an .xls or an .ods whose sheets' grids, up to `sheet` (its farthest value at
    `far`), hold `held` cells, more than `MAX_SHEET_CELLS`: calamine reads every sheet of such a
    file on opening it and keeps them all, where it reads an .xlsx's one at a time.

    >>> sheets_too_large(Path("a.ods"), "S2", (40_000, 249), 19_920_000).problem.message("en")[:72]
    'The file a.ods is read holding all its sheets in memory at once, as ever'
    """
    return _refuse(FILE_SHEETS_TOO_LARGE, path, sheet=sheet, cell=address(max(far[0], 1), max(far[1], 1)),
                   cells=Grouped(held), limit=Grouped(MAX_SHEET_CELLS))


def too_many_cells(path: Path, sheet: str, rows: int, columns: int) -> UnusableInput:
    """The refusal of a sheet whose farthest value, at row `rows` and column `columns`, makes a
    grid larger than `MAX_SHEET_CELLS`: a CSV's rows are padded to that grid, so one row of
    16,384 values over 60,000 short ones, 136 KB, took 8 GB before anything was said.

    >>> too_many_cells(Path("ordini.csv"), "ordini", 60_001, 16_384).problem.message("en")[:78]
    'The file ordini.csv has cells up to XFD60001 in its sheet “ordini” (983,056,38'
    """
    return _refuse(FILE_SHEET_TOO_LARGE, path, sheet=sheet, cell=address(rows, columns),
                   cells=Grouped(rows * columns), limit=Grouped(MAX_SHEET_CELLS))


ODS_TOTAL_WORDS = (b"database-range", b"SUBTOTAL(")
"""What an .ods's `content.xml` holds when a table of it may have a Total Row: LibreOffice keeps
an Excel table as a database range, and its Total Row's sums as `SUBTOTAL` formulas."""


def _repeat(tag: bytes) -> int:
    found = _ODS_REPEAT.search(tag)
    return max(int(found[1]), 1) if found else 1


def _ods_tags(zf: zipfile.ZipFile, path: Path, content: str,
              seen: Callable[[bytes], object]) -> Iterator[tuple[bool, bytes, bytes]]:
    """The table, row and cell tags of `content.xml` in order, as (closing, name, whole tag);
    `seen` is shown each chunk, after the end of the one before from its last tag begun, so a
    word cut by a chunk's end is shown whole."""
    carried = b""
    with zf.open(content) as stream:
        while chunk := stream.read(_CHUNK):
            text = carried + chunk
            seen(text)
            at = 0
            for found in _ODS_TAG.finditer(text):
                end = text.find(b">", found.start())
                if end < 0:
                    break
                at = end + 1
                yield bool(found[1]), found[2], text[found.start():at]
            else:
                at = max(at, len(text) - 64)
            start = text.find(b"<", at)
            carried = text[start:] if start >= 0 else b""
            if len(carried) > _MAX_TAG:
                raise _refuse(FILE_CORRUPT, path)


def _member(names: list[str], name: str) -> str | None:
    """The member's name as stored, matched without case as OPC part names are."""
    wanted = name.casefold()
    return next((n for n in names if n.casefold() == wanted), None)


def _head(zf: zipfile.ZipFile, name: str, size: int = _HEAD) -> bytes:
    """A part's first `size` bytes: a slice of the part in a small package (what reading the
    stream that `_Package.open` gives would return), else read from zipfile's stream."""
    if isinstance(zf, _Package) and (data := zf.whole(name)) is not None:
        return data[:size]
    with zf.open(name) as stream:
        return stream.read(size)


def _xml_members(zf: zipfile.ZipFile) -> list[str]:
    return [n for n in zf.namelist() if n.lower().endswith((".xml", ".rels"))]


# -- XML: hostile declarations and a bounded, streaming look inside --------------------------

def _refuse_unsafe_heads(zf: zipfile.ZipFile, path: Path, names: list[str]) -> None:
    """Refuse any part whose first 4 KB declare a DTD or entities (billion laughs, XXE).

    Excel and LibreOffice never write a DOCTYPE. A DTD can only sit in the prolog, so a prolog
    still running after 4 KB (padding to push the DOCTYPE out of sight) is refused too.
    """
    for name in names:
        head = _head(zf, name)
        if _unsafe_head(head, complete=len(head) < _HEAD):
            raise _refuse(FILE_UNSAFE_XML, path, part=name)


def _unsafe_head(head: bytes, *, complete: bool) -> bool:
    text = _decode_head(head)
    if "<!" in text:  # upper-casing never makes a `<` or a `!`: without `<!` neither can match
        upper = text.upper()
        if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
            return True
    return not _prolog_ends(text, complete)


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "ignore")
    if head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return head.decode("utf-16-le" if head[0] else "utf-16-be", "ignore")
    return head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def _prolog_ends(text: str, complete: bool) -> bool:
    """Whether the root element starts (or the part ends) without any `<!` declaration first."""
    i = 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i >= len(text):
            return complete
        if text.startswith("<?", i):
            close = text.find("?>", i + 2)
        elif text.startswith("<!--", i):
            close = text.find("-->", i + 4)
        else:
            return not text.startswith("<!", i)
        if close < 0:
            return complete
        i = close + 2 if text[close] == "?" else close + 3


def _starts(zf: zipfile.ZipFile, path: Path, name: str) -> Iterator[Element]:
    """Elements of a part as they open, parsed as a stream that drops them once closed."""
    if (small := _small_tree(zf, name)) is not None:
        yield from small
        return
    try:
        with zf.open(name) as stream:
            for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    yield elem
                else:
                    elem.clear()
    except DefusedXmlException:
        raise _refuse(FILE_UNSAFE_XML, path, part=name) from None
    except ParseError:
        raise _refuse(FILE_CORRUPT, path) from None


class _Doctype(Exception):
    """A part declares a document type: `_small_tree` leaves it to the stream parser."""


class _NoDoctype(TreeBuilder):
    """A tree builder that stops the parse when a document type declaration opens."""

    def doctype(self, name: str | None, pubid: str | None, system: str | None) -> None:
        raise _Doctype(name)


def _small_tree(zf: zipfile.ZipFile, name: str) -> Iterator[Element] | None:
    """A small package's part parsed at once, its elements in document order (the order they
    open in), or None when it is not small, declares a DTD or does not parse cleanly.

    Setting up a streaming parse costs about 200 µs, more than parsing a part of a few KB
    whole; a part that is not well-formed or declares a DTD goes back to the stream, which
    reports it exactly as before (up to the elements it yields before the fault).

    The parse is Python's C parser, not defusedxml's pure-Python one (three times its cost on
    an order form's parts). It cannot expand anything defusedxml forbids: entities, internal or
    external, can only be declared inside a DTD, and the C parser calls the target's `doctype`
    as the `<!DOCTYPE` opens, before reading anything inside it, in whatever encoding the part
    declares; `_NoDoctype` raises there and the part goes to the stream parser (defusedxml with
    `forbid_dtd`), which refuses it as before. Without a DTD, a reference to any entity but the
    five predefined ones is a ParseError ("undefined entity"), also sent back to the stream.
    `test_guard_small_parts.py` gives the hostile parts of the guard's table to both.
    """
    data = zf.whole(name) if isinstance(zf, _Package) else None
    if data is None:
        return None
    parser = XMLParser(target=_NoDoctype())
    try:
        parser.feed(data)
        root: Element = parser.close()
    except (_Doctype, ParseError):
        return None
    return root.iter()


def xml_starts(zf: zipfile.ZipFile, name: str) -> Iterator[Element]:
    """A part's elements as they open, read as the guard reads any part (`_starts`): a part
    that declares a DTD or does not parse raises `UnusableInput`."""
    return _starts(zf, Path(), name)


def local_name(elem: Element) -> str:
    return _local(elem)


def corrupt(path: Path) -> UnusableInput:
    """The refusal of a package that does not hold together (`ZIP_FAULTS`)."""
    return _refuse(FILE_CORRUPT, path)


def _any_start(zf: zipfile.ZipFile, path: Path, name: str, wanted: Callable[[Element], bool]) -> bool:
    return any(wanted(elem) for elem in _starts(zf, path, name))


def _local(elem: Element) -> str:
    return elem.tag.rpartition("}")[2]


# -- CFB / OLE2 (xls, encrypted OOXML) -------------------------------------------------------

def _check_cfb(f: BinaryIO, path: Path) -> str:
    cfb = _Cfb(f)
    names = {n.casefold() for n in cfb.top_level_names()}
    if {"encryptioninfo", "encryptedpackage"} <= names:
        raise _refuse(FILE_ENCRYPTED, path)
    if names & {"workbook", "book"}:
        _check_xls_extent(cfb, path, "workbook" if "workbook" in names else "book")
        return "xls"
    if "worddocument" in names:
        raise _refuse(FILE_NOT_A_WORKBOOK, path, **_kind("word"))
    if "powerpoint document" in names:
        raise _refuse(FILE_NOT_A_WORKBOOK, path, **_kind("powerpoint"))
    raise _refuse(FILE_NOT_A_WORKBOOK, path, **_kind("office"))


_END_OF_CHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA
_MAX_DIRECTORY_SECTORS = 4096


class _Cfb:
    """Just enough of MS-CFB to list the root storage and read a stream of it, through the FAT
    (and the mini FAT for a stream under the cutoff)."""

    def __init__(self, f: BinaryIO):
        self.f = f
        size = f.seek(0, 2)
        f.seek(0)
        header = f.read(512)
        if len(header) < 512 or not header.startswith(_CFB_MAGIC) or header[28:30] != b"\xfe\xff":
            raise _Broken("bad CFB header")
        shift = struct.unpack_from("<H", header, 30)[0]
        if shift not in (9, 12):
            raise _Broken("bad CFB sector size")
        self.sector_size = 1 << shift
        self.sectors = -(-size // self.sector_size) - 1
        self.directory_start = struct.unpack_from("<L", header, 48)[0]
        self.next_difat, self.difat_count = struct.unpack_from("<2L", header, 68)
        self.difat: tuple[int, ...] = struct.unpack_from("<109L", header, 76)
        self.mini_cutoff, self.mini_fat_start = struct.unpack_from("<2L", header, 56)

    def sector(self, number: int) -> bytes:
        if number >= self.sectors:
            raise _Broken("sector out of range")
        self.f.seek((number + 1) * self.sector_size)
        return self.f.read(self.sector_size).ljust(self.sector_size, b"\0")

    def fat_sector(self, index: int) -> int:
        """The FAT's `index`-th sector: listed in the header, then in the DIFAT chain."""
        if index < 109:
            return self.difat[index]
        per_sector = self.sector_size // 4 - 1
        hops, slot = divmod(index - 109, per_sector)
        if hops >= self.difat_count:
            raise _Broken("FAT sector past the DIFAT")
        sector = self.next_difat
        for _ in range(hops):
            sector = _u32(self.sector(sector), per_sector * 4)
        return _u32(self.sector(sector), slot * 4)

    def next(self, number: int) -> int:
        per_sector = self.sector_size // 4
        fat = self.sector(self.fat_sector(number // per_sector))
        return _u32(fat, (number % per_sector) * 4)

    def directory(self) -> list[tuple[str, int, int, int, int, int, int]]:
        """Directory entries as (name, type, left, right, child), the chain capped and loop-safe."""
        entries: list[tuple[str, int, int, int, int, int, int]] = []
        seen: set[int] = set()
        sector = self.directory_start
        while sector != _END_OF_CHAIN:
            if sector > _MAX_SECTOR or sector in seen or len(seen) >= _MAX_DIRECTORY_SECTORS:
                raise _Broken("bad directory chain")
            seen.add(sector)
            data = self.sector(sector)
            entries += [_directory_entry(data[at:at + 128]) for at in range(0, len(data), 128)]
            sector = self.next(sector)
        return entries

    def chain(self, start: int) -> Iterator[int]:
        """The sectors of the chain from `start`, no more than the file holds (so a loop ends)."""
        sector, count = start, 0
        while sector != _END_OF_CHAIN:
            if sector > _MAX_SECTOR or count > self.sectors:
                raise _Broken("bad sector chain")
            yield sector
            count += 1
            sector = self.next(sector)

    def stream(self, name: str) -> Iterator[bytes]:
        """A top-level stream's bytes, a sector at a time: from the mini stream when it is
        smaller than the header's cutoff, as MS-CFB stores small streams."""
        entries = self.directory()
        found = [e for e in entries if e[1] == 2 and e[0].casefold() == name]
        if not found or entries[0][1] != 5:
            raise _Broken(f"no {name} stream")
        _, _, _, _, _, start, size = found[0]
        left = size if self.sector_size > 512 else size & 0xFFFFFFFF
        size = left
        if size < self.mini_cutoff:
            mini_fat = b"".join(self.sector(s) for s in self.chain(self.mini_fat_start))
            container = list(self.chain(entries[0][5]))
            per_sector = self.sector_size // 64
            sector, count = start, 0
            while left > 0 and sector != _END_OF_CHAIN:
                if count > len(container) * per_sector or (sector + 1) * 4 > len(mini_fat):
                    raise _Broken("bad mini chain")
                host, slot = divmod(sector, per_sector)
                if host >= len(container):
                    raise _Broken("mini sector out of range")
                piece = self.sector(container[host])[slot * 64:(slot + 1) * 64][:left]
                left -= len(piece)
                yield piece
                sector, count = _u32(mini_fat, sector * 4), count + 1
            return
        for sector in self.chain(start):
            if left <= 0:
                return
            piece = self.sector(sector)[:left]
            left -= len(piece)
            yield piece

    def top_level_names(self) -> set[str]:
        entries = self.directory()
        if not entries or entries[0][1] != 5:
            raise _Broken("no root entry")
        names, pending, seen = set(), [entries[0][4]], set()
        while pending:
            at = pending.pop()
            if at > _MAX_SECTOR or at in seen:
                continue
            if at >= len(entries):
                raise _Broken("directory entry out of range")
            seen.add(at)
            name, kind, left, right, *_ = entries[at]
            if kind in (1, 2):
                names.add(name)
            pending += [left, right]
        return names


_XLS_CELLS = {0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E}
"""BIFF records of one cell calamine keeps, row and column first: FORMULA, RSTRING, LABELSST,
NUMBER, LABEL, BOOLERR, RK. A BLANK (0x0201) and a MULBLANK (0x00BE), cells formatted and empty,
it drops: counted, a header row formatted to IV over a long list of three columns took the grid
for 256 columns wide, where calamine read it as three (`tests/test_guard_xls_reach.py`)."""
_XLS_RANGES = {0x00BD}
"""MULRK: a row, the first column, and the last column in the record's last bytes."""
XLS_SHEET_CELLS = 65_536 * 256
"""The cells of an .xls sheet (BIFF8: 65,536 rows by 256 columns), the most a DIMENSIONS record
declares: calamine reserves 40 bytes for each declared cell before it reads one (`reserved_by`),
address space only the cells it reads then fill, 671 MB at most here; past this the range is
no sheet's (a first row after the last wraps to four billion rows) and the reservation refused
ends the process."""


def _check_xls_extent(cfb: _Cfb, path: Path, stream: str) -> None:
    """Refuse a legacy .xls whose sheets would cost calamine more memory than `MAX_SHEET_CELLS`
    grid cells, or a sheet declaring a range no sheet has (`XLS_SHEET_CELLS`). The Workbook
    stream is read record by record, a sector at a time (`_xls_reaches`).

    calamine reads every sheet of an .xls on opening it and keeps each one's grid, from its first
    row and column holding a value to its last (as counted here: counted from A1, a list in
    rows 60,001 to 65,536 was refused as the whole sheet), until the workbook is let go: one
    NUMBER record at IV65536 costs half a gigabyte, one further right aborts the process, and
    three sheets of two cells each, A1 and IO40000, took 1.5 GB. So the sheets' grids are
    bounded together (`sheets_too_large`), each one first on its own as any sheet is. The
    DIMENSIONS record is not the grid: calamine only reserves room for its range, and bounded
    by it, with the cells' reach, a sheet formatted to IV over a list of three columns was
    refused, and one declaring rows backwards over no column (which calamine reserves nothing
    for) refused as four billion rows by the first cell's column.

    A BOF no sheet begins at opens a substream nested in the sheet (an embedded chart), whose
    records calamine skips to its EOF: its reach is counted on its own, and the sheet's goes on
    after it. Begun again from nothing there, a cell at A65536 before a chart and one at IV1
    after it passed, a grid of a gigabyte. A BOF a sheet begins at is nested so too when it
    comes before the EOF of the sheet around it, which calamine reads past it, and a substream
    is counted once for every BOUNDSHEET naming it, as calamine reads it once for each: a sheet
    named inside another ended that one's count, and three names at one substream were counted
    as one sheet, 5 KB that took 2 GB. A sheet named where the walk meets no BOF, inside a record
    it skips, is refused (`FILE_XLS_SHEET_MISPLACED`): calamine reads it from there, and a sheet of
    two cells hidden so, none counted, aborted the process."""
    names: dict[int, str] = {}
    copies: dict[int, int] = {}
    far = _NO_CELL
    sheet, top, left, rows, columns, kept = "?", *far, 0
    around: list[tuple[str, int, int, int, int, int]] = []
    met: set[int] = set()
    held = 0
    for offset, kind, row, column, body in _xls_reaches(cfb.stream(stream)):
        if top <= row <= rows and left <= column <= columns:
            continue  # a range declared within the cells' reach is within XLS_SHEET_CELLS too
        if kind == 0x0085:
            at = struct.unpack_from("<L", body)[0]
            names[at] = biff_sheet_name(body)
            copies[at] = copies.get(at, 0) + 1
            continue
        if kind == 0x0809:
            around.append((sheet, top, left, rows, columns, kept))
            if offset in names:
                sheet, kept = names[offset], copies[offset]
                met.add(offset)
            else:
                kept = 0
            top, left, rows, columns = far
            continue
        if kind == 0x000A:
            if kept:
                held = _held_with(path, sheet, (top, left, rows, columns), held, kept)
            sheet, top, left, rows, columns, kept = around.pop() if around else ("?", *far, 0)
            continue
        if kind == 0x0200:
            if kept and row * column > XLS_SHEET_CELLS and not (row <= rows and column <= columns):
                raise _refuse(FILE_XLS_DECLARED_RANGE, path, sheet=sheet, range=declared_range(body),
                              cells=Grouped(row * column), limit=Grouped(XLS_SHEET_CELLS))
            continue
        if row > rows:
            rows = row
        if row < top:
            top = row
        if column > columns:
            columns = column
        if column < left:
            left = column
        if (cells := (rows - top + 1) * (columns - left + 1)) > MAX_SHEET_CELLS:
            raise _refuse(
                FILE_SHEET_TOO_LARGE, path, sheet=sheet, cell=address(rows, columns),
                cells=Grouped(cells), limit=Grouped(MAX_SHEET_CELLS),
            )
    for unended in [(sheet, top, left, rows, columns, kept), *reversed(around)]:  # substreams with no EOF
        if unended[5]:
            held = _held_with(path, unended[0], unended[1:5], held, unended[5])
    if unmet := [name for at, name in names.items() if at not in met]:
        raise _refuse(FILE_XLS_SHEET_MISPLACED, path, sheet=unmet[0])


def _held_with(path: Path, sheet: str, reach: tuple[int, int, int, int], held: int, copies: int = 1) -> int:
    """The cells of the sheets' grids so far with this sheet's, from its first row and column
    holding a value to its last (`reach`, as the walk keeps it: none when its first row is past
    its last), read `copies` times (the BOUNDSHEETs naming it), or the refusal of more than
    `MAX_SHEET_CELLS` (`sheets_too_large`). A function apart: a closure over the walk's counters
    made them cells the walk reads slower, 8 % of the walk at M."""
    top, left, rows, columns = reach
    if top <= rows:
        held += (rows - top + 1) * (columns - left + 1) * copies
    if held > MAX_SHEET_CELLS:
        raise sheets_too_large(path, sheet, (rows, columns), held)
    return held


_NO_CELL = (1 << 32, 1 << 32, 0, 0)
"""A sheet's reach before its first cell: first row and column past any, last ones before any."""


_XLS_CELL_KINDS = frozenset(_XLS_CELLS) - {0x0006}
"""The cells `_xls_reaches` reads in place alone: a FORMULA's place is kept for its STRING."""
_XLS_RANGE_KINDS = frozenset(_XLS_RANGES)


def _xls_reaches(pieces: Iterator[bytes]) -> Iterator[tuple[int, int, int, int, bytes]]:
    """(offset, record type, rows, columns, body) of the records that say how far a sheet
    reaches: a cell's row and column (1-based, read in place: a large sheet is a million
    LABELSST records, whose bodies `_biff_records` cut out and handed up for nothing, and that
    walk was most of an .xls's extra reading time), a MULRK's last column and its first where no
    MULRK since the substream's BOF or EOF began further left, or past its last (yielded for every
    record, the first columns cost a list of 60,000 MULRK rows 9 % of the walk), a DIMENSIONS'
    reserved rows and columns (`reserved_by`) and its body; and the BOUNDSHEET and BOF records
    that name the sheet, and the EOF records that end a substream (their body, rows and
    columns 0). A STRING, the text of the FORMULA before it, is a cell there, as calamine keeps it,
    or at A1 with none before it in the substream (a STRING alone and a number at IV65536 made the
    whole sheet's grid, counted as one cell). Every other record is skipped by its header."""
    unpack = _BIFF_HEADER.unpack_from
    buffer, base = b"", 0
    formula_row = formula_column = 1
    left = _NO_CELL[1]
    for piece in pieces:
        buffer += piece
        at, end = 0, len(buffer)
        while end - at >= 4:
            kind, length = unpack(buffer, at)
            if end - at < 4 + length:
                break
            if kind in _XLS_CELL_KINDS:
                if length >= 4:
                    row, column = unpack(buffer, at + 4)
                    yield base + at, kind, row + 1, column + 1, b""
            elif kind in _XLS_RANGE_KINDS:
                if length >= 6:
                    row, first = unpack(buffer, at + 4)
                    last = unpack(buffer, at + length)[1]
                    if first < left or first > last:
                        left = min(left, first)
                        yield base + at, kind, row + 1, first + 1, b""
                    yield base + at, kind, row + 1, last + 1, b""
            elif kind == 0x0006:
                if length >= 4:
                    row, column = unpack(buffer, at + 4)
                    formula_row, formula_column = row + 1, column + 1
                    yield base + at, kind, formula_row, formula_column, b""
            elif kind == 0x0207:
                yield base + at, kind, formula_row, formula_column, b""
            elif kind == 0x0200:
                if length in (10, 14):
                    body = buffer[at + 4:at + 4 + length]
                    yield base + at, kind, *reserved_by(body), body
            elif kind == 0x0085 and length >= 8 or kind == 0x0809 or kind == 0x000A:
                if kind != 0x0085:
                    formula_row = formula_column = 1
                    left = _NO_CELL[1]
                yield base + at, kind, 0, 0, buffer[at + 4:at + 4 + length]
            at += 4 + length
        base += at
        buffer = buffer[at:]


def declared_range(dimensions: bytes) -> str:
    """A DIMENSIONS record's range as Excel names one, from its first cell to its last, as the
    file declares it, a first row after the last included.

    >>> declared_range(struct.pack("<LLHHH", 0, 100, 0, 10, 0)), declared_range(struct.pack("<LLHHH", 5, 1, 0, 1, 0))
    ('A1:J100', 'A6:A1')
    """
    first_row, last_row, first_column, last_column = struct.unpack_from(
        "<LLHH" if len(dimensions) == 14 else "<HHHH", dimensions)
    return f"{address(first_row + 1, min(first_column, last_column) + 1)}:{address(max(last_row, 1), max(last_column, 1))}"


def reserved_by(dimensions: bytes) -> tuple[int, int]:
    """The rows and columns calamine reserves room for on reading an .xls sheet's DIMENSIONS
    record (BIFF8's 14 bytes, BIFF5's 10), 40 bytes a cell before it reads one: its last row
    less its first, in 32 bits as calamine subtracts them, so a first row past the last (which
    Excel never writes) wraps to four billion rows, and a reservation refused ends the process
    (an abort, no exception). Its first column past 255, or past the last, counts from A.

    >>> reserved_by(struct.pack("<LLHHH", 0, 100, 0, 10, 0)), reserved_by(struct.pack("<LLHHH", 5, 1, 0, 1, 0))
    ((100, 10), (4294967292, 1))
    """
    first_row, last_row, first_column, last_column = struct.unpack_from(
        "<LLHH" if len(dimensions) == 14 else "<HHHH", dimensions)
    if not (last_row and last_column):
        return 1, 1
    if first_column > 0xFF or last_column < first_column:
        first_column = 0
    return (last_row - first_row) & 0xFFFFFFFF, last_column - first_column


def xls_records(source: bytes | Path, kinds: frozenset[int] | None = None) -> Iterator[tuple[int, int, bytes]]:
    """(offset in the stream, record type, record body) of each BIFF record of a vetted .xls's
    Workbook (or BIFF5 Book) stream, or only of those of `kinds` (`_biff_records_of`), read a
    sector at a time; `ValueError` on a broken file."""
    with (io.BytesIO(source) if isinstance(source, bytes) else Path(source).open("rb")) as f:
        try:
            cfb = _Cfb(f)
            names = {n.casefold() for n in cfb.top_level_names()}
            pieces = cfb.stream("workbook" if "workbook" in names else "book")
            yield from (_biff_records(pieces) if kinds is None else _biff_records_of(pieces, kinds))
        except _Broken as exc:
            raise ValueError(str(exc)) from None


def is_cfb(source: bytes | Path) -> bool:
    """Whether the file is a CFB (OLE2) container, as a legacy .xls is."""
    if isinstance(source, bytes):
        return source.startswith(_CFB_MAGIC)
    with Path(source).open("rb") as f:
        return f.read(len(_CFB_MAGIC)) == _CFB_MAGIC


def _biff_records(pieces: Iterator[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """(offset in the stream, record type, record body) of each BIFF record."""
    buffer, base = b"", 0
    for piece in pieces:
        buffer += piece
        at = 0
        while len(buffer) - at >= 4:
            kind, length = struct.unpack_from("<HH", buffer, at)
            if len(buffer) - at < 4 + length:
                break
            yield base + at, kind, buffer[at + 4:at + 4 + length]
            at += 4 + length
        base += at
        buffer = buffer[at:]


_BIFF_HEADER = struct.Struct("<HH")


def _biff_records_of(pieces: Iterator[bytes], kinds: frozenset[int]) -> Iterator[tuple[int, int, bytes]]:
    """(offset in the stream, record type, record body) of each BIFF record of `kinds`. A sheet of
    a large workbook is mostly LABELSST and ROW records that a reader of some other kinds has no
    use for; skipping them here, by their 4-byte header alone, without cutting out their body or
    handing them up, saves most of the cost of walking a stream of a million records in Python."""
    unpack = _BIFF_HEADER.unpack_from
    buffer, base = b"", 0
    for piece in pieces:
        buffer += piece
        at, end = 0, len(buffer)
        while end - at >= 4:
            kind, length = unpack(buffer, at)
            if end - at < 4 + length:
                break
            if kind in kinds:
                yield base + at, kind, buffer[at + 4:at + 4 + length]
            at += 4 + length
        base += at
        buffer = buffer[at:]


def biff_sheet_name(body: bytes) -> str:
    """A BOUNDSHEET record's sheet name (BIFF8: length, then a flag for UTF-16; BIFF5: bytes)."""
    length, wide = body[6], body[7] & 1 if len(body) > 8 + body[6] else 0
    raw = body[8:8 + length * (2 if wide else 1)] if len(body) >= 8 + length else body[7:7 + length]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace") or "?"


def _u32(data: bytes, offset: int) -> int:
    """The little-endian unsigned 32-bit number at `offset`."""
    number: int = struct.unpack_from("<L", data, offset)[0]
    return number


def _directory_entry(raw: bytes) -> tuple[str, int, int, int, int, int, int]:
    """(name, type, left, right, child, first sector, size) of a directory entry."""
    name_bytes = min(struct.unpack_from("<H", raw, 64)[0], 64)
    name = raw[:max(name_bytes - 2, 0)].decode("utf-16-le", "replace")
    left, right, child = struct.unpack_from("<3L", raw, 68)
    start, size = struct.unpack_from("<LQ", raw, 116)
    return name, raw[66], left, right, child, start, size


# -- small helpers ---------------------------------------------------------------------------

def _refuse(kind: ProblemType, path: Path, **params: object) -> UnusableInput:
    return UnusableInput(kind(None, path=path, **params))


def _kind(key: str) -> dict[str, str]:
    it, en = _KINDS[key]
    return {"kind_it": it, "kind_en": en}


def _size(n: int) -> str:
    """Sizes as users see them in Explorer, rounded up so a refused size never equals its limit.

    >>> _size(1), _size(200 * 2**20), _size(200 * 2**20 + 1), _size(3 * 2**30)
    ('1 KB', '200 MB', '201 MB', '3072 MB')
    """
    if n < 2**20:
        return f"{math.ceil(n / 2**10)} KB"
    return f"{math.ceil(n / 2**20)} MB"


def _one_line(exc: BaseException, limit: int = 160) -> str:
    """`Type: message` on one line, cut short: readers' messages can hold raw XML or newlines.

    >>> _one_line(ValueError("bad\\n  value\\tat row 3"))
    'ValueError: bad value at row 3'
    """
    text = " ".join(f"{type(exc).__name__}: {exc}".split()).rstrip(": ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _is_password_error(exc: BaseException) -> bool:
    """python-calamine's PasswordError (an encrypted .xls), matched by name to keep it optional."""
    return any(cls.__name__ == "PasswordError" for cls in type(exc).__mro__)
