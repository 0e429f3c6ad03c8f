"""A world's defaults come from the model: code and scenario files get the same ones."""

from __future__ import annotations

from registrar_mock.model.world import SEED_CREATED_AT, SeedRegistration, World
from registrar_mock.scenarios import from_document

ACCOUNT = "0123456789abcdef0123456789abcdef"


def test_a_seed_registration_is_the_same_from_code_and_from_yaml() -> None:
    document = {"accounts": [{"id": ACCOUNT, "registrations": [{"domain": "same.com"}]}]}
    (from_yaml,) = from_document(document).world.accounts[0].registrations
    assert from_yaml == SeedRegistration("same.com")
    assert from_yaml.created_at == SEED_CREATED_AT
    assert from_yaml.expires_at == SEED_CREATED_AT.replace(year=SEED_CREATED_AT.year + 2)


def test_generated_registrations_take_the_same_defaults() -> None:
    document = {"accounts": [{"id": ACCOUNT, "generate": {"count": 2, "pattern": "g-{n}.com"}}]}
    generated = from_document(document).world.accounts[0].registrations
    assert generated == (SeedRegistration("g-0.com"), SeedRegistration("g-1.com"))


def test_a_world_is_the_same_from_code_and_from_an_empty_document() -> None:
    built = from_document({"name": "default"}).world
    assert (built.domain_limit, built.sync_wait_seconds, built.seed, built.start) == (
        World().domain_limit,
        World().sync_wait_seconds,
        World().seed,
        World().start,
    )
    assert built.lifecycle == World().lifecycle
