"""`toolkit ledger move`: a desk's SQLite ledger into the team's PostgreSQL ledger. The demo's
April moves whole: every list, print and report reads the same after it, and the next order,
DDT and invoice follow the desk's last ones; each refusal writes nothing."""

from __future__ import annotations

import shutil
import sqlite3

import openpyxl
import pytest
from conftest import PG_REASON, PG_URL, pg_databases
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from test_printing import cli, numbers, stored

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.move import tables_in

pytestmark = pytest.mark.postgres

WORKBOOK = "anagrafiche.xlsx"
OWN = WORKBOOK + ".ledger.sqlite"
MOVED = WORKBOOK + ".ledger-moved.sqlite"


@pytest.fixture(scope="module")
def april(tmp_path_factory, request):
    """The demo's April on its SQLite ledger, with a customer's request whose text has accents and €,
    and a payment (the demo records none)."""
    if not PG_URL:
        pytest.skip(PG_REASON)
    out = request.getfixturevalue("demo_april").copy(tmp_path_factory.mktemp("april") / "demo")
    assert cli_code("requests", "add", out / WORKBOOK, "--customer", "C001", "--kind", "reclamo",
                    "--text", "Più caffè, sconto di 12,50 € sull'ordine «urgente»") == 0
    assert cli_code("payments", "record", out / WORKBOOK, "--invoice", "FT-2026-00001", "--date", "2026-05-02",
                    "--amount", "100,07", "--reference", "CRO 0042 – saldo parziale") == 0
    return out


def cli_code(*args) -> int:
    from toolkit.cli.app import _register, run

    _register()
    return run([str(a) for a in args])


@pytest.fixture
def desks(tmp_path, april):
    """Two copies of April's desk: one stays on SQLite, the other moves; and an empty database."""
    alone, team = tmp_path / "alone", tmp_path / "team"
    for folder in (alone, team):
        shutil.copytree(april, folder)
    with pg_databases(1) as (url,):
        yield alone / WORKBOOK, team / WORKBOOK, url


def values(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def sqlite_counts(file) -> dict[str, int]:
    with sqlite3.connect(file) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def test_april_moves_whole_and_every_output_reads_the_same(capsys, desks, monkeypatch):
    import toolkit.ledger.move as move

    alone, team, url = desks
    before = sqlite_counts(team.with_name(OWN))
    copied, copy_rows = [], move.copy_in.copy_rows
    monkeypatch.setattr(move.copy_in, "copy_rows", lambda conn, table, *rest: (copied.append(table.name),
                                                                               copy_rows(conn, table, *rest)))
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 0, said
    assert set(copied) == set(before) - {"schema_version"}, "a table of the schema, empty or not, is copied"
    assert not team.with_name(OWN).exists() and team.with_name(MOVED).is_file()
    orders, ddts, invoices = (stored(f"sqlite:///{alone.with_name(OWN)}")[k]
                              for k in ("orders", "deliveries", "invoices"))
    assert f"{orders} ordini" in said and "OC-2026-00188" in said and "FT-2026-00074" in said
    with reading(open_ledger(url)) as conn:
        assert tables_in(conn) == set(before) == set(schema.metadata.tables), "every table of the file, none left out"
        after = {name: conn.execute(select(func.count()).select_from(schema.metadata.tables[name])).scalar_one()
                 for name in before}
    assert after == {**before, "events": before["events"] + 1}, "each table's rows, and the move logged"

    for verb in (["invoice", "list"], ["orders", "list"], ["payments", "status", "--json"], ["requests", "list"]):
        on_sqlite = cli(capsys, *verb, alone)
        on_server = cli(capsys, *verb, team, "--ledger", url)
        assert on_sqlite[0] == on_server[0] == 0 and on_sqlite[1] == on_server[1], verb
    assert "Più caffè, sconto di 12,50 € sull'ordine «urgente»" in on_server[1]
    for args in (["print", "invoices", "--date", "2026-04-01", "--to", "2026-04-30"],
                 ["print", "ddt", "--date", "2026-04-01", "--to", "2026-04-30"],
                 ["report", "fatturato", "--from", "2026-04-01", "--to", "2026-04-30"],
                 ["report", "scadenziario", "--from", "2026-04-01", "--to", "2026-05-31"]):
        written = []
        for workbook, ledger in ((alone, []), (team, ["--ledger", url])):
            out = workbook.parent / f"{args[1]}-{args[2]}.xlsx"
            code, said = cli(capsys, *args[:2], workbook, *args[2:], "--out", out, *ledger)
            assert code == 0, said
            written.append(values(out))
        assert written[0] == written[1], args


def test_the_next_order_ddt_and_invoice_follow_the_desks_last(capsys, desks):
    alone, team, url = desks
    assert cli(capsys, "ledger", "move", team, "--to", url)[0] == 0
    days = ((["orders", "create"], ["--date", "2026-05-04"]), (["ship"], ["--date", "2026-05-04", "--all"]),
            (["invoice"], ["--month", "2026-05", "--final", "--out"]))
    for verb, args in days:
        for workbook, ledger in ((alone, []), (team, ["--ledger", url])):
            out = [workbook.parent / "maggio"] if verb == ["invoice"] else []
            code, said = cli(capsys, *verb, workbook, *args, *out, *ledger)
            assert code in (0, 1), said
    for table in (schema.orders, schema.deliveries, schema.invoices):
        on_sqlite = numbers(f"sqlite:///{alone.with_name(OWN)}", table)
        assert numbers(url, table) == on_sqlite, table.name
    assert "OC-2026-00189" in numbers(url, schema.orders)
    assert "DDT-2026-00137" in numbers(url, schema.deliveries)
    assert "FT-2026-00075" in numbers(url, schema.invoices)


def test_the_workbook_goes_on_with_the_team_ledger_and_without_it_is_refused(capsys, desks, monkeypatch):
    """Before the move an empty team ledger was refused beside the SQLite history; after it the
    workbook works with TOOLKIT_LEDGER_URL, and without it finds no ledger of its own to start from 1."""
    _, team, url = desks
    monkeypatch.setenv("TOOLKIT_LEDGER_URL", url)
    code, said = cli(capsys, "orders", "create", team, "--date", "2026-05-04")
    assert code == 2 and "toolkit ledger move" in said, said
    assert cli(capsys, "ledger", "move", team)[0] == 0, "--to from TOOLKIT_LEDGER_URL"
    code, said = cli(capsys, "orders", "create", team, "--date", "2026-05-04")
    assert code == 0, said
    monkeypatch.delenv("TOOLKIT_LEDGER_URL")
    code, said = cli(capsys, "orders", "create", team, "--date", "2026-05-05")
    assert code == 2 and "è stato spostato nel registro del team" in said and str(team.with_name(MOVED)) in said
    assert not team.with_name(OWN).exists(), "no new ledger numbered from 1"
    code, said = cli(capsys, "invoice", "list", team)
    assert code == 2 and "TOOLKIT_LEDGER_URL" in said
    code, said = cli(capsys, "orders", "create", team, "--date", "2026-05-05", "--ledger", team.with_name(OWN))
    assert code == 2 and "è stato spostato" in said and not team.with_name(OWN).exists(), "named, it is refused too"


def test_a_team_ledger_holding_documents_is_refused(capsys, desks):
    alone, team, url = desks
    assert cli(capsys, "ledger", "move", team, "--to", url)[0] == 0
    before = stored(url)
    code, said = cli(capsys, "ledger", "move", alone, "--to", url)
    assert code == 2 and "contiene già dei documenti (orders 188, deliveries 137, invoices 80, payments 1, …)" in said
    assert "Non ho scritto nulla" in said, said
    assert stored(url) == before and alone.with_name(OWN).is_file() and not alone.with_name(MOVED).exists()


def test_a_failed_check_leaves_the_team_ledger_as_it_was(capsys, desks, monkeypatch):
    import toolkit.ledger.move as move

    _, team, url = desks
    counted = move._figures
    monkeypatch.setattr(move, "_figures", lambda conn, table: counted(conn, table) + (conn.dialect.name == "postgresql",))
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2 and "ho annullato tutto" in said, said
    with reading(open_ledger(url)) as conn:
        assert not any(conn.execute(select(func.count()).select_from(t)).scalar_one()
                       for t in schema.metadata.sorted_tables if t is not schema.schema_version)
    assert team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()


def test_a_newer_ledger_is_refused(capsys, desks):
    _, team, url = desks
    with sqlite3.connect(team.with_name(OWN)) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2 and "più recente di questo toolkit" in said, said
    assert stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0} and team.with_name(OWN).is_file()


def test_an_older_ledger_is_upgraded_and_moved(capsys, tmp_path, sample_master, sample_workbook):
    from older_ledgers import older_ledger

    if not PG_URL:
        pytest.skip(PG_REASON)
    workbook = tmp_path / WORKBOOK
    shutil.copyfile(sample_workbook, workbook)
    older_ledger(tmp_path, sample_master, 33, columns={"orders": ["parties_id"]})
    (tmp_path / "v33.sqlite").rename(workbook.with_name(OWN))
    with pg_databases(1) as (team,):
        code, said = cli(capsys, "ledger", "move", workbook, "--to", team)
        assert code == 0, said
        assert numbers(team, schema.orders) == numbers(sqlite_url_of(workbook.with_name(MOVED)), schema.orders)
        with reading(open_ledger(team)) as conn:
            assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION


def sqlite_url_of(file) -> str:
    return f"sqlite:///{file}"


def test_a_server_not_reached_is_refused(capsys, desks):
    _, team, _ = desks
    code, said = cli(capsys, "ledger", "move", team, "--to", "postgresql://toolkit:toolkit@127.0.0.1:1/nessuno")
    assert code == 2 and "Il server del registro" in said and "non risponde" in said, said
    assert team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()


@pytest.mark.parametrize("typed", ["postgres://anna:segreta@127.0.0.1:1/ordini",
                                   "postgresql://anna:segreta@127.0.0.1:1/ordini"])
def test_an_address_is_shown_with_the_scheme_the_desk_typed(capsys, desks, typed):
    """A desk typing postgresql:// (or the hosts' postgres://) read postgresql+psycopg:// back,
    the driver the toolkit chose, in a message about its own address."""
    _, team, _ = desks
    scheme = typed.split("://")[0]
    code, said = cli(capsys, "orders", "create", team, "--date", "2026-04-09", "--ledger", typed)
    assert code == 2 and f"Il server del registro {scheme}://anna:***@127.0.0.1:1/ordini non risponde" in said, said
    assert "+psycopg" not in said and "segreta" not in said


def test_a_colleague_writing_the_file_is_waited_for_then_refused(capsys, desks):
    _, team, url = desks
    colleague = sqlite3.connect(team.with_name(OWN), isolation_level=None)
    colleague.execute("BEGIN IMMEDIATE")
    try:
        code, said = cli(capsys, "ledger", "move", team, "--to", url, "--wait", "0")
    finally:
        colleague.execute("ROLLBACK")
        colleague.close()
    assert code == 2 and "occupato" in said and "non ho scritto nulla" in said, said
    assert stored(url) == {"orders": 0, "deliveries": 0, "invoices": 0} and team.with_name(OWN).is_file()


def test_a_target_that_is_not_postgresql_and_a_missing_file_are_refused(capsys, desks, tmp_path):
    alone, _, url = desks
    code, said = cli(capsys, "ledger", "move", alone, "--to", f"sqlite:///{tmp_path / 'altro.sqlite'}")
    assert code == 2 and "non è un registro PostgreSQL" in said, said
    code, said = cli(capsys, "ledger", "move", tmp_path / "nessuna.xlsx", "--to", url)
    assert code == 2 and "Non c'è un registro SQLite da spostare" in said, said


def test_a_colleague_who_waited_for_the_file_while_it_moved_writes_nothing_into_it(capsys, tmp_path, sample_workbook):
    """A colleague's command started during the move waits for the file's write lock; the move
    renames the file before it lets the lock go, and the colleague, given the lock, finds the
    file moved: its write would reach the file kept to reprint, never the team's ledger."""
    import threading
    from datetime import datetime

    from toolkit.basics.problems import UnusableInput
    from toolkit.ledger.db import writing
    from toolkit.ledger.lock import Patience

    workbook = tmp_path / WORKBOOK
    shutil.copyfile(sample_workbook, workbook)
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    colleague = open_ledger(None, workbook, patience=Patience(20))
    mover = sqlite3.connect(workbook.with_name(OWN), isolation_level=None)
    mover.execute("BEGIN IMMEDIATE")
    said = []

    def orders_create():
        try:
            with writing(colleague) as conn:
                conn.execute(schema.events.insert().values(at=datetime(2026, 4, 9), by="anna", action="test", document="x"))
        except UnusableInput as exc:
            said.append(exc.problem)

    waiting = threading.Thread(target=orders_create)
    waiting.start()
    waiting.join(1.0)
    workbook.with_name(OWN).rename(workbook.with_name(MOVED))
    mover.execute("ROLLBACK")
    mover.close()
    waiting.join(30)
    colleague.engine.dispose()
    assert [p.code for p in said] == ["ledger-moved"]
    assert str(workbook.with_name(MOVED)) in said[0].message("it")
    with sqlite3.connect(workbook.with_name(MOVED)) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE action = 'test'").fetchone()[0] == 0, "nothing written"


def test_the_file_is_renamed_before_its_write_lock_is_let_go(capsys, desks, monkeypatch):
    import toolkit.services.ledger_move as service

    _, team, url = desks
    seen, rename = [], service._rename

    def renamed_under_the_lock(file, kept_as):
        probe = sqlite3.connect(file, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            seen.append("free")
            probe.execute("ROLLBACK")
        except sqlite3.OperationalError:
            seen.append("locked")
        finally:
            probe.close()
        rename(file, kept_as)

    monkeypatch.setattr(service, "_rename", renamed_under_the_lock)
    assert cli(capsys, "ledger", "move", team, "--to", url)[0] == 0
    assert seen == ["locked"] and team.with_name(MOVED).is_file() and not team.with_name(OWN).exists()


def test_a_file_that_cannot_be_renamed_is_refused_before_anything_moves(capsys, desks, monkeypatch):
    """A folder that cannot be written, a program holding the file (Windows): the file would stay
    under its name after the move, and the workbook go on numbering in it. Refused first."""
    from pathlib import Path

    _, team, url = desks

    def refused(self, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "rename", refused)
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2, said
    assert f"Non riesco a rinominare {team.with_name(OWN)} in {team.with_name(MOVED)} (Permission denied)" in said
    assert "non ho scritto nulla" in said
    assert stored_rows(url) == 0 and team.with_name(OWN).is_file()


def test_a_file_that_cannot_be_renamed_after_the_move_is_named_with_what_to_do(capsys, desks, monkeypatch):
    """Renamable before, not after (a program opened it meanwhile): the history is on the server
    by then: said, exit 1, and the file left for the desk to rename."""
    from pathlib import Path

    _, team, url = desks
    renames, rename = [], Path.rename

    def refused_after_the_probe(self, target):
        renames.append(self)
        if len(renames) > 2:
            raise PermissionError(13, "Permission denied")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refused_after_the_probe)
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 1, said
    assert f"non ho potuto rinominare {team.with_name(OWN)} in {team.with_name(MOVED)} (Permission denied)" in said
    assert "Il file di prima ora è" not in said, "not said renamed when it was not"
    assert stored(url)["orders"] == 188 and team.with_name(OWN).is_file()


@pytest.mark.parametrize(("table", "column", "stored", "shown", "wanted"), [
    ("deliveries", "packages", "'tre'", "'tre'", "un numero intero fra -2147483648 e 2147483647"),
    ("deliveries", "delivery_date", "'09/04/2026'", "'09/04/2026'", "una data (AAAA-MM-GG)"),
    ("orders", "customer", "printf('%.61c', 'C')", "'" + "C" * 58 + "…", "un testo di al più 60 caratteri"),
    ("order_lines", "amount", "12.5", "12.5", "un numero intero fra -9223372036854775808"),
    ("order_lines", "note", "'a' || char(0) || 'b'", r"'a\x00b'", "un testo senza il carattere NUL"),
    ("invoices", "split_payment", "'x'", "'x'", "0 o 1 (no o sì)"),
])
def test_a_value_the_team_ledger_would_refuse_is_named_at_its_row(capsys, desks, table, column, stored, shown, wanted):
    """SQLite keeps what an older toolkit or another program gave a column; PostgreSQL refuses
    it: the move stops at that row, naming it, not with an internal error."""
    _, team, url = desks
    with sqlite3.connect(team.with_name(OWN)) as conn:
        conn.execute(f"UPDATE {table} SET {column} = {stored} WHERE id = (SELECT max(id) FROM {table})")
        last = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2, said
    assert (f"la tabella {table}, alla riga id {last}, ha nella colonna {column} il valore {shown}, che il registro "
            f"del team non accetta: vuole {wanted}") in said, said
    assert "Non ho scritto nulla" in said
    assert stored_rows(url) == 0 and team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()


def test_a_line_whose_document_is_gone_is_named_with_its_table(capsys, desks):
    _, team, url = desks
    with sqlite3.connect(team.with_name(OWN)) as conn:
        conn.execute("UPDATE invoice_lines SET invoice_id = 99999 WHERE id = 1")
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2, said
    assert "non accetta una riga della tabella invoice_lines" in said and "Key (invoice_id)=(99999)" in said, said
    assert stored_rows(url) == 0 and team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()


def stored_rows(url) -> int:
    """Every row of the team ledger but its schema version's."""
    with reading(open_ledger(url)) as conn:
        return sum(conn.execute(select(func.count()).select_from(t)).scalar_one()
                   for t in schema.metadata.sorted_tables if t is not schema.schema_version)


def test_running_it_again_says_the_history_moved_already(capsys, desks):
    """After the move: the file renamed, it says so rather than asking for --from. A move stopped
    between the commit and the rename (the file still under its name) is told it is in the team
    ledger already, rather than asked for a new, empty database to move it into a second time."""
    _, team, url = desks
    assert cli(capsys, "ledger", "move", team, "--to", url)[0] == 0
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2 and f"Il registro {team.with_name(OWN)} è stato spostato nel registro del team" in said, said
    assert f"il file ora è {team.with_name(MOVED)}" in said
    team.with_name(MOVED).rename(team.with_name(OWN))
    before = stored(url)
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2, said
    assert f"Lo storico di {team.with_name(OWN)} è già nel registro del team" in said, said
    assert f"rinominalo tu {team.with_name(MOVED)}" in said and "contiene già" not in said
    assert stored(url) == before and team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()


def test_a_database_of_another_program_is_named_with_its_tables(capsys, desks):
    from sqlalchemy import create_engine, text

    _, team, url = desks
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE clienti (codice text)"))
    engine.dispose()
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2, said
    assert "contiene già le tabelle di un altro programma (clienti)" in said and "--to un database nuovo" in said, said
    assert "Il file" not in said and team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()


def test_another_desks_file_at_the_same_path_is_not_taken_for_the_one_moved(capsys, desks):
    """Two desks' workbooks at the same path on their own PCs (C:\\Ordini\\…): the second one's
    history is not in the team ledger, whatever the path the move logged."""
    from datetime import datetime

    alone, team, url = desks
    assert cli(capsys, "ledger", "move", team, "--to", url)[0] == 0
    with sqlite3.connect(alone.with_name(OWN)) as conn:
        conn.execute("INSERT INTO events (at, by, action, document) VALUES (?, 'bruno', 'order-created', 'order')",
                     (datetime(2026, 5, 4, 9, 0).isoformat(" "),))
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("UPDATE events SET detail = :file WHERE action = 'ledger-moved'"),
                     {"file": str(alone.with_name(OWN))})
    engine.dispose()
    code, said = cli(capsys, "ledger", "move", alone, "--to", url)
    assert code == 2 and "contiene già dei documenti" in said and "è già nel registro del team" not in said, said


def tie(workbook, address: str) -> str:
    """The workbook's *Impostazioni › Registro* set to `address`; its cell."""
    book = openpyxl.load_workbook(workbook)
    (row,) = [r for r in book["Impostazioni"].iter_rows(min_row=2) if r[0].value == "Registro"]
    row[1].value = address
    book.save(workbook)
    return f"Impostazioni!{row[1].coordinate}"


def without_password(url: str) -> str:
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


@pytest.fixture
def registro(desks, monkeypatch):
    """The moving desk's workbook tied to the empty team ledger by *Registro*, its password in
    PGPASSWORD as a desk keeps it, and no TOOLKIT_LEDGER_URL."""
    _, team, url = desks
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    monkeypatch.setenv("PGPASSWORD", make_url(url).password or "")
    return team, url, tie(team, without_password(url))


def test_the_move_reads_the_team_ledger_in_the_workbooks_setting(capsys, registro):
    """A desk whose *Registro* names its team ledger moves into it with no --to, and the workbook
    then works on it by itself (it was: «Manca l'opzione --to»)."""
    team, url, _ = registro
    code, said = cli(capsys, "ledger", "move", team)
    assert code == 0, said
    assert "Da ora la cartella usa il registro del team scritto in Impostazioni › Registro." in said, said
    assert stored_rows(url) > 3000 and team.with_name(MOVED).is_file()
    code, said = cli(capsys, "print", "invoices", team, "--numbers", "FT-2026-00074", "--out", team.with_name("f.xlsx"))
    assert code == 0, said


def test_a_to_naming_another_database_than_the_setting_is_refused_at_the_cell(capsys, registro):
    """`--to` naming another database than *Registro* moved the history where the workbook then
    refused to look (its commands read an empty team ledger): refused at the cell, nothing moved.
    The same database written another way (another user, localhost, 5432 written) moves."""
    team, url, cell = registro
    with pg_databases(1) as (other,):
        code, said = cli(capsys, "ledger", "move", team, "--to", other)
        assert code == 2, said
        assert f"{cell}: --to {make_url(other).render_as_string(hide_password=True)} non è il registro di " \
               "questa cartella di lavoro" in said, said
        assert "Non ho spostato nulla. Togli --to (e TOOLKIT_LEDGER_URL)" in said and "Traceback" not in said
        assert stored_rows(other) == 0
    assert stored_rows(url) == 0 and team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()
    same = make_url(url)
    same = same._replace(host="localhost", port=5432).render_as_string(hide_password=False)
    code, said = cli(capsys, "ledger", "move", team, "--to", same)
    assert code == 0, said


def test_no_team_ledger_named_anywhere_is_refused_with_both_ways_to_name_it(capsys, desks, monkeypatch):
    _, team, _ = desks
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    code, said = cli(capsys, "ledger", "move", team)
    assert code == 2, said
    assert "Non so in quale registro del team spostare lo storico" in said and "in Impostazioni › Registro" in said
    assert team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()
    cell = tie(team, "condiviso")
    code, said = cli(capsys, "ledger", "move", team, "--lang", "en")
    assert code == 2 and f"{cell}: Which team ledger to move the history into is not said" in said, said


def test_the_shipping_plans_cache_on_the_empty_team_ledger_does_not_block_the_move(capsys, desks, tmp_path):
    """A colleague's `ship --all` on the team ledger before the move, with no order to ship, left
    only the plan's cache there (hold_marks, hold_customers, hold_stock): the move refused it as
    «contiene già dei documenti (hold_customers 30, hold_marks 1, hold_stock 60)». The cache is
    emptied and the file's comes across with the rest."""
    _, team, url = desks
    colleague = tmp_path / "colleague" / WORKBOOK
    colleague.parent.mkdir()
    shutil.copyfile(team, colleague)
    assert cli(capsys, "ship", colleague, "--all", "--date", "2026-04-09", "--ledger", url)[0] == 0
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(func.count()).select_from(schema.hold_marks)).scalar_one() == 1
    file = sqlite_counts(team.with_name(OWN))
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 0, said
    with reading(open_ledger(url)) as conn:
        for table in ("holds", "hold_items", "hold_marks", "hold_customers", "hold_stock"):
            assert conn.execute(select(func.count()).select_from(schema.metadata.tables[table])).scalar_one() \
                == file[table], table


def test_a_table_of_the_users_own_in_the_file_is_named_and_kept_in_it(capsys, desks):
    """A table the toolkit does not know (a desk's own, kept in the ledger file) was silently left
    behind: the move goes on, the toolkit's history being whole, and a warning names it and
    where it stays."""
    _, team, url = desks
    with sqlite3.connect(team.with_name(OWN)) as conn:
        conn.execute("CREATE TABLE note_anna (testo TEXT)")
        conn.execute("INSERT INTO note_anna VALUES ('chiamare C001')")
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 0, said
    assert (f"avviso: Nel file {team.with_name(OWN)} ci sono tabelle che il registro del toolkit non ha (note_anna: "
            f"di chi cura il file o di un altro programma): non le ho spostate nel registro del team. Restano nel "
            f"file {team.with_name(MOVED)}") in said, said
    assert "Il file di prima ora è" in said
    with sqlite3.connect(team.with_name(MOVED)) as conn:
        assert conn.execute("SELECT testo FROM note_anna").fetchall() == [("chiamare C001",)]


def test_a_text_whose_bytes_are_not_utf8_is_named_at_its_row(capsys, desks):
    """A text another program wrote in Latin-1 (`Caffè` as the byte E8) made the move end in an
    internal error, exit 3, naming no table and no row; PostgreSQL stores only UTF-8, and the
    file's own commands cannot print it either. Refused at the row, nothing moved."""
    _, team, url = desks
    with sqlite3.connect(team.with_name(OWN)) as conn:
        conn.execute("UPDATE orders SET customer_reference = CAST(X'436166666520E8' AS TEXT) WHERE id = 3")
    code, said = cli(capsys, "ledger", "move", team, "--to", url)
    assert code == 2, said
    assert (f"Nel file {team.with_name(OWN)} la tabella orders, alla riga id 3, ha nella colonna customer_reference "
            "il valore 'Caffe \\xe8', che il registro del team non accetta: vuole un testo in UTF-8") in said, said
    assert "errore interno" not in said
    assert stored_rows(url) == 0 and team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()


def test_a_copy_of_the_workbook_beside_the_moved_file_starts_no_ledger_from_1(capsys, desks, monkeypatch):
    """After the move a copy of the workbook saved under another name beside it (*Salva con nome*
    anna.xlsx), with an empty Registro, made a new ledger and created its orders from OC-2026-00001
    again: a moved file beside it is refused as the workbook's own is, and it says how to reach
    the team ledger (Registro first, which every PC and the buttons read)."""
    _, team, url = desks
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    assert cli(capsys, "ledger", "move", team, "--to", url)[0] == 0
    copy = team.with_name("anna.xlsx")
    shutil.copyfile(team, copy)
    for command in (("orders", "create", copy, "--date", "2026-05-04"), ("invoice", "list", copy)):
        code, said = cli(capsys, *command)
        assert code == 2, said
        assert (f"La cartella anna.xlsx non ha ancora un registro, ma accanto c'è {team.with_name(MOVED)}, il "
                "registro di un'altra cartella spostato nel registro del team (PostgreSQL)") in said, said
        assert "Scrivi l'indirizzo del registro del team, senza password, in Impostazioni › Registro" in said
    assert not copy.with_name("anna.xlsx.ledger.sqlite").exists()
    code, said = cli(capsys, "orders", "create", copy, "--date", "2026-05-04", "--ledger", url)
    assert code == 0 and "OC-2026-00189" in numbers(url, schema.orders), said


def test_another_company_started_beside_the_moved_file_is_told_how_to_start_its_own_ledger(capsys, desks,
                                                                                             monkeypatch):
    """A new company's workbook put in the moved desk's folder was refused as a copy of the team's
    with only the team ledger's ways out (Registro, --ledger postgresql://), naming the other
    workbook's ledger as its own: the refusal says how to start its ledger, which then works."""
    from toolkit.excel import said as by_button
    from toolkit.ledger.db import LEDGER_MOVED_BESIDE

    _, team, url = desks
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    assert cli(capsys, "ledger", "move", team, "--to", url)[0] == 0
    other = team.with_name("beta.xlsx")
    shutil.copyfile(team, other)
    own = other.with_name("beta.xlsx.ledger.sqlite")
    code, said = cli(capsys, "orders", "create", other, "--date", "2026-05-04")
    assert code == 2 and not own.exists(), said
    assert f"Se invece è davvero un'altra ditta, con una numerazione sua, inizia il suo registro indicandolo: " \
           f"--ledger \"{own}\"" in said, said
    code, said = cli(capsys, "orders", "create", other, "--date", "2026-05-04", "--lang", "en")
    assert code == 2 and f"start its ledger by naming it: --ledger \"{own}\"" in said, said
    code, said = cli(capsys, "orders", "create", other, "--date", "2026-05-04", "--ledger", own)
    assert code == 0 and own.is_file(), said
    assert min(numbers(sqlite_url_of(own), schema.orders)) == "OC-2026-00001"
    code, said = cli(capsys, "orders", "create", other, "--date", "2026-05-05")
    assert code == 0, said  # started once, its ledger is its own from then on, beside the moved file
    box = by_button.message(LEDGER_MOVED_BESIDE(None, workbook="beta.xlsm", moved=team.with_name(MOVED), new=own),
                            "it")
    assert box.endswith("chiudi la cartella di lavoro e mettila in una cartella sua: lì avrà il suo registro."), box


def test_a_move_to_registros_address_without_a_password_says_where_the_password_goes(capsys, registro, monkeypatch):
    """Registro holds no password, so a PC without pgpass or PGPASSWORD was told to check the
    address (*Non riesco ad aprire il registro*), when only the password was missing."""
    team, url, _ = registro
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(team.with_name("nessun-pgpass")))
    code, said = cli(capsys, "ledger", "move", team)
    assert code == 2, said
    assert "chiede una password che non ha ricevuto o che non è giusta" in said and "PGPASSWORD" in said, said
    assert stored_rows(url) == 0 and team.with_name(OWN).is_file() and not team.with_name(MOVED).exists()


KILLED_AT_THE_PROBE = """
import os, signal, sys
from pathlib import Path

rename = Path.rename

def killed(self, target):
    rename(self, target)
    os.kill(os.getpid(), signal.SIGKILL)

Path.rename = killed
from toolkit.cli.app import main

sys.argv = ["toolkit", *sys.argv[1:]]
main()
"""


def test_a_move_killed_while_checking_the_file_can_be_renamed_leaves_the_desk_on_its_file(capsys, desks):
    """The check renamed the file to its moved name and back: killed between, the folder looked
    moved while the team ledger was empty, and every command sent the desk to it, to number from
    1 again. The file is renamed to a name that says neither, and given its own back."""
    import subprocess
    import sys

    _, team, url = desks
    child = subprocess.run([sys.executable, "-c", KILLED_AT_THE_PROBE, "ledger", "move", str(team), "--to", url],
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == -9, child.stderr
    assert not team.with_name(MOVED).exists() and stored_rows(url) == 0
    code, said = cli(capsys, "invoice", "list", team)
    assert code == 0 and "FT-2026-00001" in said, said
    assert team.with_name(OWN).is_file() and sorted(p.name for p in team.parent.glob(OWN + "*")) == [OWN]
    assert cli(capsys, "ledger", "move", team, "--to", url)[0] == 0
    assert stored(url)["orders"] == 188 and team.with_name(MOVED).is_file()
