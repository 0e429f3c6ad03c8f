"""Helpers for the contract tests: the world they run in, and servers broken on purpose."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registrar_mock import MockApp, create_app
from registrar_mock.contract_tests.conformance import DEFAULT_ACCOUNT, DEFAULT_TOKEN
from registrar_mock.model.records import Zone
from registrar_mock.model.world import (
    AccountSpec,
    ApiKey,
    ForeignDomain,
    SeedRegistration,
    World,
    default_registry,
)

ACCOUNT = DEFAULT_ACCOUNT
TOKEN = DEFAULT_TOKEN
EMAIL = "contract@example.com"
KEY = "c0ffee0123456789abcdef0123456789abcde"  # a Global API Key: 37 lowercase hex
BASE_URL = "http://mock/client/v4"
# More than a default page (20), so the first page of a list always has a cursor.
SEEDED = tuple(f"seeded-{index:02d}.{ext}" for index in range(12) for ext in ("com", "dev"))
# Domains at another registrar that the account under test can transfer in: the spec's
# examples name them (example.com is the domain_name example, example-shop.com the
# transfer check's), with the auth code of the examples, base64 "c2VjcmV0LWVwcC1jb2Rl".
AUTH_CODE = "secret-epp-code"
TRANSFERABLE = ("example.com", "example-shop.com")


def transferable(name: str, **fields: Any) -> ForeignDomain:
    return ForeignDomain(name, auth_code=AUTH_CODE, **fields)


def contract_world(*foreign: ForeignDomain) -> World:
    """The default world, but the account under test knows its credentials, so a wrong
    token is refused (403) rather than accepted, holds a few domains, so lists page, and
    has zones for domains it can transfer in (``TRANSFERABLE``, or ``foreign``)."""
    elsewhere = foreign or tuple(transferable(name) for name in TRANSFERABLE)
    account = AccountSpec(
        ACCOUNT,
        tokens=(TOKEN,),
        api_keys=(ApiKey(EMAIL, KEY),),
        registrations=tuple(SeedRegistration(name) for name in SEEDED),
        zones=tuple(Zone(domain.name) for domain in elsewhere),
    )
    registry = dataclasses.replace(
        default_registry(), elsewhere={domain.name: domain for domain in elsewhere}
    )
    return World(accounts=(account,), registry=registry)


def contract_app() -> MockApp:
    return create_app(contract_world())


Mutation = Callable[[Scope, int, Any], tuple[int, Any]]


@dataclass
class Broken:
    """An ASGI wrapper that rewrites the JSON answers (and, optionally, the requests) of an app.

    ``mutate(scope, status, body)`` returns the status and body to send instead;
    ``rewrite(scope)`` returns the scope the app should see.
    """

    app: ASGIApp
    mutate: Mutation | None = None
    rewrite: Callable[[Scope], Scope] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.rewrite is not None:
            scope = self.rewrite(scope)
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._flush(scope, start, b"".join(chunks), send)
            else:
                await send(message)

        await self.app(scope, receive, capture)

    async def _flush(self, scope: Scope, start: Message, raw: bytes, send: Send) -> None:
        status = start["status"]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if self.mutate is not None:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            if body is not None:
                status, body = self.mutate(scope, status, body)
                raw = json.dumps(body).encode()
        headers.append((b"content-length", str(len(raw)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": raw})
