"""Hostile or mistaken input on the command line: a clear message and exit 2, never an internal
error (exit 3) or a traceback, and nothing written or lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from desks import copied_desk

from toolkit.cli import app, output


def toolkit(args: list[str], capsys) -> tuple[int, dict, str]:
    """Run one command line in this process with --json: its exit code, its JSON, its stderr."""
    app._register()
    output.reset()
    code = app.run([*args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def message(answer: dict) -> str:
    return " ".join(p["message"] for p in answer["problems"])


@pytest.fixture(scope="module")
def ordered(tmp_path_factory, sample_workbook) -> Path:
    """The sample with April 9 ordered: a ledger with numbers in it."""
    folder = tmp_path_factory.mktemp("ordered")
    workbook = folder / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    app._register()
    output.reset()
    assert app.run(["orders", "create", str(workbook), "--date", "2026-04-09"]) == 0
    return folder


@pytest.fixture
def desk(tmp_path, ordered, capsys) -> Path:
    capsys.readouterr()
    return copied_desk(ordered, tmp_path)


def ledger_of(workbook: Path) -> Path:
    return workbook.with_name(workbook.name + ".ledger.sqlite")


@pytest.mark.parametrize("args", [
    ["orders", "preview", "{wb}", "--date", "0001-01-01"],
    ["orders", "create", "{wb}", "--date", "0001-01-01"],
    ["orders", "preview", "{wb}", "--date", "9999-12-31"],
    ["invoice", "run", "{wb}", "--month", "9999-12", "--out", "{dir}/f"],
    ["report", "sales", "{wb}", "--from", "0001-01-01", "--to", "9999-12-31", "--compare", "previous",
     "--out", "{dir}/r.xlsx"],
    ["calendar", "{wb}", "--from", "0001-01-01", "--to", "9999-12-31"],
])
def test_a_date_outside_the_century_is_a_usage_mistake(args, desk, capsys):
    before = ledger_of(desk).read_bytes()
    filled = [a.format(wb=desk, dir=desk.parent) for a in args]
    code, answer, _ = toolkit(filled, capsys)
    assert code == 2
    assert "solo date dal 2000 al 2099" in message(answer)
    code, answer, _ = toolkit([*filled, "--lang", "en"], capsys)
    assert code == 2
    assert "only dates from 2000 to 2099" in message(answer)
    assert ledger_of(desk).read_bytes() == before
    assert sorted(p.name for p in desk.parent.iterdir()) == ["anagrafiche.xlsx", "anagrafiche.xlsx.ledger.sqlite"]


def _not_a_database(ledger: Path) -> None:
    ledger.write_text("not a database")


def _truncated(ledger: Path) -> None:
    ledger.write_bytes(ledger.read_bytes()[:100_000])


def _another_programs(ledger: Path) -> None:
    import sqlite3

    ledger.unlink()
    with sqlite3.connect(ledger) as conn:
        conn.execute("create table orders(x)")


@pytest.mark.parametrize("spoil, says", [
    (_not_a_database, "is not a usable toolkit ledger (file is not a database)"),
    (_truncated, "is not a usable toolkit ledger (database disk image is malformed)"),
    (_another_programs, "is another program's database, not a toolkit ledger"),
])
@pytest.mark.parametrize("verb", [["orders", "list"], ["invoice", "list"],
                                  ["orders", "create", "{wb}", "--date", "2026-05-04"]])
def test_a_ledger_that_is_not_ours_is_named_with_the_way_out(spoil, says, verb, desk, capsys):
    ledger = ledger_of(desk)
    spoil(ledger)
    before = ledger.read_bytes()
    args = [a.format(wb=desk) for a in verb] if "{wb}" in verb else [*verb, str(desk)]
    code, answer, err = toolkit([*args, "--lang", "en"], capsys)
    assert code == 2
    assert f"The file {ledger} {says}" in message(answer)
    assert "--ledger" in message(answer) and "Traceback" not in err
    assert ledger.read_bytes() == before


def _refused_in_english(desk: Path, args: list[str], code: str, capsys) -> str:
    """The message of `args` run in English on a ledger edited by hand: exit 2 with that one
    code, no traceback, and the ledger's bytes as they were."""
    before = ledger_of(desk).read_bytes()
    exit_code, answer, err = toolkit([*args, "--lang", "en"], capsys)
    assert exit_code == 2 and "Traceback" not in err
    assert [p["code"] for p in answer["problems"]] == [code]
    assert ledger_of(desk).read_bytes() == before
    return message(answer)


@pytest.mark.parametrize("verb", [["orders", "create", "{wb}", "--date", "2026-04-10", "--out", "{wb}.o.xlsx"],
                                  ["print", "ddt", "{wb}", "--date", "2026-04-09", "--out", "{wb}.ddt.xlsx"]])
def test_a_ledger_missing_a_table_is_named_with_the_way_out(verb, desk, capsys):
    """A table dropped by hand (or a copy of part of the tables) was an internal error, «no such
    table: printings» (found by fuzzing the ledger)."""
    import sqlite3

    with sqlite3.connect(ledger_of(desk)) as conn:
        conn.execute("DROP TABLE printings")
    conn.close()
    said = _refused_in_english(desk, [a.format(wb=desk) for a in verb], "ledger-not-a-ledger", capsys)
    assert f"The file {ledger_of(desk)} is not a usable toolkit ledger (no such table: printings)" in said


@pytest.mark.parametrize("given", [False, True], ids=["beside-the-workbook", "--ledger"])
@pytest.mark.parametrize("verb", [["orders", "list"], ["invoice", "list"],
                                  ["orders", "create", "{wb}", "--date", "2026-05-04"]])
def test_an_empty_ledger_file_is_refused_not_started_afresh(verb, given, desk, capsys):
    """A ledger a sync tool or a failed copy left with 0 bytes became a new ledger: its invoice
    and DDT numbers started again at 1, numbers already sent to SDI."""
    ledger = desk.with_name("copia.sqlite") if given else ledger_of(desk)
    ledger.write_bytes(b"")
    args = [a.format(wb=desk) for a in verb] if "{wb}" in verb else [*verb, str(desk)]
    code, answer, err = toolkit([*args, *(["--ledger", f"sqlite:///{ledger}"] if given else [])], capsys)
    assert code == 2 and [p["code"] for p in answer["problems"]] == ["ledger-empty"], answer
    said = message(answer)
    assert f"Il registro {ledger} è vuoto: la numerazione di fatture e DDT non può ripartire da 1" in said
    assert "Ripristina il registro da una copia di sicurezza" in said and "cancella il file vuoto" in said
    assert "Traceback" not in err
    assert ledger.stat().st_size == 0
    assert sorted(p.name for p in desk.parent.iterdir()) == sorted(
        ["anagrafiche.xlsx", "anagrafiche.xlsx.ledger.sqlite", *(["copia.sqlite"] if given else [])])


@pytest.mark.parametrize("spoil", [
    "UPDATE counters SET last = 1 WHERE series = 'OC'",
    "DELETE FROM counters WHERE series = 'OC'",
], ids=["set-back", "deleted"])
def test_a_counter_set_back_by_hand_is_named_with_the_way_out(spoil, desk, capsys):
    """A counter behind the numbers its series holds drew a number already stored, and the
    unique constraint's refusal was an internal error naming it (found by fuzzing the ledger)."""
    import sqlite3

    with sqlite3.connect(ledger_of(desk)) as conn:
        highest = conn.execute("SELECT max(number) FROM orders WHERE series = 'OC'").fetchone()[0]
        conn.execute(spoil)
    conn.close()
    said = _refused_in_english(desk, ["orders", "create", str(desk), "--date", "2026-04-10"], "ledger-counter-behind",
                               capsys)
    counter = 1 if "UPDATE" in spoil else 0
    assert (f"the counter of the series OC of 2026 is at {counter}, but the ledger already holds the number "
            f"{highest}") in said
    assert (f"have whoever looks after the toolkit set it to {highest} (table counters, column last, at the row "
            "series OC, year 2026)") in said


@pytest.mark.parametrize("table, column, value, verb, wants", [
    ("order_lines", "quantity", "'abc'", ["orders", "list", "{wb}"], "a whole number between"),
    ("orders", "occurrence", "'2026-13-45'", ["orders", "list", "{wb}"],
     "a date (YYYY-MM-DD)"),
    ("orders", "status", "'boh'", ["orders", "list", "{wb}"],
     "one of these words: draft, not-accepted, in-progress, completed, closed, voided"),
    ("invoices", "kind", "'fattura'", ["print", "invoices", "{wb}", "--date", "2026-04-09", "--out", "{wb}.x.xlsx"],
     "one of these words: invoice, credit-note"),
], ids=["text-in-a-quantity", "a-month-13", "an-unknown-status", "an-unknown-kind"])
def test_a_value_edited_by_hand_in_the_ledger_is_named_at_its_row(table, column, value, verb, wants, desk, capsys):
    """A hand edit left a text in a quantity, a thirteenth month in a date or a status no order
    has, and the read that met it was an internal error (decimal's ConversionSyntax, «month must
    be in 1..12», KeyError: 'boh') naming neither the table nor the row (found by fuzzing the
    ledger)."""
    import sqlite3

    with sqlite3.connect(ledger_of(desk)) as conn:
        row = conn.execute(f"SELECT min(id) FROM {table}").fetchone()[0]
        conn.execute(f"UPDATE {table} SET {column} = {value} WHERE id = ?", (row,))
    conn.close()
    said = _refused_in_english(desk, [a.format(wb=desk) for a in verb], "ledger-value-unreadable", capsys)
    assert (f"the table {table}, at the row id {row}, holds in the column {column} the value {value}, which the "
            f"toolkit cannot read: it wants {wants}") in said


@pytest.mark.parametrize("spoil, verb, code, says", [
    ("UPDATE counters SET last = 1 WHERE series = 'OC'", ["orders", "create", "{wb}", "--date", "2026-04-10"],
     "ledger-counter-behind", "the counter of the series OC of 2026 is at 1, but the ledger already holds the number"),
    ("UPDATE orders SET status = 'boh' WHERE id = (SELECT min(id) FROM orders)", ["orders", "list", "{wb}"],
     "ledger-value-unreadable", "holds in the column status the value 'boh', which the toolkit cannot read"),
], ids=["counter-set-back", "unknown-status"])
def test_a_team_ledger_edited_by_hand_is_named_too(spoil, verb, code, says, ledger_url, sample_workbook, tmp_path,
                                                   capsys):
    """A server takes a counter set back and a status no order has as SQLite does."""
    from sqlalchemy import create_engine, text

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    assert toolkit(["orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", ledger_url], capsys)[0] == 0
    engine = create_engine(ledger_url)
    with engine.begin() as conn:
        conn.execute(text(spoil))
    engine.dispose()
    answer = toolkit([*(a.format(wb=workbook) for a in verb), "--ledger", ledger_url, "--lang", "en"], capsys)
    assert answer[0] == 2 and "Traceback" not in answer[2]
    assert [p["code"] for p in answer[1]["problems"]] == [code]
    assert says in message(answer[1])


@pytest.mark.parametrize("verb", [["orders", "create", "{wb}", "--date", "2026-04-10"]])
def test_an_order_deleted_by_hand_is_named_with_the_rows_left_behind(verb, desk, capsys):
    """An order deleted in a database browser left its lines: the next order took its id and
    clashed with them (UNIQUE constraint failed: order_lines…), and on the demo's month ship and
    create met them (KeyError: 5, a None formatted as a number): internal errors (found by
    fuzzing the ledger)."""
    import sqlite3

    with sqlite3.connect(ledger_of(desk)) as conn:
        conn.execute("DELETE FROM orders WHERE id = (SELECT max(id) FROM orders)")
    conn.close()
    said = _refused_in_english(desk, [a.format(wb=desk) for a in verb], "ledger-row-orphaned", capsys)
    assert "refers to a row of the table orders that is no longer there" in said


WRITE_DAMAGE_ELSEWHERE = [
    ("UPDATE counters SET last = 1 WHERE series = 'OC'", "the counter of the series OC of 2026 is at 1"),
    ("DELETE FROM orders WHERE id = (SELECT min(id) FROM orders)",
     "refers to a row of the table orders that is no longer there"),
]


@pytest.mark.parametrize("spoil, says", WRITE_DAMAGE_ELSEWHERE, ids=["the-orders-counter-set-back", "orphaned"])
def test_a_write_refused_by_its_own_bug_on_a_ledger_damaged_elsewhere_stays_a_bug(spoil, says, desk, capsys,
                                                                                  monkeypatch):
    """`ship` failing on a constraint for a bug of the toolkit's own (a counter inserted twice),
    on a ledger whose orders' counter was set back, or whose first order was deleted by hand:
    the damage was told as the cause (exit 2), though the clash was in neither the orders nor
    the order's lines. The write stays the internal error it is, the damage a note beside it;
    the damage is the cause where the clash is in its table
    (`test_an_order_deleted_by_hand_is_named_with_the_rows_left_behind`)."""
    import sqlite3

    from sqlalchemy import insert

    from toolkit.ledger import schema
    from toolkit.services import shipping

    with sqlite3.connect(ledger_of(desk)) as conn:
        conn.execute(spoil)
    conn.close()
    before = ledger_of(desk).read_bytes()
    monkeypatch.setattr(shipping, "dated_after", lambda conn, *_: conn.execute(
        insert(schema.counters).values(series="OC", year=2026, last=99)))
    code, answer, err = toolkit(["ship", str(desk), "--date", "2026-04-09", "--all", "--lang", "en"], capsys)
    assert code == 3 and "Traceback" not in err, answer
    assert [p["code"] for p in answer["problems"]] == ["internal-error", "ledger-damage-noted"]
    internal, note = (p["message"] for p in answer["problems"])
    assert "IntegrityError" in internal and "counters" in internal
    assert says in note
    assert ledger_of(desk).read_bytes() == before

def test_a_clean_ledger_is_never_looked_through_and_a_bug_on_it_stays_a_bug(desk, capsys, monkeypatch):
    """The damage of a ledger edited by hand is looked for only once a read or a write has failed,
    and only named when found: a normal day pays no scan, and a bug's KeyError met while reading
    a clean ledger is still told as an internal error, never blamed on the ledger's values."""
    from toolkit.ledger import counters_behind, db

    scanned: list[str] = []
    for module, name in [(db, "_orphaned"), (db, "_unreadable"), (db, "_table_gone"),
                         (counters_behind, "counters_behind")]:
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _n=name, _f=real: scanned.append(_n) or _f(*a))
    for verb in (["orders", "create", str(desk), "--date", "2026-04-10"], ["orders", "list", str(desk)],
                 ["ship", str(desk), "--date", "2026-04-10", "--all"]):
        code, answer, err = toolkit([*verb, "--lang", "en"], capsys)
        assert code == 0, answer
    assert scanned == []

    monkeypatch.setattr(db, "version", {}.__getitem__)  # a KeyError raised in the ledger's reading
    code, answer, err = toolkit(["orders", "list", str(desk), "--lang", "en"], capsys)
    assert code == 3 and [p["code"] for p in answer["problems"]] == ["internal-error"]
    assert "KeyError" in message(answer)
    assert {"_orphaned", "_unreadable"} <= set(scanned)


UNRELATED_DAMAGE = [
    ("DELETE FROM orders WHERE id = (SELECT max(id) FROM orders)", "ledger-row-orphaned",
     "refers to a row of the table orders that is no longer there"),
    ("UPDATE orders SET status = 'boh' WHERE id = (SELECT min(id) FROM orders)", "ledger-value-unreadable",
     "holds in the column status the value 'boh'"),
    ("UPDATE order_lines SET quantity = 'abc' WHERE id = (SELECT min(id) FROM order_lines)",
     "ledger-value-unreadable", "holds in the column quantity the value 'abc'"),
]


def _bug_beside_damage(args: list[str], says: str, capsys, monkeypatch) -> None:
    """`args` run with a bug in the ledger's reading (a KeyError of its own, met where the orders
    are read) on a ledger damaged elsewhere: the bug told as the internal error it is, exit 3,
    and the damage found after it as a note, not as the cause."""
    from toolkit.ledger import orders

    monkeypatch.setattr(orders, "one_array", {}.__getitem__)
    code, answer, err = toolkit([*args, "--lang", "en"], capsys)
    assert code == 3 and "Traceback" not in err
    assert [(p["code"], p["severity"]) for p in answer["problems"]] == [
        ("internal-error", "error"), ("ledger-damage-noted", "warning")]
    internal, note = (p["message"] for p in answer["problems"])
    assert internal.startswith("internal error: KeyError: <sqlalchemy.engine.base.Connection object")
    assert note.startswith("Note: the ledger is damaged too, in a way that does not explain this internal error: In "
                           "the ledger ")
    assert says in note


def test_a_none_met_by_a_bug_is_not_blamed_on_a_row_left_behind(desk, capsys, monkeypatch):
    """A bug formatting a None (TypeError: … NoneType.__format__) on a ledger whose last order
    was deleted by hand: any such TypeError was taken for the deleted order met, exit 2. It is
    the orphan's only where the failure held the deleted order's id under its column's name (the
    holds of the order deleted: `_holds`'s order_id), else the bug it is, the damage noted."""
    import sqlite3

    from toolkit.ledger import orders

    with sqlite3.connect(ledger_of(desk)) as conn:
        conn.execute(UNRELATED_DAMAGE[0][0])
    conn.close()
    monkeypatch.setattr(orders, "one_array", lambda *_: f"{None:05d}")
    code, answer, err = toolkit(["orders", "list", str(desk), "--lang", "en"], capsys)
    assert code == 3 and "Traceback" not in err, answer
    assert [p["code"] for p in answer["problems"]] == ["internal-error", "ledger-damage-noted"]
    internal, note = (p["message"] for p in answer["problems"])
    assert "TypeError" in internal and "NoneType" in internal
    assert UNRELATED_DAMAGE[0][2] in note


def test_the_holds_of_an_order_deleted_by_hand_are_named_as_its_rows_left_behind(tmp_path, capsys):
    """The demo's month, an order held deleted by hand: `ship` naming the holds it wakes met the
    order's number None (TypeError: … NoneType.__format__), the deleted order's id at hand: the
    row left behind is the cause, exit 2, nothing written."""
    import sqlite3

    from toolkit.services.demo import run_demo

    run_demo(tmp_path / "demo", "en")
    workbook = tmp_path / "demo" / "anagrafiche.xlsx"
    with sqlite3.connect(ledger_of(workbook)) as conn:
        conn.execute("DELETE FROM orders WHERE id = (SELECT max(order_id) FROM holds)")
    conn.close()
    capsys.readouterr()
    said = _refused_in_english(workbook, ["ship", str(workbook), "--date", "2026-04-30", "--all"],
                               "ledger-row-orphaned", capsys)
    assert "refers to a row of the table orders that is no longer there" in said


@pytest.mark.parametrize("spoil, code, says", UNRELATED_DAMAGE, ids=["orphaned", "unknown-status", "text-in-a-quantity"])
def test_a_bug_meeting_a_ledger_damaged_elsewhere_stays_a_bug_and_the_damage_a_note(spoil, code, says, desk, capsys,
                                                                                    monkeypatch):
    """A ledger edited by hand somewhere, and a read failing for a bug of the toolkit's own: the
    damage found once the read failed was told as the cause (exit 2, restore the ledger), the bug
    hidden; restoring the ledger would not have mended it. The damage is told as the cause only
    where it can be (`test_a_value_edited_by_hand_in_the_ledger_is_named_at_its_row`)."""
    import sqlite3

    with sqlite3.connect(ledger_of(desk)) as conn:
        conn.execute(spoil)
    conn.close()
    _bug_beside_damage(["orders", "list", str(desk)], says, capsys, monkeypatch)


def test_a_bug_meeting_a_team_ledger_damaged_elsewhere_stays_a_bug_too(ledger_url, sample_workbook, tmp_path, capsys,
                                                                     monkeypatch):
    """A word no column takes, on either database named by --ledger: the scans differ (a server
    holds its foreign keys and types), the word is looked for in both."""
    from sqlalchemy import create_engine, text

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    assert toolkit(["orders", "create", str(workbook), "--date", "2026-04-09", "--ledger", ledger_url], capsys)[0] == 0
    engine = create_engine(ledger_url)
    with engine.begin() as conn:
        conn.execute(text(UNRELATED_DAMAGE[1][0]))
    engine.dispose()
    _bug_beside_damage(["orders", "list", str(workbook), "--ledger", ledger_url], UNRELATED_DAMAGE[1][2], capsys,
                       monkeypatch)


def test_an_empty_ledger_is_named_in_english_with_the_way_out(desk, capsys):
    ledger_of(desk).write_bytes(b"")
    code, answer, _ = toolkit(["orders", "create", str(desk), "--date", "2026-05-04", "--lang", "en"], capsys)
    assert code == 2
    assert message(answer) == (
        f"The ledger {ledger_of(desk)} is empty: the numbering of invoices and DDTs cannot safely restart from 1, "
        "as it could issue numbers already used, so nothing was written. Restore the ledger from a backup or, if "
        "this really is a new desk that never issued a document, delete the empty file.")


def test_a_sqlite_file_with_no_tables_is_an_empty_ledger_too(desk, capsys):
    """The toolkit never leaves a ledger file without its schema, so one is not its to fill."""
    import sqlite3

    ledger = ledger_of(desk)
    ledger.unlink()
    with sqlite3.connect(ledger) as conn:
        conn.execute("PRAGMA user_version = 7")
    before = ledger.read_bytes()
    code, answer, _ = toolkit(["orders", "create", str(desk), "--date", "2026-05-04"], capsys)
    assert code == 2 and [p["code"] for p in answer["problems"]] == ["ledger-empty"], answer
    assert ledger.read_bytes() == before


@pytest.mark.parametrize("given", ["{missing}/registro.sqlite", "sqlite:///{missing}/registro.sqlite"])
def test_a_ledger_on_a_drive_not_connected_names_the_folder_in_the_desks_words(given, desk, capsys):
    """A `--ledger` on a USB drive or a network folder not connected said «Non riesco ad aprire
    il registro sqlite:////…: /… does not exist», the address rewritten as a URL the desk never
    typed and the reason in English amid the Italian. Nothing is written, in either language."""
    missing = desk.parent / "E-drive-not-connected"
    before = ledger_of(desk).read_bytes()
    given = given.format(missing=missing)
    code, answer, err = toolkit(["orders", "create", str(desk), "--date", "2026-05-04", "--ledger", given], capsys)
    assert code == 2 and [p["code"] for p in answer["problems"]] == ["ledger-folder-missing"], answer
    assert message(answer) == (
        f"Il registro {missing}/registro.sqlite è in una cartella che non c'è, {missing}: un disco o una cartella "
        "di rete non collegati, o il percorso scritto male. Non ho scritto nulla. Collega il disco (o la cartella "
        "condivisa) e ripeti, oppure correggi il percorso in --ledger (o TOOLKIT_LEDGER_URL).")
    code, answer, _ = toolkit(["orders", "list", str(desk), "--ledger", given, "--lang", "en"], capsys)
    assert code == 2 and message(answer).startswith(
        f"The ledger {missing}/registro.sqlite is in a folder that is not there, {missing}: a drive"), answer
    assert "does not exist" not in message(answer) and "Traceback" not in err
    assert not missing.exists() and ledger_of(desk).read_bytes() == before


def test_a_ledger_locked_by_another_program_says_so(desk, capsys):
    import sqlite3

    holder = sqlite3.connect(ledger_of(desk), isolation_level=None)
    holder.execute("PRAGMA busy_timeout=0")
    holder.execute("begin exclusive")
    try:
        from toolkit.ledger import db

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(db, "SQLITE_BUSY_MS", 100)
            code, answer, _ = toolkit(["orders", "create", str(desk), "--date", "2026-05-04", "--wait", "0.5",
                                       "--lang", "en"], capsys)
    finally:
        holder.rollback()
        holder.close()
    assert code == 2
    assert f"The ledger {ledger_of(desk)} is locked by another program" in message(answer)
    assert "Check the address" not in message(answer)


def test_workbook_build_out_an_xlsx_is_a_usage_mistake(tmp_path, capsys):
    """`workbook build` has no --json: its usage mistake is click's, on stderr."""
    app._register()
    output.reset()
    code = app.run(["workbook", "build", "--out", str(tmp_path / "wb-out.xlsx")])
    err = capsys.readouterr().err
    assert code == 2
    assert "--out cannot write a .xlsx file, only .xlsm" in err and "errore interno" not in err
    assert list(tmp_path.iterdir()) == []


FOLDERS = {"demo", "einvoice", "invoice run", "invoice finalize", "invoice undo", "invoice export", "discounts settle",
           "commissions", "convert"}
"""The verbs whose --out is a folder they fill: any suffix is a folder's name."""


def file_outputs() -> list[tuple[str, str]]:
    """Every (verb, option) naming one file the verb writes: each --out or --report of every
    command but the folders'. A new verb writing a file is found here without being listed."""
    import typer.main

    app._register()
    found = []

    def walk(command, words):
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])
        for param in getattr(command, "params", ()):
            for option in {"--out", "--report"} & set(param.opts):
                if " ".join(words) not in FOLDERS:
                    found.append((" ".join(words), option))

    walk(typer.main.get_command(app.app), [])
    return sorted(found)


def test_every_verb_writing_a_file_is_found():
    assert {verb for verb, _ in file_outputs()} >= {"print", "report", "ship", "check", "calendar", "panel",
                                                    "payments status", "workbook build"}


@pytest.mark.parametrize(("verb", "option"), file_outputs())
def test_an_output_file_the_verb_cannot_write_is_refused_before_anything_is_read(verb, option, tmp_path, capsys):
    """`print ddt … --out p.txt` wrote an .xlsx workbook under a .txt name. The refusal comes
    while parsing, before the workbook (here not even given) is read: exit 2, nothing written."""
    output.reset()
    code = app.run([*verb.split(), option, str(tmp_path / "p.txt")])
    err = capsys.readouterr().err
    accepted = ".xlsm" if verb == "workbook build" else ".xlsx"
    assert code == 2
    assert f"Invalid value for {option}: «p.txt»: {option} non scrive file .txt, solo {accepted} / " in err
    assert f"{option} cannot write a .txt file, only {accepted}" in err
    assert list(tmp_path.iterdir()) == []


def folder_outputs() -> list[str]:
    """Every verb whose --out is a folder it fills (`FOLDERS`), as the commands declare them."""
    import typer.main

    app._register()
    found = []

    def walk(command, words):
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])
        if " ".join(words) in FOLDERS and any("--out" in p.opts for p in getattr(command, "params", ())):
            found.append(" ".join(words))

    walk(typer.main.get_command(app.app), [])
    return sorted(found)


@pytest.mark.parametrize("verb", folder_outputs())
@pytest.mark.parametrize("name", ["fx.xlsx", "e.zip", "r.CSV"])
def test_an_output_folder_named_like_a_file_is_refused_and_nothing_is_made(verb, name, tmp_path, capsys):
    """`invoice export --out fx.xlsx` made a folder named fx.xlsx, which the desk took for a file."""
    assert sorted(folder_outputs()) == sorted(FOLDERS)
    output.reset()
    code = app.run([*verb.split(), "--out", str(tmp_path / name)])
    err = capsys.readouterr().err
    assert code == 2
    bare = name.split(".")[0]
    assert (f"Errore: Valore non valido per --out: «{name}»: --out è una cartella, non un file .{name.split('.')[1]}: "
            f"scrivi il nome di una cartella, ad esempio «{bare}»") in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_named_like_a_file_that_exists_is_a_folder(tmp_path, capsys):
    (tmp_path / "old.xml").mkdir()
    output.reset()
    assert app.run(["sample", str(tmp_path / "old.xml")]) == 0
    assert (tmp_path / "old.xml" / "anagrafiche.xlsx").is_file()
    assert app.run(["sample", str(tmp_path / "new.xlsx")]) == 2
    assert "Errore: Valore non valido per DIR: «new.xlsx»: DIR è una cartella" in capsys.readouterr().err
    assert not (tmp_path / "new.xlsx").exists()


@pytest.mark.parametrize("folder", [".", "..", "./"])
def test_an_output_file_named_as_a_folder_is_told_as_the_folder_typed(folder, tmp_path, monkeypatch, capsys):
    """`report … --out .` (the folder the desk is in, as `sample .` takes it) was told
    «»: --out non scrive file senza estensione: the name shown was the folder's last, which a dot
    has not, and a folder was called a file without a suffix."""
    monkeypatch.chdir(tmp_path)
    output.reset()
    code = app.run(["report", "vendite", "anagrafiche.xlsx", "--to", "2026-04-30", "--out", folder])
    err = capsys.readouterr().err
    assert code == 2
    typed = str(Path(folder))
    assert (f"Errore: Valore non valido per --out: «{typed}» è una cartella: --out vuole il nome del file da "
            f"scrivere, ad esempio «{Path(typed) / 'report.xlsx'}»\n") in err, err
    assert f"“{typed}” is a folder: --out wants the name of the file to write" in err
    assert list(tmp_path.iterdir()) == []


def test_print_to_a_pdf_name_says_how_to_get_the_pdf(desk, capsys):
    """The PDF comes beside the workbook with --pdf; --out names the workbook."""
    code, answer, _ = toolkit(["print", "orders", str(desk), "--date", "2026-04-09", "--out",
                               str(desk.parent / "ordini.pdf")], capsys)
    assert code == 2
    assert "--out cannot write a .pdf file, only .xlsx (il PDF: --out FILE.xlsx --pdf" in message(answer)
    assert not (desk.parent / "ordini.pdf").exists()


def test_an_output_suffix_in_capitals_is_the_same_suffix(desk, capsys):
    code, answer, _ = toolkit(["print", "orders", str(desk), "--date", "2026-04-09", "--out",
                               str(desk.parent / "ORDINI.XLSX")], capsys)
    assert code == 0, answer
    assert (desk.parent / "ORDINI.XLSX").exists()


@pytest.mark.parametrize("args", [
    ["ship", "{wb}", "--date", "2026-04-09", "--all", "--quantities", "{csv}"],
    ["payments", "import", "{wb}", "{csv}"],
])
def test_a_csv_field_longer_than_the_csv_module_reads_is_the_files_problem(args, desk, capsys):
    """A field of 200,000 characters stopped Python's csv module ("field larger than field
    limit"), which the user saw as an internal error."""
    spoilt = desk.with_name("righe.csv")
    spoilt.write_text("Ordine;Articolo;Quantità\nOC-2026-00001;A001;" + "9" * 200_000 + "\n", encoding="utf-8")
    before = ledger_of(desk).read_bytes()
    code, answer, err = toolkit([a.format(wb=desk, csv=spoilt) for a in args], capsys)
    assert code == 2 and [p["code"] for p in answer["problems"]] == ["csv-field-too-long"], answer
    assert "righe.csv" in message(answer) and "Traceback" not in err
    assert "alla riga 2 un valore di più di 131.072 caratteri, che nessuna cella tiene" in message(answer)
    assert "field limit" not in message(answer)
    assert ledger_of(desk).read_bytes() == before


def _folder(path: Path) -> None:
    path.mkdir()


def _nul(path: Path) -> None:
    path.write_bytes(b"Fattura;Data;Importo\r\nFT-2026-00001;15/05/2026;87,52\x00\r\n")


def _late_nul(path: Path) -> None:
    path.write_bytes(b"Fattura;Data;Importo\r\n" + b"FT-2026-00001;15/05/2026;1,00\r\n" * 300 + b"FT-2026-00001;15/05/2026;"
                     b"87,52\x00\r\n")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize("spoil, code, says", [
    (_folder, "file-is-folder", "is a folder, not a file"),
    (_nul, "csv-unreadable", "cannot be read as CSV (binary content"),
    (_late_nul, "csv-unreadable", "cannot be read as CSV (binary content"),
    (_empty, "file-empty", "is empty (0 bytes)"),
])
@pytest.mark.parametrize("args", [
    ["ship", "{wb}", "--date", "2026-04-09", "--all", "--quantities", "{csv}"],
    ["payments", "import", "{wb}", "{csv}"],
])
def test_a_text_input_that_is_no_csv_is_named_as_the_guard_names_a_workbook(args, spoil, code, says, desk, capsys):
    """A folder named `incassi.csv` was an internal error (exit 3); a NUL byte showed as a cell
    «87,52» refused as no amount; an empty file as a sheet «?» lacking its columns."""
    spoilt = desk.with_name("incassi.csv")
    spoil(spoilt)
    before = ledger_of(desk).read_bytes()
    answer_code, answer, err = toolkit([*(a.format(wb=desk, csv=spoilt) for a in args), "--lang", "en"], capsys)
    assert answer_code == 2 and [p["code"] for p in answer["problems"]] == [code], answer
    assert f"{spoilt} {says}" in message(answer) and "Traceback" not in err
    assert ledger_of(desk).read_bytes() == before


@pytest.mark.parametrize("args", [
    ["check", "{wb}", "--report", "{out}/c.xlsx"],
    ["panel", "{wb}", "--out", "{out}/p.xlsx"],
    ["calendar", "{wb}", "--from", "2026-04-06", "--to", "2026-04-10", "--out", "{out}/k.xlsx"],
    ["distribution", "{wb}", "--date", "2026-04-09", "--out", "{out}/d.xlsx"],
    ["payments", "status", "{wb}", "--out", "{out}/s.xlsx"],
    ["einvoice", "{wb}", "--month", "2026-04", "--out", "{out}/fe"],
])
def test_an_output_folder_that_cannot_be_made_is_refused_before_anything_is_done(args, desk, capsys):
    """A folder that cannot be written (here under a file, which even root cannot make a folder
    of) gave an OSError as an internal error from six verbs, after their work."""
    blocker = desk.with_name("not-a-folder")
    blocker.write_text("a file")
    before = ledger_of(desk).read_bytes()
    app._register()
    output.reset()
    code = app.run([a.format(wb=desk, out=blocker) for a in args])
    said = capsys.readouterr()
    option = "--report" if "--report" in args else "--out"
    assert code == 2 and f"Scegli un'altra cartella per {option}." in said.out + said.err, said
    assert "Traceback" not in said.err and ledger_of(desk).read_bytes() == before


@pytest.mark.parametrize("args", [
    ["report", "sales", "{wb}", "--from", "2026-04-01", "--to", "2026-04-30", "--customer", "C001,C002X",
     "--out", "{dir}/r.xlsx"],
    ["orders", "list", "{wb}", "--customer", "C002X"],
    ["payments", "status", "{wb}", "--customer", "C002X", "--out", "{dir}/s.xlsx"],
    ["requests", "list", "{wb}", "--customer", "C002X", "--out", "{dir}/q.xlsx"],
    ["invoice", "{wb}", "--month", "2026-04", "--customer", "C002X", "--out", "{dir}/fatture"],
    ["invoice", "run", "{wb}", "--month", "2026-04", "--customer", "C002X", "--preview"],
])
def test_a_filter_naming_a_customer_not_in_the_master_is_refused(args, desk, capsys):
    """A typo in a filter (a letter too many; a code in lower case is the code itself,
    `test_lenient_codes`) gave an empty report or list and exit 0: now exit 2, the option and
    the code named, the closest customer suggested, nothing written."""
    before = sorted(desk.parent.iterdir())
    code, answer, err = toolkit([a.format(wb=desk, dir=desk.parent) for a in args] + ["--lang", "en"], capsys)
    assert code == 2 and answer["problems"][0]["code"] == "option-unknown-code"
    assert message(answer).startswith("--customer: C002X not found on the Customers sheet. Did you mean C002")
    assert "toolkit: --customer: C002X not found" in err
    assert sorted(desk.parent.iterdir()) == before


def test_invoice_release_naming_a_customer_not_in_the_master_is_refused_storing_nothing(desk, capsys):
    before = ledger_of(desk).read_bytes()
    code, answer, _ = toolkit(["invoice", str(desk), "--month", "2026-04", "--release", "C002,C001X",
                               "--out", str(desk.parent / "fatture")], capsys)
    assert code == 2 and answer["problems"][0]["code"] == "option-unknown-code"
    assert message(answer).startswith("--release: nel foglio Clienti non trovo C001X. Forse: C001")
    assert ledger_of(desk).read_bytes() == before and not (desk.parent / "fatture").exists()


@pytest.mark.parametrize(("args", "said"), [
    (["ship", "{wb}", "--date", "2026-04-09", "--all", "--carrier", "V9", "--out", "{dir}/d.xlsx"],
     "--carrier: nel foglio Vettori non trovo V9. Codici nel foglio: V01, V02, V03, V04."),
    (["requests", "add", "{wb}", "--customer", "C001X", "--kind", "reclamo", "--text", "Merce rotta"],
     "--customer: nel foglio Clienti non trovo C001X. Forse: C001, C030, C021?"),
    (["orders", "create", "{wb}", "--date", "2026-04-10", "--only", "T0011", "--out", "{dir}/o.xlsx"],
     "--only: nel foglio Modelli ordine non trovo T0011. Forse: T011, T001, T040?"),
    (["orders", "create", "{wb}", "--date", "2026-04-10", "--exclude", "T001,X1"],
     "--exclude: nel foglio Modelli ordine non trovo X1. Controlla il codice."),
    (["prices", "{wb}", "--list", "LX", "--date", "2026-04-09", "--out", "{dir}/p.xlsx"],
     "--list: nel foglio Listini non trovo LX. Codici nel foglio: BASE, HORECA, INGROSSO."),
])
def test_every_option_naming_master_data_refuses_an_unknown_code_alike(args, said, desk, capsys):
    """`ship --carrier V9` and `requests add --customer C001X` exited 1 with no suggestion,
    while the filters exit 2 suggesting close codes: now every such option is refused alike,
    before anything is stored or written."""
    before, stored = sorted(desk.parent.iterdir()), ledger_of(desk).read_bytes()
    code, answer, err = toolkit([a.format(wb=desk, dir=desk.parent) for a in args], capsys)
    assert (code, [p["code"] for p in answer["problems"]]) == (2, ["option-unknown-code"])
    assert message(answer) == said and f"toolkit: {said}" in err
    assert sorted(desk.parent.iterdir()) == before and ledger_of(desk).read_bytes() == stored


def test_every_option_naming_master_data_is_checked():
    """A new option naming a customer, item, carrier, template or price list joins the test above."""
    import typer.main

    app._register()
    named = {"--customer", "--item", "--carrier", "--only", "--exclude", "--list", "--release"}
    found = set()

    def walk(command, words):
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])
        for param in getattr(command, "params", ()):
            found.update((" ".join(words), option) for option in named & set(param.opts))

    walk(typer.main.get_command(app.app), [])
    assert found == {("ship", "--carrier"), ("requests add", "--customer"), ("orders create", "--only"),
                     ("orders create", "--exclude"), ("prices", "--list"), ("invoice run", "--customer"),
                     ("invoice run", "--release"), ("orders list", "--customer"), ("payments status", "--customer"),
                     ("requests list", "--customer"), ("report", "--customer"), ("report", "--item")}


def test_a_report_filter_names_every_unknown_item_and_says_so_in_italian(desk, capsys):
    code, answer, _ = toolkit(["report", "sales", str(desk), "--from", "2026-04-01", "--to", "2026-04-30",
                               "--item", "XYZ,A001,A0015", "--out", str(desk.parent / "r.xlsx")], capsys)
    assert code == 2
    assert message(answer) == "--item: nel foglio Articoli non trovo A0015, XYZ. Forse: A015, A005, A001?"
    assert not (desk.parent / "r.xlsx").exists()


def test_a_filter_naming_known_codes_still_reports(desk, capsys):
    code, answer, _ = toolkit(["report", "sales", str(desk), "--from", "2026-04-01", "--to", "2026-04-30",
                               "--customer", "C001,C002", "--out", str(desk.parent / "r.xlsx")], capsys)
    assert code == 0, answer
    assert answer["groups"] >= 1


def test_a_counter_behind_says_in_italian_where_to_set_it():
    from toolkit.ledger.counters_behind import Behind, told

    assert told(Behind("OC", 2026, 1, 15), "registro.sqlite").message("it").endswith(
        "fai riportare il contatore a 15 da chi cura il toolkit (tabella counters, colonna last, alla riga serie OC, "
        "anno 2026), poi ripeti il comando.")
