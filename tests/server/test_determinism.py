"""The same scenario, seed and requests give byte-identical responses."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.http import envelope

Connect = Callable[..., httpx.Client]


def session(connect: Connect, scenario: str) -> list[bytes]:
    app = create_app(scenario)
    api = connect(app)
    async_ = {"Prefer": "respond-async"}
    answers = [
        api.get("/domain-search", params={"q": "determinism", "limit": "30"}),
        api.post("/domain-check", json={"domains": ["same.com", "coffee.xyz", "x.io"]}),
        api.post("/registrations", json={"domain_name": "same.com"}),
        api.post("/registrations", json={"domain_name": "later.dev"}, headers=async_),
        api.get("/registrations/later.dev/registration-status"),
        api.get("/registrations", params={"per_page": "1"}),
        api.get("/domains"),
    ]
    app.control.advance(3 * 86400)
    answers += [
        api.get("/registrations/later.dev/registration-status"),
        api.patch("/registrations/same.com", json={"auto_renew": True}),
        api.get("/registrations", params={"sort_by": "name", "direction": "desc"}),
    ]
    return [
        response.content + repr(sorted(response.headers.items())).encode() for response in answers
    ]


def test_two_runs_are_byte_identical(connect: Connect) -> None:
    for scenario in ("default", "slow-registry", "flaky"):
        assert session(connect, scenario) == session(connect, scenario)


def test_the_fast_renderer_writes_the_same_bytes(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With orjson (the ``fast`` extra) and without it, every answer is the same bytes."""
    pytest.importorskip("orjson", reason="the fast extra is not installed")
    for scenario in ("default", "slow-registry", "flaky", "current-api"):
        fast = session(connect, scenario)
        with monkeypatch.context() as plain:
            plain.setattr(envelope, "_orjson", None)
            assert session(connect, scenario) == fast


def test_what_orjson_refuses_is_still_answered() -> None:
    """A lone surrogate (no UTF-8 for it) falls back to ASCII escapes, as without orjson."""
    body = envelope._JSON({"name": "\ud800"}).body
    assert body == b'{"name":"\\ud800"}'
    assert envelope._JSON({"big": 2**70}).body == b'{"big":1180591620717411303424}'
