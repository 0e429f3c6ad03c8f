"""Every answer is the v4 envelope, including routes and methods that don't exist."""

from __future__ import annotations

import httpx
import pytest

from registrar_mock import MockApp
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, TOKEN, only_error


def test_success_envelope_shape(api: httpx.Client) -> None:
    response = api.get("/registrations")
    body = response.json()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert set(body) == {"success", "errors", "messages", "result", "result_info"}
    assert body["success"] is True
    assert body["errors"] == []
    assert body["messages"] == []


@pytest.mark.parametrize(
    "path",
    ["/", "/client/v4", "/client/v4/zones", "/client/v4/accounts/abc/registrar/nothing"],
)
def test_unknown_route_answers_7000_as_cloudflare_does(app: MockApp, path: str) -> None:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as client:
        response = client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert only_error(response) == {"code": 7000, "message": "No route for that URI"}


def test_a_method_a_path_does_not_take_is_405_with_the_same_code(api: httpx.Client) -> None:
    response = api.delete("/registrations")
    assert response.status_code == 405
    assert only_error(response) == {"code": 7000, "message": "No route for that URI"}
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    "account", ["acme", "ops@example.com", ACCOUNT.upper(), ACCOUNT[:31], "zone" + ACCOUNT[4:]]
)
def test_an_identifier_that_cant_be_one_is_7003_then_7000(app: MockApp, account: str) -> None:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as client:
        path = f"/accounts/{account}/registrar/registrations"
        response = client.get(f"/client/v4{path}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": 7003, "message": f"Could not route to {path}, perhaps your object identifier "
                                  "is invalid?"},
        {"code": 7000, "message": "No route for that URI"},
    ]  # fmt: skip


def test_lenient_ids_take_readable_account_ids() -> None:
    from registrar_mock import create_app

    app = create_app({"name": "lenient", "lenient_ids": True})
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as client:
        listed = client.get(
            "/client/v4/accounts/acme/registrar/registrations",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert listed.status_code == 200


def test_error_codes_are_integers_of_at_least_1000(api: httpx.Client) -> None:
    responses = [
        api.get("/domain-search"),
        api.post("/domain-check", json={"domains": []}),
        api.get("/registrations/nope.com"),
        api.patch("/registrations/nope.com", json={"auto_renew": "yes"}),
    ]
    for response in responses:
        assert 400 <= response.status_code < 500
        code = only_error(response)["code"]
        assert isinstance(code, int)
        assert code >= 1000


@pytest.mark.parametrize(
    "path", ["/registrations/", "/registrations/x.com/registration-status/", "/domains/"]
)
def test_trailing_slashes_are_no_route_not_a_redirect(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 400
    assert only_error(response)["code"] == 7000
