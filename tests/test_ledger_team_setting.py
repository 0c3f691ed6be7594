"""A workbook tied to its team's ledger (*Impostazioni › Registro*) never numbers from 1 again.

A desk whose shell or Excel lacked `TOOLKIT_LEDGER_URL` (a new PC, a colleague's login, a cron
script) silently got a new SQLite ledger beside the workbook: FT-2026-00001 a second time, DDT
numbers repeated, e-invoice file names SDI had received. *Registro* = `condiviso` refuses that,
exit 2 at the setting's cell, no ledger file made; *Registro* = the team's address is used by
itself, and a `--ledger` or `TOOLKIT_LEDGER_URL` naming another database is refused
(`toolkit.services.team_ledger`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import minimal
import openpyxl
import pytest
from conftest import PG_REASON, PG_URL, pg_databases
from sqlalchemy.engine import make_url
from test_printing import cli, numbers, stored

from toolkit.ledger import schema
from toolkit.ledger.address import server_database

CELL = "Impostazioni!B23"
"""Where the sample's *Registro* is: its last setting."""


@pytest.fixture(autouse=True)
def no_team_variable(monkeypatch):
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)


def tied(sample_workbook: Path, folder: Path, ledger: str) -> Path:
    """A copy of the sample whose *Registro* says `ledger`."""
    workbook = folder / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    book = openpyxl.load_workbook(workbook)
    sheet = book["Impostazioni"]
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "Registro"]
    assert row[1].coordinate == CELL.split("!")[1]
    row[1].value = ledger
    book.save(workbook)
    return workbook


def files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_shared_workbook_with_no_ledger_named_is_refused_at_its_cell_and_no_ledger_is_made(capsys, tmp_path,
                                                                                              sample_workbook):
    workbook = tied(sample_workbook, tmp_path, "condiviso")
    before = files(tmp_path)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 2, said
    assert f"{CELL}: Il foglio Impostazioni dice che il registro di questa cartella di lavoro è quello del team" in said
    assert "--ledger postgresql://server/database o con la variabile TOOLKIT_LEDGER_URL" in said
    assert "Traceback" not in said
    for reading in (("orders", "list", workbook), ("invoice", "list", workbook), ("payments", "status", workbook)):
        code, said = cli(capsys, *reading, "--lang", "en")
        assert code == 2, (reading, said)
        assert f"{CELL}: The Impostazioni sheet says this workbook's ledger is the team's" in said
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", tmp_path / "own.sqlite")
    assert code == 2, said
    assert "è un file SQLite, ma il foglio Impostazioni dice" in said and CELL in said
    assert files(tmp_path) == before
    code, said = cli(capsys, "check", workbook)
    assert code == 0, said



def test_an_english_workbook_is_told_in_its_own_words(capsys, tmp_path):
    """An English workbook's cell says Ledger = shared: the refusal named Registro “condiviso”,
    words its sheet does not show."""
    assert cli(capsys, "sample", tmp_path, "--lang", "en")[0] == 0
    workbook = tmp_path / "anagrafiche.xlsx"
    book = openpyxl.load_workbook(workbook)
    (row,) = [r for r in book["Settings"].iter_rows(min_row=2) if r[0].value == "Ledger"]
    row[1].value = "shared"
    book.save(workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--lang", "en")
    assert code == 2, said
    assert f"Settings!{row[1].coordinate}: The Impostazioni sheet says this workbook's ledger is the team's (Ledger " \
           "“shared”), but no ledger is named" in said
    assert "or write its address, without a password, in Ledger." in said and "Registro" not in said

def test_the_setting_refuses_a_password_at_its_cell_without_repeating_it(capsys, tmp_path, sample_workbook):
    workbook = tied(sample_workbook, tmp_path, "postgresql://anna:Segreto42@server-db:5432/ordini")
    code, said = cli(capsys, "check", workbook)
    assert code == 1, said
    assert f"{CELL}: L'indirizzo del registro postgresql://anna:***@server-db:5432/ordini contiene una password" in said
    assert "(postgresql://anna@server-db:5432/ordini)" in said and "Segreto42" not in said
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 1 and "Segreto42" not in said and not list(tmp_path.glob("*.sqlite"))
    tied(sample_workbook, tmp_path, str(tmp_path / "ledger.sqlite"))
    code, said = cli(capsys, "check", workbook, "--lang", "en")
    assert code == 1, said
    assert f"{CELL}: “{tmp_path / 'ledger.sqlite'}” does not name a ledger: write “condiviso”" in said


def test_the_setting_refuses_an_address_without_a_database_at_its_cell(capsys, tmp_path, sample_workbook):
    """Without a database libpq connects each user to the one named after them: anna's ledger
    and bruno's, two numberings for one company. Refused at the cell, nothing opened."""
    workbook = tied(sample_workbook, tmp_path, "postgresql://anna@server-db:5432/")
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 1, said
    assert (f"{CELL}: L'indirizzo del registro postgresql://anna@server-db:5432/ non indica il database: senza, "
            "ognuno si collegherebbe al database che porta il suo nome utente") in said
    assert not list(tmp_path.glob("*.sqlite")) and "Traceback" not in said
    tied(sample_workbook, tmp_path, "postgresql://server-db?dbname=ordini&sslmode=require")
    code, said = cli(capsys, "check", workbook)
    assert code == 0, said


def test_a_button_on_a_shared_workbook_without_the_variable_says_so_in_the_panels_words(tmp_path):
    from test_excel_desk_buttons import fake, press

    sheets = minimal.sheets()
    sheets["Impostazioni"].append(["Registro", "condiviso"])
    book = fake(tmp_path, sheets)
    before = files(tmp_path)
    for button in ("preview_orders", "ship"):
        (shown,) = press(book, button)
        assert "Impostazioni!B" in shown[0] and "i pulsanti ne userebbero uno nuovo accanto alla cartella" in shown[0]
        assert "Scrivi in Registro l'indirizzo del registro del team" in shown[0] and "--ledger" not in shown[0]
    assert files(tmp_path) == before


pg = pytest.mark.postgres


@pytest.fixture
def two_databases():
    if not PG_URL:
        pytest.skip(PG_REASON)
    with pg_databases(2) as urls:
        yield urls


def without_password(url: str) -> str:
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


@pg
def test_the_address_in_the_setting_is_the_ledger_with_no_variable_and_no_password_in_the_workbook(
        capsys, tmp_path, sample_workbook, two_databases, monkeypatch):
    team, _ = two_databases
    monkeypatch.setenv("PGPASSWORD", make_url(team).password or "")
    workbook = tied(sample_workbook, tmp_path, without_password(team))
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    assert numbers(team, schema.orders)[0] == "OC-2026-00001"
    assert not list(tmp_path.glob("*.sqlite"))
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", team)
    assert code == 0, said
    assert stored(team)["orders"] == len(numbers(team, schema.orders)) > 1


@pg
def test_this_pcs_server_by_another_of_its_names_is_the_same_ledger(capsys, tmp_path, sample_workbook,
                                                                    two_databases):
    """Registro saying localhost and a --ledger saying 127.0.0.1 (or the other way round) name
    one server, this PC's: the same database there is the same ledger, not refused as another."""
    team, _ = two_databases
    url = make_url(team)
    other_name = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(url.host or "")
    if other_name is None:
        pytest.skip("the test server is not this PC's")
    workbook = tied(sample_workbook, tmp_path, without_password(url.set(host=other_name).render_as_string(False)))
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", team)
    assert code == 0, said
    assert numbers(team, schema.orders)[0] == "OC-2026-00001"


@pg
def test_the_address_in_the_setting_without_a_password_anywhere_says_where_the_password_goes(
        capsys, tmp_path, sample_workbook, two_databases, monkeypatch):
    """Registro never holds the password, so a new PC without pgpass or PGPASSWORD meets the
    server's refusal: it was told to check the address, which was right; it is told where the
    password goes instead, exit 2, nothing written."""
    team, _ = two_databases
    if not make_url(team).password:
        pytest.skip("the test server asks for no password")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    workbook = tied(sample_workbook, tmp_path, without_password(team))
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 2, said
    assert "chiede una password che non ha ricevuto o che non è giusta" in said
    assert "mettila nel file pgpass di PostgreSQL" in said and "PGPASSWORD" in said and "Traceback" not in said
    assert stored(team)["orders"] == 0 and not list(tmp_path.glob("*.sqlite"))


@pg
def test_a_ledger_named_other_than_the_settings_is_refused_and_nothing_is_written(capsys, tmp_path, sample_workbook,
                                                                                  two_databases, monkeypatch):
    team, other = two_databases
    workbook = tied(sample_workbook, tmp_path, without_password(team))
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", other)
    assert code == 2, said
    hidden = make_url(other).render_as_string(hide_password=True)
    assert f"{CELL}: Il registro indicato con --ledger o TOOLKIT_LEDGER_URL, {hidden}, non è quello" in said
    assert f"indica in Registro {without_password(team)}" in said
    monkeypatch.setenv("TOOLKIT_LEDGER_URL", other)
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all")
    assert code == 2 and "non è quello di questa cartella di lavoro" in said
    assert stored(other) == stored(team) == {"orders": 0, "deliveries": 0, "invoices": 0}
    assert not list(tmp_path.glob("*.sqlite"))


@pg
def test_a_shared_workbook_goes_to_the_team_ledger_the_variable_names(capsys, tmp_path, sample_workbook,
                                                                       two_databases, monkeypatch):
    team, _ = two_databases
    workbook = tied(sample_workbook, tmp_path, "condiviso")
    monkeypatch.setenv("TOOLKIT_LEDGER_URL", team)
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    assert numbers(team, schema.orders)[0] == "OC-2026-00001"
    assert not list(tmp_path.glob("*.sqlite"))


@pg
def test_a_button_uses_the_address_in_the_setting_and_refuses_a_variable_naming_another(tmp_path, two_databases,
                                                                                        monkeypatch):
    from test_excel_desk_buttons import fake, press

    team, other = two_databases
    monkeypatch.setenv("PGPASSWORD", make_url(team).password or "")
    sheets = minimal.sheets()
    sheets["Impostazioni"].append(["Registro", without_password(team)])
    book = fake(tmp_path, sheets)
    press(book, "preview_orders")
    (shown,) = press(book, "create_orders")
    assert stored(team)["orders"] > 0, shown
    assert not list(tmp_path.glob("*.sqlite"))
    monkeypatch.setenv("TOOLKIT_LEDGER_URL", other)
    (shown,) = press(book, "create_orders")
    assert "Togli TOOLKIT_LEDGER_URL (i pulsanti usano Registro)" in shown[0] and "--ledger" not in shown[0]
    assert stored(other)["orders"] == 0


@pg
def test_an_empty_team_ledger_beside_the_workbooks_history_says_to_empty_registro(
        capsys, tmp_path, sample_workbook, two_databases, monkeypatch):
    """The refusal of an empty team ledger beside a SQLite one with history told to drop
    --ledger or TOOLKIT_LEDGER_URL, neither of which was given: Registro named it, and emptying
    it is the way back to the SQLite ledger. The move it names reads Registro too: no --to to
    type, and none that could name another database."""
    team, _ = two_databases
    monkeypatch.setenv("PGPASSWORD", make_url(team).password or "")
    workbook = tied(sample_workbook, tmp_path, "")
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    tied(sample_workbook, tmp_path, without_password(team))
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-10")
    assert code == 2, said
    assert f"{CELL}: Il registro del team " in said
    assert f"/{make_url(team).database} è ancora vuoto, ma accanto alla cartella c'è il suo registro" in said
    assert "svuota la cella Registro" in said and "--ledger" not in said
    assert f'toolkit ledger move "{workbook}". Oppure' in said, "the command that moves it, Registro read by it"
    tied(sample_workbook, tmp_path, "condiviso")
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-10", "--ledger", team)
    assert code == 2 and f"{CELL}: Il registro del team " in said and "svuota la cella Registro" in said, said
    assert f'toolkit ledger move "{workbook}" --to ' in said, "condiviso: the move is told the ledger by --to"
    given = said.split(f'toolkit ledger move "{workbook}" --to ', 1)[1].split(". Oppure", 1)[0]
    assert "***" not in given and make_url(given).password is None, "a command to copy, not the *** shown"
    assert server_database(given) == server_database(team), given
    assert stored(team) == {"orders": 0, "deliveries": 0, "invoices": 0}


def test_a_workbook_tied_by_registro_goes_on_after_its_history_moved(capsys, tmp_path, sample_workbook, two_databases,
                                                                     monkeypatch):
    team, _ = two_databases
    monkeypatch.setenv("PGPASSWORD", make_url(team).password or "")
    workbook = tied(sample_workbook, tmp_path, "")
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")[0] == 0
    code, said = cli(capsys, "ledger", "move", workbook, "--to", team)
    assert code == 0, said
    tied(sample_workbook, tmp_path, without_password(team))
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-10")
    assert code == 0, said
    assert stored(team)["orders"] > 0 and not workbook.with_name(workbook.name + ".ledger.sqlite").exists()


def test_a_slash_after_the_database_is_refused_at_the_cell_with_the_address_to_write(capsys, tmp_path,
                                                                                      sample_workbook):
    """libpq reads `postgresql://server-db/ordini/` as the database «ordini/»: the cell took it, and
    every command then failed at the server with «database "ordini/" does not exist»."""
    workbook = tied(sample_workbook, tmp_path, "postgresql://anna@server-db/ordini/")
    code, said = cli(capsys, "check", workbook)
    assert code == 1, said
    assert (f"{CELL}: L'indirizzo del registro postgresql://anna@server-db/ordini/ ha una «/» dopo il nome del "
            "database: PostgreSQL cercherebbe il database «ordini/»") in said, said
    assert "Scrivi l'indirizzo senza la «/» finale: postgresql://anna@server-db/ordini." in said


@pg
@pytest.mark.parametrize("written", ["POSTGRESQL://{user}@{host}:{port}/{db}",
                                     "postgresql+psycopg://{user}@{host}/{db}",
                                     "postgresql:///{db}?host={host}&port={port}&user={user}",
                                     "postgresql://{user}@{host}/?dbname={db}"])
def test_the_same_database_written_as_libpq_also_takes_it_is_the_same_ledger(capsys, tmp_path, sample_workbook,
                                                                             two_databases, monkeypatch, written):
    """Registro written with the scheme in capitals, the driver named, or the server and database
    as libpq's parameters after `?`: the same database as --ledger's, used, not refused as another
    (the capitals were refused as «non è utilizzabile» and the `?host=` form as another ledger)."""
    team, _ = two_databases
    url = make_url(team)
    monkeypatch.setenv("PGPASSWORD", url.password or "")
    setting = written.format(user=url.username, host=url.host, port=url.port or 5432, db=url.database)
    workbook = tied(sample_workbook, tmp_path, setting)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", team)
    assert code == 0, said
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-10")
    assert code == 0, said
    assert numbers(team, schema.orders)[0] == "OC-2026-00001" and not list(tmp_path.glob("*.sqlite"))


@pytest.mark.parametrize("written, port", [("postgresql://anna@server-db:abc/ordini", "abc"),
                                           ("postgresql://anna@server-db:99999/ordini", "99999"),
                                           ("postgresql://anna@server-db:0/ordini", "0"),
                                           ("postgresql://anna@server-db/ordini?port=0", "0"),
                                           ("postgresql://anna@server-db/ordini?port=cinque", "cinque")])
def test_a_port_that_is_no_number_is_refused_at_the_cell(capsys, tmp_path, sample_workbook, written, port):
    """`check` took the address, and every command then ended in an internal error, exit 3
    (*ValueError: invalid literal for int()*)."""
    workbook = tied(sample_workbook, tmp_path, written)
    code, said = cli(capsys, "check", workbook)
    assert code == 1, said
    assert f"{CELL}: La porta «{port}» dell'indirizzo del registro {written} non è un numero di porta" in said, said
    code, said = cli(capsys, "orders", "list", workbook)
    assert code == 1 and "errore interno" not in said and f"{CELL}: La porta «{port}»" in said, said


@pytest.mark.parametrize("given, port, shown", [
    ("postgresql://anna@server-db:abc/ordini", "abc", None), ("postgresql://server-db/ordini?port=x", "x", None),
    ("postgresql://anna@server-db:0/ordini", "0", None), ("postgresql://server-db/ordini?port=0", "0", None),
    ("postgresql://anna:segreto@server-db:99999/ordini", "99999", "postgresql://anna:***@server-db:99999/ordini"),
    ("postgresql://server-db:5432,riserva:5433/ordini", "5432,riserva:5433", None),
    ("postgresql://[fd00::7]:abc/ordini", "abc", None)])
def test_a_ledger_named_with_a_port_that_is_no_number_is_refused_naming_the_port(capsys, tmp_path, sample_workbook,
                                                                                 given, port, shown):
    """Refused as the cell refuses it, naming the port and what to write there: it was refused as
    an unusable ledger, the port unnamed (`?port=0` as a server not reached), the password shown."""
    workbook = tied(sample_workbook, tmp_path, "")
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", given)
    assert code == 2, said
    assert f"La porta «{port}» del registro {shown or given} non è un numero di porta: scrivi dopo i «:» la porta " \
           "del server PostgreSQL (di solito 5432" in said, said
    assert "Correggi --ledger o TOOLKIT_LEDGER_URL." in said and "errore interno" not in said, said
    assert "segreto" not in said and not list(tmp_path.glob("*.sqlite"))


@pytest.mark.parametrize("given, said_of_it", [
    ("postgresql://anna:segreto@server-db:0/ordini",
     "La porta «0» di --to postgresql://anna:***@server-db:0/ordini non è un numero di porta"),
    ("mysql://server-db/ordini", "--to mysql://server-db/ordini non è un registro PostgreSQL")])
def test_ledger_move_tells_to_fix_to_not_ledger(capsys, tmp_path, sample_workbook, given, said_of_it):
    """`ledger move --to postgresql://h:0/db` was told to fix `--ledger`, an option `ledger move`
    does not have: the address it names is the one after `--to`."""
    workbook = tied(sample_workbook, tmp_path, "")
    own = workbook.with_name(workbook.name + ".ledger.sqlite")
    own.write_bytes(b"")
    code, said = cli(capsys, "ledger", "move", workbook, "--to", given)
    assert code == 2 and said_of_it in said, said
    assert "--ledger" not in said and "segreto" not in said, said
    assert own.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == [workbook.name, own.name]
