"""domain-search and domain-check (model/discovery.py), on normalised names."""

from __future__ import annotations

import pytest

from registrar_mock import errors as e
from registrar_mock.model import SearchQuery, World
from registrar_mock.model.discovery import check, search
from registrar_mock.model.records import Reason, Tier
from registrar_mock.model.world import default_registry

WORLD = World(registry=default_registry())


def test_check_answers_each_name_with_its_documented_reason() -> None:
    found = {a.name: a for a in check(WORLD, {"held.com": "x"}, [
        "free-one.com", "example.com", "held.com", "coffee.xyz", "a.io", "a.py", "a.horse",
    ])}  # fmt: skip
    assert found["free-one.com"].registrable and found["free-one.com"].tier is Tier.STANDARD
    assert found["example.com"].reason is Reason.DOMAIN_UNAVAILABLE
    assert found["held.com"].reason is Reason.DOMAIN_UNAVAILABLE
    assert found["coffee.xyz"].reason is Reason.DOMAIN_PREMIUM
    assert found["a.io"].reason is Reason.EXTENSION_NOT_SUPPORTED_VIA_API
    assert found["a.py"].reason is Reason.EXTENSION_DISALLOWS_REGISTRATION
    assert found["a.horse"].reason is Reason.EXTENSION_NOT_SUPPORTED


def test_check_with_no_checkable_name_is_1008() -> None:
    with pytest.raises(e.ApiError) as refused:
        check(WORLD, {}, ["www.sub.example.com"])
    assert refused.value.code == 1008


def test_search_suggests_the_keyword_on_every_allowed_extension() -> None:
    found = search(WORLD, {}, SearchQuery("coffee shop", "coffeeshop"), ["com", "dev", "io"], 50)
    names = [a.name for a in found]
    assert names[:2] == ["coffeeshop.com", "coffeeshop.dev"]  # .io is not supported: dropped
    assert all(not name.endswith(".io") for name in names)


def test_search_puts_an_exact_name_first() -> None:
    found = search(WORLD, {}, SearchQuery("brew.app", "brewapp", "brew.app"), None, 5)
    assert [a.name for a in found][:2] == ["brew.app", "brew.com"]


def test_a_bare_extension_is_not_a_search() -> None:
    with pytest.raises(e.ApiError) as refused:
        search(WORLD, {}, SearchQuery(".com", "com"), None, 5)
    assert refused.value.code == 1003
