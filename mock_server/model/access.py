"""Who may act on which account: the scenario's tokens and keys, or anyone in an open world.

A credential is first checked for its shape by the HTTP layer; here it is checked
for what it may do. A scenario may list a credential in the clear or as its
:func:`secret_digest` (exports and state files keep only digests); both accept
the real credential.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from registrar_mock import errors as e
from registrar_mock.model.records import Credential
from registrar_mock.model.world import AccountSpec


def secret_digest(secret: str) -> str:
    """How exports and state files name a credential without holding it."""
    return "sha256:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class AccessRules:
    """The credentials a world names, and the accounts each may act on."""

    def __init__(self, accounts: Iterable[AccountSpec], *, open_accounts: bool) -> None:
        self.open_accounts = open_accounts
        self._tokens: dict[str, set[str]] = {}
        self._keys: dict[tuple[str, str], set[str]] = {}
        # Accounts whose scenario names the credentials allowed on them.
        self._guarded: set[str] = set()
        for spec in accounts:
            if spec.tokens or spec.api_keys:
                self._guarded.add(spec.id)
            for token in spec.tokens:
                self._tokens.setdefault(token, set()).add(spec.id)
            for api_key in spec.api_keys:
                self._keys.setdefault((api_key.email, api_key.key), set()).add(spec.id)

    def check(self, credential: Credential, account_id: str) -> None:
        """Raise unless ``credential`` may act on ``account_id``."""
        if credential.token is not None:
            token = credential.token
            allowed = self._tokens.get(token) or self._tokens.get(secret_digest(token))
            unknown = e.INVALID_TOKEN
        else:
            email, key = credential.email or "", credential.key or ""
            allowed = self._keys.get((email, key)) or self._keys.get((email, secret_digest(key)))
            unknown = e.UNKNOWN_KEY
        if allowed is not None:
            if account_id not in allowed:
                raise e.NOT_ALLOWED()
        elif not self.open_accounts:
            raise unknown()
        elif account_id in self._guarded:
            # Open worlds accept any credential, except on accounts that name their own.
            raise e.NOT_ALLOWED()
