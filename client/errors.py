"""Every exception the client raises, in one hierarchy.

::

    RegistrarError                  anything this client raises on purpose
    ├── TransportError              no usable HTTP answer: connect failure, timeout,
    │                               dropped connection (the httpx error is __cause__)
    ├── ResponseFormatError         an answer that is not the v4 envelope we expect
    ├── SandboxUnsupportedError     the Registrar Sandbox has no such operation (transfers,
    │                               the legacy /domains); raised before anything is sent
    ├── APIError                    the server answered with an error envelope;
    │   │                           .status_code, .errors (code, message, pointer), .body
    │   ├── AuthenticationError     401 or 403, or a 400 about the auth headers
    │   ├── NotFoundError           404
    │   ├── ValidationError         400, 413, 415, 422: the request was refused as sent
    │   ├── ConflictError           409: the resource is busy (e.g. an update in progress)
    │   ├── RateLimitedError        429; .retry_after in seconds, if the server said
    │   └── ServerError             5xx
    └── WorkflowError               a workflow stopped short of success; .status
        ├── WorkflowFailedError     state "failed"; .code and .message from error{}
        ├── ActionRequiredError     state "action_required"; .action, .confirmation_sent_to
        └── WorkflowTimeoutError    the caller's deadline passed first; .timeout

``APIError`` subclasses are chosen by HTTP status. Safe requests (GETs,
domain-check and domain-transfer-check) are retried on ``RateLimitedError``, ``ServerError`` and
``TransportError`` before one of them reaches the caller; nothing else is
retried, and a failed workflow never is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from registrar_mock.client._repr import model_repr

if TYPE_CHECKING:
    from registrar_mock.client.models import WorkflowStatus

__all__ = [
    "APIError",
    "ActionRequiredError",
    "AuthenticationError",
    "ConflictError",
    "ErrorDetail",
    "NotFoundError",
    "RateLimitedError",
    "RegistrarError",
    "ResponseFormatError",
    "SandboxUnsupportedError",
    "ServerError",
    "TransportError",
    "ValidationError",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowTimeoutError",
]

# Cloudflare codes that mean "your credentials are missing or malformed", which it
# answers with 400 rather than 401.
AUTH_HEADER_CODES = frozenset({6003, 6100, 6101, 6102, 6103, 6111, 9103, 9106, 9109})


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One item of the envelope's ``errors`` (or ``messages``) array."""

    code: int | None
    message: str
    pointer: str | None = None
    documentation_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    def __str__(self) -> str:
        where = f" (at {self.pointer})" if self.pointer else ""
        return f"{self.code}: {self.message}{where}"


class RegistrarError(Exception):
    """Base class of every error this client raises."""


class TransportError(RegistrarError):
    """The request got no usable HTTP answer."""


class ResponseFormatError(RegistrarError):
    """A response that could not be read as the Cloudflare v4 envelope."""

    def __init__(self, message: str, body: str = "") -> None:
        super().__init__(message)
        self.body = body


class SandboxUnsupportedError(RegistrarError):
    """The operation does not exist in the Registrar Sandbox; nothing was sent."""

    def __init__(self, operation: str) -> None:
        super().__init__(
            f"the Registrar Sandbox has no {operation}: use a client without sandbox=True"
        )
        self.operation = operation


class APIError(RegistrarError):
    """An error answer from the API: the HTTP status, every error item, and the raw body."""

    def __init__(
        self,
        status_code: int,
        errors: list[ErrorDetail],
        body: str,
        messages: list[ErrorDetail] | None = None,
    ) -> None:
        summary = "; ".join(str(item) for item in errors) or body[:200] or "no details"
        super().__init__(f"HTTP {status_code}: {summary}")
        self.status_code = status_code
        self.errors = errors
        self.body = body
        self.messages = messages or []

    @property
    def codes(self) -> list[int | None]:
        return [item.code for item in self.errors]

    @property
    def pointers(self) -> list[str]:
        return [item.pointer for item in self.errors if item.pointer is not None]


class AuthenticationError(APIError):
    """The credentials are missing, malformed, unknown, or not allowed on this account."""


class NotFoundError(APIError):
    """No such domain, registration, workflow or route."""


class ValidationError(APIError):
    """The server refused the request as sent; ``pointers`` name the fields at fault."""


class ConflictError(APIError):
    """The request clashes with the resource's current state."""


class RateLimitedError(APIError):
    """Too many requests; ``retry_after`` is the server's requested pause in seconds."""

    def __init__(
        self,
        status_code: int,
        errors: list[ErrorDetail],
        body: str,
        messages: list[ErrorDetail] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status_code, errors, body, messages)
        self.retry_after = retry_after


class ServerError(APIError):
    """The server failed (5xx)."""


class WorkflowError(RegistrarError):
    """A workflow stopped short of success; ``status`` is the last one seen."""

    def __init__(self, message: str, status: WorkflowStatus | None) -> None:
        super().__init__(message)
        self.status = status


class WorkflowFailedError(WorkflowError):
    """The workflow reached ``failed``. Review before trying again: it is never retried."""

    def __init__(self, status: WorkflowStatus) -> None:
        failure = status.error
        self.code = failure.code if failure else None
        self.message = failure.message if failure else "The workflow failed."
        super().__init__(f"workflow failed ({self.code}): {self.message}", status)


class ActionRequiredError(WorkflowError):
    """The workflow waits for the user; ``action`` says what to do, and where to look."""

    def __init__(self, status: WorkflowStatus) -> None:
        self.action = status.action
        self.confirmation_sent_to = status.confirmation_sent_to
        where = f" (sent to {self.confirmation_sent_to})" if self.confirmation_sent_to else ""
        super().__init__(f"action required: {self.action}{where}", status)


class WorkflowTimeoutError(WorkflowError):
    """The caller's deadline passed before the workflow finished. It may still finish."""

    def __init__(self, timeout: float, status: WorkflowStatus | None) -> None:
        state = status.state if status is not None else "unknown"
        super().__init__(f"workflow still {state} after {timeout:g} s", status)
        self.timeout = timeout
