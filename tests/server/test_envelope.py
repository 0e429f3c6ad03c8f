"""Every answer is the v4 envelope, including routes and methods that don't exist."""

from __future__ import annotations

import httpx
import pytest

from registrar_mock import MockApp
from registrar_mock.testing import SyncASGITransport
from tests.helpers import only_error


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
def test_unknown_route_answers_7003_in_envelope(app: MockApp, path: str) -> None:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as client:
        response = client.get(path, headers={"Authorization": "Bearer x"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert only_error(response) == {"code": 7003, "message": "No route for the URI"}


def test_wrong_method_answers_7003_and_lists_allowed_methods(api: httpx.Client) -> None:
    response = api.delete("/registrations")
    assert response.status_code == 405
    assert only_error(response)["code"] == 7003
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


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
    assert response.status_code == 404
    assert only_error(response)["code"] == 7003
