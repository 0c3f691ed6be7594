"""The PostgreSQL databases of a test process, emptied between tests instead of dropped.

Each PostgreSQL test wants an empty database of its own. Creating one and dropping it took a
test 3 to 4 seconds on the shared machine (`CREATE DATABASE` copies the template and syncs it, `DROP
DATABASE` waits for a checkpoint), more than most tests' own work, over a thousand tests: the
largest share of the suite's time. A database given back is emptied instead (the connections
left on it closed, as `DROP DATABASE … WITH (FORCE)` does, its `public` schema dropped with all
it holds and made again as the template has it) and handed to the next test of the same process
that asks for one of the same collation. It is kept only if it is then as a new one would be
(as many rows in each of its catalogs, the same schemas and privileges, no setting, limit or
comment of its own: `_state`), else dropped as before; all are dropped when the process ends.
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


_UNCOUNTED = ("pg_statistic", "pg_init_privs")
"""Catalogs a database emptied may hold more or fewer rows of than a new one, nothing a test
reads: what ANALYZE and autovacuum learnt of the catalogs, and the initial privileges recorded of
the `public` schema the template had (the one made again has none: only pg_dump reads them)."""


def _state(server_url: str, name: str) -> tuple:
    """What a test could leave behind in a database besides its tables: the rows of each catalog
    of the database (schemas, extensions, large objects, default privileges, publications, …),
    its schemas with their owners and privileges, the database's own privileges, settings,
    connection limit, comment and what it holds of roles (pg_shdepend)."""
    engine = _engine_on(server_url, name)
    try:
        with engine.connect() as conn:
            catalogs = conn.execute(text(
                "SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace "
                f"AND relkind = 'r' AND NOT relisshared AND relname NOT IN {_UNCOUNTED} ORDER BY relname")).scalars().all()
            rows = conn.execute(text(" UNION ALL ".join(
                f"SELECT '{catalog}', count(*) FROM pg_catalog.{catalog}" for catalog in catalogs))).all()
            schemas = conn.execute(text(
                "SELECT nspname, nspowner::regrole::text, coalesce(nspacl::text, '') FROM pg_namespace "
                "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname")).all()
            database = conn.execute(text(
                "SELECT datdba::regrole::text, coalesce(datacl::text, ''), datconnlimit, datallowconn, "
                "coalesce(shobj_description(d.oid, 'pg_database'), ''), "
                "(SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = d.oid), "
                "(SELECT count(*) FROM pg_shdepend WHERE dbid = d.oid) "
                "FROM pg_database d WHERE datname = current_database()")).one()
    finally:
        engine.dispose()
    return tuple(rows), tuple(schemas), tuple(database)


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
