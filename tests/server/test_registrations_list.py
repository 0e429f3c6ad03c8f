"""GET /registrations: cursor pagination and sorting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.model.world import AccountSpec, SeedRegistration, World
from tests.helpers import ACCOUNT, only_error

Connect = Callable[..., httpx.Client]
START = datetime(2025, 3, 1, tzinfo=UTC)  # so every seed is still active in 2026


def seeded(count: int) -> World:
    # Creation and expiry orders differ from name order, so each sort is distinguishable.
    registrations = tuple(
        SeedRegistration(
            f"site{(i * 37) % count:03d}.com",
            created_at=START + timedelta(days=i),
            expires_at=START + timedelta(days=400 + (i * 11) % count),
        )
        for i in range(count)
    )
    return World(accounts=(AccountSpec(id=ACCOUNT, registrations=registrations),))


def walk(api: httpx.Client, **params: str) -> tuple[list[dict[str, object]], int]:
    items: list[dict[str, object]] = []
    pages = 0
    cursor = ""
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = api.get("/registrations", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        info = body["result_info"]
        assert info["count"] == len(body["result"])
        assert info["per_page"] == int(params.get("per_page", 20))
        items.extend(body["result"])
        pages += 1
        cursor = info["cursor"]
        if cursor == "":
            return items, pages


def test_empty_account(api: httpx.Client) -> None:
    body = api.get("/registrations").json()
    assert body["result"] == []
    assert body["result_info"] == {"count": 0, "cursor": "", "per_page": 20}


@pytest.mark.parametrize("sort_by", ["registry_created_at", "registry_expires_at", "name"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_registration_exactly_once_in_order(
    connect: Connect, sort_by: str, direction: str
) -> None:
    api = connect(create_app(seeded(47)))
    items, pages = walk(api, per_page="10", sort_by=sort_by, direction=direction)
    assert pages == 5
    names = [str(item["domain_name"]) for item in items]
    assert sorted(names) == sorted({f"site{i:03d}.com" for i in range(47)})
    field = {"registry_created_at": "created_at", "registry_expires_at": "expires_at"}.get(
        sort_by, "domain_name"
    )
    keys = [str(item[field]) for item in items]
    assert keys == sorted(keys, reverse=direction == "desc")


def test_default_sort_is_registration_date_ascending_with_20_per_page(connect: Connect) -> None:
    api = connect(create_app(seeded(25)))
    body = api.get("/registrations").json()
    assert len(body["result"]) == 20
    created = [r["created_at"] for r in body["result"]]
    assert created == sorted(created)
    assert body["result_info"]["cursor"] != ""


def test_pages_stay_exact_when_registrations_are_added_mid_walk(connect: Connect) -> None:
    api = connect(create_app(seeded(30)))
    first = api.get("/registrations", params={"per_page": "10", "sort_by": "name"}).json()
    api.post("/registrations", json={"domain_name": "aaa-new.com"})  # sorts before the cursor
    seen = [r["domain_name"] for r in first["result"]]
    cursor = first["result_info"]["cursor"]
    while cursor:
        page = api.get(
            "/registrations", params={"per_page": "10", "sort_by": "name", "cursor": cursor}
        ).json()
        seen += [r["domain_name"] for r in page["result"]]
        cursor = page["result_info"]["cursor"]
    assert len(seen) == len(set(seen)) == 30


def test_tampered_cursor_is_rejected(connect: Connect) -> None:
    api = connect(create_app(seeded(25)))
    cursor = api.get("/registrations").json()["result_info"]["cursor"]
    for bad in (cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"), "garbage", "e30"):
        response = api.get("/registrations", params={"cursor": bad})
        assert response.status_code == 400
        error = only_error(response)
        assert (error["code"], error["message"]) == (10000, "Invalid pagination cursor")


def test_cursor_from_another_sort_is_rejected(connect: Connect) -> None:
    api = connect(create_app(seeded(25)))
    cursor = api.get("/registrations", params={"sort_by": "name"}).json()["result_info"]["cursor"]
    response = api.get(
        "/registrations", params={"cursor": cursor, "sort_by": "registry_expires_at"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"per_page": "0"}, "/per_page"),
        ({"per_page": "51"}, "/per_page"),
        ({"per_page": "many"}, "/per_page"),
        ({"sort_by": "price"}, "/sort_by"),
        ({"direction": "up"}, "/direction"),
    ],
)
def test_bad_list_parameters(api: httpx.Client, params: dict[str, str], pointer: str) -> None:
    response = api.get("/registrations", params=params)
    assert response.status_code == 400
    assert only_error(response)["source"] == {"pointer": pointer}


def test_per_page_bounds_are_inclusive(connect: Connect) -> None:
    api = connect(create_app(seeded(60)))
    assert len(api.get("/registrations", params={"per_page": "1"}).json()["result"]) == 1
    assert len(api.get("/registrations", params={"per_page": "50"}).json()["result"]) == 50
