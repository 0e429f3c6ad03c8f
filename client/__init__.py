"""The reference client of the Cloudflare Registrar API, sync and async, on httpx.

::

    from client import RegistrarClient

    with RegistrarClient("023e105f4ecef8ad9ca31a8372d0c353", api_token="...") as registrar:
        [offer] = registrar.check(["my-new-startup.com"])
        if offer.registrable:
            status = registrar.register("my-new-startup.com")  # waits for the workflow
            print(status.registration)

Transfers in (``transfer_check``, ``transfer_in``), the extension catalogue
(``get_extension``, ``iter_extensions``) and the Registrar Sandbox
(``RegistrarClient(..., sandbox=True)``) are covered too.

Errors are in :mod:`client.errors`, results in :mod:`client.models`.
"""

from registrar_mock.client._async import AsyncRegistrarClient
from registrar_mock.client._base import DEFAULT_BASE_URL, AuthCode, TransferQuery, encode_auth_code
from registrar_mock.client._polling import TRANSFER_POLL, PollPolicy
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
    SandboxUnsupportedError,
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
    Extension,
    ExtensionSortBy,
    Page,
    Pricing,
    PrivacyMode,
    Reason,
    Registration,
    RegistrationStatus,
    SortBy,
    Tier,
    TransferCheckResult,
    TransferPricing,
    TransferReason,
    WorkflowFailure,
    WorkflowLinks,
    WorkflowState,
    WorkflowStatus,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "TRANSFER_POLL",
    "APIError",
    "ActionRequiredError",
    "AsyncRegistrarClient",
    "AuthCode",
    "AuthenticationError",
    "ConflictError",
    "Contact",
    "Direction",
    "DomainAvailability",
    "ErrorDetail",
    "Extension",
    "ExtensionSortBy",
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
    "SandboxUnsupportedError",
    "ServerError",
    "SortBy",
    "Tier",
    "TransferCheckResult",
    "TransferPricing",
    "TransferQuery",
    "TransferReason",
    "TransportError",
    "ValidationError",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowFailure",
    "WorkflowLinks",
    "WorkflowState",
    "WorkflowStatus",
    "WorkflowTimeoutError",
    "encode_auth_code",
]
