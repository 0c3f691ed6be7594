"""How commands speak: problem lines, JSON, the language, exit codes.

Human output goes to stdout as `Sheet!Cell: message`, one line per problem. With `--json`,
every outcome — done, data problems, unusable input, a usage mistake, an internal error — is
one JSON object on stdout: `ok`, `exit_code`, `problems`, then the verb's result under the
names `toolkit.cli.schemas` gives (docs/cli.md). Both come from the same `Problem` records.

`--json` and `--lang` are read first, before any other argument, so that even a mistake in
the arguments is answered in JSON, and a file that cannot be read in the language asked for.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer

from toolkit.basics.files import ask_as, asked_for
from toolkit.basics.problems import Problem, Severity, problem_type
from toolkit.basics.vocab import Choice, Choices
from toolkit.basics.wording import Characters, head, more_warnings, utf16_length

P = ParamSpec("P")
C = TypeVar("C", bound=str)

LANGUAGES = ("it", "en")
LANGUAGE_WORDS = Choices((Choice("it", ("italiano",), ("italian",)), Choice("en", ("inglese",), ("english",))))
"""`--lang` by its code or its name (`--lang inglese`)."""

_state: dict[str, Any] = {"lang": "it", "chosen": None, "json": False}


def choose_language(value: str | None) -> str | None:
    if value is None:
        return None
    code = chosen(LANGUAGE_WORDS, value, "--lang")
    _state["chosen"] = _state["lang"] = code
    return code


def chosen(choices: Choices[C], text: str, option: str) -> C:
    """The code an option's word names (`vendite`, `Sales`, `sales`: `sales`); a word that is none
    is a usage mistake listing the Italian words and the English codes, before any work."""
    try:
        return choices.pick(text)
    except ValueError:
        raise typer.BadParameter(f"«{text}»: {choices.words()}", param_hint=option) from None


def workbook_after_kind(ctx: typer.Context, param: typer.CallbackParam, value: Path) -> Path:
    """The callback of the workbook `print` and `report` take after their kind. Every other verb
    takes the workbook first, and a desk that typed it so (`toolkit print anagrafiche.xlsx ddt`)
    was told only the kinds, not that the two were the wrong way round. A callback, since click
    runs them in the order the arguments were typed: checked in the verb's body, the swap was told
    only once every option left out had been added, each a try of its own."""
    from toolkit.cli.usage import WORKBOOK_SUFFIXES

    text = str(ctx.params.get("kind") or "")
    if text.lower().endswith(WORKBOOK_SUFFIXES):
        verb = ctx.command_path
        raise typer.BadParameter(
            f"«{text}» è la cartella di lavoro, scritta al posto del tipo: scrivi prima il tipo, poi la cartella "
            f"({verb} TIPO {text} …) / “{text}” is the workbook, written where the kind goes: write the kind "
            f"first, then the workbook ({verb} KIND {text} …)", param_hint="KIND")
    return value


def chosen_list(choices: Choices[C], text: str | None, option: str) -> tuple[C, ...]:
    """A comma list of an option's words (`--by cliente,articolo`) as their codes, each once."""
    words = (word.strip() for word in (text or "").split(","))
    return tuple(dict.fromkeys(chosen(choices, word, option) for word in words if word))


def answer_in_json(args: list[str]) -> None:
    """Settled from the raw arguments, before parsing: a mistake in them is answered in JSON too,
    and in the language asked for."""
    _state["json"] = "--json" in args
    asked = _asked_language(args)
    try:
        _state["chosen"] = _state["lang"] = LANGUAGE_WORDS.pick(asked or "")
    except ValueError:
        pass


def _asked_language(args: list[str]) -> str | None:
    for at, arg in enumerate(args):
        if arg == "--lang" and at + 1 < len(args):
            return args[at + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


LangOption = typer.Option(None, "--lang", is_eager=True, callback=choose_language, metavar="it|en",
                          help=f"Lingua dei messaggi / message language: {LANGUAGE_WORDS.words()} (predefinita: quella "
                               "delle Impostazioni della cartella, altrimenti italiano / default: the workbook's "
                               "setting, else Italian).")
JsonOption = typer.Option(False, "--json",
                          help="Un oggetto JSON su stdout, in ogni caso / one JSON object on stdout, whatever happens "
                               "(docs/cli.md).")
LedgerOption = typer.Option(None, "--ledger", envvar="TOOLKIT_LEDGER_URL",
                            help="URL SQLAlchemy del registro o percorso del suo file .sqlite (predefinito: il file SQLite "
                                 "accanto alla cartella) / SQLAlchemy URL of the ledger or path of its .sqlite file "
                                 "(default: SQLite file beside the workbook).")
DEFAULT_WAIT = 30.0
WaitOption = typer.Option(DEFAULT_WAIT, "--wait", min=0, metavar="SECONDS",
                          help="Secondi di attesa se un collega sta scrivendo nel registro / seconds to wait while a "
                               "colleague writes to the ledger.")


WORKBOOK = (".xlsx",)
"""What an --out naming a file gets from every verb but `workbook build`: an Excel workbook
(a PDF, where the verb prints one, goes beside it with --pdf)."""


def out_file(default: Any, help: str, *, suffixes: tuple[str, ...] = WORKBOOK, name: str = "--out") -> Any:
    """The option naming the file a verb writes, refused at parsing when its suffix is not one
    the verb writes: `--out p.txt` got an .xlsx workbook under a name no program opens as one.
    Every verb writing one file declares it here, so the refusal comes before any work, and
    any later refusal of an output (`files.refuse_replacing_other`) names this option."""
    return typer.Option(default, name, callback=_writes(suffixes), metavar=f"FILE{suffixes[0]}", help=help)


def _writes(suffixes: tuple[str, ...]) -> Callable[[typer.Context, typer.CallbackParam, Path | None], Path | None]:
    def written_as(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
        option = param.opts[0]
        if value is not None and (long_name := name_too_long(value, option)) is not None:
            raise typer.BadParameter(long_name, param_hint=option)
        if value is None or value.suffix.lower() in suffixes:
            if value is not None:
                ask_as(asked_for(option))
            return value
        raise typer.BadParameter(unwritable(value, option, suffixes, pdf_beside=_prints_pdf(ctx)), param_hint=option)

    return written_as


def unwritable(path: Path, option: str, suffixes: tuple[str, ...], *, pdf_beside: bool = False) -> str:
    r"""Why `path` is refused, in both languages (the workbook's language is not known yet).

    >>> unwritable(Path("p.txt"), "--out", (".xlsx",))
    '«p.txt»: --out non scrive file .txt, solo .xlsx / --out cannot write a .txt file, only .xlsx'
    >>> unwritable(Path("stampa"), "--out", (".xlsx",))
    '«stampa»: --out non scrive file senza estensione, solo .xlsx / --out cannot write a file without a suffix, only .xlsx'
    >>> print(*unwritable(Path("."), "--out", (".xlsx",)).split(" / "), sep="\n")
    «.» è una cartella: --out vuole il nome del file da scrivere, ad esempio «report.xlsx»
    “.” is a folder: --out wants the name of the file to write, for example “report.xlsx”
    """
    accepted = ", ".join(suffixes)
    if path.is_dir() or path.name in ("", ".."):
        example = path / f"report{suffixes[0]}"
        return (f"«{path}» è una cartella: {option} vuole il nome del file da scrivere, ad esempio «{example}» / "
                f"“{path}” is a folder: {option} wants the name of the file to write, for example “{example}”")
    it_kind, en_kind = (f"file {path.suffix}", f"a {path.suffix} file") if path.suffix else (
        "file senza estensione", "a file without a suffix")
    why = f"«{path.name}»: {option} non scrive {it_kind}, solo {accepted} / {option} cannot write {en_kind}, only {accepted}"
    if pdf_beside and path.suffix.lower() == ".pdf":
        why += f" (il PDF: {option} FILE.xlsx --pdf / for the PDF: {option} FILE.xlsx --pdf)"
    return why


FILE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".zip", ".xml", ".pdf")
"""Names that say a file, refused for an option naming a folder (`out_folder`)."""


def out_folder(default: Any, help: str, *, name: str = "--out") -> Any:
    """The option naming the folder a verb writes into, the counterpart of `out_file`: a name
    ending like a file (`--out fatture.xlsx`) is refused at parsing, unless that folder exists,
    since it would make a folder the desk takes for a file and looks for in vain. A refused
    output of the verb then asks for another folder for this option (`files.asked_now`): the
    files it writes there have fixed names (`demo`'s panel, `convert`'s report)."""
    return typer.Option(default, name, callback=_writes_into, metavar="DIR", help=help)


def _writes_into(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
    named = folder_named(ctx, param, value)
    if named is not None:
        ask_as(asked_for(param.opts[0], folder=True))
    return named


def folder_named(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
    """The folder named, or a usage error when its name says a file or is too long for a disk
    (an option or argument's callback)."""
    option = param.opts[0] if param.param_type_name == "option" else param.metavar or "DIR"
    if value is not None and (long_name := name_too_long(value, option)) is not None:
        raise typer.BadParameter(long_name, param_hint=option)
    if value is None or value.suffix.lower() not in FILE_SUFFIXES or value.is_dir():
        return value
    raise typer.BadParameter(not_a_folder(value, option), param_hint=option)


WINDOWS = os.name == "nt"
"""Windows' disks (NTFS, exFAT, a share) count a name in UTF-16 code units, 255 at most: a letter
with its accent one, a Chinese character one, an emoji two. Linux's count UTF-8 bytes, 255 at most:
two for `è`, three for `東`, four for an emoji (`name_size`)."""


def name_size(name: str) -> int:
    r"""What a disk of this system counts of `name` against its 255: UTF-16 code units on Windows,
    UTF-8 bytes elsewhere. Counted in bytes on Windows too, a name of 130 accented letters (260
    bytes) or 100 Chinese characters (300) was refused though Windows takes it; units are never
    more than bytes, so no name Windows refuses was taken.

    >>> name_size("ordini.xlsx")
    11
    """
    if WINDOWS:
        return utf16_length(name)
    return len(name.encode("utf-8", "surrogateescape"))


NAME_MOST = 200
"""The bytes (on Windows the UTF-16 units, `name_size`) the name an output is written under may
take: disks take 255 (an emoji is four bytes, two units),
and a file is first written beside its place under a temporary name ten longer
(`files.temporary_file`), Excel's lock file beside it two. A longer name was an internal error
(*File name too long*) once the verb had read the workbook, where it is a mistake in the arguments."""
FOLDER_NAME_MOST = 255
"""The bytes a folder's name on the way to an output may take, as many as a disk takes: nothing
is written beside it under a longer name, and a share's folder of 220 bytes, which exists, was
refused at `NAME_MOST` as a name too long."""


def name_too_long(path: Path, option: str) -> str | None:
    r"""Why `path` cannot be written, in both languages, when its last name is longer than
    `NAME_MOST` or a folder's before it longer than `FOLDER_NAME_MOST`, as this system's disks
    count a name (`name_size`); else None.

    >>> print(*name_too_long(Path("out") / ("x" * 201 + ".xlsx"), "--out").split(" / "), sep="\n")
    «xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…»: il nome per --out è troppo lungo, 206 byte (al massimo 200): scrivine uno più corto
    the name for --out is too long, 206 bytes (200 at most): give a shorter one
    >>> name_too_long(Path("out") / "fatture.xlsx", "--out"), name_too_long(Path("x" * 220) / "fatture.xlsx", "--out")
    (None, None)
    """
    parts = path.parts
    if not parts:  # `.`, the folder the command runs in: no name of its own
        return None
    most = [*[FOLDER_NAME_MOST] * (len(parts) - 1), NAME_MOST]
    size, long, limit = next(((size, part, limit) for part, limit in zip(parts, most, strict=True)
                              if (size := name_size(part)) > limit), (0, "", 0))
    if not long:
        return None
    it, en = ((Characters(long, "Windows").shown("it"), Characters(long, "Windows").shown("en")) if WINDOWS
              else (f"{size} byte", f"{size} bytes"))
    return (f"«{head(long, 30)}…»: il nome per {option} è troppo lungo, {it} (al massimo {limit}): "
            f"scrivine uno più corto / the name for {option} is too long, {en} ({limit} at most): "
            f"give a shorter one")


def not_a_folder(path: Path, option: str) -> str:
    r"""Why a folder named like a file is refused, in both languages.

    >>> print(*not_a_folder(Path("fx.xlsx"), "--out").split(" / "), sep="\n")
    «fx.xlsx»: --out è una cartella, non un file .xlsx: scrivi il nome di una cartella, ad esempio «fx»
    --out is a folder, not a .xlsx file: give a folder's name, for example “fx”
    """
    bare = path.with_suffix("").name
    return (f"«{path.name}»: {option} è una cartella, non un file {path.suffix}: scrivi il nome di una cartella, "
            f"ad esempio «{bare}» / {option} is a folder, not a {path.suffix} file: give a folder's name, "
            f"for example “{bare}”")


def _prints_pdf(ctx: typer.Context) -> bool:
    return any("--pdf" in getattr(p, "opts", ()) for p in ctx.command.params)


def reset() -> None:
    """A fresh start for one command (the tests run several in one process)."""
    _state.update(lang="it", chosen=None, json=False, verbose=False)
    ask_as(None)
    _state.pop("workbook", None)


def set_lang(lang: str | None, workbook_lang: str | None = None) -> str:
    """The language: the option, else the workbook's *Lingua*, else Italian."""
    chosen = (lang or _state["chosen"] or workbook_lang or "it").lower()
    _state["lang"] = chosen if chosen in LANGUAGES else "it"
    return str(_state["lang"])


def lang() -> str:
    return str(_state["lang"])


def json_mode() -> bool:
    return bool(_state["json"])


def set_workbook(path: Path) -> None:
    """The master workbook the verb works on: named in the command a message suggests."""
    _state["workbook"] = str(path)


def workbook() -> Path | None:
    return Path(_state["workbook"]) if "workbook" in _state else None


def problem_line(p: Problem) -> str:
    mark = "" if p.severity is Severity.ERROR else ("avviso: " if lang() == "it" else "warning: ")
    where = f"{p.location}: " if p.location else ""
    return f"{where}{mark}{p.message(lang())}"


SHOWN_PER_KIND = 3
"""Warnings of one kind printed in full before the rest are counted (all with --verbose)."""


def _verbose_given(value: bool) -> bool:
    _state["verbose"] = bool(value)
    return value


VerboseOption = typer.Option(False, "--verbose", "-v", callback=_verbose_given,
                             help="Tutti gli avvisi, uno per riga / every warning, one per line.")


def with_progress(it: str, en: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """A verb that can take a while shows that it is working: a progress bar on the terminal
    (spinner, pulsing bar, time elapsed) for as long as it runs, gone when it ends. Only when a
    person watches — stdout and stderr both a terminal, no --json — so pipes and programs get
    exactly what they got before."""

    def decorate(verb: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(verb)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            if json_mode() or not (sys.stdout.isatty() and sys.stderr.isatty()):
                return verb(*args, **kwargs)
            from rich.console import Console
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                          console=Console(stderr=True), transient=True) as bar:
                what = it if lang() == "it" else en
                task = bar.add_task(what, total=None)
                _state["advance"] = lambda done, total: bar.update(task, completed=done, total=total,
                                                                   description=f"{what} {done:,}/{total:,}")
                try:
                    return verb(*args, **kwargs)
                finally:
                    _state.pop("advance", None)

        return run

    return decorate


def advance(done: int, total: int) -> None:
    """How far a verb shown by `with_progress` has got, when it can count (the documents of
    `print --pdf`): the pulsing bar becomes a bar that fills, with the counts beside it.
    Nothing when no person watches."""
    if (shown := _state.get("advance")) is not None:
        shown(done, total)


def print_problems(problems: Iterable[Problem]) -> None:
    """Errors one per line, always; warnings too, up to a few of each kind, then how many more
    (a large day's shipping has thousands of held orders: the summary is what a person reads;
    --verbose, the JSON and the output workbooks have every one)."""
    found = list(problems)
    if _state.get("verbose"):
        for p in found:
            typer.echo(problem_line(p))
        return
    kinds = Counter(p.code for p in found if not p.is_error)
    shown: Counter[str] = Counter()
    for p in found:
        if p.is_error:
            typer.echo(problem_line(p))
            continue
        shown[p.code] += 1
        if shown[p.code] <= SHOWN_PER_KIND:
            typer.echo(problem_line(p))
        if shown[p.code] == kinds[p.code] > SHOWN_PER_KIND:
            more, title = kinds[p.code] - SHOWN_PER_KIND, problem_type(p.code).title(lang())
            typer.echo(f"avviso: … e {more_warnings(more, 'it')} «{title}» (--verbose per vederli tutti)" if lang() == "it"
                       else f"warning: … and {more_warnings(more, 'en')} “{title}” (--verbose shows them all)")


def notice(p: Problem) -> None:
    """A message while the command works (waiting for the ledger): on stderr, so JSON stays clean."""
    typer.echo(f"toolkit: {p.message(lang())}", err=True)


def fail(p: Problem) -> None:
    """A refusal on stderr; one at a workbook's cell (*Impostazioni › Registro*) names the cell first."""
    said = p.render(lang()) if p.location is not None and p.location.cell else p.message(lang())
    typer.echo(f"toolkit: {said}", err=True)


def problems_found(problems: list[Problem]) -> None:
    print_problems(problems)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Problem):
        return value.to_dict(lang())
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump())
    return value


def print_json(document: dict[str, Any]) -> None:
    json.dump(to_jsonable(document), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def reply(result: dict[str, Any], problems: Iterable[Problem] = ()) -> None:
    """A verb's JSON answer: `ok` and `exit_code` (1 when a problem is an error), the problems,
    then the result."""
    found = list(problems)
    code = exit_code(found)
    print_json({"ok": code == 0, "exit_code": code, "problems": found, **result})


def refusal(code: int, problems: Iterable[Problem]) -> None:
    """The JSON answer of a verb that stopped before its result (exit 1 to 4)."""
    print_json({"ok": False, "exit_code": code, "problems": list(problems)})


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def exit_code(problems: Iterable[Problem]) -> int:
    """2 when a problem is a slip in what was typed (`Problem.is_usage`: a number that may be two
    documents), as for a bad option; 1 for any other error; 0 otherwise."""
    found = list(problems)
    return 2 if any(p.is_usage for p in found) else 1 if has_errors(found) else 0


def exit_for(problems: Iterable[Problem]) -> None:
    if code := exit_code(problems):
        raise typer.Exit(code)
