"""The journal as a test verifies what an application sent: bodies, headers with
credentials masked, assertions with readable failures, and near misses."""

from __future__ import annotations

import base64

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.control.journal import MAX_BODY
from registrar_mock.testing import RegistrarMock, SyncASGITransport
from tests.helpers import ACCOUNT, TOKEN


@pytest.fixture
def mock() -> RegistrarMock:
    return RegistrarMock(create_app())


def base(mock: RegistrarMock) -> str:
    return f"accounts/{ACCOUNT}/registrar"


def test_entries_keep_bodies_and_masked_headers(mock: RegistrarMock) -> None:
    http = mock.http_client
    http.post(f"{base(mock)}/registrations", json={"domain_name": "kept.com", "auto_renew": True})
    [entry] = mock.journal.entries()
    assert entry.request_body == {"domain_name": "kept.com", "auto_renew": True}
    assert entry.response_body["result"]["state"] == "succeeded"
    assert entry.request_headers["authorization"] == "Bearer ***"
    assert entry.request_headers["content-type"] == "application/json"
    assert entry.response_headers["content-type"] == "application/json"
    assert entry.domain == "kept.com"
    assert mock.credentials()["api_token"] not in str(entry.to_json())


def test_secret_looking_fields_are_masked(connect) -> None:  # type: ignore[no-untyped-def]
    app = create_app("transfer-prerequisites")
    mock = RegistrarMock(app)
    api = connect(app, headers={"X-Auth-Email": "ops@example.com", "X-Auth-Key": "a" * 37})
    code = base64.b64encode(b"Prereq-Code-7").decode()
    api.post("/registrations/ready.com/transfer-in", json={"auth_code": code})
    [entry] = mock.journal.entries()
    assert entry.request_body == {"auth_code": "***"}
    assert entry.request_headers["x-auth-key"] == "***"
    assert entry.request_headers["x-auth-email"] == "***"
    assert code not in str(entry.to_json()) and "a" * 37 not in str(entry.to_json())


def test_bodies_are_bounded(mock: RegistrarMock) -> None:
    big = {"domains": [f"name-{index}.com" for index in range(2000)]}
    mock.http_client.post(f"{base(mock)}/domain-check", json=big)
    [entry] = mock.journal.entries()
    assert entry.request_body["truncated"] is True
    assert len(str(entry.request_body)) < MAX_BODY


def test_entries_filter_by_domain_and_body(mock: RegistrarMock) -> None:
    http = mock.http_client
    for name, renew in [("one.com", True), ("two.com", False), ("three.com", True)]:
        http.post(f"{base(mock)}/registrations", json={"domain_name": name, "auto_renew": renew})
    http.get(f"{base(mock)}/registrations/two.com")
    assert [e.domain for e in mock.journal.entries(body={"auto_renew": True})] == [
        "one.com", "three.com",
    ]  # fmt: skip
    assert [e.method for e in mock.journal.entries(domain="two.com")] == ["POST", "GET"]


def test_assert_called_passes_and_returns_the_calls(mock: RegistrarMock) -> None:
    mock.http_client.post(f"{base(mock)}/registrations", json={"domain_name": "ok.com"})
    create = "registrar-domain-registration-create"
    [entry] = mock.journal.assert_called(create, times=1, body={"domain_name": "ok.com"})
    assert entry.status == 201
    mock.journal.assert_called(create, domain="ok.com", status=201)
    mock.journal.assert_not_called("registrar-domain-registration-update")


def test_a_failed_assertion_says_what_was_sent_instead(mock: RegistrarMock) -> None:
    mock.http_client.post(
        f"{base(mock)}/registrations", json={"domain_name": "actual.com", "years": 2}
    )
    with pytest.raises(AssertionError) as failure:
        mock.journal.assert_called(
            "registrar-domain-registration-create",
            times=1,
            body={"domain_name": "expected.com", "years": 2, "auto_renew": True},
        )
    message = str(failure.value)
    assert message.splitlines()[0] == (
        "expected registrar-domain-registration-create with body containing "
        '{"auto_renew": true, "domain_name": "expected.com", "years": 2} 1 time, '
        "but it was called 0 time(s)."
    )
    assert "Calls of that operation (1):" in message
    assert '/domain_name: expected "expected.com", got "actual.com"' in message
    assert "/auto_renew: missing (expected true)" in message
    assert "/years" not in message  # what matched is not listed


def test_counting_assertions_fail_with_the_count(mock: RegistrarMock) -> None:
    for _ in range(2):
        mock.http_client.get(f"{base(mock)}/registrations")
    with pytest.raises(AssertionError, match=r"1 time, but it was called 2 time\(s\)"):
        mock.journal.assert_called("registrar-domain-registration-list", times=1)
    with pytest.raises(AssertionError, match="That operation was never called"):
        mock.journal.assert_called("registrar-domain-discovery-check")


def test_a_mistyped_path_is_reported_as_a_near_miss(mock: RegistrarMock) -> None:
    answer = mock.http_client.get(f"{base(mock)}/registraton")
    assert answer.status_code == 400
    [entry] = mock.journal.unmatched()
    assert entry.operation is None
    assert entry.near_miss == {
        "operation": "registrar-domain-registration-list",
        "method": "GET",
        "path": "/accounts/{account_id}/registrar/registrations",
        "differences": ["path segment 4: 'registraton', expected 'registrations'"],
    }
    with pytest.raises(AssertionError) as failure:
        mock.journal.assert_called("registrar-domain-registration-list")
    message = str(failure.value)
    assert "Requests that matched no route:" in message
    assert "closest: registrar-domain-registration-list" in message
    assert "path segment 4: 'registraton', expected 'registrations'" in message


def test_a_wrong_method_is_a_near_miss_of_the_same_path(mock: RegistrarMock) -> None:
    mock.http_client.post(f"{base(mock)}/registrations/x.com", json={})
    [entry] = mock.journal.unmatched()
    assert entry.near_miss is not None
    assert entry.near_miss["operation"] == "registrar-domain-registration-get"
    assert entry.near_miss["differences"] == ["method: POST, the operation takes GET"]


def test_the_control_api_serves_the_same_entries(mock: RegistrarMock) -> None:
    mock.http_client.post(f"{base(mock)}/registrations", json={"domain_name": "seen.com"})
    mock.http_client.get(f"{base(mock)}/domain-chek")
    [seen] = mock.app.control.journal.entries(domain="seen.com")
    assert seen.request_body == {"domain_name": "seen.com"}
    with httpx.Client(transport=SyncASGITransport(mock.app), base_url="http://mock") as http:
        listed = http.get("/__mock__/journal", params={"domain": "seen.com"}).json()["result"]
        assert [item["request_body"] for item in listed] == [{"domain_name": "seen.com"}]
        everything = http.get("/__mock__/journal").json()["result"]
    assert everything[-1]["near_miss"]["operation"] == "registrar-domain-discovery-check"
    assert TOKEN not in str(everything)
