"""The reference client of the Cloudflare Registrar API, sync and async, on httpx.

::

    from client import RegistrarClient

    with RegistrarClient("023e105f4ecef8ad9ca31a8372d0c353", api_token="...") as registrar:
        [offer] = registrar.check(["my-new-startup.com"])
        if offer.registrable:
            status = registrar.register("my-new-startup.com")  # waits for the workflow
            print(status.registration)

Errors are in :mod:`client.errors`, results in :mod:`client.models`.
"""

from ._async import AsyncRegistrarClient
from ._base import DEFAULT_BASE_URL
from ._polling import PollPolicy
from ._retry import RetryPolicy
from ._sync import RegistrarClient
from .errors import (
    ActionRequiredError,
    APIError,
    AuthenticationError,
    ConflictError,
    ErrorDetail,
    NotFoundError,
    RateLimitedError,
    RegistrarError,
    ResponseFormatError,
    ServerError,
    TransportError,
    ValidationError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowTimeoutError,
)
from .models import (
    Contact,
    Direction,
    DomainAvailability,
    LegacyContact,
    LegacyDomain,
    Page,
    Pricing,
    PrivacyMode,
    Reason,
    Registration,
    RegistrationStatus,
    SortBy,
    Tier,
    WorkflowFailure,
    WorkflowLinks,
    WorkflowState,
    WorkflowStatus,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "APIError",
    "ActionRequiredError",
    "AsyncRegistrarClient",
    "AuthenticationError",
    "ConflictError",
    "Contact",
    "Direction",
    "DomainAvailability",
    "ErrorDetail",
    "LegacyContact",
    "LegacyDomain",
    "NotFoundError",
    "Page",
    "PollPolicy",
    "Pricing",
    "PrivacyMode",
    "RateLimitedError",
    "Reason",
    "RegistrarClient",
    "RegistrarError",
    "Registration",
    "RegistrationStatus",
    "ResponseFormatError",
    "RetryPolicy",
    "ServerError",
    "SortBy",
    "Tier",
    "TransportError",
    "ValidationError",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowFailure",
    "WorkflowLinks",
    "WorkflowState",
    "WorkflowStatus",
    "WorkflowTimeoutError",
]
