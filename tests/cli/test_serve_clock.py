"""Scenario time under ``registrar-mock serve``: the clock starts at the scenario's start,
runs from there, and a reset goes back to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.live import Running, running

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
AUTH = {"Authorization": "Bearer registrar-mock-demo-token-00000000000000"}
JSON = {"Content-Type": "application/json"}


def clock(served: Running) -> datetime:
    now = httpx.get(f"{served.origin}/__mock__/clock").json()["result"]["now"]
    return datetime.fromisoformat(now.replace("Z", "+00:00"))


def held(served: Running) -> dict[str, str]:
    """Every registration of the account, by name: its status."""
    found: dict[str, str] = {}
    cursor = None
    while True:
        params = {"per_page": "50", **({"cursor": cursor} if cursor else {})}
        page = httpx.get(
            f"{served.base}/accounts/{ACCOUNT}/registrar/registrations", params=params, headers=AUTH
        ).json()
        found.update((item["domain_name"], item["status"]) for item in page["result"])
        cursor = page["result_info"]["cursor"]
        if not cursor:
            return found


def control(served: Running, method: str, path: str, body: object) -> httpx.Response:
    return httpx.request(method, f"{served.origin}/__mock__{path}", json=body, headers=JSON)


def test_the_clock_starts_at_the_scenarios_start_and_a_reset_goes_back() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with running("--scenario", "expiring") as served:
        assert start <= clock(served) < start + timedelta(minutes=1)  # then it runs
        # The story the scenario tells begins intact: nothing has expired yet.
        assert held(served) == {
            "renew-me.com": "active",
            "let-go.com": "active",
            "long-lived.dev": "active",
        }
        # The README's example of setting the clock.
        moved = control(served, "PUT", "/clock", {"now": "2026-06-01T00:00:00Z"})
        assert moved.status_code == 200, moved.text
        assert "let-go.com" not in held(served)  # expired, redeemed, deleted: free again
        assert control(served, "POST", "/reset", {}).status_code == 200
        assert start <= clock(served) < start + timedelta(minutes=1)
        assert "let-go.com" in held(served)


def test_near_limit_holds_its_99_domains_after_time_moved_and_a_reset() -> None:
    with running("--scenario", "near-limit") as served:
        assert len(held(served)) == 99
        assert control(served, "POST", "/clock/advance", {"by": "1000d"}).status_code == 200
        assert len(held(served)) < 99  # their two-year terms ran out
        assert control(served, "POST", "/reset", {}).status_code == 200
        assert len(held(served)) == 99


def test_time_scale_runs_the_clock_faster_from_the_start() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with running("--scenario", "near-limit", "--time-scale", "3600") as served:
        first = clock(served)
        assert start <= first < start + timedelta(days=2)
        httpx.get(f"{served.origin}/__mock__/health")
        later = clock(served)
        assert later > first
