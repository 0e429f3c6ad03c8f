"""Scenario time: dates written relative to the start, and bundled stories that are the
same whenever the clock begins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registrar_mock import scenarios
from registrar_mock.scenarios import ScenarioError

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def seeded(document: dict[str, object]) -> dict[str, tuple[datetime, datetime | None]]:
    world = scenarios.resolve(document).world
    return {
        item.domain_name: (item.created_at, item.expires_at)
        for account in world.accounts
        for item in account.registrations
    }


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("+20d", START + timedelta(days=20)),
        ("-90m", START - timedelta(minutes=90)),
        ("+1w-12h", START + timedelta(days=7, hours=-12)),
        ("-1y", datetime(2025, 3, 1, 9, 0, tzinfo=UTC)),  # a calendar year
        ("-1y+30d", datetime(2025, 3, 31, 9, 0, tzinfo=UTC)),
        ("+2y", datetime(2028, 3, 1, 9, 0, tzinfo=UTC)),
        ("2027-01-01T00:00:00Z", datetime(2027, 1, 1, tzinfo=UTC)),  # absolute still works
    ],
)
def test_dates_may_count_from_the_start(written: str, meant: datetime) -> None:
    document = {
        "start": START.isoformat(),
        "accounts": [
            {
                "id": "0" * 31 + "1",
                "registrations": [
                    {"domain": "when.com", "created_at": "-2y", "expires_at": written}
                ],
            }
        ],
    }
    assert seeded(document)["when.com"] == (datetime(2024, 3, 1, 9, 0, tzinfo=UTC), meant)


@pytest.mark.parametrize("written", ["+20", "20d", "+20 days", "+-3d", "+d", "+99999999y"])
def test_a_bad_relative_date_names_its_place(written: str) -> None:
    document = {
        "start": START.isoformat(),
        "accounts": [
            {"id": "0" * 31 + "1", "registrations": [{"domain": "a.com", "expires_at": written}]}
        ],
    }
    with pytest.raises(ScenarioError) as caught:
        scenarios.resolve(document)
    assert caught.value.path == "accounts[0].registrations[0].expires_at"


@pytest.mark.parametrize("name", scenarios.bundled())
def test_every_bundled_story_is_the_same_whenever_the_clock_begins(name: str) -> None:
    """Moved to another start, a bundled scenario's dates all move with it, so none of
    them means something else depending on when it is loaded."""
    first, later = scenarios.resolve(name), scenarios.resolve(name, start="2031-07-15T06:30:00Z")
    shift = later.world.start - first.world.start
    assert shift > timedelta(0)

    def dates(scenario: scenarios.Scenario) -> list[datetime | None]:
        return [
            moment
            for account in scenario.world.accounts
            for item in account.registrations
            for moment in (item.created_at, item.expires_at)
        ]

    before, after = dates(first), dates(later)
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        assert (old is None and new is None) or (
            old is not None and new is not None and abs(new - old - shift) <= timedelta(days=1)
        ), name  # a day for calendar years across a leap day
