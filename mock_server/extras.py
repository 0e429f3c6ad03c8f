"""Optional features and the extras that install them.

The base install (server, client, scenarios, command line, in-process fixtures)
needs nothing optional. The contract kit needs ``registrar-mock[contract]`` and
the fixtures' official SDK needs ``registrar-mock[sdk]``; used without them, they
fail with :class:`MissingExtra`, whose one-line message is the command to run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

EXTRAS = {
    "contract": "the contract kit (schemathesis, hypothesis, openapi-schema-validator)",
    "sdk": "the official cloudflare SDK",
}


class MissingExtra(ImportError):
    """A feature whose optional dependencies are not installed."""

    def __init__(self, extra: str, feature: str, missing: str | None) -> None:
        self.extra = extra
        what = f" ({missing} is not installed)" if missing else ""
        super().__init__(
            f"{feature} needs {EXTRAS[extra]}: pip install 'registrar-mock[{extra}]'{what}",
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
