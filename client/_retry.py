"""Retrying safe requests: back-off, ``Retry-After``, and which failures are worth another try."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from registrar_mock.client import _durations
from registrar_mock.client import errors as e
from registrar_mock.client._durations import Duration
from registrar_mock.client._envelope import Envelope, read, retry_after
from registrar_mock.client._flow import Flow, send, sleep

logger = logging.getLogger("registrar_mock.client")

# Failures after which the request may or may not have reached the server.
TRANSIENT: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True, slots=True, init=False)
class RetryPolicy:
    """How safe requests are retried.

    A request is tried at most ``1 + max_retries`` times. Between tries the
    client waits what ``Retry-After`` asks (up to ``max_retry_after``; a longer
    ask is not waited out, the error goes to the caller), or else
    ``backoff * multiplier ** n``, capped at ``max_backoff``. The three durations
    are seconds, a string such as ``"500ms"`` or ``"1m"``, or a timedelta (kept in
    seconds); anything else raises ``ValueError``.
    """

    max_retries: int
    backoff: float
    multiplier: float
    max_backoff: float
    max_retry_after: float

    def __init__(
        self,
        max_retries: int = 3,
        backoff: Duration = 0.5,
        multiplier: float = 2.0,
        max_backoff: Duration = 30.0,
        max_retry_after: Duration = 300.0,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries: {max_retries!r} is not a count of 0 or more")
        if (
            isinstance(multiplier, bool)
            or not isinstance(multiplier, int | float)
            or not 0 <= multiplier < float("inf")
        ):
            raise ValueError(f"multiplier: {multiplier!r} is not a factor of 0 or more")
        object.__setattr__(self, "max_retries", max_retries)
        object.__setattr__(self, "backoff", _durations.seconds(backoff, "backoff"))
        object.__setattr__(self, "multiplier", float(multiplier))
        object.__setattr__(self, "max_backoff", _durations.seconds(max_backoff, "max_backoff"))
        object.__setattr__(
            self, "max_retry_after", _durations.seconds(max_retry_after, "max_retry_after")
        )

    def retries_status(self, status_code: int) -> bool:
        # 501 means "never", not "not now".
        return status_code == 429 or (status_code >= 500 and status_code != 501)

    def pause(self, attempt: int, asked: float | None = None) -> float | None:
        """Seconds to wait before retry number ``attempt + 1``, or None to give up waiting."""
        if asked is not None:
            return asked if asked <= self.max_retry_after else None
        try:
            return min(self.max_backoff, self.backoff * self.multiplier**attempt)
        except OverflowError:  # a large multiplier, many retries: the cap it is
            return self.max_backoff


def transport_error(request: httpx.Request, exc: httpx.TransportError) -> e.TransportError:
    detail = str(exc) or type(exc).__name__
    return e.TransportError(f"{request.method} {request.url}: {detail}")


def send_safely(
    request: httpx.Request, policy: RetryPolicy, *, conditional: bool = False
) -> Flow[Envelope]:
    """Send a request that is safe to repeat, retrying 429, 5xx and dropped connections.

    ``conditional``: the request carries ``If-None-Match``, so a 304 is an answer.
    """
    attempt = 0
    while True:
        try:
            response = yield from send(request)
        except TRANSIENT as exc:
            pause = policy.pause(attempt)
            if attempt >= policy.max_retries or pause is None:
                raise transport_error(request, exc) from exc
            logger.info("%s %s failed (%s); retrying in %.2f s", request.method,
                        request.url, type(exc).__name__, pause)  # fmt: skip
        except httpx.TransportError as exc:
            raise transport_error(request, exc) from exc
        else:
            if not policy.retries_status(response.status_code):
                return read(response, conditional=conditional)
            pause = policy.pause(attempt, retry_after(response))
            if attempt >= policy.max_retries or pause is None:
                return read(response)  # raises the typed error
            logger.info("%s %s answered %d; retrying in %.2f s", request.method,
                        request.url, response.status_code, pause)  # fmt: skip
        yield from sleep(pause)
        attempt += 1
