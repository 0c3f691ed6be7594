"""Reports (the Openbravo seed's Business Intelligence): sales, shipments, invoices, sales by
customer and product, and the aging of open receivables, grouped by any dimension, compared
with the period before or the same period a year earlier, written as a workbook with charts.

One ledger query per report (the comparison period is read in the same query), then pandas
groups, pivots and compares. Money stays exact: amounts arrive as the ledger's integers of
cents and are summed as integers; they become euro only in the workbook's cells, each an
amount of whole cents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.basics import dates
from toolkit.basics.wording import percent
from toolkit.core.commissions import agents_of
from toolkit.core.reports import (
    AGING_AHEAD,
    BUCKETS,
    KIND_WORDS,
    NO_COMPARISON_FOR_AGING,
    ROWS_OF_NO_ITEM,
    Compare,
    Kind,
    Report,
    Request,
    aged,
    comparison_period,
    items_off_the_sheet,
    off_the_sheet_ungrouped,
    whole_months,
)
from toolkit.ledger import Ledger
from toolkit.model.records import MasterData
from toolkit.services.session import names_off_the_sheet, off_the_sheet

if TYPE_CHECKING:
    from toolkit.ledger.reports import Grain

# --- reading ----------------------------------------------------------------------------------

def _frame(columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> Any:
    return pd.DataFrame.from_records(rows, columns=list(columns))


def _read(ledger: Ledger, kind: Kind, periods: list[tuple[date, date]], grain: Grain = "day") -> Any:
    """The kind's lines in the periods summed to the grain, as a frame: day (a date, or
    `YYYY-MM` by month), current (1 in the period, 0 in the comparison), customer, item,
    quantity (thousandths) and amount (cents); customer and item as pandas categories (a few
    thousand codes over up to a million rows: mapping their names and grouping by them go
    through the codes once).

    A period longer than a year compared with last year overlaps its comparison (April 2026 is
    in 2026-01/2027-03 and in 2025-01/2026-03): its lines are read once for each, as one query
    would give each line to the period alone and leave the comparison short of them."""
    from toolkit.ledger import reports as queries
    from toolkit.ledger.db import reading

    query = {Kind.SALES: queries.sales, Kind.SHIPMENTS: queries.shipments}.get(kind, queries.invoiced)
    overlap = len(periods) > 1 and periods[1][1] >= periods[0][0]
    with reading(ledger) as conn:
        found = [query(conn, periods[:1], grain), query(conn, periods[1:], grain)] if overlap else [
            query(conn, periods, grain)]
    frames = [_frame(rows.columns, rows.rows) for rows in found]
    if overlap:
        frames[1]["current"] = 0
    frame = pd.concat(frames, ignore_index=True) if overlap else frames[0]
    if kind is Kind.SHIPMENTS:
        frame["amount"] = _shipped_amounts(frame)
    frame = frame[["day", "current", "customer", "item", "quantity", "amount"]]
    return frame.astype({"current": "int8", "customer": "category", "item": "category", "quantity": "int64",
                         "amount": "int64"})


def grain(request: Request, compared: tuple[date, date] | None) -> Grain:
    """The finest the report shows: by day when its timeline is by day, or when the
    comparison's days move onto the period's by a number of days (a period of whole months
    compared, or compared with last year, moves by whole months); else by month."""
    if (request.end - request.start).days < 62:
        return "day"
    if compared is None or request.compare is Compare.LAST_YEAR or whole_months(request.start, request.end):
        return "month"
    return "day"


def _shipped_amounts(frame: Any) -> Any:
    """A DDT line's value: its order line's amount when all of it shipped (summed by the
    query), else quantity × unit price rounded half-up to cents, as an invoice would charge
    it (exact, in `Decimal`, for the few lines shipped in part, which come one per row)."""
    amounts = frame["amount"].astype("int64")
    part = frame["part"].notna()
    if part.any():
        amounts.loc[part] = [
            int((Decimal(int(q)).scaleb(-3) * Decimal(int(p)).scaleb(-6))
                .quantize(Decimal("0.01"), ROUND_HALF_UP).scaleb(2))
            for q, p in zip(frame.loc[part, "quantity"], frame.loc[part, "unit_price"])]
    return amounts


# --- shaping ----------------------------------------------------------------------------------

def agent_names(master: MasterData, lang: str = "it") -> dict[str, str]:
    """Customer → the agents a report groups it under: its *Agente*, or the agents *Agenti
    clienti* gives it with their shares ("Marco Bianchi 62,5 %, Laura Colombo 37,5 %"), as the
    commissions read them; a report counts a customer's whole amount under that one label,
    written in the report's language (`12.5 %` reads as a typo in an Italian report).
    """
    found = agents_of(master.customers, master.customer_agents)
    return {code: agents[0][0] if len(agents) == 1 else
            ", ".join(f"{name} {percent(share, lang)}" for name, share in agents)
            for code, agents in found.items()}


def _dimensions(frame: Any, master: MasterData, wanted: Sequence[str] = ("customer_name", "zone", "agent",
                                                                        "description", "category"),
                lang: str = "it", printed: Mapping[str, str] | None = None,
                described: Mapping[str, str] | None = None) -> Any:
    """Add the `wanted` dimensions' columns (the customer's name, zone and agent, the item's
    description and category) from the master data as it is now; a customer taken off
    *Clienti* is named as its documents printed it (`printed`), an item taken off *Articoli*
    described as its lines printed it (`described`); a code the master data does not know, or a
    blank, is otherwise the empty string, so it groups as "none"."""
    customers = {c.code: c for c in master.customers}
    items = {x.code: x for x in master.items}
    own_rows = {code: labels[lang] for code, labels in ROWS_OF_NO_ITEM.items()}
    own_rows |= {name: (name, description) for name, description in own_rows.values()}
    sources = {
        "customer_name": ("customer", {**(printed or {}), **{k: c.name for k, c in customers.items()}}),
        "zone": ("customer", {k: c.area or "" for k, c in customers.items()}),
        "agent": ("customer", agent_names(master, lang)),
        "description": ("item", {**{k: d for k, (_, d) in own_rows.items()}, **(described or {}),
                                 **{k: x.description for k, x in items.items()}}),
        "category": ("item", {**{k: n for k, (n, _) in own_rows.items()},
                              **{k: x.category or "" for k, x in items.items()}}),
    }
    added = {}
    for name in wanted:
        code, values = sources[name]
        if code in frame:
            added[name] = frame[code].map(lambda c, v=values: v.get(c, "")).astype(str)
    return frame.assign(**added)


def _filter(frame: Any, request: Request) -> Any:
    if request.customers:
        frame = frame[frame["customer"].isin(request.customers)]
    if request.items and "item" in frame:
        frame = frame[frame["item"].isin(request.items)]
    return frame


def build(master: MasterData, ledger: Ledger, request: Request, lang: str = "it") -> Report:
    """The report's tables from the ledger (no file yet: `write` makes the workbook), their
    labels in `lang`."""
    if request.kind is Kind.AGING:
        return _aging(master, ledger, request, lang)
    by = request.by or (("customer", "item") if request.kind is Kind.CUSTOMER_PRODUCTS else ("customer",))
    compared = comparison_period(request.start, request.end, request.compare)
    periods = [(request.start, request.end), *([compared] if compared else [])]
    by_month = grain(request, compared) == "month"
    frame = _discounts_named(_filter(_read(ledger, request.kind, periods, "month" if by_month else "day"), request),
                             master, lang)
    days = pd.to_datetime(frame["day"], format="%Y-%m" if by_month else None)
    frame = frame.assign(day=days, period=pd.Categorical.from_codes(frame["current"].to_numpy(), ["compare", "current"]),
                         month=_months(days)).drop(columns="current")
    now = frame["period"] == "current"
    timeline = _timeline(frame, request, compared)
    data = (frame.groupby(["period", "month", "customer", "item"], sort=True, observed=True)[["quantity", "amount"]]
            .sum().reset_index())
    printed = names_off_the_sheet(ledger, master, frame["customer"].cat.categories)
    gone = _items_off_the_sheet(master, frame["item"].cat.categories, lang)
    as_printed = _as_printed(ledger, gone, periods)
    described = {item: description for item, (description, _) in as_printed.items()}
    data = _dimensions(data, master, lang=lang, printed=printed, described=described)
    keys = [b for b in by if b not in ("customer", "item", "month")]
    grouping = frame if compared is None or "month" not in by else frame.assign(
        month=_months(frame["day"].where(now, _moved_days(frame["day"], request, compared))))
    table = _grouped(_dimensions(grouping, master, keys, lang, printed, described) if keys else grouping, by)
    total = int(frame.loc[now, "amount"].sum())
    compare_total = int(frame.loc[~now, "amount"].sum()) if compared else None
    problems = off_the_sheet_ungrouped(by, off_the_sheet(master, frame["customer"].unique()))
    problems += items_off_the_sheet(by, set(frame.loc[frame["item"].isin(gone), "item"].astype(str)))
    return Report(request, by, compared, table, data, timeline, total, compare_total, problems,
                  sold_in={item: unit for item, (_, unit) in as_printed.items()})


def _items_off_the_sheet(master: MasterData, items: Any, lang: str) -> set[str]:
    """The item codes of the ledger's lines that *Articoli* no longer lists: not the blank of a
    line of no item, nor the rows of the volume discounts and the debit notes."""
    return {str(x) for x in items} - {x.code for x in master.items} - {
        "", *ROWS_OF_NO_ITEM, *(labels[lang][0] for labels in ROWS_OF_NO_ITEM.values())}


def _as_printed(ledger: Ledger, items: set[str], periods: list[tuple[date, date]]) -> dict[str, tuple[str, str]]:
    """The description and unit the lines of the report's `periods` printed for `items`; none
    asked, no query."""
    if not items:
        return {}
    from toolkit.ledger.db import reading
    from toolkit.ledger.reports import items_as_printed

    with reading(ledger) as conn:
        return items_as_printed(conn, items, periods)


def _discounts_named(frame: Any, master: MasterData, lang: str) -> Any:
    """The volume discounts' credit notes and the debit notes under the item the report shows
    them as, *Sconti di volume* (`VOLUME_DISCOUNTS`) and *Note di debito* (`DEBIT_NOTES`), each
    its code on *Articoli* only if the sheet has no such item."""
    items = frame["item"].cat.categories
    taken = {*items, *(x.code for x in master.items)}
    named = {code: labels[lang][0] for code, labels in ROWS_OF_NO_ITEM.items()
             if code in items and labels[lang][0] not in taken}
    return frame.assign(item=frame["item"].cat.rename_categories(named)) if named else frame


def _months(days: Any) -> Any:
    """`2026-04` for each day, as a category: formatting a million dates one by one would take
    longer than the rest of the report."""
    months = days.to_numpy().astype("datetime64[M]")
    found, codes = np.unique(months, return_inverse=True)
    return pd.Categorical.from_codes(codes.reshape(-1), [str(m)[:7] for m in found])


def _grouped(frame: Any, by: tuple[str, ...]) -> Any:
    """One row per group: the labels, quantity and amount of the period, amount of the
    comparison; sorted by the labels, so a group's subtotal closes a block of rows. By month,
    the comparison's months are those of the period they are compared to (`build` moves them,
    as the timeline does): October's row holds July beside it, not a row of its own."""
    keys = list(by)
    now = frame["period"] == "current"
    current = frame[now].groupby(keys, sort=False, observed=True)[["quantity", "amount"]].sum()
    before = frame[~now].groupby(keys, sort=False, observed=True)["amount"].sum().rename("compare_amount")
    table = current.join(before, how="outer").fillna(0).astype("int64").reset_index()
    table = table.astype({k: str for k in keys})
    return table.sort_values(keys, kind="stable").reset_index(drop=True)


def _timeline(frame: Any, request: Request, compared: tuple[date, date] | None) -> Any:
    """Amounts per month (per day for two months or less), the comparison period's beside
    the period it is compared to: each of its days moved onto the matching day."""
    daily = (request.end - request.start).days < 62
    by_day = frame.groupby(["day", "period"], observed=True)["amount"].sum().reset_index()
    days = by_day["day"]
    current = by_day["period"] == "current"
    if compared is not None:
        days = days.where(current, _moved_days(days, request, compared))
    label = days.dt.strftime("%Y-%m-%d" if daily else "%Y-%m")
    grouped = (by_day.assign(label=label, current=by_day["amount"].where(current, 0),
                             before=by_day["amount"].where(~current, 0))
               .groupby("label")[["current", "before"]].sum())
    stamps = pd.date_range(request.start, request.end, freq="D")
    labels = list(dict.fromkeys(stamps.strftime("%Y-%m-%d" if daily else "%Y-%m")))
    grouped = grouped.reindex(labels, fill_value=0)
    return pd.DataFrame({"label": labels, "amount": grouped["current"].astype("int64").to_numpy(),
                         "compare_amount": grouped["before"].astype("int64").to_numpy()})


def _moved_days(days: Any, request: Request, compared: tuple[date, date]) -> Any:
    months = 12 if request.compare is Compare.LAST_YEAR else whole_months(request.start, request.end)
    if months:
        return days + pd.DateOffset(months=months)
    return days + pd.Timedelta(days=(request.start - compared[0]).days)


# --- aging ------------------------------------------------------------------------------------

def _aging(master: MasterData, ledger: Ledger, request: Request, lang: str) -> Report:
    """Open receivables on the period's last day, of every invoice and credit note open on it
    whatever its date: an aging is what is open at a day, and one of January that left out
    December's unpaid invoices hid the oldest debts, the ones it exists to show. What `toolkit
    payments status` finds outstanding (payments and the credit notes citing the invoice up to
    that day), each open due by its own days past due (`aged`: a due of today is not yet due, a
    credit note is a credit for what it settles of no invoice)."""
    from toolkit.core.payments import payment_status
    from toolkit.services.payments import receivables_on

    as_of = request.end
    rows = []
    for receivable in receivables_on(ledger, as_of):
        status = payment_status(receivable, as_of)
        if status.outstanding == 0:
            continue
        rows += [(receivable.customer, status.number, receivable.invoice_date, part.due, part.days_past_due,
                  part.bucket, int(part.amount.scaleb(2))) for part in aged(status, receivable.dues)]
    printed = names_off_the_sheet(ledger, master, {row[0] for row in rows})
    frame = _filter(_dimensions(pd.DataFrame.from_records(
        rows, columns=["customer", "document", "invoice_date", "due_date", "days_past_due", "bucket", "amount"]),
        master, ("customer_name", "zone", "agent"), lang, printed), request).astype({"days_past_due": "Int64"})
    by = request.by or ("customer",)
    if frame.empty:
        table = pd.DataFrame(columns=[*by, *BUCKETS, "amount"])
    else:
        table = frame.pivot_table(index=list(by), columns="bucket", values="amount", aggfunc="sum", fill_value=0)
        table = table.reindex(columns=list(BUCKETS), fill_value=0)
        table["amount"] = table.sum(axis=1)
        table = table.astype("int64").reset_index().sort_values(list(by), kind="stable").reset_index(drop=True)
    data = frame[["customer", "customer_name", "agent", "zone", "document", "invoice_date", "due_date",
                  "days_past_due", "bucket", "amount"]].reset_index(drop=True)
    problems = [NO_COMPARISON_FOR_AGING(None)] if request.compare else []
    if as_of > (today := dates.today_rome()):
        problems.append(AGING_AHEAD(None, day=f"{as_of:%d/%m/%Y}", today=f"{today:%d/%m/%Y}"))
    problems += off_the_sheet_ungrouped(by, off_the_sheet(master, frame["customer"].unique()))
    empty = pd.DataFrame({"label": [], "amount": [], "compare_amount": []})
    return Report(request, by, None, table, data, empty, int(frame["amount"].sum()), None, problems)


# --- the action ---------------------------------------------------------------------------------

def report(master: MasterData, ledger: Ledger, request: Request, out: Path, *, lang: str,
           pdf: bool = False) -> Report:
    """Build the report and write its workbook (and, with `pdf`, the PDF beside it)."""
    from toolkit.writers.reports import write_report

    made = build(master, ledger, request, lang)
    written = write_report(out, master, made, lang)
    printed = None
    if pdf:
        from toolkit.writers.pdf import to_pdf

        printed = to_pdf(written)
    return replace(made, file=written, pdf=printed)


def default_name(kind: Kind, start: date, end: date) -> str:
    """The file the panel's button writes beside the master, named in the desk's words as its
    other files are (*stato-pagamenti-…*, *calendario-…*), the kind as the dropdown and `toolkit
    report` say it: `report-vendite-2026-04-01-2026-04-30.xlsx`, where the English code made
    `report-sales-…` of the desk's *Vendite*. An aging is of one day, its last: `report-scadenziario-2026-04-30.xlsx`."""
    if kind is Kind.AGING:
        return f"report-{KIND_WORDS[kind]}-{end:%Y-%m-%d}.xlsx"
    return f"report-{KIND_WORDS[kind]}-{start:%Y-%m-%d}-{end:%Y-%m-%d}.xlsx"


def euro(cents: int | None) -> Decimal | None:
    """Integer cents as the `Decimal` euro the JSON and the messages show."""
    return None if cents is None else Decimal(int(cents)).scaleb(-2)
