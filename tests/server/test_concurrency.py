"""Limits and idempotency hold under concurrent requests (in-process, one event loop)."""

from __future__ import annotations

import asyncio

import httpx

from registrar_mock import create_app
from registrar_mock.testing import ASGITransport
from tests.helpers import ACCOUNT, TOKEN, registrar_url


def run_concurrently(scenario: str, bodies: list[dict[str, object]]) -> list[httpx.Response]:
    app = create_app(scenario)

    async def main() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=ASGITransport(app),
            base_url=registrar_url(ACCOUNT),
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as client:
            return list(
                await asyncio.gather(*(client.post("/registrations", json=b) for b in bodies))
            )

    return asyncio.run(main())


def test_the_limit_is_exact_under_concurrent_creates() -> None:
    responses = run_concurrently(
        "near-limit", [{"domain_name": f"rush-{i}.com"} for i in range(50)]
    )
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1
    assert statuses.count(400) == 49
    assert all("Domain limit reached" in r.json()["errors"][0]["message"] for r in responses
               if r.status_code == 400)  # fmt: skip


def test_concurrent_creates_of_one_domain_make_one_registration() -> None:
    responses = run_concurrently("default", [{"domain_name": "popular.com"}] * 30)
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["result"]["created_at"] for r in responses}) == 1
