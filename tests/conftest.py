from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.model import World
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, JSON, TOKEN, registrar_url


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
def connect_control() -> Iterator[Callable[[MockApp], httpx.Client]]:
    """Open an in-process client onto an app's control API (/__mock__), sending JSON."""
    opened: list[httpx.Client] = []

    def open_control(app: MockApp) -> httpx.Client:
        client = httpx.Client(
            transport=SyncASGITransport(app), base_url="http://mock/__mock__", headers=JSON
        )
        opened.append(client)
        return client

    yield open_control
    for client in opened:
        client.close()


@pytest.fixture
def api(app: MockApp, connect: Callable[..., httpx.Client]) -> httpx.Client:
    """A client for one account of the default world."""
    return connect(app)


@pytest.fixture
def world_app() -> Callable[[World], MockApp]:
    return create_app
