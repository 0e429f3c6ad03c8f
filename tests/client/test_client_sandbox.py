"""The Registrar Sandbox through the client (``sandbox=True``): the same methods at
``/registrar-sandbox``, its own records, no express mode, and no transfers."""

from __future__ import annotations

from typing import Any

import pytest

from registrar_mock.client import (
    Contact,
    NotFoundError,
    RegistrarClient,
    RegistrationStatus,
    SandboxUnsupportedError,
    ValidationError,
    WorkflowState,
)

from .conftest import ACCOUNT, BASE_URL, TOKEN, Connect

OTHER_ACCOUNT = "b2000000000000000000000000000000"
REGISTRANT = Contact(
    email="tester@example.org",
    phone="+1.5555550100",
    name="Test Registrant",
    street="1 Sandbox Way",
    city="Austin",
    state="TX",
    postal_code="78701",
    country_code="US",
)


def test_the_sandbox_is_a_path_segment() -> None:
    sandbox = RegistrarClient(ACCOUNT, api_token=TOKEN, base_url=BASE_URL, sandbox=True)
    production = RegistrarClient(ACCOUNT, api_token=TOKEN, base_url=BASE_URL)
    assert sandbox.sandbox is True and production.sandbox is False
    assert sandbox.environment == "registrar-sandbox"
    assert production.environment == "registrar"
    sandbox.close()
    production.close()


def test_register_in_the_sandbox_and_read_it_back(connect: Connect) -> None:
    h = connect(sandbox=True)
    [offer] = h.client.check(["sandbox-buy.com"])
    assert offer.registrable is True and offer.pricing is not None
    status = h.client.register("sandbox-buy.com", registrant=REGISTRANT, auto_renew=True)
    assert status.state is WorkflowState.SUCCEEDED
    assert status.registration is not None
    assert status.registration.status is RegistrationStatus.ACTIVE
    assert status.links.self_link == (
        f"/accounts/{ACCOUNT}/registrar-sandbox/registrations/sandbox-buy.com/registration-status"
    )
    assert h.client.get_registration("sandbox-buy.com").auto_renew is True
    assert h.client.get_registration_status("sandbox-buy.com").state is WorkflowState.SUCCEEDED
    assert [r.domain_name for r in h.client.iter_registrations()] == ["sandbox-buy.com"]
    assert h.client.list_registrations(per_page=1).items[0].domain_name == "sandbox-buy.com"
    assert h.registered() == {"sandbox-buy.com"}
    # Every request went to the sandbox.
    assert all("/registrar-sandbox/" in path for _, path in h.transport.seen)
    # No billing in the sandbox.
    assert h.app.control.charges(ACCOUNT) == []


def test_waiting_and_updating_in_the_sandbox(connect: Connect) -> None:
    h = connect(sandbox=True)
    started = h.client.create_registration(
        "sandbox-wait.net", registrant=REGISTRANT, prefer_async=True
    )
    assert started.state is WorkflowState.PENDING
    assert "/registrar-sandbox/" in started.links.self_link
    assert h.client.wait_for_workflow(started, timeout=60).state is WorkflowState.SUCCEEDED
    update = h.client.update_registration("sandbox-wait.net", auto_renew=True, prefer_async=True)
    assert update.links.self_link.endswith("/registrar-sandbox/registrations/"
                                           "sandbox-wait.net/update-status")  # fmt: skip
    assert h.client.get_update_status("sandbox-wait.net").links.self_link == update.links.self_link
    assert h.client.wait_for_workflow(update, timeout=60).state is WorkflowState.SUCCEEDED
    assert h.client.get_registration("sandbox-wait.net").auto_renew is True


def test_the_sandbox_has_no_express_mode(connect: Connect) -> None:
    h = connect(sandbox=True)
    with pytest.raises(ValidationError) as caught:
        h.client.register("no-contact.com")
    assert caught.value.pointers == ["/contacts/registrant"]
    assert h.registered() == set()


def test_search_and_check_offer_only_the_sandbox_extensions(connect: Connect) -> None:
    h = connect(sandbox=True)
    found = h.client.search("sandbox idea", limit=20)
    assert found and {d.name.rsplit(".", 1)[1] for d in found} <= {"com", "net"}
    results = {d.name: d for d in h.client.check(["idea.com", "idea.net", "idea.org"])}
    assert results["idea.com"].registrable and results["idea.net"].registrable
    assert results["idea.org"].registrable is False
    with pytest.raises(ValidationError):
        h.client.register("idea.org", registrant=REGISTRANT)


def test_sandbox_records_stay_apart_from_production(connect: Connect) -> None:
    sandbox = connect(sandbox=True)
    sandbox.client.register("only-in-sandbox.com", registrant=REGISTRANT)
    production = connect(app=sandbox.app)
    with pytest.raises(NotFoundError):
        production.client.get_registration("only-in-sandbox.com")
    assert list(production.client.iter_registrations()) == []
    [offer] = production.client.check(["only-in-sandbox.com"])
    assert offer.registrable is True  # a test record, not a real domain

    production.client.register("only-in-production.com")
    with pytest.raises(NotFoundError):
        sandbox.client.get_registration("only-in-production.com")
    assert [r.domain_name for r in sandbox.client.iter_registrations()] == ["only-in-sandbox.com"]
    assert [c.domain_name for c in production.app.control.charges(ACCOUNT)] == [
        "only-in-production.com"
    ]


def test_a_sandbox_purchase_is_taken_for_every_sandbox_account(connect: Connect) -> None:
    mine = connect(sandbox=True)
    mine.client.register("first-come.com", registrant=REGISTRANT)
    theirs = connect(app=mine.app, sandbox=True, account=OTHER_ACCOUNT)
    [offer] = theirs.client.check(["first-come.com"])
    assert offer.registrable is False
    with pytest.raises(ValidationError):
        theirs.client.register("first-come.com", registrant=REGISTRANT)
    assert theirs.registered() == set()


SANDBOX_REFUSES: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {
    "transfer_check": ("domain-transfer-check", (["move.com"],), {}),
    "transfer_in": ("transfer-in", ("move.com",), {"auth_code": b"code", "wait": True}),
    "get_transfer_in_status": ("transfer-in-status", ("move.com",), {}),
    "list_domains": ("legacy /domains", (), {}),
    "get_domain": ("legacy /domains", ("move.com",), {}),
    "update_domain": ("legacy /domains", ("move.com",), {"locked": False}),
}


@pytest.mark.parametrize("method", sorted(SANDBOX_REFUSES))
def test_what_the_sandbox_lacks_is_refused_without_a_request(connect: Connect, method: str) -> None:
    h = connect(sandbox=True)
    operation, args, kwargs = SANDBOX_REFUSES[method]
    with pytest.raises(SandboxUnsupportedError) as caught:
        getattr(h.client, method)(*args, **kwargs)
    assert caught.value.operation == operation
    assert "Registrar Sandbox" in str(caught.value)
    assert h.transport.seen == []
