"""The plugin's tests drive inner pytest sessions with pytester.

``pytest_plugins`` is only allowed in the top-level conftest, so this one loads
pytester when it is itself registered (pytest calls ``pytest_configure`` then).
"""

from __future__ import annotations

import pytest

from .support import INI


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project directory for an inner session, strict like ours, with a clean environment."""
    for name in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT"):
        monkeypatch.delenv(name, raising=False)
    for name in ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeini(INI)
    return pytester
