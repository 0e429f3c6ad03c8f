"""Helpers for testing against the mock: in-process transports, handles, a live server.

``ASGITransport`` and ``SyncASGITransport`` drive an app with no socket;
``RegistrarMock`` and ``RegistrarMockServer`` are the handles the pytest fixtures
give (``pytest_plugin`` is a thin layer over them); ``LiveServer`` serves an app
from a background thread; ``MockServer`` is one for scripts and ``unittest``, and
``mock_registrar`` starts one and points the ``CLOUDFLARE_*`` environment at it. Names
are imported on first use, so the pytest plugin costs nothing until a test asks for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registrar_mock.testing.handles import RegistrarMock, RegistrarMockServer
    from registrar_mock.testing.live import LiveServer
    from registrar_mock.testing.standalone import MockServer, current_server, mock_registrar
    from registrar_mock.testing.transports import ASGITransport, SyncASGITransport

_EXPORTS = {
    "ASGITransport": "transports",
    "SyncASGITransport": "transports",
    "RegistrarMock": "handles",
    "RegistrarMockServer": "handles",
    "LiveServer": "live",
    "MockServer": "standalone",
    "mock_registrar": "standalone",
    "current_server": "standalone",
}

__all__ = [
    "ASGITransport",
    "LiveServer",
    "MockServer",
    "RegistrarMock",
    "RegistrarMockServer",
    "SyncASGITransport",
    "current_server",
    "mock_registrar",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
