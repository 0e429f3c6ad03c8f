"""The state model and the rules of the Registrar, with no HTTP.

It imports only the standard library, itself, and the two leaf modules beside it
(``errors``, the catalogue of refusals, and ``clock``). Where each documented rule
lives:

=================  ============================================================
``access``         who may act on which account
``discovery``      domain-search and domain-check
``registering``    what a new registration must pass (express mode, the limit)
``workflows``      workflow states, scripts and ``completed``
``lifecycle``      auto-renewal, expiry, redemption, pending delete
``billing``        what is charged, and when
``catalogue``      the extensions, their channels, prices and term limits
``pagination``     opaque, signed keyset cursors
``world``          what a scenario decides, and the documented defaults
``registrar``      the state of one mock, applying the rules above
=================  ============================================================
"""

from registrar_mock.model.access import secret_digest
from registrar_mock.model.records import (
    Account,
    Credential,
    Page,
    Registration,
    RegistrationRequest,
    RegistrationStatus,
    SearchQuery,
    WorkflowKind,
    WorkflowState,
)
from registrar_mock.model.registrar import Registrar
from registrar_mock.model.world import World

__all__ = [
    "Account",
    "Credential",
    "Page",
    "Registrar",
    "Registration",
    "RegistrationRequest",
    "RegistrationStatus",
    "SearchQuery",
    "WorkflowKind",
    "WorkflowState",
    "World",
    "secret_digest",
]
