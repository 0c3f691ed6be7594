"""Customers' requests and complaints: opened, acted on, closed, with who/when/what kept; the
list and its workbook; a ledger made before the requests' tables gains them on first use."""

from __future__ import annotations

import openpyxl
import pytest

from toolkit.basics.dates import rome_time
from toolkit.basics.vocab import RequestKind, parse
from toolkit.core.requests import RequestAction, RequestStatus
from toolkit.services.requests import act, add, close, listing


def test_kinds_in_both_languages():
    assert parse(RequestKind, "Reclamo") is parse(RequestKind, "complaint") is RequestKind.COMPLAINT
    assert parse(RequestKind, "informazione") is RequestKind.INFORMATION
    assert parse(RequestKind, "reso") is parse(RequestKind, "return") is RequestKind.RETURN
    with pytest.raises(ValueError):
        parse(RequestKind, "lettera")


def test_a_request_keeps_its_history(sample_master, ledger, monkeypatch):
    import toolkit.ledger.requests

    monkeypatch.setattr(toolkit.ledger.requests, "user", lambda: "anna")
    opened = add(sample_master, ledger, "C001", RequestKind.COMPLAINT, "Pallet rotto alla consegna").request
    assert opened is not None and opened.status is RequestStatus.OPEN and opened.opened_by == "anna"
    monkeypatch.setattr(toolkit.ledger.requests, "user", lambda: "marco")
    acted = act(ledger, opened.id, "Chiesto il rimborso al vettore").request
    closed = close(ledger, opened.id, "Nota di credito emessa").request
    assert acted is not None and closed is not None
    assert closed.status is RequestStatus.CLOSED and closed.closed_by == "marco" and closed.closed_at
    assert [(s.action, s.by, s.text) for s in closed.history] == [
        (RequestAction.OPENED, "anna", "Pallet rotto alla consegna"),
        (RequestAction.ACTED, "marco", "Chiesto il rimborso al vettore"),
        (RequestAction.CLOSED, "marco", "Nota di credito emessa")]
    assert [s.at for s in closed.history] == sorted(s.at for s in closed.history)


def test_a_closed_request_takes_no_more_steps(sample_master, ledger):
    opened = add(sample_master, ledger, "C001", RequestKind.REQUEST, "Campioni").request
    assert opened is not None
    close(ledger, opened.id)
    again = act(ledger, opened.id, "ancora")
    assert again.request is None and [p.code for p in again.problems] == ["request-closed"]
    [stored] = listing(sample_master, ledger, lang="it").requests
    assert len(stored.history) == 2


def test_a_request_closed_again_changes_nothing_and_says_when_in_romes_time(sample_master, ledger):
    """Closing a closed request, a second press or a colleague's, was refused, exit 1, as an
    update, «Aprine una nuova se serve»: it is a verb run twice, which changes nothing and says
    so. The time it was closed was the ledger's UTC, an hour off the list's Rome time."""
    opened = add(sample_master, ledger, "C001", RequestKind.REQUEST, "Campioni").request
    assert opened is not None
    closed = close(ledger, opened.id, "Spediti").request
    assert closed is not None and closed.closed_at is not None
    again = close(ledger, opened.id, "Spediti")
    [warned] = again.problems
    when = f"{rome_time(closed.closed_at):%d/%m/%Y %H:%M}"
    assert (warned.code, warned.severity, again.request) == ("request-already-closed", "warning", closed)
    assert warned.message("it") == f"La richiesta {opened.id} è già chiusa dal {when} ({closed.closed_by}): nulla è cambiato."
    [refused] = act(ledger, opened.id, "ancora").problems
    assert refused.message("en").startswith(f"Request {opened.id} was closed on {when} (")
    [stored] = listing(sample_master, ledger, lang="it").requests
    assert len(stored.history) == 2


def test_refused_input_stores_nothing(sample_master, ledger):
    assert [p.code for p in add(sample_master, ledger, "C999", RequestKind.REQUEST, "x").problems] == [
        "request-unknown-customer"]
    assert [p.code for p in add(sample_master, ledger, "C001", RequestKind.REQUEST, "  ").problems] == [
        "request-empty-text"]
    assert [p.code for p in act(ledger, 42, "x").problems] == ["unknown-request"]
    assert listing(sample_master, ledger, lang="it").requests == []


def test_the_list_filters_open_and_customer(sample_master, ledger):
    first = add(sample_master, ledger, "C001", RequestKind.COMPLAINT, "uno").request
    add(sample_master, ledger, "C002", RequestKind.INFORMATION, "due")
    add(sample_master, ledger, "C001", RequestKind.WARRANTY, "tre")
    assert first is not None
    close(ledger, first.id)
    assert [x.text for x in listing(sample_master, ledger, lang="it").requests] == ["uno", "due", "tre"]
    assert [x.text for x in listing(sample_master, ledger, open_only=True, lang="it").requests] == ["due", "tre"]
    assert [x.text for x in listing(sample_master, ledger, open_only=True, customer="C001", lang="it").requests] == ["tre"]


def test_the_workbook_has_the_requests_and_their_history(sample_master, ledger, tmp_path):
    opened = add(sample_master, ledger, "C001", RequestKind.COMPLAINT, "Pallet rotto").request
    assert opened is not None
    act(ledger, opened.id, "Chiamato il vettore")
    add(sample_master, ledger, "C002", RequestKind.RETURN, "Reso di 3 cartoni")
    path = listing(sample_master, ledger, open_only=True, out=tmp_path / "richieste.xlsx", lang="it").file
    assert path is not None
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Richieste", "Storico"]
    requests, history = book["Richieste"], book["Storico"]
    assert requests["A1"].value == "Richieste e reclami aperti"
    rows = [[c.value for c in row] for row in requests.iter_rows(min_row=4)]
    assert [(r[0], r[1], r[3], r[4], r[9]) for r in rows] == [
        (opened.id, "C001", "Reclamo", "Aperta", "Pallet rotto"), (opened.id + 1, "C002", "Reso", "Aperta",
                                                                   "Reso di 3 cartoni")]
    assert "Chiamato il vettore" in rows[0][10]
    steps = [(r[0], r[4], r[5]) for r in ([c.value for c in row] for row in history.iter_rows(min_row=2))]
    assert steps == [(opened.id, "Aperta", "Pallet rotto"), (opened.id, "Azione", "Chiamato il vettore"),
                     (opened.id + 1, "Aperta", "Reso di 3 cartoni")]
    [stored, _] = listing(sample_master, ledger, open_only=True, lang="it").requests
    shown = history["C2"].value
    assert abs((shown - rome_time(stored.history[0].at)).total_seconds()) < 1
    for sheet in (requests, history):
        assert sheet.page_setup.paperSize == 9 and sheet.sheet_properties.pageSetUpPr.fitToPage


def test_a_version_5_ledger_gains_the_request_tables(tmp_path, minimal_master):
    from older_ledgers import older_ledger
    from sqlalchemy import inspect, select

    from toolkit.ledger import open_ledger, schema
    from toolkit.ledger.db import reading

    url = older_ledger(tmp_path, minimal_master, 5, tables=["request_history", "customer_requests"])
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        assert {"customer_requests", "request_history"} <= set(inspect(conn).get_table_names())
    assert listing(minimal_master, upgraded, lang="it").requests == []
    assert add(minimal_master, upgraded, "C001", RequestKind.REQUEST, "Listino").request is not None
    assert [x.text for x in listing(minimal_master, upgraded, lang="it").requests] == ["Listino"]
    upgraded.engine.dispose()


def test_a_text_longer_than_an_excel_cell_is_refused_at_every_step_and_nothing_is_stored(sample_master, ledger, tmp_path):
    """A request of 40,000 characters was stored whole and `requests list --out` printed it cut
    at the 32,767 a cell holds, without a word: the rest of what the customer asked, lost on paper."""
    long = "x" * 40_000
    refused = add(sample_master, ledger, "C001", RequestKind.COMPLAINT, long)
    assert refused.request is None and [p.code for p in refused.problems] == ["request-text-too-long"]
    assert "è lungo 40.000 caratteri, più dei 32.000 che l'elenco delle richieste stampa" in refused.problems[0].message("it")
    opened = add(sample_master, ledger, "C001", RequestKind.COMPLAINT, "x" * 32_000).request
    assert opened is not None
    for step in (act(ledger, opened.id, long), close(ledger, opened.id, long)):
        assert step.request is None and [p.code for p in step.problems] == ["request-text-too-long"]
    [stored] = listing(sample_master, ledger, out=tmp_path / "richieste.xlsx", lang="it").requests
    assert [(s.action, len(s.text or "")) for s in stored.history] == [(RequestAction.OPENED, 32_000)]
    assert openpyxl.load_workbook(tmp_path / "richieste.xlsx")["Richieste"]["J4"].value == "x" * 32_000


def test_a_text_of_emoji_is_bounded_as_excel_counts_it_and_said_as_typed(sample_master, ledger, tmp_path):
    """A cell holds 32,767 UTF-16 units, two an emoji: 17,000 emoji passed as 17,000 characters and
    the list's cell printed 16,383 of them, without a word. Refused, said in the characters typed
    and the count Excel makes; 16,000 fit whole."""
    refused = add(sample_master, ledger, "C001", RequestKind.COMPLAINT, "🍕" * 17_000)
    assert refused.request is None and [p.code for p in refused.problems] == ["request-text-too-long"]
    assert "è lungo 17.000 caratteri, che per Excel sono 34.000, più dei 32.000" in refused.problems[0].message("it")
    assert "has 17,000 characters, which Excel counts as 34,000, more than the 32,000" in refused.problems[0].message("en")
    assert add(sample_master, ledger, "C001", RequestKind.COMPLAINT, "🍕" * 16_000).request is not None
    listing(sample_master, ledger, out=tmp_path / "richieste.xlsx", lang="it")
    assert openpyxl.load_workbook(tmp_path / "richieste.xlsx")["Richieste"]["J4"].value == "🍕" * 16_000


def test_a_text_with_a_control_character_is_refused_at_every_step_and_nothing_is_stored(sample_master, ledger, tmp_path):
    """A text holding ESC, a bell or U+0001 (pasted from a terminal or another program) was stored:
    `requests list` sent the escape to the terminal, which recoloured or cleared the screen, and
    the list's workbook kept it as `_x001B_` in the cell. Refused, naming the characters; a new
    line and a tab stay, and a Windows line end is kept as the one new line a cell shows."""
    hostile = "Pallet \x1b[31mrotto\x07\x01"
    refused = add(sample_master, ledger, "C001", RequestKind.COMPLAINT, hostile)
    assert refused.request is None and [p.code for p in refused.problems] == ["request-text-control-character"]
    assert "contiene U+0001, U+0007, U+001B, un carattere di controllo" in refused.problems[0].message("it")
    opened = add(sample_master, ledger, "C001", RequestKind.COMPLAINT, "Pallet rotto\r\nalla consegna\tlato A").request
    assert opened is not None and opened.text == "Pallet rotto\nalla consegna\tlato A"
    for step in (act(ledger, opened.id, hostile), close(ledger, opened.id, hostile)):
        assert step.request is None and [p.code for p in step.problems] == ["request-text-control-character"]
    [stored] = listing(sample_master, ledger, out=tmp_path / "richieste.xlsx", lang="it").requests
    assert stored.is_open and [s.action for s in stored.history] == [RequestAction.OPENED]
    assert openpyxl.load_workbook(tmp_path / "richieste.xlsx")["Richieste"]["J4"].value == opened.text


def test_a_request_number_past_what_the_ledger_keeps_is_no_request_and_nothing_is_stored(sample_master, ledger):
    """A number of twenty digits (a code pasted in the wrong cell, `--id`) reached the query:
    SQLite raised *Python int too large to convert to SQLite INTEGER* and PostgreSQL *integer out
    of range*, an internal error where a request not there is a problem to fix."""
    opened = add(sample_master, ledger, "C001", RequestKind.REQUEST, "Campioni").request
    assert opened is not None
    for number in (2**31, 2**63, 10**20):
        assert [p.code for p in act(ledger, number, "x").problems] == ["unknown-request"]
        assert [p.code for p in close(ledger, number).problems] == ["unknown-request"]
    [stored] = listing(sample_master, ledger, lang="it").requests
    assert (len(stored.history), stored.is_open) == (1, True)
