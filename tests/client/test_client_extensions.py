"""The extension catalogue through the client: one extension, pages, every page, and
conditional requests with ETags (a 304 hands back the copy the caller holds)."""

from __future__ import annotations

import dataclasses
from itertools import islice

import httpx
import pytest

from registrar_mock.client import (
    APIError,
    Direction,
    Extension,
    ExtensionSortBy,
    NotFoundError,
    Page,
)

from .conftest import Connect, Harness


def recording_statuses(connect: Connect) -> tuple[Harness, list[int]]:
    statuses: list[int] = []

    def after(request: httpx.Request, response: httpx.Response, body: bytes) -> httpx.Response:
        statuses.append(response.status_code)
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    return connect(after=after), statuses


def test_get_extension_is_typed_with_its_schemas(connect: Connect) -> None:
    h = connect()
    com = h.client.get_extension("com")
    assert isinstance(com, Extension)
    assert (com.name, com.tld) == ("com", "com")
    assert com.registration_schema["type"] == "object"
    assert "contacts" in com.registration_schema["properties"]
    assert com.transfer_schema is not None
    assert com.requires_auth_code is True
    assert com.years == (1, 10)
    assert com.etag is not None and com.etag.startswith('"')
    assert com.extra == {} and com.metadata == {}
    assert com.pricing is not None and str(com.pricing.registration_cost) == "8.57"
    assert str(com.transfer_cost) == "8.57"
    assert (com.registration_channel, com.transfer_channel) == ("api", "api")

    # A leading dot is the caller's spelling, not part of the name.
    assert h.client.get_extension(".com").name == "com"
    uk = h.client.get_extension("co.uk")  # sold through the dashboard, transferable by API
    assert (uk.name, uk.tld) == ("co.uk", "uk")
    assert uk.requires_auth_code is False


def test_an_unknown_extension_is_not_found(connect: Connect) -> None:
    h = connect()
    with pytest.raises(NotFoundError) as caught:
        h.client.get_extension("horse")
    assert caught.value.codes == [10000]
    assert "Extension not found" in str(caught.value)
    with pytest.raises(ValueError):
        h.client.get_extension("")
    with pytest.raises(ValueError):
        h.client.get_extension(".")


def test_get_extension_with_the_copy_held_is_answered_304(connect: Connect) -> None:
    h, statuses = recording_statuses(connect)
    first = h.client.get_extension("net")
    again = h.client.get_extension("net", cached=first)
    assert again is first  # not modified: the very object held
    assert statuses == [200, 304]
    assert h.transport.count("GET", "/extensions/net") == 2

    # A copy whose tag no longer matches gets the full answer, with the current tag.
    stale = dataclasses.replace(first, etag='"out-of-date"')
    fresh = h.client.get_extension("net", cached=stale)
    assert fresh is not stale
    assert fresh == first
    assert statuses[-1] == 200
    # And a copy with no tag is simply fetched.
    untagged = dataclasses.replace(first, etag=None)
    assert h.client.get_extension("net", cached=untagged) == first


def test_a_304_nobody_asked_for_is_an_error(connect: Connect) -> None:
    def not_modified(request: httpx.Request) -> httpx.Response | None:
        return httpx.Response(304, headers={"ETag": '"x"'})

    h = connect(before=not_modified)
    # No copy was offered (nor If-None-Match sent), so there is nothing to answer with.
    with pytest.raises(APIError) as caught:
        h.client.get_extension("com")
    assert caught.value.status_code == 304
    with pytest.raises(APIError):
        h.client.list_extensions()


def test_list_extensions_is_one_page_by_name(connect: Connect) -> None:
    h = connect()
    page = h.client.list_extensions(per_page=5)
    assert isinstance(page, Page)
    names = [ext.name for ext in page.items]
    assert len(names) == 5 and names == sorted(names)
    assert page.per_page == 5 and page.count == 5
    assert page.has_next and page.etag is not None
    second = h.client.list_extensions(per_page=5, cursor=page.cursor)
    assert second.items[0].name > names[-1]


def test_list_extensions_filters_and_orders(connect: Connect) -> None:
    h = connect()
    only = h.client.list_extensions(name="dev")
    assert [ext.name for ext in only.items] == ["dev"]
    assert not only.has_next
    assert h.client.list_extensions(name=".dev").items == only.items
    assert h.client.list_extensions(name="horse").items == []

    backwards = h.client.list_extensions(per_page=50, direction=Direction.DESC)
    names = [ext.name for ext in backwards.items]
    assert names == sorted(names, reverse=True)
    by_date = h.client.list_extensions(per_page=3, sort_by=ExtensionSortBy.CREATED_AT)
    assert len(by_date.items) == 3


def test_iter_extensions_walks_every_page_once_and_lazily(connect: Connect) -> None:
    h = connect()
    everything = [ext.name for ext in h.client.iter_extensions(per_page=50)]
    assert len(everything) == len(set(everything)) > 40
    assert everything == sorted(everything)
    assert "co.uk" in everything  # transferable through the API, so offered
    pages_of_seven = [ext.name for ext in h.client.iter_extensions(per_page=7)]
    assert pages_of_seven == everything
    before = h.transport.count("GET", "/extensions")
    assert len(list(islice(h.client.iter_extensions(per_page=7), 8))) == 8
    assert h.transport.count("GET", "/extensions") - before == 2  # not every page
    desc = [ext.name for ext in h.client.iter_extensions(per_page=9, sort_by="name",
                                                          direction="desc")]  # fmt: skip
    assert desc == list(reversed(everything))


def test_list_extensions_with_the_page_held_is_answered_304(connect: Connect) -> None:
    h, statuses = recording_statuses(connect)
    page = h.client.list_extensions(per_page=10)
    again = h.client.list_extensions(per_page=10, cached=page)
    assert again is page
    assert statuses == [200, 304]
    # Another page has another tag: the held one doesn't match, so the answer is full.
    other = h.client.list_extensions(per_page=10, cursor=page.cursor, cached=page)
    assert other is not page and statuses[-1] == 200
    assert other.etag != page.etag


def test_sandbox_extensions_are_its_own(connect: Connect) -> None:
    h = connect(sandbox=True)
    assert [ext.name for ext in h.client.iter_extensions()] == ["com", "net"]
    com = h.client.get_extension("com")
    # No express mode: a sandbox registration must name its registrant.
    assert "contacts" in com.registration_schema["required"]
    with pytest.raises(NotFoundError):
        h.client.get_extension("org")
    cached = h.client.get_extension("com", cached=com)
    assert cached is com
    assert all("/registrar-sandbox/extensions" in path for _, path in h.transport.seen)
