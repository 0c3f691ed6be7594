"""Customers' requests and complaints (the seed's CRM): a request is opened for a customer with a
kind and a text, acted on any number of times, then closed; each step is kept with who did it,
when and what, so the history answers "when, why and what was done".

A closed request takes no more steps: acting on it or closing it again is refused, so its
history ends with its closing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from toolkit.basics import labels
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import RequestKind
from toolkit.basics.wording import Characters, utf16_length


class RequestStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class RequestAction(StrEnum):
    OPENED = "opened"
    ACTED = "acted"
    CLOSED = "closed"


labels.define({
    "req.status_open": ("Aperta", "Open"),
    "req.status_closed": ("Chiusa", "Closed"),
    "req.action_opened": ("Aperta", "Opened"),
    "req.action_acted": ("Azione", "Action"),
    "req.action_closed": ("Chiusa", "Closed"),
})

LAST_REQUEST = 2**31 - 1
"""The largest number a request may have: the ledger keeps it in an `Integer` column, four
bytes on PostgreSQL. A larger one (a code pasted in the wrong cell) is no request; asked of
the ledger, it was an internal error, *integer out of range*."""
UNKNOWN_REQUEST = define(
    "unknown-request", "error",
    it="Nel registro non c'è la richiesta {request}: controlla il numero (toolkit requests list).",
    en="The ledger has no request {request}: check the number (toolkit requests list).")
REQUEST_CLOSED = define(
    "request-closed", "error",
    it="La richiesta {request} è chiusa dal {day} ({by}): non si può aggiornare. Aprine una nuova se serve.",
    en="Request {request} was closed on {day} ({by}): it cannot be updated. Open a new one if needed.")
REQUEST_ALREADY_CLOSED = define(
    "request-already-closed", "warning",
    title=("Richiesta già chiusa", "Request already closed"),
    it="La richiesta {request} è già chiusa dal {day} ({by}): nulla è cambiato.",
    en="Request {request} was closed already on {day} ({by}): nothing changed.")
UNKNOWN_REQUEST_CUSTOMER = define(
    "request-unknown-customer", "error",
    it="Il cliente {customer} non è nel foglio Clienti: la richiesta non è stata registrata.",
    en="Customer {customer} is not in the Customers sheet: the request was not recorded.")
REQUEST_TEXT_MOST = 32_000
"""The characters of a request's or a step's text as Excel counts them (`utf16_length`, an emoji
two): `requests list --out` prints each in one cell, which holds 32,767 (Excel's most), the latest
step's after its date and word (*06/12/2026 Chiusura: …*); a longer one was stored whole and
printed cut there without a word, as was one of 17,000 emoji, counted 17,000 where the cell
holds 16,383 of them."""

REQUEST_TEXT_TOO_LONG = define(
    "request-text-too-long", "error",
    it="Il testo (--text) è lungo {length}, più dei {most} che l'elenco delle richieste stampa in una "
       "cella di Excel: accorcialo, o scrivi il resto in un'altra azione.",
    en="The text (--text) has {length}, more than the {most} the requests' list prints in an "
       "Excel cell: shorten it, or write the rest as another action.")


def text_too_long(text: str | None) -> Problem | None:
    """The refusal of a request's or a step's text longer than a cell holds, or None.

    >>> text_too_long("x" * 32_000), text_too_long("x" * 40_000).message("it")[:39]
    (None, 'Il testo (--text) è lungo 40.000 caratt')
    >>> text_too_long("\U0001F600" * 17_000).message("it")[:72]
    'Il testo (--text) è lungo 17.000 caratteri, che per Excel sono 34.000, p'
    """
    if text is None or utf16_length(text) <= REQUEST_TEXT_MOST:
        return None
    return REQUEST_TEXT_TOO_LONG(None, length=Characters(text, "Excel"), most=Decimal(REQUEST_TEXT_MOST))


REQUEST_TEXT_CONTROL = define(
    "request-text-control-character", "error",
    it="Il testo (--text) contiene {chars}, un carattere di controllo che non si vede (lo porta spesso un testo "
       "copiato da un altro programma o da un terminale): la richiesta non è stata registrata. Riscrivi il testo a "
       "mano, senza quel carattere.",
    en="The text (--text) holds {chars}, a control character that does not show (text copied from another "
       "program or a terminal often brings one): the request was not recorded. Type the text again, without "
       "that character.")
_KEPT_CONTROLS = frozenset("\t\n")
"""The controls a request's text keeps: a tab and a new line, which a cell shows (Alt+Invio)."""


def text_with_control(text: str | None) -> Problem | None:
    """The refusal of a text holding a control character (a terminal's escape, a bell, U+0001),
    or None. Stored, it reached the terminal's list, where ESC (U+001B) recolours or clears the
    screen, and the list's workbook, where a cell keeps it as `_x001B_`; the data check refuses a
    code holding one the same way, naming the character and asking to type it again.

    >>> text_with_control("Pallet rotto\\nalla consegna"), text_with_control(None)
    (None, None)
    >>> text_with_control("Rosso\\x1b[31m\\x07").message("en")[:46]
    'The text (--text) holds U+0007, U+001B, a cont'
    """
    if text is None or text.isprintable():
        return None
    found = sorted({f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cc" and ch not in _KEPT_CONTROLS})
    return REQUEST_TEXT_CONTROL(None, chars=", ".join(found)) if found else None


EMPTY_REQUEST_TEXT = define(
    "request-empty-text", "error",
    it="Scrivi il testo della richiesta (--text): una richiesta senza testo non dice cosa fare.",
    en="Write the request's text (--text): a request without text does not say what to do.")


@dataclass(frozen=True, slots=True)
class RequestStep:
    """One line of a request's history."""

    at: datetime
    by: str
    action: RequestAction
    text: str | None


@dataclass(frozen=True)
class CustomerRequest:
    id: int
    customer: str
    kind: RequestKind
    text: str
    status: RequestStatus
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None = None
    closed_by: str | None = None
    history: tuple[RequestStep, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status is RequestStatus.OPEN

    @property
    def last_step(self) -> RequestStep | None:
        return self.history[-1] if self.history else None


@dataclass(frozen=True, slots=True)
class OpenRequests:
    """A customer's open requests as the position at order time shows them: how many, and the
    latest one's text (the one a desk should know of before taking the next order)."""

    count: int = 0
    latest: str | None = None
