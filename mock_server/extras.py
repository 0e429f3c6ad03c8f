"""Optional features and the extras that install them.

The base install (server, client, scenarios, command line, in-process fixtures)
needs nothing optional. The contract kit needs ``registrar-mock[contract]`` and
the fixtures' official SDK needs ``registrar-mock[sdk]``; used without them, they
fail with :class:`MissingExtra`, whose one-line message is the command to run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# What each extra installs, as the message names it.
EXTRAS = {
    "contract": "schemathesis, hypothesis and openapi-schema-validator",
    "sdk": "the official cloudflare SDK",
}


class MissingExtra(ImportError):
    """A feature whose optional dependencies are not installed."""

    def __init__(self, extra: str, feature: str, missing: str | None) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs {EXTRAS[extra]}: pip install 'registrar-mock[{extra}]'",
            name=missing,
        )


@contextmanager
def requires(extra: str, feature: str) -> Iterator[None]:
    """Import optional dependencies inside this block; a missing one raises MissingExtra."""
    try:
        yield
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] == "registrar_mock":
            raise  # one of our own modules: a bug, not a missing extra
        raise MissingExtra(extra, feature, exc.name) from None
