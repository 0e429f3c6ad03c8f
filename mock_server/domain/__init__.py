"""The state model and rules of the Registrar. Nothing here knows about HTTP."""

from .models import Account, Registration, RegistrationStatus, WorkflowKind, WorkflowState
from .registrar import Credential, Page, Registrar, RegistrationRequest
from .world import World

__all__ = [
    "Account",
    "Credential",
    "Page",
    "Registrar",
    "Registration",
    "RegistrationRequest",
    "RegistrationStatus",
    "WorkflowKind",
    "WorkflowState",
    "World",
]
