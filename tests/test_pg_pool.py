"""The PostgreSQL databases reused between tests (`pg_pool`): what a test leaves in one is not
found by the next test given it, whatever it was, and a database a test only filled with a ledger
is reused."""

from __future__ import annotations

import pg_pool
import pytest
from conftest import PG_REASON, PG_URL
from sqlalchemy import create_engine, text

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=PG_REASON)]


def _engine(url: str):
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def _run(url: str, *statements: str) -> None:
    engine = _engine(url)
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement.format(database=f'"{url.rsplit("/", 1)[1]}"')))
    engine.dispose()


def _read(url: str, query: str):
    engine = _engine(url)
    with engine.connect() as conn:
        found = conn.execute(text(query)).scalar_one()
    engine.dispose()
    return found


def _next_after(url: str, give_back) -> str:
    give_back()
    following, given_back = pg_pool.taken(PG_URL)
    _TAKEN.append(given_back)
    return following


_TAKEN: list = []


@pytest.fixture(autouse=True)
def _all_given_back():
    yield
    while _TAKEN:
        _TAKEN.pop()()


LEFT_BEHIND = {
    "tables, a sequence, a function": (
        ["CREATE TABLE t (id serial PRIMARY KEY)", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'"],
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace", 0),
    "a schema of its own": (
        ["CREATE SCHEMA kept", "CREATE SEQUENCE kept.numbers"],
        "SELECT count(*) FROM pg_namespace WHERE nspname = 'kept'", 0),
    "a large object": (
        ["SELECT lo_create(0)"], "SELECT count(*) FROM pg_largeobject_metadata", 0),
    "an extension outside public": (
        ["CREATE EXTENSION hstore SCHEMA pg_catalog"],
        "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension", "plpgsql"),
    "default privileges for every schema": (
        ["ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC"], "SELECT count(*) FROM pg_default_acl", 0),
    "a publication": (
        ["CREATE TABLE t (id int)", "CREATE PUBLICATION everything FOR ALL TABLES"],
        "SELECT count(*) FROM pg_publication", 0),
    "a setting of the database": (
        ["ALTER DATABASE {database} SET work_mem = '1234kB'"],
        "SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
        "WHERE d.datname = current_database()", 0),
    "a connection limit": (
        ["ALTER DATABASE {database} CONNECTION LIMIT 7"],
        "SELECT datconnlimit FROM pg_database WHERE datname = current_database()", -1),
    "a comment on the database": (
        ["COMMENT ON DATABASE {database} IS 'left behind'"],
        "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
        "WHERE datname = current_database()", ""),
}


@pytest.mark.parametrize("left", LEFT_BEHIND, ids=list(LEFT_BEHIND))
def test_what_a_test_leaves_in_its_database_is_not_found_by_the_next(left):
    statements, query, as_new = LEFT_BEHIND[left]
    url, give_back = pg_pool.taken(PG_URL)
    if "EXTENSION hstore" in statements[0] and not _read(
            url, "SELECT count(*) FROM pg_available_extensions WHERE name = 'hstore'"):
        give_back()
        pytest.skip("the server has no hstore extension (PostgreSQL's contrib)")
    _run(url, *statements)
    assert _read(url, query) != as_new
    assert _read(_next_after(url, give_back), query) == as_new


def test_a_session_left_in_a_transaction_holding_a_lock_neither_stays_nor_holds_up_the_next():
    url, give_back = pg_pool.taken(PG_URL)
    _run(url, "CREATE TABLE t (id int)")
    engine = _engine(url).execution_options(isolation_level="READ COMMITTED")
    left = engine.connect()
    left.begin()
    left.execute(text("LOCK TABLE t IN ACCESS EXCLUSIVE MODE"))
    following = _next_after(url, give_back)
    assert _read(following, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid()") == 0
    assert _read(following, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace") == 0
    left.invalidate()
    engine.dispose()


def test_a_database_a_test_only_filled_with_a_ledger_is_the_next_test_s_empty():
    from toolkit.ledger import open_ledger

    url, give_back = pg_pool.taken(PG_URL)
    open_ledger(url).engine.dispose()
    _run(url, "ANALYZE")
    following = _next_after(url, give_back)
    assert following == url
    assert _read(following, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace") == 0
