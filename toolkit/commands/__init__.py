"""The command-line verbs, one module per area; each registers its commands on the app."""
