"""Every request the reference client sends conforms to the spec (path, query, headers, body).

The client talks to the mock through the validating transport that the kit's
pytest plugin hands out, with responses checked too; the plugin fails a test at
teardown if anything was recorded, and ``assert_conforms`` says so explicitly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import pytest

from registrar_mock import MockApp
from registrar_mock.client import AsyncRegistrarClient, Contact, PrivacyMode, RegistrarClient
from registrar_mock.clock import VirtualClock
from registrar_mock.contract_tests.transport import TransportFactory
from registrar_mock.contract_tests.validating import RequestValidator, SpecViolation
from registrar_mock.testing import SyncASGITransport

from .support import ACCOUNT, AUTH_CODE, BASE_URL, EMAIL, KEY, SEEDED, TOKEN, contract_app

CONTACT = Contact(
    email="ada@example.com", phone="+1.5555555555", name="Ada Lovelace",
    street="123 Main St", city="Austin", state="TX", postal_code="78701",
    country_code="US", organization="Example Inc", fax="+1.5555555556",
)  # fmt: skip
# Those of both environments, then production's own.
IN_BOTH = {
    "domain-discovery-search",
    "domain-discovery-check",
    "domain-registration-create",
    "domain-registration-list",
    "domain-registration-get",
    "domain-registration-update",
    "domain-registration-get-status",
    "domain-registration-get-update-status",
    "extension-list",
    "extension-get",
}
EVERY_OPERATION = {f"registrar-{name}" for name in IN_BOTH} | {
    "registrar-domains-list-domains",
    "registrar-domains-get-domain",
    "registrar-domains-update-domain",
    "registrar-domain-transfer-check",
    "registrar-domain-transfer-in",
    "registrar-domain-transfer-in-get-status",
}
EVERY_SANDBOX_OPERATION = {f"registrar-sandbox-{name}" for name in IN_BOTH}


@pytest.fixture
def app() -> MockApp:
    return contract_app()


def _clock(app: MockApp) -> VirtualClock:
    assert isinstance(app.clock, VirtualClock)
    return app.clock


def _seconds(app: MockApp) -> Callable[[], float]:
    start = app.clock.now()
    return lambda: (app.clock.now() - start).total_seconds()


def _connect(
    app: MockApp, factory: TransportFactory, credentials: str, *, sandbox: bool = False
) -> Iterator[RegistrarClient]:
    transport = factory(SyncASGITransport(app), responses=True)
    keys = {"api_token": TOKEN} if credentials == "token" else {"api_email": EMAIL, "api_key": KEY}
    with (
        httpx.Client(transport=transport) as http,
        RegistrarClient(
            ACCOUNT, base_url=BASE_URL, http_client=http, **keys, sandbox=sandbox,
            sleep=_clock(app).advance, monotonic=_seconds(app),
        ) as client,
    ):  # fmt: skip
        yield client


@pytest.fixture(params=["token", "email-and-key"])
def registrar(
    request: pytest.FixtureRequest, app: MockApp, validating_transport: TransportFactory
) -> Iterator[RegistrarClient]:
    yield from _connect(app, validating_transport, request.param)


@pytest.fixture(params=["token", "email-and-key"])
def sandbox(
    request: pytest.FixtureRequest, app: MockApp, validating_transport: TransportFactory
) -> Iterator[RegistrarClient]:
    yield from _connect(app, validating_transport, request.param, sandbox=True)


def drive_the_catalogue(client: RegistrarClient) -> None:
    first = client.list_extensions(per_page=5, sort_by="name", direction="desc")
    assert first.cursor
    client.list_extensions(per_page=5, sort_by="name", direction="desc", cursor=first.cursor)
    assert client.list_extensions(name="com").items[0].name == "com"
    assert len(list(client.iter_extensions(per_page=7))) > 1
    com = client.get_extension("com")
    assert client.get_extension("com", cached=com) is com  # a 304 hands back the one held


def drive_every_method(registrar: RegistrarClient) -> None:
    registrar.search("coffee shop")
    registrar.search("acme", extensions=["com"], limit=5)
    registrar.check(["ada-example.com", "example.com", "mybrand.uk"])
    registrar.list_domains()
    registrar.get_domain(SEEDED[0])
    registrar.update_domain(SEEDED[0], auto_renew=True, locked=False, privacy=False)
    done = registrar.register("new-contract-one.com", years=2, auto_renew=True, registrant=CONTACT)
    assert done.state == "succeeded"
    pending = registrar.create_registration(
        "new-contract-two.dev", privacy_mode=PrivacyMode.OFF, prefer_async=True
    )
    assert pending.state != "succeeded"
    registrar.get_registration_status("new-contract-two.dev")
    registrar.wait_for_workflow(pending)
    registrar.create_registration("new-contract-three.app")
    page = registrar.list_registrations(per_page=5, sort_by="name", direction="desc")
    registrar.list_registrations(per_page=5, sort_by="name", direction="desc", cursor=page.cursor)
    assert len(list(registrar.iter_registrations(per_page=7))) == len(SEEDED) + 3
    registrar.get_registration("new-contract-one.com")
    update = registrar.update_registration("new-contract-one.com", auto_renew=False)
    registrar.get_update_status("new-contract-one.com")
    later = registrar.update_registration(SEEDED[1], auto_renew=True, prefer_async=True)
    registrar.wait_for_workflow(later)
    assert update.completed
    drive_the_catalogue(registrar)
    checked = registrar.transfer_check(["example-shop.com", ("example.com", b"not the code")])
    assert checked["example-shop.com"].transferable
    started = registrar.transfer_in("example-shop.com", auth_code=AUTH_CODE.encode())
    assert not started.completed
    assert registrar.get_transfer_in_status("example-shop.com").state == started.state


def drive_every_sandbox_method(sandbox: RegistrarClient) -> None:
    sandbox.search("coffee shop")
    sandbox.check(["sandbox-one.com", "sandbox-one.org"])
    done = sandbox.register("sandbox-one.com", years=2, registrant=CONTACT)
    assert done.state == "succeeded"
    pending = sandbox.create_registration("sandbox-two.net", registrant=CONTACT, prefer_async=True)
    sandbox.get_registration_status("sandbox-two.net")
    sandbox.wait_for_workflow(pending)
    page = sandbox.list_registrations(per_page=1, sort_by="name")
    sandbox.list_registrations(per_page=1, sort_by="name", cursor=page.cursor)
    sandbox.get_registration("sandbox-one.com")
    sandbox.update_registration("sandbox-one.com", auto_renew=True)
    sandbox.get_update_status("sandbox-one.com")
    assert [ext.name for ext in sandbox.iter_extensions()] == ["com", "net"]
    com = sandbox.get_extension("com")
    assert sandbox.get_extension("com", cached=com) is com


def test_every_client_method_sends_what_the_spec_allows(
    registrar: RegistrarClient, validating_transport: TransportFactory
) -> None:
    drive_every_method(registrar)
    validating_transport.assert_conforms()
    assert validating_transport.operations_seen() == EVERY_OPERATION


def test_every_sandbox_method_sends_what_the_spec_allows(
    sandbox: RegistrarClient, validating_transport: TransportFactory
) -> None:
    drive_every_sandbox_method(sandbox)
    validating_transport.assert_conforms()
    assert validating_transport.operations_seen() == EVERY_SANDBOX_OPERATION


def test_the_async_client_sends_what_the_spec_allows(
    app: MockApp, validating_transport: TransportFactory
) -> None:
    transport = validating_transport.wrap_async(httpx.ASGITransport(app=app), responses=True)

    async def sleep(seconds: float) -> None:
        _clock(app).advance(seconds)

    async def scenario() -> datetime:
        async with (
            httpx.AsyncClient(transport=transport) as http,
            AsyncRegistrarClient(
                ACCOUNT, api_token=TOKEN, base_url=BASE_URL, http_client=http,
                sleep=sleep, monotonic=_seconds(app),
            ) as client,
        ):  # fmt: skip
            await client.search("bakery", extensions=["dev"])
            await client.check(["async-one.com"])
            status = await client.register("async-one.com", registrant=CONTACT)
            await client.update_registration("async-one.com", auto_renew=True, prefer_async=True)
            await client.get_update_status("async-one.com")
            async for _ in client.iter_registrations(per_page=3):
                pass
            await client.update_domain(SEEDED[2], locked=True)
            assert status.registration is not None and status.registration.created_at
            return status.registration.created_at

    asyncio.run(scenario())
    validating_transport.assert_conforms()


# --- the validator itself can fail ---------------------------------------------------


def _request(method: str, path: str, **kwargs: object) -> httpx.Request:
    headers = {"Authorization": f"Bearer {TOKEN}", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return httpx.Request(
        method, f"{BASE_URL}/accounts/{ACCOUNT}/registrar{path}", headers=headers, **kwargs
    )  # type: ignore[arg-type]


TEXT = {"Content-Type": "text/plain"}
BAD_REQUESTS = [
    ("missing-q", "query", _request("GET", "/domain-search")),
    ("limit-too-big", "query", _request("GET", "/domain-search?q=a&limit=99")),
    ("exploded-array", "query", _request("GET", "/domain-search?q=a&extensions=a&extensions=b")),
    ("unknown-param", "query", _request("GET", "/registrations?page=2")),
    ("bad-enum", "query", _request("GET", "/registrations?direction=up")),
    ("bad-domain", "path", _request("GET", "/registrations/not%20a%20name")),
    ("no-bearer", "header", _request("GET", "/registrations", headers={"Authorization": "x"})),
    ("years", "body", _request("POST", "/registrations", json={"domain_name": "a.a", "years": 11})),
    ("unknown-field", "body", _request("POST", "/registrations", json={"name": "a.com"})),
    ("content-type", "body", _request("POST", "/domain-check", content=b"[]", headers=TEXT)),
    ("empty-patch", "body", _request("PATCH", "/registrations/a.com", json={})),
    ("no-delete", "operation", _request("DELETE", "/registrations/a.com")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("request_", "where"), [pytest.param(r, w, id=i) for i, w, r in BAD_REQUESTS]
)
def test_the_validator_catches_a_bad_request(request_: httpx.Request, where: str) -> None:
    violations = RequestValidator().check(request_)
    assert where in {violation.where for violation in violations}, violations


def test_a_strict_transport_stops_the_bad_request(app: MockApp) -> None:
    from registrar_mock.contract_tests.transport import ValidatingTransport

    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    transport = ValidatingTransport(httpx.MockTransport(record), strict=True)
    with httpx.Client(transport=transport) as http, pytest.raises(SpecViolation):
        http.send(_request("GET", "/domain-search?q=a&limit=0"))
    assert sent == []


def test_search_with_several_extensions_sends_one_comma_separated_value(
    registrar: RegistrarClient, validating_transport: TransportFactory
) -> None:
    try:
        registrar.search("acme", extensions=["com", "net"])
        validating_transport.assert_conforms()
    finally:
        validating_transport.forget()
