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

from registrar_mock.client._async import AsyncRegistrarClient
from registrar_mock.client._base import DEFAULT_BASE_URL
from registrar_mock.client._polling import PollPolicy
from registrar_mock.client._retry import RetryPolicy
from registrar_mock.client._sync import RegistrarClient
from registrar_mock.client.errors import (
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
from registrar_mock.client.legacy import LegacyContact, LegacyDomain
from registrar_mock.client.models import (
    Contact,
    Direction,
    DomainAvailability,
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
