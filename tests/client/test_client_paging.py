"""Cursor pagination: one page at a time, or every registration through a lazy iterator."""

from __future__ import annotations

from datetime import timedelta
from itertools import islice

from registrar_mock.client import Direction, Page, Registration, SortBy
from registrar_mock.model.world import SeedRegistration, World

from .conftest import Connect, closed_world

NAMES = [f"site-{i:02d}.com" for i in range(23)]


def world_with_registrations() -> World:
    start = SeedRegistration("x.com").created_at
    seeds = tuple(
        # Created in reverse name order, so date order and name order differ.
        SeedRegistration(name, created_at=start + timedelta(days=len(NAMES) - i))
        for i, name in enumerate(NAMES)
    )
    return closed_world(registrations=seeds)


def test_iter_registrations_walks_more_than_three_pages_each_item_once(connect: Connect) -> None:
    h = connect(world_with_registrations())
    names = [r.domain_name for r in h.client.iter_registrations(per_page=5)]
    assert len(names) == len(NAMES)
    assert set(names) == set(NAMES)
    # Default order is registration date, oldest first.
    assert names == list(reversed(NAMES))
    assert h.transport.count("GET", "/registrations") == 5  # ceil(23 / 5) pages


def test_sort_and_direction_are_the_callers(connect: Connect) -> None:
    h = connect(world_with_registrations())
    by_name = h.client.iter_registrations(per_page=4, sort_by=SortBy.NAME, direction=Direction.DESC)
    assert [r.domain_name for r in by_name] == sorted(NAMES, reverse=True)
    plain = h.client.iter_registrations(per_page=50, sort_by="name")
    assert [r.domain_name for r in plain] == sorted(NAMES)


def test_iteration_is_lazy(connect: Connect) -> None:
    h = connect(world_with_registrations())
    first_six = list(islice(h.client.iter_registrations(per_page=5), 6))
    assert len(first_six) == 6
    assert h.transport.count("GET", "/registrations") == 2  # not all five pages


def test_list_registrations_is_one_page_and_hands_back_the_cursor(connect: Connect) -> None:
    h = connect(world_with_registrations())
    seen: list[str] = []
    page: Page[Registration] = h.client.list_registrations(per_page=10, sort_by="name")
    pages = 1
    while True:
        assert page.count == len(page.items)
        assert page.per_page == 10
        seen += [r.domain_name for r in page.items]
        if not page.has_next:
            break
        page = h.client.list_registrations(per_page=10, sort_by="name", cursor=page.cursor)
        pages += 1
    assert page.cursor == ""
    assert pages == 3
    assert seen == sorted(NAMES)


def test_an_empty_account_is_one_empty_page(connect: Connect) -> None:
    h = connect()
    assert list(h.client.iter_registrations()) == []
    page = h.client.list_registrations()
    assert page.items == [] and page.cursor == "" and not page.has_next
