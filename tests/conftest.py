from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from mock_server import MockApp, create_app
from mock_server.domain import World
from mock_server.testing import SyncASGITransport

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
TOKEN = "test-token-123"


def registrar_url(account: str = ACCOUNT) -> str:
    return f"http://mock/client/v4/accounts/{account}/registrar"


@pytest.fixture
def app() -> MockApp:
    return create_app()


@pytest.fixture
def connect() -> Iterator[Callable[..., httpx.Client]]:
    """Open an in-process client onto an app, for an account, with given headers."""
    opened: list[httpx.Client] = []

    def open_client(
        app: MockApp,
        account: str = ACCOUNT,
        headers: dict[str, str] | None = None,
    ) -> httpx.Client:
        client = httpx.Client(
            transport=SyncASGITransport(app),
            base_url=registrar_url(account),
            headers={"Authorization": f"Bearer {TOKEN}"} if headers is None else headers,
        )
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def api(app: MockApp, connect: Callable[..., httpx.Client]) -> httpx.Client:
    """A client for one account of the default world."""
    return connect(app)


@pytest.fixture
def world_app() -> Callable[[World], MockApp]:
    return create_app


def register(api: httpx.Client, domain: str, **body: object) -> httpx.Response:
    return api.post("/registrations", json={"domain_name": domain, **body})


def only_error(response: httpx.Response) -> dict[str, object]:
    """The single error of a failed response, after checking the failure envelope."""
    body = response.json()
    assert body["success"] is False
    assert body["result"] is None
    assert len(body["errors"]) == 1
    item: dict[str, object] = body["errors"][0]
    return item
