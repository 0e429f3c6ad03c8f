"""domain-search: deterministic, non-authoritative suggestions."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.model.catalogue import SUPPORTED_PRICES
from registrar_mock.model.world import RegistryView, World
from tests.helpers import only_error

SUPPORTED = {name for name, _ in SUPPORTED_PRICES}


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [d["name"] for d in response.json()["result"]["domains"]]


def test_suggestions_come_from_the_keyword_across_supported_extensions(api: httpx.Client) -> None:
    response = api.get("/domain-search", params={"q": "acme corp"})
    found = names(response)
    assert len(found) == 20  # the default limit
    assert found[:3] == ["acmecorp.com", "acmecorp.org", "acmecorp.net"]
    assert all(name.split(".", 1)[1] in SUPPORTED for name in found)
    first = response.json()["result"]["domains"][0]
    assert first == {
        "name": "acmecorp.com",
        "registrable": True,
        "pricing": {"currency": "USD", "registration_cost": "8.57", "renewal_cost": "8.57"},
        "tier": "standard",
    }


def test_search_is_deterministic(api: httpx.Client) -> None:
    params = {"q": "coffee shop", "limit": "50"}
    assert (
        api.get("/domain-search", params=params).content
        == api.get("/domain-search", params=params).content
    )


def test_a_domain_name_query_puts_that_domain_first(api: httpx.Client) -> None:
    found = names(api.get("/domain-search", params={"q": "mybrand.dev", "limit": "5"}))
    assert found[0] == "mybrand.dev"
    assert len(found) == 5


def test_extensions_filter_accepts_comma_separated_and_repeated(api: httpx.Client) -> None:
    comma = names(api.get("/domain-search", params={"q": "pizza", "extensions": "net,com,horse"}))
    repeated = names(
        api.get(
            "/domain-search", params=[("q", "pizza"), ("extensions", "net"), ("extensions", "com")]
        )
    )
    assert comma == repeated
    assert {name.split(".", 1)[1] for name in comma} == {"net", "com"}
    assert comma[:2] == ["pizza.net", "pizza.com"]


def test_limit_bounds_the_result(api: httpx.Client) -> None:
    assert len(names(api.get("/domain-search", params={"q": "x", "limit": "1"}))) == 1
    assert len(names(api.get("/domain-search", params={"q": "x", "limit": "50"}))) == 50


def test_taken_and_premium_domains_show_in_search(api: httpx.Client) -> None:
    body = api.get("/domain-search", params={"q": "crypto.com", "limit": "1"}).json()
    assert body["result"]["domains"] == [
        {
            "name": "crypto.com",
            "registrable": True,
            "pricing": {
                "currency": "USD",
                "registration_cost": "100000.00",
                "renewal_cost": "5000.00",
            },
            "tier": "premium",
        }
    ]
    taken = api.get("/domain-search", params={"q": "example.com", "limit": "1"}).json()
    assert taken["result"]["domains"] == [
        {"name": "example.com", "registrable": False, "reason": "domain_unavailable"}
    ]


def test_stale_search_says_available_while_check_says_not(
    connect: Callable[..., httpx.Client],
) -> None:
    world = World(registry=RegistryView(stale_in_search=frozenset({"freshly-taken.com"})))
    api = connect(create_app(world))
    search = api.get("/domain-search", params={"q": "freshly-taken.com", "limit": "1"}).json()
    assert search["result"]["domains"][0]["registrable"] is True
    check = api.post("/domain-check", json={"domains": ["freshly-taken.com"]}).json()
    assert check["result"]["domains"][0] == {
        "name": "freshly-taken.com",
        "registrable": False,
        "reason": "domain_unavailable",
    }
    response = api.post("/registrations", json={"domain_name": "freshly-taken.com"})
    assert response.status_code == 400


def test_idn_keyword_is_punycode(api: httpx.Client) -> None:
    found = names(api.get("/domain-search", params={"q": "café", "limit": "1"}))
    assert found == ["xn--caf-dma.com"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, 1001),
        ({"q": ""}, 400, 1001),
        ({"q": "a" * 101}, 400, 1002),
        ({"q": "com"}, 400, 1003),
        ({"q": ".app"}, 400, 1003),
        ({"q": "x", "extensions": ",".join(["com"] * 21)}, 400, 1004),
        ({"q": "x", "limit": "0"}, 400, 1005),
        ({"q": "x", "limit": "51"}, 400, 1005),
        ({"q": "x", "limit": "ten"}, 400, 1005),
    ],
)
def test_bad_search_parameters(
    api: httpx.Client, params: dict[str, str], status: int, code: int
) -> None:
    response = api.get("/domain-search", params=params)
    assert response.status_code == status
    error = only_error(response)
    assert error["code"] == code
    assert error["source"]["pointer"].lstrip("/") in {"q", "extensions", "limit"}  # type: ignore[index]


def test_messages_of_the_documented_search_errors(api: httpx.Client) -> None:
    assert only_error(api.get("/domain-search"))["message"] == "Missing required parameter: q"
    assert (
        only_error(api.get("/domain-search", params={"q": "a" * 101}))["message"]
        == "Parameter q exceeds maximum length of 100 characters"
    )
    bare = only_error(api.get("/domain-search", params={"q": "com"}))["message"]
    assert "extension" in str(bare)


def test_blank_extension_items_count_toward_the_limit(api: httpx.Client) -> None:
    response = api.get("/domain-search", params={"q": "x", "extensions": "com" + "," * 20})
    assert response.status_code == 400
    assert only_error(response)["code"] == 1004
