"""Writing files the safe way: atomically, never over a workbook Excel holds open, never
outside the output folder.

Excel keeps a lock file `~$Name.xlsx` beside a workbook it has open; overwriting such a file
would lose the user's unsaved edits (or fail half-way on Windows), so we refuse instead.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import traceback
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from toolkit.basics.failures import WRITING, WRITING_IN, disk_full
from toolkit.basics.problems import UnusableInput, define

if TYPE_CHECKING:
    from xml.etree import ElementTree

T = TypeVar("T")

FILE_OPEN_IN_EXCEL = define(
    "file-open-in-excel", "error",
    it="Il file {path} è aperto in Excel (c'è il file di blocco {lock}): chiudilo e riprova.",
    en="The file {path} is open in Excel (lock file {lock} exists): close it and try again.",
)


def lock_file(path: Path) -> Path:
    """The lock file Excel (and LibreOffice) create beside an open workbook."""
    return path.with_name("~$" + path.name)


def open_elsewhere(path: Path) -> Path | None:
    for lock in (lock_file(path), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            return lock
    return None


def refuse_if_open(path: Path) -> None:
    if lock := open_elsewhere(path):
        raise UnusableInput(FILE_OPEN_IN_EXCEL(None, path=path, lock=lock.name))


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename.

    If the body raises, the temporary file is removed, any zip archive left open on it
    abandoned (`abandon_archives`), and `target` is untouched.
    """
    target = Path(target)
    with _refused_if_unwritable(target):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise _not_a_folder(target, _existing(target.parent), asked_now()) from None
    refuse_if_open(target)
    refuse_folder(target)
    sweep_stale(target.parent)
    with _refused_if_unwritable(target):
        tmp_path = temporary_file(target.parent, target.stem, target.suffix)
    try:
        yield tmp_path
        refuse_replacing_other(tmp_path, target)
        with _refused_if_unwritable(target, held=True):
            os.replace(tmp_path, target)
    except BaseException as failed:
        abandon_archives(failed, tmp_path)
        noted_writing(failed, target)
        raise
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def noted_writing(failed: BaseException, target: Path) -> None:
    """`target` noted on `failed` when a full disk raised it, for the message to name
    (`failures.full_at`), not the temporary name the system's error gives, nor the file an
    enclosing write was making (an archive open while its files are written): the innermost
    write notes it first, and an outer one leaves it."""
    if disk_full(failed) and not hasattr(failed, WRITING) and not hasattr(failed, WRITING_IN):
        setattr(failed, WRITING, placed_at(target))


def noted_writing_in(failed: BaseException, folder: Path) -> None:
    """`folder` alone noted on `failed` when a full disk raised it, the file being made in it
    having no name yet that is certain (a zip whose name depends on files it never got to):
    the message names the folder, not a file the desk would look for in vain."""
    if disk_full(failed) and not hasattr(failed, WRITING) and not hasattr(failed, WRITING_IN):
        setattr(failed, WRITING_IN, placed_at(folder / "_").parent)


def placed_at(target: Path) -> Path:
    """Where the desk will find `target`: a file made in a `staged_output`'s temporary folder
    (`.staging.<8 characters>.tmp`, hidden, gone when the action ends) under its name in the
    output folder the temporary folder is in, where a full disk's message sends the desk."""
    staging = target.parent
    if staging.name.startswith(".staging.") and TEMPORARY_NAME.match(staging.name):
        return staging.parent / target.name
    return target


def _existing(folder: Path) -> Path:
    """`folder`, or the nearest folder above it that exists: the one a write into `folder`
    starts from, whose permissions decide it."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
"""What the system answers a write into a folder the user may not write into, or onto a file
another program holds open (Windows), or onto a read-only disk."""


@contextmanager
def _refused_if_unwritable(target: Path, *, held: bool = False) -> Iterator[None]:
    """A folder the system will not let us write into refused as `check_output` refuses one it
    can tell is not writable (exit 2, another folder asked for), and a file another program
    holds (`held`: Windows will not replace a PDF open in a reader) as one to close or name
    otherwise: `os.access` says yes where Windows' or a network share's permissions say no
    only at the write, which ended as an internal error to report."""
    try:
        yield
    except OSError as failed:
        if failed.errno not in NOT_WRITABLE:
            raise
        asked = asked_now()
        choose = asked.named if held else asked.unwritable
        reason = ("è un file di sola lettura: togli «Sola lettura» dalle sue proprietà / it is a read-only file: "
                  "clear “Read-only” in its properties" if held and _read_only(target) else
                  "è aperto in un altro programma, che non lo lascia sostituire: chiudilo / it is open in another "
                  "program, which does not let it be replaced: close it" if held else
                  f"{_existing(target.parent)} non è scrivibile / {_existing(target.parent)} is not writable")
        raise UnusableInput(OUTPUT_NOT_CREATABLE(None, path=target, reason=reason, choose_it=choose[0],
                                                 choose_en=choose[1])) from failed


def _read_only(path: Path) -> bool:
    """Whether `path` is marked read-only (Windows' attribute, or no write permission at all):
    Windows will not replace it, as it will not a file another program holds, but closing
    programs does not help, so the desk told to close it was left with nothing to close."""
    try:
        return not os.stat(path).st_mode & stat.S_IWRITE
    except OSError:
        return False


def placed_new_file(target: Path, make: Callable[[Path], None]) -> bool:
    """Make a file at a temporary path beside `target` (`make`), then give it the name `target`
    in one step, unless a file has that name by then: that file is kept as it is, untouched, and
    ours is dropped. Whether ours took the name: the one of two writers racing for it that
    did made the file, and only it says so (both told the desk of a new ledger). If `make`
    raises, nothing has the name `target` on our account.

    For a file that must never be seen half-made nor replace a colleague's made at the same
    moment (a new ledger): exactly one of two writers racing for the name gets it, and the
    other uses the winner's file."""
    sweep_stale(target.parent)
    tmp_path = temporary_file(target.parent, target.name, ".new")
    try:
        make(tmp_path)
        return _place_unless_taken(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def _place_unless_taken(made: Path, target: Path) -> bool:
    """Give `made` the name `target` too, unless a file has it: a hard link is made only where
    no file has the name, in one step, on every system. Where the folder takes no hard links (a
    FAT or exFAT stick, some network shares), a rename: on Windows it never replaces a file;
    elsewhere the name is looked at just before, so two writers both find it free only within
    the microseconds between the look and the rename, and the later file then replaces the
    earlier: a loss only if a writer placed, opened and wrote its file in those microseconds.
    Whether `made` took the name."""
    try:
        os.link(made, target)
    except FileExistsError:
        return False
    except OSError:
        if os.path.lexists(target):
            return False
        try:
            os.rename(made, target)
        except FileExistsError:
            return False
    return True


class Staged:
    """Files made in a temporary folder inside their output folder, then given their names there
    together (`staged_output`): none is seen before all are made, and what an action placed is
    taken back if the action fails after all (its ledger transaction does not commit)."""

    def __init__(self, folder: Path) -> None:
        self.target = Path(folder)
        self._folder: Path | None = None
        self._placed: list[tuple[Path, Path | None]] = []
        self._made: list[Path] = []
        """The folders the output folder's making created, itself first: gone again at the end if
        nothing was placed in them (every file refused), as if the action had never asked."""

    @property
    def folder(self) -> Path:
        """The temporary folder, made when first asked for: `.staging.<8 characters>.tmp` inside
        the output folder, so on its file system (a rename never copies) and named as our
        temporary files are, which `sweep_stale` removes when a killed action left one."""
        if self._folder is None:
            self._made = [p for p in (self.target, *self.target.parents) if not os.path.lexists(p)]
            self.target.mkdir(parents=True, exist_ok=True)
            sweep_stale(self.target)
            self._folder = Path(tempfile.mkdtemp(prefix=".staging.", suffix=".tmp", dir=self.target))
            _permit(self._folder, 0o777)
        return self._folder

    def place(self, made: Path, name: str) -> Path:
        """`made` takes the name `name` in the output folder; a file that had the name is kept
        aside in the temporary folder until the action ends, to come back if it fails. Another
        desk's action placing the same name in the same instant may take that file aside
        between our look and our move: then there is nothing to keep, and ours takes the name."""
        target = self.target / name
        refuse_folder(target)
        refuse_replacing_other(made, target)
        aside: Path | None = None
        if os.path.lexists(target):
            aside = self.folder / f"aside-{len(self._placed)}"
            try:
                os.replace(target, aside)
            except FileNotFoundError:
                aside = None
        self._placed.append((target, aside))
        os.replace(made, target)
        return target

    def take_back(self) -> None:
        """Undo every `place`, the latest first: the files kept aside get their names back, the
        names that were free are free again."""
        for target, aside in reversed(self._placed):
            with suppress(OSError):
                if aside is not None:
                    os.replace(aside, target)
                else:
                    target.unlink(missing_ok=True)
        self._placed.clear()

    def clear(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        for made in self._made:
            try:
                made.rmdir()
            except OSError:
                break
        self._made = []


@contextmanager
def staged_output(folder: Path) -> Iterator[Staged]:
    """An output folder whose files are made aside and placed together (`Staged`). Enter it
    before the ledger transaction that records them and place the files inside that
    transaction: if anything fails, the transaction's commit included, every file placed is
    taken back, and the folder holds what it held before. The temporary folder goes at the end."""
    staged = Staged(folder)
    try:
        yield staged
    except BaseException:
        staged.take_back()
        raise
    finally:
        staged.clear()


def abandon_archives(failed: BaseException, path: Path) -> None:
    """Close, unfinished, the zip archives that writing `path` left open when it `failed`.

    A workbook is a zip archive. When its writing fails half-way (a full disk), XlsxWriter
    leaves its `ZipFile` open, and Python finishes it when it is collected: the archive's
    directory, written to the same full disk, fails again, and "Exception ignored in
    ZipFile.__del__" and a traceback are printed beside the toolkit's one-line message. The
    archive is found among the locals of the frames the failure came through (its own, and
    those of the errors it was raised from), and closed without its directory: the file is
    being removed anyway."""
    from zipfile import ZipFile

    error: BaseException | None = failed
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        for frame, _ in traceback.walk_tb(error.__traceback__):
            for value in list(frame.f_locals.values()):
                if isinstance(value, ZipFile) and value.fp is not None and value.filename == str(path):
                    fp, value.fp = value.fp, None
                    with suppress(OSError, ValueError):
                        fp.close()
        error = error.__cause__ or error.__context__


def temporary_file(folder: Path, stem: str, suffix: str) -> Path:
    """A new empty file in `folder` named as every temporary file of ours is
    (`.STEM.<8 random characters>SUFFIX`, `TEMPORARY_NAME`), with a normal file's permissions:
    a writer killed half-way leaves it, and only a name `sweep_stale` knows is ever swept."""
    fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=suffix, dir=folder)
    os.close(fd)
    _permit(tmp, 0o666)
    return Path(tmp)


def _permit(path: str | Path, mode: int) -> None:
    """`path` given `mode` less the umask, a normal file's or folder's permissions, where the file
    system keeps them: a FAT stick or a share mounted without Unix permissions refuses `chmod`
    (EPERM) where it lets files be made, and its own permissions stand. Refused, the write was
    told its folder was not writable, and the temporary file just made there was left behind."""
    with suppress(OSError):
        os.chmod(path, mode & ~_umask())


TEMPORARY_NAME = re.compile(r"^\.[^/\\]+\.[a-z0-9_]{8}\.[A-Za-z0-9]{1,5}$")
"""The names `atomic_path` gives its temporary files: `.STEM.<8 random characters>.SUFFIX`."""
STALE_AFTER = 3600
"""Seconds after which a temporary file of ours is a leftover: no writer runs for an hour."""


def sweep_stale(folder: Path, *, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files a writer killed half-way left in `folder` (our name pattern
    only, untouched for `older_than` seconds), and the staging folders of `staged_output` (a
    folder's time changes with each file made in it); returns those removed. A file another
    process is still writing is younger, and anything not named like ours is left alone."""
    import time

    removed: list[Path] = []
    limit = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(".") and TEMPORARY_NAME.match(entry.name)):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime >= limit:
                continue
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
            elif entry.is_dir(follow_symlinks=False) and entry.name.startswith(".staging."):
                shutil.rmtree(entry.path)
            else:
                continue
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _umask() -> int:
    """The process umask, so a renamed temporary file gets the permissions of a normal one
    (mkstemp makes it owner-only, which locks colleagues out of a shared folder)."""
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(target: Path, write: Callable[[Path], object]) -> Path:
    with atomic_path(target) as tmp:
        write(tmp)
    return Path(target)


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8") -> Path:
    return write_atomic(target, lambda p: p.write_text(text, encoding=encoding, newline=""))


def in_parts(items: Sequence[T], most: int) -> list[Sequence[T]]:
    """`items` in parts of at most `most`, in order, for a file written in parts (`part_path`):
    one part even when there are none, so the file is still written.

    >>> in_parts("abcde", 2), in_parts("", 2)
    (['ab', 'cd', 'e'], [''])
    """
    return [items[i:i + most] for i in range(0, len(items), most)] or [items]


def part_path(target: Path, part: str, number: int) -> Path:
    """Where part `number` of a file written in parts goes: `target` itself for the first, the
    others beside it, `part` the word for a part in the user's language.

    >>> [part_path(Path("out/copie.xlsx"), "parte", n).as_posix() for n in (1, 2)]
    ['out/copie.xlsx', 'out/copie-parte-2.xlsx']
    """
    return target if number == 1 else target.with_name(f"{target.stem}-{part}-{number}{target.suffix}")


def unused_path(target: Path, with_it: Callable[[Path], Sequence[Path]] = lambda _: ()) -> Path:
    """`target`, else `stem-2`, `stem-3`, … beside it: the first name no file has, nor any of the
    files written `with_it`. A document of record printed once a day under the day's name (the
    DDTs of a shipment) so never replaces the day's earlier file, which may not be printed yet;
    the day's files sort together.

    >>> unused_path(Path("/nowhere/ddt-2026-04-09.xlsx")).name
    'ddt-2026-04-09.xlsx'
    """
    number, path = 1, target
    while any(p.exists() for p in (path, *with_it(path))):
        number += 1
        path = numbered(target, number)
    return path


def unused_paths(targets: Sequence[Path]) -> tuple[Path, ...]:
    """`targets`, else each with `-2`, `-3`, …: the first number at which none of them is a
    file. Files one action writes together (the DDTs and the invoices of the same orders) so
    share their number, and never replace an earlier action's.

    >>> [p.name for p in unused_paths((Path("/nowhere/o-ddt.xlsx"), Path("/nowhere/o-fatture.xlsx")))]
    ['o-ddt.xlsx', 'o-fatture.xlsx']
    """
    number, paths = 1, tuple(targets)
    while any(p.exists() for p in paths):
        number += 1
        paths = tuple(numbered(t, number) for t in targets)
    return paths


def numbered(target: Path, number: int) -> Path:
    """The `number`th file of a name: `target` itself for the first, then `stem-NUMBER` beside it.

    >>> [numbered(Path("out/ddt.xlsx"), n).as_posix() for n in (1, 3)]
    ['out/ddt.xlsx', 'out/ddt-3.xlsx']
    """
    return target if number == 1 else target.with_name(f"{target.stem}-{number}{target.suffix}")


def safe_name(text: str, default: str = "file") -> str:
    """A file-name part built from user data that cannot leave the output folder.

    >>> safe_name("../../etc/passwd"), safe_name("Bar Centrale S.n.c."), safe_name("CON")
    ('etc_passwd', 'Bar_Centrale_S.n.c', 'CON_')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text).strip("._")[:80] or default
    if cleaned.upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}:
        cleaned += "_"
    return cleaned


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refusing any name that would resolve outside `folder`."""
    folder = Path(folder).resolve()
    path = (folder / name).resolve()
    if folder != path and folder not in path.parents:
        raise ValueError(f"{name!r} leaves {folder}")
    return path


OUTPUT_IS_INPUT = define(
    "output-is-input", "error",
    it="Il file da scrivere {path} è un file che sto leggendo. {choose_it}.",
    en="The file to write {path} is one being read. {choose_en}.")
OUTPUT_NOT_CREATABLE = define(
    "output-not-creatable", "error",
    it="Non posso scrivere {path}: {reason}. {choose_it}.",
    en="Cannot write {path}: {reason}. {choose_en}.")


@dataclass(frozen=True, slots=True)
class OtherOutput:
    """What a refused output asks the desk to do, each (Italian, English), in the words of
    what named it (`asked_for`): `named` for the path refused, `folder_named` for a folder
    standing where the file goes, `not_a_folder` for a file standing where a folder goes,
    `unwritable` for a folder it may not write into."""

    named: tuple[str, str]
    folder_named: tuple[str, str]
    not_a_folder: tuple[str, str]
    unwritable: tuple[str, str]


def asked_for(option: str = "--out", *, folder: bool = False, button: str | None = None,
              argument: str | None = None) -> OtherOutput:
    """What a refused output asks for, in the words of what named it. On the command line,
    the option the verb has: another folder where it writes into one (`invoice export --out
    DIR`), another name where it writes one file (`check --report FILE`); a desk told «altro
    nome per --out» of a folder, or of `--report`, looked for an option it never typed. An
    Excel `button` names its output itself, beside the workbook, and has no `--out`: there is
    nothing to choose, so its user is asked to rename what stands in the way (a file, or a
    folder: Italian says which), or for leave to write in that folder. A verb whose folder is
    an `argument` (`toolkit sample DIR`) has no option to name: the command is.

    >>> asked_for("--report").named
    ('Scegli un altro nome per --report', 'Choose another name for --report')
    >>> asked_for(folder=True).named
    ("Scegli un'altra cartella per --out", 'Choose another folder for --out')
    >>> asked_for(button="Ristampa DDT").named
    ('Il pulsante «Ristampa DDT» scrive sempre lì: rinominalo', 'The “Ristampa DDT” button always writes there: rename it')
    >>> asked_for(button="Ristampa DDT").folder_named[0]
    'Il pulsante «Ristampa DDT» scrive sempre lì: rinomina quella cartella'
    >>> asked_for(argument="toolkit sample DIR").unwritable
    ("Indica un'altra cartella a toolkit sample DIR", 'Give toolkit sample DIR another folder')
    """
    if argument is not None:
        another = (f"Indica un'altra cartella a {argument}", f"Give {argument} another folder")
        return OtherOutput(another, another, another, another)
    if button is not None:
        always = (f"Il pulsante «{button}» scrive sempre lì", f"The “{button}” button always writes there")
        rename = (f"{always[0]}: rinominalo", f"{always[1]}: rename it")
        return OtherOutput(rename, (f"{always[0]}: rinomina quella cartella", f"{always[1]}: rename that folder"),
                           rename, (f"{always[0]}: chiedi il permesso di scriverci",
                                    f"{always[1]}: ask for leave to write in it"))
    elsewhere = (f"Scegli un'altra cartella per {option}", f"Choose another folder for {option}")
    named = elsewhere if folder else (f"Scegli un altro nome per {option}", f"Choose another name for {option}")
    return OtherOutput(named, named, elsewhere, elsewhere)


_ASKED: ContextVar[OtherOutput | None] = ContextVar("toolkit_asked", default=None)
"""What a refused output asks for in the action under way (`asking`, `ask_as`); None: the
command line's `--out`."""


@contextmanager
def asking(asked: OtherOutput) -> Iterator[None]:
    """Within it, every refused output asks for `asked`: an Excel button wraps its press in
    it, so a refusal made deep in a service or a writer (`write_atomic`) speaks the button's
    words without each caller handing them down."""
    token = _ASKED.set(asked)
    try:
        yield
    finally:
        _ASKED.reset(token)


def ask_as(asked: OtherOutput | None) -> None:
    """From now on in this command, refused outputs ask for `asked` (None: the default): set
    when the command line's output option is read, so the refusal names that option."""
    _ASKED.set(asked)


def asked_now(*, folder: bool = False) -> OtherOutput:
    """What a refused output asks for in the action under way (`asking`, `ask_as`), else
    another name (or, for a `folder`, another folder) for `--out`."""
    return _ASKED.get() or asked_for(folder=folder)


def check_output(target: Path, *, kind: str | None, inputs: tuple[Path | None, ...] = (), folder: bool = False,
                 names: Mapping[str, str | None] | None = None, asked: OtherOutput | None = None) -> None:
    """Refuse, before anything is stored, an output that could not be written afterwards: a
    file that is an input, a file Excel holds open, a folder that cannot be created or written,
    and a file the toolkit did not write as this `kind` of output (`refuse_other_file`).
    With `folder`, `target` is an output folder and `names` the files of fixed names it will
    get, each with its kind (None: a file that carries none, a CSV). Each refusal asks for
    another output as the caller who named `target` would (`asked`; by default another for
    the command line's `--out`)."""
    target = Path(target)
    asked = asked or asked_now(folder=folder)
    choose = asked.named
    files = [(target / name, of) for name, of in (names or {}).items()] if folder else [(target, kind)]
    for path, of in files:
        refuse_input(path, inputs, choose)
        refuse_if_open(path)
        refuse_folder(path, asked)
        if of is not None:
            refuse_other_file(path, of, choose)
    existing = _existing(target if folder else target.parent)
    if not existing.is_dir():
        raise _not_a_folder(target, existing, asked)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UnusableInput(OUTPUT_NOT_CREATABLE(None, path=target, reason=f"{existing} non è scrivibile / "
                                                 f"{existing} is not writable", choose_it=asked.unwritable[0],
                                                 choose_en=asked.unwritable[1]))


def _not_a_folder(target: Path, existing: Path, asked: OtherOutput) -> UnusableInput:
    """`target` refused where a file, `existing`, stands on the way to its folder: told before
    anything is stored (`check_output`), or when a writer that was not told first makes its
    folder (`atomic_path`: the panel's *Calendario* met an internal error, *File exists*)."""
    return UnusableInput(OUTPUT_NOT_CREATABLE(None, path=target, reason=f"{existing} non è una cartella / "
                                              f"{existing} is not a folder", choose_it=asked.not_a_folder[0],
                                              choose_en=asked.not_a_folder[1]))


KIND_PROPERTY = "toolkit"
"""The custom document property every workbook the toolkit writes carries, its value the kind
of output (`ddt`, `payments`, `report`…): what tells a file `--out` may replace (ours, written
for the same purpose) from a user's own workbook, or another of ours, saved under that name."""

KINDS = {
    "orders": ("ordini", "orders"), "ddt": ("DDT", "DDTs"), "invoices": ("fatture", "invoices"),
    "panel": ("pannello", "panel"), "calendar": ("calendario", "calendar"), "prices": ("listino", "price list"),
    "distribution": ("lista di distribuzione", "distribution list"),
    "production": ("lista di produzione", "production list"), "payments": ("incassi", "payments"),
    "requests": ("richieste", "requests"), "report": ("report", "report"),
    "data-check": ("controllo dati", "data check"), "register": ("registro fatture", "invoice register"),
    "statement": ("estratto", "statement"), "master": ("anagrafiche", "master workbook"),
    "converted": ("conversione", "conversion"),
}
"""The kinds of output, with the words a message names them by (Italian, English)."""

OUTPUT_NOT_OURS = define(
    "output-not-ours", "error",
    it="Il file {path} esiste già e non è un file «{kind_it}» scritto da toolkit ({found_it}): non lo sostituisco. "
       "{choose_it}, oppure sposta o cancella quel file.",
    en="The file {path} exists and is not a “{kind_en}” file written by the toolkit ({found_en}): it is not "
       "replaced. {choose_en}, or move or delete that file.")

OUT_NAMED = asked_for().named
"""What a refused output asks for, most outputs being files named by `--out` (`refuse_other_file`)."""


def refuse_other_file(target: Path, kind: str, choose: tuple[str, str] = OUT_NAMED) -> None:
    """Refuse, before anything is done, an `--out` naming an existing file the toolkit did not
    write as `kind`: a payments workbook or a report saved there, a user's own workbook, would
    be lost. The same command run again replaces its own file, as it always did. `choose`
    (Italian, English) asks for another output in the words of the verb's argument."""
    if not os.path.isfile(target):
        return
    found = made_for(target)
    if found == kind:
        return
    it_found, en_found = (f"è un file «{KINDS[found][0]}»", f"it is a “{KINDS[found][1]}” file") if found in KINDS \
        else ("non l'ha scritto toolkit, o una versione che non lo segnava", "the toolkit did not write it, or a "
              "version that did not mark it")
    raise UnusableInput(OUTPUT_NOT_OURS(None, path=target, kind_it=KINDS[kind][0], kind_en=KINDS[kind][1],
                                        found_it=it_found, found_en=en_found, choose_it=choose[0], choose_en=choose[1]))


PDF_AUTHOR = "toolkit"
"""The author every PDF the toolkit prints carries: LibreOffice takes it from the workbook it
prints (`writers.printable.PROPERTIES`), so it tells our PDF from a user's own."""


def refuse_other_pdf(target: Path, choose: tuple[str, str] | None = None) -> None:
    """Refuse, before anything is written, a PDF at `target` that the toolkit did not print (its
    author is not `PDF_AUTHOR`): `report --pdf` and `convert --to pdf` replaced without a word a
    user's own PDF that had the name, a scan or a supplier's list. Our own earlier PDF is
    replaced, as our workbook is. `choose` as `refuse_other_file`'s, by default what the action
    under way asks (`asked_now`)."""
    if not os.path.isfile(target):
        return
    author = pdf_author(target)
    if author == PDF_AUTHOR:
        return
    found = (f"il suo autore è «{author}»", f"its author is “{author}”") if author else (
        "non dice chi l'ha scritto", "it names no author")
    choose = choose or asked_now().named
    raise UnusableInput(OUTPUT_NOT_OURS(None, path=target, kind_it="PDF", kind_en="PDF", found_it=found[0],
                                        found_en=found[1], choose_it=choose[0], choose_en=choose[1]))


def pdf_author(path: Path) -> str | None:
    """The author a PDF's document information names; None when it names none or cannot be read."""
    from pypdf import PdfReader

    try:
        info = PdfReader(path).metadata
        author = str(info.author or "").strip() if info is not None else ""
    except Exception:  # a damaged or foreign file is simply not one we printed
        return None
    return author or None


def refuse_folder(target: Path, asked: OtherOutput | None = None) -> None:
    """Refuse an output whose name a folder has: it would fail half-way, or (a staged file)
    put the folder aside. `asked`, by default what the action under way asks (`asked_now`),
    asks to rename the folder (not the file) where a button writes always there."""
    if os.path.isdir(target):
        choose = (asked or asked_now()).folder_named
        raise UnusableInput(OUTPUT_NOT_CREATABLE(None, path=target, reason="è una cartella / it is a folder",
                                                 choose_it=choose[0], choose_en=choose[1]))


def refuse_replacing_other(made: Path, target: Path) -> None:
    """Refuse to give `made` the name `target` when `target` is a file the toolkit did not
    write as the kind of output `made` is (`refuse_other_file`): the one place every writer
    passes (`atomic_path`, `Staged.place`), so no button or verb writing a fixed name (the
    day's *stato-pagamenti*, a report, a demo's panel) replaces a user's own workbook saved
    under it, nor another kind of ours; its own earlier output it replaces. Asked in the words
    of the action under way (`asked_now`). A file with no mark of ours (a CSV, an XML, a PDF)
    says nothing of what may be replaced, and is not looked at."""
    kind = made_for(made) if os.path.isfile(target) else None
    if kind is not None:
        refuse_other_file(target, kind, asked_now().named)


def made_for(path: Path) -> str | None:
    """The kind of output the toolkit wrote `path` as (its `KIND_PROPERTY`); None for any other
    file: not a workbook, damaged, or a workbook without the mark.

    >>> made_for(Path("/nowhere.xlsx")) is None
    True
    """
    root = _properties(path, "docProps/custom.xml")
    for prop in root if root is not None else ():
        if prop.get("name") == KIND_PROPERTY and len(prop):
            return prop[0].text
    return None


def saved_since(path: Path, written: datetime | None = None) -> bool:
    """Whether the workbook at `path`, written by the toolkit with the fixed creation date
    `written` (the sample, the front-end workbook) or, with None, at whatever time it ran
    (`convert --to master`), is no longer that file as written: saved since by Excel,
    LibreOffice or openpyxl, which set its `modified` property to the time of saving and keep
    its `created` and the kind mark, or written at another time than `written`. XlsxWriter
    writes both `created` and `modified` as the time it is given, or the time it ran; a workbook
    whose properties cannot be read counts as saved, nothing telling it unchanged.

    >>> saved_since(Path("/nowhere.xlsx"), datetime(2026, 1, 1))
    True
    >>> saved_since(Path("/nowhere.xlsx"))
    True
    """
    root = _properties(path, "docProps/core.xml")
    if root is None:
        return True
    terms = "{http://purl.org/dc/terms/}"
    created, modified = ((root.findtext(terms + name) or "").strip() for name in ("created", "modified"))
    stamp = written.strftime("%Y-%m-%dT%H:%M:%SZ") if written is not None else created
    return not stamp or created != stamp or modified != stamp


def _properties(path: Path, part: str) -> ElementTree.Element | None:
    """The document properties `part` of the workbook at `path`, parsed; None when it is not a
    workbook, is damaged, has no such part, or one too large to be properties."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(part)
            if info.file_size > 1 << 16:
                return None
            return ElementTree.fromstring(archive.read(info))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return None


def refuse_input(target: Path, inputs: tuple[Path | None, ...], choose: tuple[str, str] = OUT_NAMED) -> None:
    """Refuse an output that is one of the files being read: also when the output asked for is
    not the one written (an earlier run's file kept, `unused_paths`), a workbook named as the
    output was a slip. `choose` asks for another output, as `refuse_other_file`'s does."""
    for given in inputs:
        if given is not None and _same(Path(target), Path(given)):
            raise UnusableInput(OUTPUT_IS_INPUT(None, path=target, choose_it=choose[0], choose_en=choose[1]))


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def resolved(path: Path) -> Path:
    """The path with its links resolved, or only made absolute where they lead round in a loop
    (`a` → `b` → `a`), on which `Path.resolve` raises *Symlink loop from …*: an internal error
    where the file is one not there."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.absolute()
