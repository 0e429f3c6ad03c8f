"""Authentication and account scoping, as Cloudflare answers them."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from registrar_mock import create_app, spec
from registrar_mock.model.world import AccountSpec, ApiKey, World, default_registry
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, only_error, token

Connect = Callable[..., httpx.Client]
ALPHA, BETA = "a1fa" + "0" * 28, "be7a" + "0" * 28
ALPHA_TOKEN, BETA_TOKEN = token("alpha"), token("beta")
GLOBAL_KEY = "0123456789abcdef0123456789abcdef01234"  # 37 lowercase hex: a Global API Key


def closed_world() -> World:
    return World(
        open_accounts=False,
        registry=default_registry(),
        accounts=(
            AccountSpec(
                id=ALPHA, tokens=(ALPHA_TOKEN,), api_keys=(ApiKey("ops@example.com", GLOBAL_KEY),)
            ),
            AccountSpec(id=BETA, tokens=(BETA_TOKEN,)),
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
        ({"Authorization": "Token " + token("x")}, [6111]),
        ({"Authorization": "Bearer"}, [6111]),
        ({"Authorization": "Bearer two words"}, [6111]),
        # An API token is 40 of [A-Za-z0-9_-]: shorter, longer or other characters are not one.
        ({"Authorization": "Bearer any-token"}, [6111]),
        ({"Authorization": "Bearer " + token("x") + "0"}, [6111]),
        ({"Authorization": "Bearer " + token("x")[:39] + "."}, [6111]),
        # A Global API Key sent where a token goes.
        ({"Authorization": f"Bearer {GLOBAL_KEY}"}, [6111]),
        ({"X-Auth-Email": "not-an-email", "X-Auth-Key": GLOBAL_KEY}, [6102]),
        ({"X-Auth-Email": "ops@example.com", "X-Auth-Key": "asdf"}, [6103]),
        ({"X-Auth-Email": "ops@example.com", "X-Auth-Key": GLOBAL_KEY.upper()}, [6103]),
        ({"X-Auth-Email": "ops@example.com", "X-Auth-Key": token("x")}, [6103]),
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


def test_default_world_accepts_any_well_formed_credential_for_any_account(
    connect: Connect,
) -> None:
    app = create_app()
    for account, secret in [
        (ACCOUNT, token("anything")),
        ("f" * 32, "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY"),
    ]:
        api = connect(app, account=account, headers={"Authorization": f"Bearer {secret}"})
        assert api.get("/registrations").status_code == 200
    keyed = connect(app, headers={"X-Auth-Email": "me@example.com", "X-Auth-Key": GLOBAL_KEY})
    assert keyed.get("/registrations").status_code == 200


def test_lenient_credentials_take_short_made_up_ones(connect: Connect) -> None:
    app = create_app({"name": "lenient", "lenient_credentials": True})
    assert connect(app, headers={"Authorization": "Bearer t"}).get(
        "/registrations"
    ).status_code == (200)
    keyed = connect(app, headers={"X-Auth-Email": "me@example.com", "X-Auth-Key": "asdf"})
    assert keyed.get("/registrations").status_code == 200


def test_unknown_token_is_9109(connect: Connect) -> None:
    headers = {"Authorization": f"Bearer {token('who')}"}
    api = connect(create_app(closed_world()), account=ALPHA, headers=headers)
    response = api.get("/registrations")
    assert response.status_code == 403
    assert only_error(response) == {"code": 9109, "message": "Invalid access token"}


def test_unknown_key_pair_is_9103(connect: Connect) -> None:
    headers = {"X-Auth-Email": "ops@example.com", "X-Auth-Key": "f" * 37}
    api = connect(create_app(closed_world()), account=ALPHA, headers=headers)
    response = api.get("/registrations")
    assert response.status_code == 403
    assert only_error(response)["code"] == 9103


def test_token_of_another_account_is_10000_authentication_error(connect: Connect) -> None:
    app = create_app(closed_world())
    api = connect(app, account=BETA, headers={"Authorization": f"Bearer {ALPHA_TOKEN}"})
    response = api.get("/registrations")
    assert response.status_code == 403
    assert only_error(response) == {"code": 10000, "message": "Authentication error"}
    # The same token works where it belongs, and so does the key pair.
    own = connect(app, account=ALPHA, headers={"Authorization": f"Bearer {ALPHA_TOKEN}"})
    assert own.get("/registrations").status_code == 200
    keyed = {"X-Auth-Email": "ops@example.com", "X-Auth-Key": GLOBAL_KEY}
    assert connect(app, account=ALPHA, headers=keyed).get("/registrations").status_code == 200


def test_account_id_that_cannot_exist_is_no_route(connect: Connect) -> None:
    api = connect(create_app(), account="x" * 33)
    response = api.get("/registrations")
    assert response.status_code == 400
    assert [item["code"] for item in response.json()["errors"]] == [7003, 7000]


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
                url = path.replace("{account_id}", ACCOUNT).replace("{domain_name}", "x.com")
                response = client.request(method.upper(), url, json={})
                assert response.status_code == 400, f"{method.upper()} {path}"
                assert only_error(response)["code"] == 9106, f"{method.upper()} {path}"
                checked += 1
    assert checked == 26  # 16 production operations and the sandbox's 10
