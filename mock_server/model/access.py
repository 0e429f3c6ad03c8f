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

SEEN = 1024  # secrets whose answer is remembered


def secret_digest(secret: str, salt: str = "") -> str:
    """How exports and state files name a credential without holding it.

    Salted (``sha256:SALT:HEX``), as every export is, a digest can't be looked up in a
    table made in advance; unsalted (``sha256:HEX``) digests of older exports still work.
    """
    text = f"{salt}:{secret}" if salt else secret
    hexdigest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha256:{salt}:{hexdigest}" if salt else f"sha256:{hexdigest}"


def _salt(listed: str) -> str:
    """The salt of a listed credential in its salted digest form, or ""."""
    if listed.startswith("sha256:") and listed.count(":") == 2:
        return listed.split(":")[1]
    return ""


class _Credentials:
    """Listed credentials (in the clear or as digests) and the accounts of each."""

    def __init__(self) -> None:
        self._listed: dict[str, set[str]] = {}
        self._salts: set[str] = set()
        # What each secret seen lately was found to allow: a client sends the same token on
        # every request, and hashing it each time was a measurable part of a request.
        self._seen: dict[str, set[str] | None] = {}

    def add(self, listed: str, account_id: str) -> None:
        self._seen.clear()
        self._listed.setdefault(listed, set()).add(account_id)
        if salt := _salt(listed):
            self._salts.add(salt)

    def accounts(self, secret: str) -> set[str] | None:
        if secret in self._seen:
            return self._seen[secret]
        found = self._listed.get(secret) or self._listed.get(secret_digest(secret))
        for salt in self._salts:
            found = found or self._listed.get(secret_digest(secret, salt))
        if len(self._seen) >= SEEN:
            self._seen.clear()  # bounded, whatever secrets clients make up
        self._seen[secret] = found
        return found


class AccessRules:
    """The credentials a world names, and the accounts each may act on."""

    def __init__(self, accounts: Iterable[AccountSpec], *, open_accounts: bool) -> None:
        self.open_accounts = open_accounts
        self._tokens = _Credentials()
        # Keys are listed per email: the email is in the clear, the key may be a digest.
        self._keys: dict[str, _Credentials] = {}
        # Accounts whose scenario names the credentials allowed on them.
        self._guarded: set[str] = set()
        for spec in accounts:
            if spec.tokens or spec.api_keys:
                self._guarded.add(spec.id)
            for token in spec.tokens:
                self._tokens.add(token, spec.id)
            for api_key in spec.api_keys:
                self._keys.setdefault(api_key.email, _Credentials()).add(api_key.key, spec.id)

    def check(self, credential: Credential, account_id: str) -> None:
        """Raise unless ``credential`` may act on ``account_id``."""
        if credential.token is not None:
            allowed = self._tokens.accounts(credential.token)
            unknown = e.INVALID_TOKEN
        else:
            keys = self._keys.get(credential.email or "")
            allowed = keys.accounts(credential.key or "") if keys is not None else None
            unknown = e.UNKNOWN_KEY
        if allowed is not None:
            if account_id not in allowed:
                raise e.NOT_ALLOWED()
        elif not self.open_accounts:
            raise unknown()
        elif account_id in self._guarded:
            # Open worlds accept any credential, except on accounts that name their own.
            raise e.NOT_ALLOWED()
