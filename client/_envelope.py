"""Reading the v4 envelope: the result of a success, or the typed error of a failure."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from registrar_mock.client import errors as e
from registrar_mock.client.models import error_details

logger = logging.getLogger("registrar_mock.client")


@dataclass(frozen=True, slots=True)
class Envelope:
    status_code: int
    result: Any
    result_info: Any = None
    messages: list[e.ErrorDetail] = field(default_factory=list)
    etag: str | None = None

    @property
    def not_modified(self) -> bool:
        """A 304 to a conditional GET: there is no result, the caller's copy is current."""
        return self.status_code == 304


def retry_after(response: httpx.Response) -> float | None:
    """The pause a ``Retry-After`` header asks for, in seconds (delta or HTTP-date form)."""
    raw = response.headers.get("retry-after")
    if raw is None:
        return None
    text = raw.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _body(response: httpx.Response) -> tuple[str, Any]:
    text = response.text
    try:
        return text, json.loads(text) if text else None
    except ValueError:
        return text, None


def error_for(response: httpx.Response) -> e.APIError:
    """The typed error for a failed response, chosen by status (and auth codes on a 400)."""
    text, body = _body(response)
    errors: list[e.ErrorDetail] = []
    messages: list[e.ErrorDetail] = []
    if isinstance(body, dict):
        errors = error_details(body.get("errors"), "errors")
        messages = error_details(body.get("messages"), "messages")
    status = response.status_code
    if status == 429:
        return e.RateLimitedError(status, errors, text, messages, retry_after(response))
    kind: type[e.APIError] = e.APIError
    if status in (401, 403) or (
        status == 400 and any(item.code in e.AUTH_HEADER_CODES for item in errors)
    ):
        kind = e.AuthenticationError
    elif status == 404:
        kind = e.NotFoundError
    elif status == 409:
        kind = e.ConflictError
    elif status in (400, 413, 415, 422):
        kind = e.ValidationError
    elif status >= 500:
        kind = e.ServerError
    return kind(status, errors, text, messages)


def read(response: httpx.Response, *, conditional: bool = False) -> Envelope:
    """The envelope of a successful answer; raises the typed error of any other.

    With ``conditional`` (the request sent ``If-None-Match``) a 304 is an answer too:
    an envelope with no result whose ``not_modified`` is true.
    """
    etag = response.headers.get("etag")
    if conditional and response.status_code == 304:
        return Envelope(status_code=304, result=None, etag=etag)
    if not response.is_success:
        raise error_for(response)
    text, body = _body(response)
    if not isinstance(body, dict) or "result" not in body:
        raise e.ResponseFormatError(
            f"HTTP {response.status_code}: the body is not a v4 envelope", text
        )
    if body.get("success") is False:
        raise e.APIError(
            response.status_code,
            error_details(body.get("errors"), "errors"),
            text,
            error_details(body.get("messages"), "messages"),
        )
    messages = error_details(body.get("messages"), "messages")
    for message in messages:
        # Deprecation notices arrive this way (the legacy /domains endpoints send one).
        logger.info("message from the server: %s", message)
    return Envelope(
        status_code=response.status_code,
        result=body["result"],
        result_info=body.get("result_info"),
        messages=messages,
        etag=etag,
    )
