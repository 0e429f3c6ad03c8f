"""Calendar arithmetic the registry uses."""

from __future__ import annotations

from datetime import datetime


def add_years(instant: datetime, years: int) -> datetime:
    """The same calendar moment ``years`` later; 29 February falls back to the 28th."""
    try:
        return instant.replace(year=instant.year + years)
    except ValueError:
        return instant.replace(year=instant.year + years, day=28)
