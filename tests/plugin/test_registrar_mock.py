"""The ``registrar_mock`` fixture, used the way a user's suite uses it (the plugin is installed)."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from typing import Any

import pytest

from registrar_mock.testing.handles import DEFAULT_ACCOUNT, RegistrarMock

ACME = "ac3e0000000000000000000000000001"
GLOBEX = "610be000000000000000000000000002"


def registrations(mock: RegistrarMock, account: str | None = None) -> list[str]:
    response = mock.http_client.get(
        f"/accounts/{account or mock.account_id}/registrar/registrations"
    )
    assert response.status_code == 200, response.text
    return [item["domain_name"] for item in response.json()["result"]]


def register(mock: RegistrarMock, domain: str, **headers: str) -> Any:
    return mock.http_client.post(
        f"/accounts/{mock.account_id}/registrar/registrations",
        json={"domain_name": domain},
        headers=headers,
    )


def test_default_world_without_a_socket(
    registrar_mock: RegistrarMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("registrar_mock opened a network socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "bind", refuse)
    assert registrar_mock.scenario.name == "default"
    assert registrar_mock.account_id == DEFAULT_ACCOUNT
    assert register(registrar_mock, "fresh-idea.com").status_code == 201
    assert registrations(registrar_mock) == ["fresh-idea.com"]
    [entry] = registrar_mock.journal.entries(method="POST")
    assert (entry.status, entry.operation) == (201, "registrar-domain-registration-create")
    assert len(registrar_mock.journal) == 2


def test_each_test_gets_a_new_mock(registrar_mock: RegistrarMock) -> None:
    # The test above registered fresh-idea.com in its own mock; none of it is here.
    assert registrations(registrar_mock) == []
    assert [e.method for e in registrar_mock.journal] == ["GET"]


@pytest.mark.registrar_scenario("near-limit", seed=5, start="2026-06-01T00:00:00Z")
def test_marker_names_the_scenario_and_its_options(registrar_mock: RegistrarMock) -> None:
    assert registrar_mock.scenario.name == "near-limit"
    assert registrar_mock.scenario.world.seed == 5
    assert registrar_mock.now() == datetime(2026, 6, 1, tzinfo=UTC)
    assert register(registrar_mock, "one-more.com").status_code == 201
    refused = register(registrar_mock, "one-too-many.com")
    assert refused.status_code == 400, refused.text


@pytest.mark.registrar_scenario(start=datetime(2027, 1, 1, tzinfo=UTC))
def test_marker_options_alone_apply_to_the_default_scenario(
    registrar_mock: RegistrarMock,
) -> None:
    assert registrar_mock.scenario.name == "default"
    assert registrar_mock.now() == datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.registrar_scenario("slow-registry")
class TestMarkerOnAClass:
    def test_applies_to_each_method(self, registrar_mock: RegistrarMock) -> None:
        assert registrar_mock.scenario.name == "slow-registry"

    @pytest.mark.registrar_scenario("flaky")
    def test_the_closest_marker_wins(self, registrar_mock: RegistrarMock) -> None:
        assert registrar_mock.scenario.name == "flaky"


def test_load_scenario_then_reset(registrar_mock: RegistrarMock) -> None:
    registrar_mock.load_scenario("two-accounts", seed=3)
    assert registrar_mock.scenario.name == "two-accounts"
    assert registrar_mock.account_id == ACME
    assert registrations(registrar_mock) == ["acme-corp.com"]
    assert register(registrar_mock, "acme-labs.com").status_code == 201
    registrar_mock.reset()
    assert registrar_mock.scenario.name == "two-accounts"
    assert registrations(registrar_mock) == ["acme-corp.com"]
    assert len(registrar_mock.journal) == 1  # the reset emptied it before this listing


def test_load_scenario_takes_a_document(registrar_mock: RegistrarMock) -> None:
    registrar_mock.load_scenario({"name": "tiny", "domain_limit": 1, "sync_wait": "0s"})
    assert registrar_mock.scenario.name == "tiny"
    assert registrar_mock.scenario.world.domain_limit == 1


def test_clock(registrar_mock: RegistrarMock) -> None:
    start = registrar_mock.now()
    assert (registrar_mock.advance("2d") - start).total_seconds() == 2 * 86400
    assert (registrar_mock.advance(30) - start).total_seconds() == 2 * 86400 + 30
    assert registrar_mock.set_time("2026-03-01T00:00:00Z") == datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="forward"):
        registrar_mock.set_time("2025-01-01T00:00:00Z")


@pytest.mark.registrar_scenario("action-required")
def test_resolve_an_action(registrar_mock: RegistrarMock) -> None:
    pending = register(registrar_mock, "confirm-me.com", Prefer="respond-async")
    assert pending.status_code == 202
    registrar_mock.advance(60)
    status = f"/accounts/{registrar_mock.account_id}/registrar/registrations/confirm-me.com"
    state = registrar_mock.http_client.get(f"{status}/registration-status").json()["result"]
    assert state["state"] == "action_required"
    registrar_mock.resolve(registrar_mock.account_id, "confirm-me.com", confirm=True)
    registrar_mock.advance(60)
    assert registrar_mock.http_client.get(status).json()["result"]["status"] == "active"
    assert [c.domain_name for c in registrar_mock.charges()] == ["confirm-me.com"]


def test_faults(registrar_mock: RegistrarMock) -> None:
    rule = registrar_mock.add_fault(
        {"id": "storm", "every": 1, "effect": {"status": 429, "headers": {"Retry-After": "1"}}}
    )
    assert rule.id == "storm"
    assert [f["id"] for f in registrar_mock.faults] == ["storm"]
    limited = register(registrar_mock, "busy.com")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "1")
    assert registrar_mock.remove_fault("storm") is True
    assert register(registrar_mock, "busy.com").status_code == 201
    registrar_mock.add_fault({"every": 1, "effect": {"status": 503}})
    registrar_mock.clear_faults()
    assert registrar_mock.faults == []
    assert [e.status for e in registrar_mock.journal.entries(path="/registrations")] == [429, 201]


def test_export_and_import_state(registrar_mock: RegistrarMock) -> None:
    register(registrar_mock, "keep-me.com")
    snapshot = registrar_mock.export_state()
    register(registrar_mock, "drop-me.com")
    registrar_mock.import_state(snapshot)
    assert registrations(registrar_mock) == ["keep-me.com"]


@pytest.mark.registrar_scenario("slow-registry")
def test_reference_client_waits_on_the_virtual_clock(registrar_mock: RegistrarMock) -> None:
    start = registrar_mock.now()
    with registrar_mock.client() as registrar:
        status = registrar.register("patient.com", timeout=3 * 86400)
    assert status.state == "succeeded"
    assert (registrar_mock.now() - start).total_seconds() > 2 * 86400  # two days, instantly


def test_async_clients(registrar_mock: RegistrarMock) -> None:
    async def scenario() -> tuple[int, str]:
        account = registrar_mock.account_id
        created = await registrar_mock.async_http_client.post(
            f"/accounts/{account}/registrar/registrations", json={"domain_name": "async.dev"}
        )
        async with registrar_mock.async_client() as registrar:
            page = await registrar.list_registrations()
        return created.status_code, page.items[0].domain_name

    assert asyncio.run(scenario()) == (201, "async.dev")


@pytest.mark.registrar_scenario("two-accounts")
def test_closed_world_credentials_come_from_the_scenario(
    registrar_mock: RegistrarMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A developer's real Cloudflare credentials in the environment must not be used.
    monkeypatch.setenv("CLOUDFLARE_EMAIL", "me@real.example")
    monkeypatch.setenv("CLOUDFLARE_API_KEY", "a-real-global-key")
    assert registrar_mock.credentials() == {"api_token": "acme_demo_token_000000000000000000000000"}
    listed = registrar_mock.registrar.registrations.list(account_id=ACME)
    assert [r.domain_name for r in listed] == ["acme-corp.com"]
    with registrar_mock.client(GLOBEX) as globex:
        assert [r.domain_name for r in globex.list_registrations().items] == ["globex.net"]
    refused = registrar_mock.http_client.get(f"/accounts/{GLOBEX}/registrar/registrations")
    assert refused.status_code == 403
