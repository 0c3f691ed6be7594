"""The reliability suite: races, kills, fuzz and hostile files (see conftest for its figures)."""
