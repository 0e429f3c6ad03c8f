"""What a new registration must pass (model/registering.py), in the order the docs give."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from registrar_mock import errors as e
from registrar_mock.model import (
    Credential,
    RegistrationRequest,
    RegistrationStatus,
    WorkflowState,
    World,
)
from registrar_mock.model.catalogue import Catalogue, Channel, Extension
from registrar_mock.model.records import Contact
from registrar_mock.model.workflows import Script, ScriptBook, ScriptRule, Step

from .conftest import Model, spec

ModelFactory = Callable[..., Model]


def test_express_mode_registers_with_the_defaults(model: ModelFactory) -> None:
    m = model()
    workflow = m.create("fresh-name.com")
    m.clock.advance(5)
    registration = m.registrar.get_registration(m.account, "fresh-name.com")
    assert registration.status is RegistrationStatus.ACTIVE
    assert registration.years == 1  # the extension's minimum
    assert registration.auto_renew is False
    assert registration.registrant == m.account.default_contact
    assert m.registrar.charges(m.account.id)[0].amount == Decimal("8.57")
    assert workflow is m.account.registration_workflows["fresh-name.com"]


def test_the_domain_name_is_the_idempotency_key(model: ModelFactory) -> None:
    m = model()
    first, new = m.registrar.create_registration(m.account, RegistrationRequest("a.com"))
    m.clock.advance(5)
    again, new_again = m.registrar.create_registration(m.account, RegistrationRequest("a.com"))
    assert (new, new_again) == (True, False)
    assert again is first
    assert len(m.registrar.charges(m.account.id)) == 1


@pytest.mark.parametrize(
    ("world", "name", "problem"),
    [
        ({"accounts": (spec(has_billing=False),)}, "a.com", e.NO_BILLING),
        ({"domain_limit": 0}, "a.com", e.LIMIT_REACHED),
        ({}, "a.io", e.EXTENSION_NOT_SUPPORTED),  # dashboard only
        ({}, "a.horse", e.EXTENSION_NOT_SUPPORTED),  # unknown
        ({}, "coffee.xyz", e.PREMIUM),
        ({}, "example.com", e.UNAVAILABLE),
        (
            {"accounts": (spec(default_contact=None),), "open_accounts": False},
            "a.com",
            e.NO_CONTACT,
        ),
        ({}, "www.a.com", e.INVALID_DOMAIN),
    ],
)
def test_each_prerequisite_is_its_own_refusal(
    model: ModelFactory, world: dict[str, object], name: str, problem: e.Problem
) -> None:
    m = model(**world)
    with pytest.raises(e.ApiError) as refused:
        m.create(name)
    assert (refused.value.status, refused.value.code) == (problem.status, problem.code)
    assert refused.value.message.split(":")[0] == problem.template.split(":")[0]
    assert name not in m.account.registrations  # nothing half done
    assert m.registrar.charges(m.account.id) == []


def test_pending_registrations_count_against_the_limit(model: ModelFactory) -> None:
    m = model(domain_limit=1)
    m.create("first.com")  # still pending: the workflow takes a second
    with pytest.raises(e.ApiError) as refused:
        m.create("second.com")
    assert refused.value.message == "Domain limit reached: you cannot register more than 1 domains."


def test_years_must_lie_within_the_extensions_term() -> None:
    catalogue = Catalogue([Extension("ai", Channel.API, min_years=2, max_years=10)])
    m = Model(World(catalogue=catalogue))
    with pytest.raises(e.ApiError) as refused:
        m.create("model.ai", years=1)
    assert refused.value.items[0].pointer == "/years"
    assert refused.value.message == "years must be between 2 and 10 for .ai"
    m.create("model.ai")  # the default is the minimum
    assert m.account.registrations["model.ai"].years == 2


def test_a_given_registrant_wins_over_the_default(model: ModelFactory) -> None:
    m = model()
    own = Contact("me@example.org", "+1.5550000000", "Me", "1 Road", "Town", "ST", "12345", "GB")
    m.create("mine.com", registrant=own)
    assert m.account.registrations["mine.com"].registrant == own


def test_a_failed_registration_releases_the_name(model: ModelFactory) -> None:
    failing = Script((Step(WorkflowState.FAILED, error_code="x", error_message="no"),))
    m = model(scripts=ScriptBook(registration_rules=(ScriptRule("*.com", failing),)))
    workflow = m.create("doomed.com")
    assert workflow.state is WorkflowState.FAILED
    assert "doomed.com" not in m.account.registrations
    assert m.registrar.charges(m.account.id) == []


def test_a_workflow_put_back_from_the_file_is_the_one_a_waiting_request_refreshes(
    model: ModelFactory,
) -> None:
    """A request held for its workflow may hold objects the state file has since replaced
    (another request's change was undone): refreshing uses the stored workflow."""
    from registrar_mock.store import snapshot

    m = model()
    held = m.create("waiting.com")
    stale_account = m.account
    saved = snapshot.load_account(snapshot.dump_account(m.registrar.accounts[m.account.id]))
    m.registrar.restore_accounts({m.account.id}, {m.account.id: saved})  # an undo
    m.clock.advance(5)
    current = m.registrar.refresh(stale_account, held)
    assert current is not held
    account = m.registrar.accounts[m.account.id]
    assert current is account.registration_workflows["waiting.com"]
    assert current.state is WorkflowState.SUCCEEDED
    assert account.registrations["waiting.com"].status is RegistrationStatus.ACTIVE
    snapshot.load_account(snapshot.dump_account(account))  # consistent: it loads again


def test_reading_an_unknown_account_keeps_nothing_of_it(model: ModelFactory) -> None:
    m = model()
    stranger = m.registrar.authorize(Credential(token="x" * 40), "f" * 32)
    for _ in range(3):
        m.registrar.list_registrations(stranger, "name", "asc", 20, None)
    assert "f" * 32 not in m.registrar.accounts
    assert "f" * 32 not in m.registrar._indexes


def test_a_request_waiting_for_an_update_gets_its_own_even_after_a_newer_one_began(
    model: ModelFactory,
) -> None:
    """Two PATCHes in turn: the first request, held until its update ended, must not be
    answered with the second one's (still running) workflow."""
    slow = Script((Step(WorkflowState.IN_PROGRESS, seconds=20), Step(WorkflowState.SUCCEEDED)))
    m = model(scripts=ScriptBook(update_rules=(ScriptRule("*.com", slow),)))
    m.create("twice.com")
    m.clock.advance(86400)  # registered
    first = m.registrar.update_registration(m.account, "twice.com", False)
    m.clock.advance(20)
    second = m.registrar.update_registration(m.account, "twice.com", True)
    assert second is not first and second.state is WorkflowState.IN_PROGRESS
    answered = m.registrar.refresh(m.account, first)
    assert answered is first
    assert answered.state is WorkflowState.SUCCEEDED
