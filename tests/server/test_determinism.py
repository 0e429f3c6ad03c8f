"""The same scenario, seed and requests give byte-identical responses."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from registrar_mock import create_app

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
