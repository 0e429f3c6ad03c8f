"""Who may act on which account (model/access.py)."""

from __future__ import annotations

import pytest

from registrar_mock import errors as e
from registrar_mock.model import Credential, secret_digest
from registrar_mock.model.access import AccessRules
from registrar_mock.model.world import AccountSpec, ApiKey

A, B, OPEN = "a" * 32, "b" * 32, "c" * 32
RULES = [
    AccountSpec(A, tokens=("token-a",), api_keys=(ApiKey("ops@example.com", "k" * 37),)),
    AccountSpec(B, tokens=(secret_digest("token-b"),)),
]


def refusal(rules: AccessRules, credential: Credential, account: str) -> int | None:
    try:
        rules.check(credential, account)
    except e.ApiError as error:
        return error.code
    return None


def test_a_closed_world_knows_only_its_credentials() -> None:
    rules = AccessRules(RULES, open_accounts=False)
    assert refusal(rules, Credential(token="token-a"), A) is None
    assert refusal(rules, Credential(email="ops@example.com", key="k" * 37), A) is None
    assert refusal(rules, Credential(token="token-b"), B) is None  # listed as its digest
    assert refusal(rules, Credential(token="token-a"), B) == e.NOT_ALLOWED.code
    assert refusal(rules, Credential(token="unknown"), A) == e.INVALID_TOKEN.code
    assert refusal(rules, Credential(email="x@example.com", key="k" * 37), A) == e.UNKNOWN_KEY.code


def test_an_open_world_takes_any_credential_except_on_guarded_accounts() -> None:
    rules = AccessRules(RULES, open_accounts=True)
    assert refusal(rules, Credential(token="anything"), OPEN) is None
    assert refusal(rules, Credential(token="anything"), A) == e.NOT_ALLOWED.code
    assert refusal(rules, Credential(token="token-a"), A) is None


@pytest.mark.parametrize("secret", ["plain", "ümlaut", "\udc80lone"])
def test_digests_never_fail_on_odd_text(secret: str) -> None:
    assert secret_digest(secret).startswith("sha256:")
