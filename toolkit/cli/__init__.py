"""The `toolkit` command line, a thin front end over `toolkit.services`.

`app` builds the typer application and maps outcomes to exit codes; one module per area
(`orders`, `shipping`, `invoicing`, …) registers its verbs: each parses arguments, calls one
service and shows its result.
"""
