"""domain-check: the authoritative availability answer."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import only_error


def check(api: httpx.Client, *domains: object) -> list[dict[str, object]]:
    response = api.post("/domain-check", json={"domains": list(domains)})
    assert response.status_code == 200, response.text
    result: list[dict[str, object]] = response.json()["result"]["domains"]
    return result


def test_registrable_domain_has_pricing_and_standard_tier(api: httpx.Client) -> None:
    assert check(api, "myawesomebrand.net") == [
        {
            "name": "myawesomebrand.net",
            "registrable": True,
            "pricing": {"currency": "USD", "registration_cost": "9.95", "renewal_cost": "9.95"},
            "tier": "standard",
        }
    ]


@pytest.mark.parametrize(
    ("domain", "reason"),
    [
        ("mybrand.uk", "extension_not_supported_via_api"),
        ("mybrand.co.uk", "extension_not_supported_via_api"),
        ("example.horse", "extension_not_supported"),
        ("example.py", "extension_disallows_registration"),
        ("cloudflare.com", "domain_unavailable"),
        ("coffee.xyz", "domain_premium"),
    ],
)
def test_each_documented_reason(api: httpx.Client, domain: str, reason: str) -> None:
    [result] = check(api, domain)
    assert result["name"] == domain
    assert result["registrable"] is False
    assert result["reason"] == reason
    assert "pricing" not in result
    if reason == "domain_premium":
        assert result["tier"] == "premium"


def test_multi_label_extension_is_recognised(api: httpx.Client) -> None:
    # co.uk is one extension, so shop.co.uk is a name on it, not a subdomain of co.uk.
    [result] = check(api, "shop.co.uk")
    assert result["reason"] == "extension_not_supported_via_api"


def test_idn_is_answered_in_punycode(api: httpx.Client) -> None:
    [result] = check(api, "Bücher.COM")
    assert result["name"] == "xn--bcher-kva.com"
    assert result["registrable"] is True


def test_malformed_names_are_omitted(api: httpx.Client) -> None:
    results = check(api, "good-name.com", "no-extension", "bad..com", "-dash.com", "a_b.com")
    assert [r["name"] for r in results] == ["good-name.com"]


def test_order_is_kept_and_duplicates_collapse(api: httpx.Client) -> None:
    results = check(api, "b-site.net", "a-site.com", "B-SITE.net.")
    assert [r["name"] for r in results] == ["b-site.net", "a-site.com"]


def test_pricing_appears_exactly_when_registrable(api: httpx.Client) -> None:
    results = check(api, "fine.com", "example.com", "coffee.xyz", "x.horse", "ok.app")
    for result in results:
        assert ("pricing" in result) is result["registrable"]
        if result["registrable"]:
            assert result["tier"] == "standard"
        else:
            assert "reason" in result


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"domains": []}, 1006, "domains array must contain at least one domain"),
        ({}, 1006, "domains array must contain at least one domain"),
        (
            {"domains": [f"d{i}.com" for i in range(21)]},
            1007,
            "domains array exceeds maximum of 20 domains",
        ),
        (
            {"domains": ["nope", "..", "x"]},
            1008,
            "None of the provided domains are valid or have supported extensions",
        ),
    ],
)
def test_documented_check_errors(
    api: httpx.Client, body: dict[str, object], code: int, message: str
) -> None:
    response = api.post("/domain-check", json=body)
    assert response.status_code == 400
    assert only_error(response) | {"source": None} == {
        "code": code,
        "message": message,
        "source": None,
    }


def test_twenty_domains_are_accepted(api: httpx.Client) -> None:
    assert len(check(api, *(f"site{i}.com" for i in range(20)))) == 20


def test_non_string_entries_are_a_validation_error(api: httpx.Client) -> None:
    response = api.post("/domain-check", json={"domains": ["ok.com", 7]})
    assert response.status_code == 400
    assert only_error(response)["source"] == {"pointer": "/domains/1"}
