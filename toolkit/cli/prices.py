"""`toolkit prices`: a price list's prices valid on a day (derived versions computed), on screen or as a sheet."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, VerboseOption
from toolkit.cli.session import one_code, open_master, parse_day
from toolkit.model.records import PriceList


def register(app: typer.Typer) -> None:
    @app.command("prices")
    @output.with_progress("Listino", "Price list")
    def prices_cmd(
        workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook."),
        price_list: str = typer.Option(..., "--list", help="Codice del listino / price-list code."),
        day: str = typer.Option(..., "--date", help="Prezzi validi in questo giorno / prices valid on this day."),
        out: Path | None = output.out_file(None, help="Scrivi il listino in questo .xlsx / write the list here."),
        json: bool = JsonOption, verbose: bool = VerboseOption,
        lang: str | None = LangOption,
    ) -> None:
        """Prezzi di un listino validi in un giorno, versioni derivate comprese. A price list's prices valid on a day,
        derived versions included."""
        from toolkit.core.pricing import derivation
        from toolkit.services.prices import prices

        session = open_master(workbook, lang)
        price_list = one_code(session.master, price_list, "--list", PriceList) or price_list
        on = parse_day(day)
        listing = prices(session.master, price_list.strip(), on, out=out, lang=output.lang(), workbook=workbook)
        problems = session.warnings + listing.problems
        version = listing.version
        if json:
            output.reply({
                "price_list": listing.price_list, "date": on, "version": version.version if version else None,
                "derived_from": derivation(version) if version else None, "file": listing.file,
                "prices": [{"item": x.price.item, "list_price": x.price.list_price,
                            "standard_price": x.price.standard_price, "limit_price": x.price.limit_price,
                            "discount": x.price.discount, "derived": x.derived} for x in listing.prices]}, problems)
        else:
            if version is not None:
                from toolkit.cli.tables import print_prices

                print_prices(listing, output.lang())
            output.print_problems(problems)
            if listing.file is not None:
                typer.echo(str(listing.file))
        output.exit_for(problems)
