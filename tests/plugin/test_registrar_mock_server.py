"""The ``registrar_mock_server`` fixture: a real server, for clients that need a URL."""

from __future__ import annotations

import httpx
import pytest

from registrar_mock.testing.handles import RegistrarMockServer


def test_a_real_server_on_loopback(registrar_mock_server: RegistrarMockServer) -> None:
    base = registrar_mock_server.base_url
    assert base.startswith("http://127.0.0.1:")
    assert base.endswith("/client/v4")
    listing = f"{base}/accounts/{registrar_mock_server.account_id}/registrar/registrations"
    response = httpx.get(listing, headers=registrar_mock_server.headers())
    assert response.status_code == 200
    assert response.json()["result"] == []
    health = httpx.get(f"{registrar_mock_server.control_url}/health").json()["result"]
    assert health["scenario"] == "default"


@pytest.mark.registrar_scenario("action-required", start="2026-05-01T00:00:00Z")
def test_control_methods_act_on_the_running_server(
    registrar_mock_server: RegistrarMockServer,
) -> None:
    mock = registrar_mock_server
    clock = httpx.get(f"{mock.control_url}/clock").json()["result"]
    assert clock["now"] == "2026-05-01T00:00:00Z"
    workflow = mock.registrar.registrations.create(
        account_id=mock.account_id, domain_name="confirm-me.com", prefer="respond-async"
    )
    assert workflow.state == "in_progress"
    mock.advance("1m")
    mock.resolve(mock.account_id, "confirm-me.com")
    mock.advance("1m")
    registration = mock.registrar.registrations.get("confirm-me.com", account_id=mock.account_id)
    assert registration.status == "active"
    assert [e.operation for e in mock.journal.entries(method="POST")] == [
        "registrar-domain-registration-create"
    ]
    mock.journal.clear()
    assert len(mock.journal) == 0


def test_reference_client_and_http_client(registrar_mock_server: RegistrarMockServer) -> None:
    with registrar_mock_server.client() as registrar:
        status = registrar.register("by-reference.com")
    assert status.state == "succeeded"
    listed = registrar_mock_server.http_client.get(
        f"/accounts/{registrar_mock_server.account_id}/registrar/registrations"
    )
    assert [r["domain_name"] for r in listed.json()["result"]] == ["by-reference.com"]
