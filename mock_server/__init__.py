"""registrar-mock: a stateful mock of Cloudflare's Registrar API.

``create_app()`` builds one mock (a Starlette app); ``mock_registrar`` (a context
manager and decorator) serves one and points the ``CLOUDFLARE_*`` environment at it;
``registrar_mock.testing`` has the in-process transports and the test handles;
``registrar_mock.client`` is the reference client; ``registrar_mock.contract_tests`` is
the contract kit.

Names here are imported on first use, so importing ``registrar_mock`` (as the
pytest plugin does in every test run) loads nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registrar_mock.app import MockApp, create_app
    from registrar_mock.clock import SystemClock, VirtualClock
    from registrar_mock.testing.standalone import MockServer, mock_registrar

_EXPORTS = {
    "MockApp": "app",
    "create_app": "app",
    "SystemClock": "clock",
    "VirtualClock": "clock",
    "MockServer": "testing.standalone",
    "mock_registrar": "testing.standalone",
}

__all__ = ["MockApp", "MockServer", "SystemClock", "VirtualClock", "create_app", "mock_registrar"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
