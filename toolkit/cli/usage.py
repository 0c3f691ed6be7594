"""A mistake in the command line told in Italian too: click says it in English only.

click (typer's parser) words its usage errors itself, "No such option: --nope", "Missing option
'--date'", "Invalid value for '--wait': …", before any workbook says which language the desk
reads. So every usage error gets an Italian line beside click's English one, worded from the
exception's kind and what it carries (the option, the argument, the value), not from its text;
a detail click or pydantic wrote in English is translated when it is one of the few they use,
and a detail of ours is already in both languages.

>>> class NoSuchOption(Exception):
...     option_name, possibilities = "--dat", ["--date"]
>>> italian(NoSuchOption())
'Opzione sconosciuta: --dat (forse --date).'
"""

from __future__ import annotations

import re
from typing import Any

_DETAILS: tuple[tuple[str, str], ...] = (
    (r"Input should be a valid number.*", "serve un numero"),
    (r"Input should be a valid integer.*", "serve un numero intero"),
    (r"Input should be greater than or equal to (\S+)", r"serve un numero da \1 in su"),
    (r"Input should be greater than (\S+)", r"serve un numero maggiore di \1"),
    (r"Input should be less than or equal to (\S+)", r"serve un numero fino a \1"),
    (r"Input should be less than (\S+)", r"serve un numero minore di \1"),
    (r"Value (.+) is not a valid (\w+)\.", r"\1 non è un valore ammesso"),
    (r"(.+) is not one of (.+)\.", r"\1 non è fra \2"),
)
"""click's and pydantic's English details of a bad value, and how they read in Italian."""

_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"No such command '(.+)'\.", r"Comando sconosciuto: «\1». «toolkit --help» elenca i comandi."),
    (r"Missing command\.", "Manca il comando: «toolkit --help» elenca i comandi."),
    (r"Got unexpected extra argument\(s\) \((.+)\)", r"Argomenti in più, non previsti: \1."),
    (r"Option '(.+)' requires an argument\.", r"L'opzione \1 vuole un valore."),
    (r"Option '(.+)' requires (\d+) arguments\.", r"L'opzione \1 vuole \2 valori."),
    (r"Option '(.+)' does not take a value\.", r"L'opzione \1 non prende un valore."),
)
"""click's English messages of a usage error that carries nothing but its text."""

_PARAMETER = {"option": ("l'opzione", "obbligatoria"), "argument": ("l'argomento", "obbligatorio")}


def italian(exc: Exception) -> str:
    """The usage error in one Italian sentence."""
    kinds = {kind.__name__ for kind in type(exc).__mro__}
    if "NoSuchOption" in kinds:
        maybe = sorted(getattr(exc, "possibilities", None) or ())
        return f"Opzione sconosciuta: {exc.option_name}" + (f" (forse {', '.join(maybe)})." if maybe else ".")  # type: ignore[attr-defined]
    if "MissingParameter" in kinds:
        kind, required = _PARAMETER.get(_parameter_type(exc), ("il parametro", "obbligatorio"))
        return f"Manca {kind} {_hint(exc)}, {required}: con --help il comando dice come scriverlo."
    if "BadParameter" in kinds:
        where = _hint(exc)
        detail = _italian_half(_translated(str(getattr(exc, "message", "")), _DETAILS))
        return f"Valore non valido per {where}: {detail}" if where else f"Valore non valido: {detail}"
    if "FileError" in kinds:
        return f"Non riesco ad aprire il file {getattr(exc, 'filename', '')}."
    text = str(getattr(exc, "message", exc))
    told = _translated(text, _MESSAGES)
    return told if told != text else f"Comando non valido ({text}): con --help il comando dice come scriverlo."


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def workbook_read_as_kind(exc: Exception) -> tuple[str, str] | None:
    """The Italian and English words for a verb that takes a kind before the workbook (`report
    vendite WB`, `print ddt WB`) given the workbook alone: click read the workbook as the kind
    and said the workbook was missing, which the desk had just typed. None for any other error.

    >>> class MissingParameter(Exception):
    ...     param = type("P", (), {"name": "workbook"})()
    ...     ctx = type("C", (), {"params": {"kind": "anagrafiche.xlsx"}, "command_path": "toolkit report"})()
    >>> workbook_read_as_kind(MissingParameter())[0][:60]
    'Manca il tipo prima della cartella di lavoro: «anagrafiche.x'
    """
    kinds = {kind.__name__ for kind in type(exc).__mro__}
    param, ctx = getattr(exc, "param", None), getattr(exc, "ctx", None)
    if "MissingParameter" not in kinds or getattr(param, "name", None) != "workbook" or ctx is None:
        return None
    given = str(ctx.params.get("kind") or "")
    if not given.lower().endswith(WORKBOOK_SUFFIXES):
        return None
    verb = ctx.command_path
    return (f"Manca il tipo prima della cartella di lavoro: «{given}» è stato letto come tipo. Scrivi prima il "
            f"tipo, poi la cartella ({verb} TIPO {given} …): con --help il comando elenca i tipi.",
            f"The kind is missing before the workbook: '{given}' was read as the kind. Write the kind first, then "
            f"the workbook ({verb} KIND {given} …): --help lists the kinds.")


def _translated(text: str, table: tuple[tuple[str, str], ...]) -> str:
    for english, words in table:
        if (found := re.fullmatch(english, text.strip())) is not None:
            return found.expand(words)
    return text


def _italian_half(detail: str) -> str:
    """Our own details say it in both languages, Italian first: `… scegline uno / choose one`."""
    return detail.rsplit(" / ", 1)[0]


def _hint(exc: Any) -> str:
    """The option or argument the error is about, as click names it (`'--date'`), unquoted."""
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint()
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return str(hint or "").replace("'", "")


def _parameter_type(exc: Any) -> str:
    kind = getattr(exc, "param_type", None)
    if kind is None and getattr(exc, "param", None) is not None:
        kind = exc.param.param_type_name
    return str(kind or "")


HELP_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "Argomenti / Arguments",
    "OPTIONS_PANEL_TITLE": "Opzioni / Options",
    "COMMANDS_PANEL_TITLE": "Comandi / Commands",
    "DEFAULT_STRING": "[predefinito / default: {}]",
    "REQUIRED_LONG_STRING": "[obbligatorio / required]",
    "ENVVAR_STRING": "[variabile d'ambiente / env var: {}]",
}
"""The words typer's help frames every verb's options with, in both languages as our own help is."""


def help_in_both_languages() -> None:
    """Give `--help`'s headings and notes their Italian beside typer's English. Only when help may
    be shown: typer's help renderer (rich) takes a tenth of a second to load, which every other
    command line is spared."""
    from typer import rich_utils

    for name, words in HELP_WORDS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, words)
