"""`toolkit calendar`: the forward plan of deliveries (the seed's planning calendar)."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, VerboseOption
from toolkit.cli.session import in_order, open_master, parse_day


def register(app: typer.Typer) -> None:
    @app.command("calendar")
    @output.with_progress("Calendario consegne", "Delivery plan")
    def calendar_cmd(
        workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook."),
        date_from: str = typer.Option(..., "--from", help="Primo giorno / first day."),
        date_to: str = typer.Option(..., "--to", help="Ultimo giorno / last day."),
        out: Path | None = output.out_file(None, help="Scrivi il calendario in questo .xlsx / write the plan here."),
        json: bool = JsonOption, verbose: bool = VerboseOption,
        lang: str | None = LangOption,
    ) -> None:
        """Piano delle consegne fra due date: griglia ed elenco. The delivery plan between two dates: grid and list."""
        from toolkit.basics.files import check_output
        from toolkit.basics.vocab import WEEKDAYS_EN, WEEKDAYS_IT
        from toolkit.core.due_quantity import due_quantity, item_units, shown
        from toolkit.services.calendar import plan

        if out is not None:
            check_output(out, kind="calendar", inputs=(workbook,))
        session = open_master(workbook, lang)
        start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
        in_order(start, end)
        result = plan(session.master, start, end, out=out, lang=output.lang())
        problems = session.warnings + result.problems
        if json:
            output.reply({"from": start, "to": end, "deliveries": [
                {"date": d.day, "template": d.template, "customer": d.customer, "moved": d.moved,
                 "moved_from": d.moved_from, "nominal": list(d.nominal), "extra": d.extra,
                 "exceptions": [e.value for e in d.exceptions],
                 "lines": [{"item": line.item, "quantity": line.quantity} for line in d.lines]}
                for d in result.dues]}, problems)
        else:
            units = item_units(session.master)
            weekdays = WEEKDAYS_IT if output.lang() == "it" else WEEKDAYS_EN
            for d in result.dues:
                note = " *" if d.changed else ""
                quantity = shown(*due_quantity(d, units), output.lang())
                day = weekdays[d.day.weekday()]
                typer.echo(f"{d.day:%d/%m/%Y} {day}  {d.template:<8} {d.customer:<8} {quantity:>10}{note}")
            output.print_problems(problems)
            if result.file is not None:
                typer.echo(str(result.file))
        output.exit_for(problems)
