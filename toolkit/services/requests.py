"""Customers' requests and complaints: open one, act on it, close it, list them.

Each step is one write transaction that records who did it and when (`toolkit.core.requests`);
the list reads without a lock and, with an output file, writes the requests and their history
as a workbook to print.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.basics.dates import rome_time
from toolkit.basics.problems import Problem
from toolkit.basics.vocab import RequestKind
from toolkit.core.requests import (
    EMPTY_REQUEST_TEXT,
    LAST_REQUEST,
    REQUEST_ALREADY_CLOSED,
    REQUEST_CLOSED,
    UNKNOWN_REQUEST,
    UNKNOWN_REQUEST_CUSTOMER,
    CustomerRequest,
    RequestAction,
    text_too_long,
    text_with_control,
)
from toolkit.ledger import Ledger
from toolkit.ledger.db import reading, writing
from toolkit.ledger.requests import add_step, load_requests, open_request
from toolkit.model.records import MasterData


@dataclass(frozen=True)
class RequestDone:
    """A request as it stands after a step, or None when the step was refused (`problems`)."""

    request: CustomerRequest | None
    problems: list[Problem]


@dataclass(frozen=True)
class RequestList:
    requests: list[CustomerRequest]
    file: Path | None = None


def add(master: MasterData, ledger: Ledger, customer: str, kind: RequestKind, text: str) -> RequestDone:
    """Open a request for a customer of the master data."""
    customer = customer.strip()
    if customer not in {c.code for c in master.customers}:
        return RequestDone(None, [UNKNOWN_REQUEST_CUSTOMER(None, customer=customer)])
    if not (text := _typed(text)):
        return RequestDone(None, [EMPTY_REQUEST_TEXT(None)])
    if (refused := _refused(text)) is not None:
        return RequestDone(None, [refused])
    with writing(ledger) as conn:
        request_id = open_request(conn, customer, kind, text)
        [made] = load_requests(conn, ids=[request_id])
    return RequestDone(made, [])


def act(ledger: Ledger, request_id: int, text: str) -> RequestDone:
    """Record what was done on an open request."""
    if not (text := _typed(text)):
        return RequestDone(None, [EMPTY_REQUEST_TEXT(None)])
    if (refused := _refused(text)) is not None:
        return RequestDone(None, [refused])
    return _step(ledger, request_id, RequestAction.ACTED, text)


def close(ledger: Ledger, request_id: int, text: str | None = None) -> RequestDone:
    """Close an open request, with what settled it when given."""
    settled = _typed(text) if text else None
    if settled and (refused := _refused(settled)) is not None:
        return RequestDone(None, [refused])
    return _step(ledger, request_id, RequestAction.CLOSED, settled or None)


def _typed(text: str) -> str:
    """A step's text as kept: stripped, its line ends Windows' or old Macs' (a cell pasted from
    another program) made the one new line a cell and the terminal show."""
    return text.strip().replace("\r\n", "\n").replace("\r", "\n")


def _refused(text: str) -> Problem | None:
    """Why a step's text cannot be stored (too long for the list's cell, a control character),
    or None."""
    return text_too_long(text) or text_with_control(text)


def _step(ledger: Ledger, request_id: int, action: RequestAction, text: str | None) -> RequestDone:
    """One step on an open request. A closed request takes none; closing it again, a second
    press or a colleague's, changes nothing and says so, as any verb run twice, where it was
    refused as an update, with a new request to open. The time it was closed is Rome's, as the
    list prints it (the ledger keeps UTC). A number past `LAST_REQUEST` is none, never asked."""
    if not 0 < request_id <= LAST_REQUEST:
        return RequestDone(None, [UNKNOWN_REQUEST(None, request=request_id)])
    with writing(ledger) as conn:
        found = load_requests(conn, ids=[request_id])
        if not found:
            return RequestDone(None, [UNKNOWN_REQUEST(None, request=request_id)])
        if not (request := found[0]).is_open:
            assert request.closed_at is not None
            when = dict(request=request_id, day=rome_time(request.closed_at), by=request.closed_by)
            if action is RequestAction.CLOSED:
                return RequestDone(request, [REQUEST_ALREADY_CLOSED(None, **when)])
            return RequestDone(None, [REQUEST_CLOSED(None, **when)])
        add_step(conn, request_id, action, text)
        [done] = load_requests(conn, ids=[request_id])
    return RequestDone(done, [])


def listing(master: MasterData, ledger: Ledger, *, open_only: bool = False, customer: str | None = None,
            out: Path | None = None, lang: str) -> RequestList:
    """The requests (only the open ones, only one customer's), and with `out` their workbook."""
    with reading(ledger) as conn:
        found = load_requests(conn, open_only=open_only, customer=customer)
    if out is None:
        return RequestList(found)
    from toolkit.writers.requests import write_requests

    return RequestList(found, write_requests(out, master, found, lang, open_only=open_only))
