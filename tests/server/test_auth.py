"""Authentication and account scoping, as Cloudflare answers them."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from registrar_mock import create_app, spec
from registrar_mock.model.world import AccountSpec, ApiKey, World, default_registry
from registrar_mock.testing import SyncASGITransport
from tests.helpers import only_error

Connect = Callable[..., httpx.Client]


def closed_world() -> World:
    return World(
        open_accounts=False,
        registry=default_registry(),
        accounts=(
            AccountSpec(
                id="alpha",
                tokens=("alpha-token",),
                api_keys=(ApiKey("ops@example.com", "a1b2c3d4e5"),),
            ),
            AccountSpec(id="beta", tokens=("beta-token",)),
        ),
    )


def test_no_credentials_is_9106(connect: Connect) -> None:
    api = connect(create_app(), headers={})
    response = api.get("/registrations")
    assert response.status_code == 400
    assert only_error(response) == {
        "code": 9106,
        "message": "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
    }


def test_email_without_key_is_9106(connect: Connect) -> None:
    api = connect(create_app(), headers={"X-Auth-Email": "ops@example.com"})
    assert only_error(api.get("/registrations"))["code"] == 9106


@pytest.mark.parametrize(
    ("headers", "chain"),
    [
        ({"Authorization": "Token abc"}, [6111]),
        ({"Authorization": "Bearer"}, [6111]),
        ({"Authorization": "Bearer two words"}, [6111]),
        ({"X-Auth-Email": "not-an-email", "X-Auth-Key": "abc123"}, [6102]),
        ({"X-Auth-Email": "ops@example.com", "X-Auth-Key": "bad key!"}, [6103]),
        ({"X-Auth-Email": "nope", "X-Auth-Key": "bad key!"}, [6102, 6103]),
    ],
)
def test_malformed_headers_are_6003_with_chain(
    connect: Connect, headers: dict[str, str], chain: list[int]
) -> None:
    api = connect(create_app(), headers=headers)
    response = api.get("/registrations")
    assert response.status_code == 400
    error = only_error(response)
    assert error["code"] == 6003
    assert error["message"] == "Invalid request headers"
    assert [item["code"] for item in error["error_chain"]] == chain  # type: ignore[attr-defined]


def test_default_world_accepts_any_well_formed_token_for_any_account(connect: Connect) -> None:
    app = create_app()
    for account, token in [
        ("acc1", "anything"),
        ("acc2", "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY"),
    ]:
        api = connect(app, account=account, headers={"Authorization": f"Bearer {token}"})
        assert api.get("/registrations").status_code == 200
    keyed = connect(app, headers={"X-Auth-Email": "me@example.com", "X-Auth-Key": "0123abcd"})
    assert keyed.get("/registrations").status_code == 200


def test_unknown_token_is_9109(connect: Connect) -> None:
    api = connect(
        create_app(closed_world()), account="alpha", headers={"Authorization": "Bearer who"}
    )
    response = api.get("/registrations")
    assert response.status_code == 403
    assert only_error(response) == {"code": 9109, "message": "Invalid access token"}


def test_unknown_key_pair_is_9103(connect: Connect) -> None:
    headers = {"X-Auth-Email": "ops@example.com", "X-Auth-Key": "wrong"}
    api = connect(create_app(closed_world()), account="alpha", headers=headers)
    response = api.get("/registrations")
    assert response.status_code == 403
    assert only_error(response)["code"] == 9103


def test_token_of_another_account_is_10000_authentication_error(connect: Connect) -> None:
    app = create_app(closed_world())
    api = connect(app, account="beta", headers={"Authorization": "Bearer alpha-token"})
    response = api.get("/registrations")
    assert response.status_code == 403
    assert only_error(response) == {"code": 10000, "message": "Authentication error"}
    # The same token works where it belongs, and so does the key pair.
    assert (
        connect(app, account="alpha", headers={"Authorization": "Bearer alpha-token"})
        .get("/registrations")
        .status_code
        == 200
    )
    keyed = {"X-Auth-Email": "ops@example.com", "X-Auth-Key": "a1b2c3d4e5"}
    assert connect(app, account="alpha", headers=keyed).get("/registrations").status_code == 200


def test_account_id_that_cannot_exist_is_no_route(connect: Connect) -> None:
    api = connect(create_app(), account="x" * 33)
    response = api.get("/registrations")
    assert response.status_code == 404
    assert only_error(response)["code"] == 7003


def test_every_spec_operation_requires_credentials() -> None:
    """Walk the spec, so that no route added later can skip authentication."""
    app = create_app()
    checked = 0
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock/client/v4") as client:
        for path, item in spec.load()["paths"].items():
            for method, operation in item.items():
                if method not in {"get", "put", "post", "patch", "delete"}:
                    continue
                if operation.get("security") == []:
                    continue  # declared public, like the spec document itself
                url = path.replace("{account_id}", "acc").replace("{domain_name}", "x.com")
                response = client.request(method.upper(), url, json={})
                assert response.status_code == 400, f"{method.upper()} {path}"
                assert only_error(response)["code"] == 9106, f"{method.upper()} {path}"
                checked += 1
    assert checked == 11
