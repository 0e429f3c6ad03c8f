"""The extension catalogue over HTTP: fields, cursor pages, the name filter, sorting and
ETags."""

from __future__ import annotations

import httpx
import jsonschema
import pytest

from registrar_mock.model.catalogue import SUPPORTED_PRICES
from tests.helpers import only_error


def every_page(api: httpx.Client, **params: object) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    cursor = ""
    while True:
        response = api.get("/extensions", params={**params, "cursor": cursor})
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["result"]
        assert body["result_info"]["count"] == len(body["result"])
        cursor = body["result_info"]["cursor"]
        if not cursor:
            return items


def names(items: list[dict[str, object]]) -> list[str]:
    return [item["metadata"]["name"] for item in items]  # type: ignore[index]


def test_the_list_pages_through_every_extension_by_name(api: httpx.Client) -> None:
    first = api.get("/extensions").json()
    assert first["result_info"]["per_page"] == 20
    assert len(first["result"]) == 20
    listed = names(every_page(api, per_page=7))
    assert listed == sorted(listed)
    assert len(listed) == len(set(listed))
    # Every extension the API registers or transfers; none the registry has frozen.
    assert {name for name, _ in SUPPORTED_PRICES} <= set(listed)
    assert {"co.uk", "uk"} <= set(listed)
    assert "py" not in listed and "io" not in listed
    assert names(every_page(api, per_page=50, direction="desc")) == listed[::-1]


def test_each_item_has_metadata_and_json_schemas(api: httpx.Client) -> None:
    item = api.get("/extensions/co.uk").json()["result"]
    assert item["metadata"] == {"name": "co.uk", "tld": "uk"}
    registration, transfer = item["registration_schema"], item["transfer_schema"]
    jsonschema.Draft202012Validator.check_schema(registration)
    jsonschema.Draft202012Validator.check_schema(transfer)
    validator = jsonschema.Draft202012Validator(registration)
    assert validator.is_valid({"domain_name": "example.co.uk", "years": 2})
    assert not validator.is_valid({"domain_name": "example.co.uk", "years": 11})
    assert not validator.is_valid({"domain_name": "example.com"})
    # The UK family transfers with no auth code; .com needs one.
    assert "auth_code" not in transfer["properties"]
    com = api.get("/extensions/com").json()["result"]["transfer_schema"]
    assert com["required"] == ["auth_code"]
    # Beyond the SDKs' types: prices, term limits and channels, as the catalogue holds them.
    assert item["registration"] == {"channel": "dashboard", "min_years": 1, "max_years": 10}
    assert item["transfer"] == {"channel": "api", "auth_code": False}
    assert item["pricing"]["transfer_cost"] == "0.00"


def test_the_name_filter_is_exact(api: httpx.Client) -> None:
    assert names(api.get("/extensions", params={"name": "com"}).json()["result"]) == ["com"]
    assert api.get("/extensions", params={"name": "co"}).json()["result"] == []


@pytest.mark.parametrize("sort_by", ["created_at", "updated_at"])
def test_other_orders_are_stable_across_pages(api: httpx.Client, sort_by: str) -> None:
    listed = names(every_page(api, per_page=9, sort_by=sort_by))
    assert sorted(listed) == sorted(names(every_page(api, per_page=50)))


def test_an_etag_answers_304_while_nothing_changed(api: httpx.Client) -> None:
    first = api.get("/extensions", params={"per_page": 5})
    tag = first.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    again = api.get("/extensions", params={"per_page": 5}, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == tag
    weak = api.get("/extensions", params={"per_page": 5}, headers={"If-None-Match": f"W/{tag}"})
    assert weak.status_code == 304
    # Another page, or another extension, is another answer with another tag.
    other = api.get("/extensions", params={"per_page": 6}, headers={"If-None-Match": tag})
    assert other.status_code == 200
    assert other.headers["ETag"] != tag
    one = api.get("/extensions/com")
    assert (
        api.get("/extensions/com", headers={"If-None-Match": one.headers["ETag"]}).status_code
        == 304
    )
    assert (
        api.get("/extensions/net", headers={"If-None-Match": one.headers["ETag"]}).status_code
        == 200
    )


def test_an_unknown_extension_is_404(api: httpx.Client) -> None:
    for name in ("horse", "py"):
        response = api.get(f"/extensions/{name}")
        assert response.status_code == 404
        assert only_error(response) == {"code": 10000, "message": "Extension not found"}


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ("sort_by=price", "/sort_by"),
        ("direction=up", "/direction"),
        ("per_page=0", "/per_page"),
        ("per_page=51", "/per_page"),
        ("cursor=garbage", "/cursor"),
        ("name=com&name=net", "/name"),
    ],
)
def test_bad_list_parameters_are_400_with_a_pointer(
    api: httpx.Client, query: str, pointer: str
) -> None:
    response = api.get(f"/extensions?{query}")
    assert response.status_code == 400
    assert only_error(response)["source"] == {"pointer": pointer}


def test_a_registrations_cursor_is_no_extensions_cursor(api: httpx.Client) -> None:
    for index in range(3):
        api.post("/registrations", json={"domain_name": f"cursor-{index}.com"})
    cursor = api.get("/registrations", params={"per_page": 1, "sort_by": "name"}).json()[
        "result_info"
    ]["cursor"]
    assert cursor
    response = api.get("/extensions", params={"cursor": cursor})
    assert response.status_code == 400
    assert only_error(response)["message"] == "Invalid pagination cursor"
