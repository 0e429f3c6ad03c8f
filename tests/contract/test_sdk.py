"""The official ``cloudflare`` SDK (5.x), pointed at the mock, as a real client of the spec.

Every registrar method the docs describe works, its traffic passes the validating
transport (requests and responses), and what the mock refuses fails the way the
real API would: as the SDK's typed ``APIStatusError`` for the status, with
Cloudflare's error code in the body.
"""

from __future__ import annotations

from collections.abc import Iterator

import cloudflare
import httpx
import pytest
from cloudflare import Cloudflare

from registrar_mock import MockApp
from registrar_mock.contract_tests.transport import TransportFactory
from registrar_mock.testing import SyncASGITransport
from tests.helpers import token

from .support import ACCOUNT, BASE_URL, EMAIL, KEY, SEEDED, TOKEN, contract_app

NEW = "sdk-contract-example.com"


@pytest.fixture
def app() -> MockApp:
    return contract_app()


@pytest.fixture
def cf(app: MockApp, validating_transport: TransportFactory) -> Iterator[Cloudflare]:
    transport = validating_transport(SyncASGITransport(app), responses=True)
    with httpx.Client(transport=transport) as http:
        yield Cloudflare(api_token=TOKEN, base_url=BASE_URL, http_client=http, max_retries=0)


def test_discovery(cf: Cloudflare) -> None:
    found = cf.registrar.search(account_id=ACCOUNT, q="coffee shop", limit=5)
    assert found is not None and 0 < len(found.domains) <= 5
    checked = cf.registrar.check(account_id=ACCOUNT, domains=[NEW, "example.com"])
    assert checked is not None
    by_name = {item.name: item for item in checked.domains}
    assert by_name[NEW].registrable and by_name[NEW].pricing is not None
    assert not by_name["example.com"].registrable and by_name["example.com"].pricing is None


def test_register_poll_read_and_edit(cf: Cloudflare, app: MockApp) -> None:
    done = cf.registrar.registrations.create(account_id=ACCOUNT, domain_name=NEW, years=2)
    assert done.state == "succeeded" and done.completed
    running = cf.registrar.registrations.create(
        account_id=ACCOUNT, domain_name="sdk-async-example.dev", prefer="respond-async"
    )
    assert not running.completed and running.links.self.endswith("/registration-status")
    app.clock.advance(5)  # type: ignore[attr-defined]
    status = cf.registrar.registration_status.get("sdk-async-example.dev", account_id=ACCOUNT)
    assert status.state == "succeeded" and status.completed
    registration = cf.registrar.registrations.get(NEW, account_id=ACCOUNT)
    assert registration.domain_name == NEW and registration.status == "active"
    edited = cf.registrar.registrations.edit(NEW, account_id=ACCOUNT, auto_renew=True)
    assert edited.completed
    update = cf.registrar.update_status.get(NEW, account_id=ACCOUNT)
    assert update.state == "succeeded"
    assert cf.registrar.registrations.get(NEW, account_id=ACCOUNT).auto_renew is True


def test_list_walks_every_page(cf: Cloudflare) -> None:
    pages = cf.registrar.registrations.list(account_id=ACCOUNT, per_page=5, sort_by="name")
    names = [registration.domain_name for registration in pages]  # auto-pagination
    assert names == sorted(SEEDED)


# The SDK warns on every call to the deprecated endpoints, as it should.
@pytest.mark.filterwarnings("ignore:This operation is deprecated:DeprecationWarning")
def test_the_legacy_domain_methods(cf: Cloudflare) -> None:
    listed = list(cf.registrar.domains.list(account_id=ACCOUNT))
    assert len(listed) == len(SEEDED)
    fetched = cf.registrar.domains.get(SEEDED[0], account_id=ACCOUNT)
    assert isinstance(fetched, dict) and fetched["id"] in {domain.id for domain in listed}
    updated = cf.registrar.domains.update(SEEDED[0], account_id=ACCOUNT, locked=False)
    assert isinstance(updated, dict) and updated["locked"] is False


def test_the_legacy_email_and_key_credentials(app: MockApp) -> None:
    with httpx.Client(transport=SyncASGITransport(app)) as http:
        cf = Cloudflare(api_email=EMAIL, api_key=KEY, base_url=BASE_URL, http_client=http)
        assert cf.registrar.registrations.get(SEEDED[0], account_id=ACCOUNT) is not None


REFUSALS = [
    pytest.param(
        lambda cf: cf.registrar.registrations.create(account_id=ACCOUNT, domain_name="example.com"),
        cloudflare.BadRequestError, 400, 10000, id="taken",
    ),
    pytest.param(
        lambda cf: cf.registrar.registrations.create(account_id=ACCOUNT, domain_name="x.io"),
        cloudflare.BadRequestError, 400, 10000, id="unsupported-extension",
    ),
    pytest.param(
        lambda cf: cf.registrar.registrations.get("nothing-here.com", account_id=ACCOUNT),
        cloudflare.NotFoundError, 404, 10000, id="not-found",
    ),
    pytest.param(
        lambda cf: cf.registrar.update_status.get(SEEDED[0], account_id=ACCOUNT),
        cloudflare.NotFoundError, 404, 10000, id="no-update-yet",
    ),
    pytest.param(
        lambda cf: cf.registrar.search(account_id=ACCOUNT, q="com"),
        cloudflare.BadRequestError, 400, 1003, id="bare-extension",
    ),
    pytest.param(
        lambda cf: cf.registrar.check(account_id=ACCOUNT, domains=[f"n{i}.com" for i in range(21)]),
        cloudflare.BadRequestError, 400, 1007, id="too-many-names",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "status", "code"), REFUSALS)
def test_refusals_fail_as_on_the_real_api(
    cf: Cloudflare,
    validating_transport: TransportFactory,
    call: object,
    error: type[cloudflare.APIStatusError],
    status: int,
    code: int,
) -> None:
    with pytest.raises(error) as caught:
        call(cf)  # type: ignore[operator]
    assert caught.value.status_code == status
    body = caught.value.body
    assert isinstance(body, dict) and code in [item["code"] for item in body["errors"]]
    # The SDK's own request may break the spec here (e.g. 21 names): only that is allowed.
    validating_transport.forget()


def test_missing_credentials_fail_as_on_the_real_api(app: MockApp) -> None:
    """No credentials: HTTP 400 with code 9106, which the SDK raises as BadRequestError."""
    with httpx.Client(transport=SyncASGITransport(app)) as http:
        cf = Cloudflare(api_token="x", base_url=BASE_URL, http_client=http, max_retries=0)
        with pytest.raises(cloudflare.BadRequestError) as caught:
            cf.registrar.registrations.list(
                account_id=ACCOUNT, extra_headers={"Authorization": cloudflare.Omit()}
            )
    body = caught.value.body
    assert isinstance(body, dict) and [item["code"] for item in body["errors"]] == [9106]


def test_a_wrong_token_is_refused(app: MockApp) -> None:
    with httpx.Client(transport=SyncASGITransport(app)) as http:
        cf = Cloudflare(
            api_token=token("someone-else"), base_url=BASE_URL, http_client=http, max_retries=0
        )
        with pytest.raises(cloudflare.PermissionDeniedError):
            cf.registrar.registrations.get(SEEDED[0], account_id=ACCOUNT)


def codes(caught: pytest.ExceptionInfo[cloudflare.APIStatusError]) -> list[int]:
    body = caught.value.body
    assert isinstance(body, dict)
    return [item["code"] for item in body["errors"]]


def chain(caught: pytest.ExceptionInfo[cloudflare.APIStatusError]) -> list[int]:
    body = caught.value.body
    assert isinstance(body, dict)
    return [item["code"] for item in body["errors"][0]["error_chain"]]


@pytest.mark.parametrize("wrong", ["acme", "id", "ops@example.com", ACCOUNT.upper(), ACCOUNT[:31]])
def test_an_invalid_account_id_is_the_edges_400(
    cf: Cloudflare, validating_transport: TransportFactory, wrong: str
) -> None:
    """What a zone id, a name or an email where the account id goes gets from Cloudflare.
    Its message names the path below /client/v4, as the real API's does."""
    with pytest.raises(cloudflare.BadRequestError) as caught:
        cf.registrar.registrations.list(account_id=wrong)
    assert caught.value.status_code == 400
    assert codes(caught) == [7003, 7000]
    body = caught.value.body
    assert isinstance(body, dict)
    path = f"/accounts/{wrong}/registrar/registrations"
    assert body["errors"][0]["message"] == (
        f"Could not route to {path}, perhaps your object identifier is invalid?"
    )
    assert body["errors"][1]["message"] == "No route for that URI"
    validating_transport.forget()  # the request breaks the spec: that is the point


def test_an_unknown_route_is_7000(cf: Cloudflare, validating_transport: TransportFactory) -> None:
    with pytest.raises(cloudflare.BadRequestError) as caught:
        cf.get(f"/accounts/{ACCOUNT}/registrar/nowhere", cast_to=object)
    assert codes(caught) == [7000]
    validating_transport.forget()


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        pytest.param({"api_token": KEY}, [6111], id="global-key-as-bearer"),
        pytest.param({"api_token": "short"}, [6111], id="token-too-short"),
        pytest.param({"api_email": EMAIL, "api_key": "asdf"}, [6103], id="key-not-a-key"),
        pytest.param({"api_email": "not-an-email", "api_key": KEY}, [6102], id="bad-email"),
    ],
)
def test_malformed_credentials_are_6003_with_their_chain(
    app: MockApp, credentials: dict[str, str], expected: list[int]
) -> None:
    with httpx.Client(transport=SyncASGITransport(app)) as http:
        cf = Cloudflare(base_url=BASE_URL, http_client=http, max_retries=0, **credentials)  # type: ignore[arg-type]
        with pytest.raises(cloudflare.BadRequestError) as caught:
            cf.registrar.registrations.list(account_id=ACCOUNT)
    assert codes(caught) == [6003]
    assert chain(caught) == expected


@pytest.mark.filterwarnings("ignore:This operation is deprecated:DeprecationWarning")
def test_the_legacy_update_of_a_domain_not_held_is_403(
    cf: Cloudflare, validating_transport: TransportFactory
) -> None:
    with pytest.raises(cloudflare.PermissionDeniedError) as caught:
        cf.registrar.domains.update("not-mine.com", account_id=ACCOUNT, locked=True)
    assert codes(caught) == [10000]
    body = caught.value.body
    assert isinstance(body, dict)
    assert body["errors"][0]["message"] == "Domain doesn't belong to the user"
    validating_transport.forget()


@pytest.mark.filterwarnings("ignore:This operation is deprecated:DeprecationWarning")
def test_legacy_domains_carry_only_the_documented_fields(cf: Cloudflare) -> None:
    fetched = cf.registrar.domains.get(SEEDED[0], account_id=ACCOUNT)
    assert isinstance(fetched, dict)
    assert not {"name", "auto_renew", "privacy"} & set(fetched)
    for listed in cf.registrar.domains.list(account_id=ACCOUNT):
        assert not {"name", "auto_renew", "privacy"} & set(listed.model_dump(exclude_unset=True))
