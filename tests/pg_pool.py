"""The PostgreSQL databases of a test process, emptied between tests instead of dropped.

Each PostgreSQL test wants an empty database of its own. Creating one and dropping it took a
test 3 to 4 seconds on the shared machine (`CREATE DATABASE` copies the template and syncs it, `DROP
DATABASE` waits for a checkpoint), more than most tests' own work, over a thousand tests: the
largest share of the suite's time. A database given back is emptied instead (the connections
left on it closed, as `DROP DATABASE … WITH (FORCE)` does, its `public` schema dropped with all
it holds and made again as the template has it) and handed to the next test of the same process
that asks for one of the same collation. It is kept only if it is then as a new one would be
(the same schemas, the same privileges, no setting of its own), else dropped as before; all are
dropped when the process ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

_FREE: dict[str | None, list[str]] = {}
"""The emptied databases, by the ICU locale they sort text by (None: the server's default)."""

_AS_NEW: dict[str | None, tuple] = {}
"""What a database of that collation looked like when it was new (`_state`)."""

_ADMIN: list[Engine] = []


def _admin(server_url: str) -> Engine:
    if not _ADMIN:
        _ADMIN.append(create_engine(server_url.replace("postgresql://", "postgresql+psycopg://", 1),
                                    isolation_level="AUTOCOMMIT"))
    return _ADMIN[0]


def _engine_on(server_url: str, name: str) -> Engine:
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=name)
    return create_engine(url, poolclass=NullPool)


def _state(server_url: str, name: str) -> tuple:
    """What a test could leave behind in a database besides its tables: its schemas with their
    owners and privileges, the database's own privileges and settings."""
    engine = _engine_on(server_url, name)
    try:
        with engine.connect() as conn:
            schemas = conn.execute(text(
                "SELECT nspname, nspowner::regrole::text, coalesce(nspacl::text, '') FROM pg_namespace "
                "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname")).all()
            database = conn.execute(text(
                "SELECT datdba::regrole::text, coalesce(datacl::text, ''), "
                "(SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = d.oid) "
                "FROM pg_database d WHERE datname = current_database()")).one()
    finally:
        engine.dispose()
    return tuple(schemas), tuple(database)


def taken(server_url: str, icu_locale: str | None = None) -> tuple[str, Callable[[], None]]:
    """An empty database on the server of `server_url` and the function that gives it back."""
    free = _FREE.setdefault(icu_locale, [])
    if free:
        name = free.pop()
    else:
        name = f"toolkit_{uuid.uuid4().hex[:12]}"
        collated = f" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '{icu_locale}'" if icu_locale else ""
        with _admin(server_url).connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{collated}'))
        if icu_locale not in _AS_NEW:
            _AS_NEW[icu_locale] = _state(server_url, name)
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    return url, lambda: _given_back(server_url, name, icu_locale)


def _given_back(server_url: str, name: str, icu_locale: str | None) -> None:
    with _admin(server_url).connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
    try:
        _emptied(server_url, name)
        kept = _state(server_url, name) == _AS_NEW[icu_locale]
    except Exception:
        kept = False
    if kept:
        _FREE[icu_locale].append(name)
    else:
        _dropped(server_url, name)


def _emptied(server_url: str, name: str) -> None:
    """Every schema but the system's dropped with what it holds, `public` made again as in a
    new database of PostgreSQL 15 and later (owned by the database's owner, used by all)."""
    engine = _engine_on(server_url, name)
    try:
        with engine.begin() as conn:
            schemas = conn.execute(text(
                "SELECT nspname FROM pg_namespace "
                "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")).scalars().all()
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(text("CREATE SCHEMA public AUTHORIZATION pg_database_owner"))
            conn.execute(text("COMMENT ON SCHEMA public IS 'standard public schema'"))
            conn.execute(text("GRANT USAGE ON SCHEMA public TO PUBLIC"))
    finally:
        engine.dispose()


def _dropped(server_url: str, name: str) -> None:
    with _admin(server_url).connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def all_dropped(server_url: str | None) -> None:
    """Drop the databases kept for the next tests: the process is done with them."""
    if server_url is None or not _ADMIN:
        return
    for free in _FREE.values():
        while free:
            _dropped(server_url, free.pop())
    _ADMIN.pop().dispose()
