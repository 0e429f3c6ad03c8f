"""The API's route table, walked segment by segment, finds what Starlette's router would;
and the app, calling an endpoint without Starlette's layers, answers as they would."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.routing import Match, Route

from registrar_mock import MockApp, create_app
from registrar_mock.http.routes import api_routes, api_table
from registrar_mock.http.routing import RouteTable
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, TOKEN, only_error


def starlette_match(method: str, path: str) -> tuple[Route, dict[str, Any]] | None:
    """What Starlette's router picks for a full match: the first route taking both."""
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in api_routes():
        assert isinstance(route, Route)
        match, child = route.matches(scope)
        if match is Match.FULL:
            return route, child["path_params"]
    return None


def paths() -> list[str]:
    """Every route's path with its parameters filled in, and near misses of each."""
    found = []
    for route in api_routes():
        assert isinstance(route, Route)
        concrete = route.path.replace("{account_id}", ACCOUNT).replace("{domain_name}", "a.com")
        concrete = concrete.replace("{extension}", "com")
        found += [concrete, concrete + "/", concrete + "/x", concrete.rsplit("/", 1)[0] + "//"]
        found.append(concrete.replace("/registrar", "/registrar/x", 1))
    return [*found, "", "/", "client/v4", "/client/v4/accounts//registrar/registrations"]


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"])
def test_the_table_finds_what_starlette_would(method: str) -> None:
    table = api_table()
    for path in paths():
        assert table.find(method, path) == starlette_match(method, path), (method, path)


def test_overlapping_routes_go_to_the_first_in_the_table_as_in_starlette() -> None:
    async def endpoint(request: object) -> None: ...

    fixed = Route("/a/b", endpoint, methods=["GET"])
    any_b = Route("/a/{x}", endpoint, methods=["GET", "POST"])
    table = RouteTable([any_b, fixed])
    assert table.find("GET", "/a/b") == (any_b, {"x": "b"})
    table = RouteTable([fixed, any_b])
    assert table.find("GET", "/a/b") == (fixed, {})
    assert table.find("POST", "/a/b") == (any_b, {"x": "b"})
    assert table.find("DELETE", "/a/b") is None


def test_an_endpoint_that_fails_is_the_envelopes_500_and_the_error_reaches_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app()

    def broken(*args: object) -> None:
        raise RuntimeError("a bug in the mock")

    monkeypatch.setattr(app.registrar, "get_registration", broken)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    path = f"/client/v4/accounts/{ACCOUNT}/registrar/registrations/a.com"
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)

    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            return await client.get(path, headers=headers)

    response = asyncio.run(get())
    assert response.status_code == 500
    assert only_error(response) == {"code": 10001, "message": "Internal error in the mock server"}
    entry = app.control.journal.latest()
    assert (entry.status, entry.operation) == (500, "registrar-domain-registration-get")
    assert entry.response_body["errors"][0]["code"] == 10001
    # As under Starlette's own layers, the server is told too, to log it.
    client = httpx.Client(transport=SyncASGITransport(app), base_url="http://mock")
    with client, pytest.raises(RuntimeError, match="a bug in the mock"):
        client.get(path, headers=headers)


def test_the_journal_keeps_what_an_endpoint_read_and_answered(app: MockApp) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as client:
        base = f"/client/v4/accounts/{ACCOUNT}/registrar"
        created = client.post(
            f"{base}/registrations", json={"domain_name": "kept.com"}, headers=headers
        )
        missing = client.get(f"{base}/registrations/nowhere.com", headers=headers)
    first, second = app.control.journal.entries()[-2:]
    assert first.request_body == {"domain_name": "kept.com"}
    assert first.response_body == created.json()
    assert first.response_headers["content-length"] == str(len(created.content))
    assert (second.status, second.request_body, second.response_body) == (
        404,
        None,
        missing.json(),
    )
