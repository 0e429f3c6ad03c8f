"""Transfers in: what domain-transfer-check reports, what a transfer must pass, and the
workflow it then follows.

A domain can move to Cloudflare when its extension takes transfers through the
API, it is not premium, it is registered at another registrar (not here already),
that registrar has it unlocked, no registry status forbids it, it is outside the
60-day window after a registration or a transfer, a year more would not pass the
registry's 10-year maximum, the auth code is given (base64, RFC 4648 section 4)
and is the one the losing registrar issued (the UK family takes none), and the
account holds an active, fully set-up zone for it with DNSSEC off. Billing is
needed when the transfer costs anything.

The check reports every reason that applies. A transfer is refused, before it
starts, with the error of the first one, except a wrong auth code: only the
registry knows the code, so that transfer starts and then fails. Once it starts
the losing registrar has up to five days to answer (``blocked``); the registrant
may first have to approve by email (``action_required``). On success the domain's
expiry moves a year on and the transfer price is charged.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from registrar_mock import errors as e
from registrar_mock.model.catalogue import Channel, Extension
from registrar_mock.model.profiles import Profile
from registrar_mock.model.records import (
    Account,
    Contact,
    Registration,
    RegistrationStatus,
    Transferability,
    TransferPrice,
    TransferQuery,
    TransferReason,
    TransferRequest,
    WorkflowState,
    ZoneStatus,
    ZoneType,
)
from registrar_mock.model.timeutil import add_years
from registrar_mock.model.workflows import Script, Step
from registrar_mock.model.world import (
    APPROVAL_WINDOW,
    MAX_TERM_YEARS,
    TRANSFER_LOCK,
    ForeignDomain,
    LosingRegistrar,
    World,
)

R = TransferReason
TRANSFER_YEARS = 1  # what a transfer adds to the domain's term
# Registry statuses that forbid a transfer; clientTransferProhibited is the registrar's lock.
BLOCKING_STATUSES = frozenset(
    {"serverTransferProhibited", "pendingTransfer", "pendingDelete", "redemptionPeriod",
     "pendingRestore", "serverHold"}
)  # fmt: skip
LOCK_STATUS = "clientTransferProhibited"
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
MAX_CHECK = 10  # domains per domain-transfer-check

# The refusal for each reason, when a transfer in is asked for anyway.
REFUSALS: dict[TransferReason, Callable[..., e.ApiError]] = {
    R.EXTENSION_NOT_SUPPORTED: e.TRANSFER_EXTENSION_NOT_SUPPORTED,
    R.EXTENSION_NOT_SUPPORTED_VIA_API: e.TRANSFER_EXTENSION_DASHBOARD_ONLY,
    R.EXTENSION_DISALLOWS_TRANSFER: e.TRANSFER_EXTENSION_FROZEN,
    R.DOMAIN_PREMIUM: e.TRANSFER_PREMIUM,
    R.DOMAIN_ON_CLOUDFLARE: e.TRANSFER_ON_CLOUDFLARE,
    R.DOMAIN_NOT_EXISTS: e.TRANSFER_NOT_REGISTERED,
    R.DOMAIN_LOCKED: e.TRANSFER_LOCKED,
    R.REGISTRY_STATUS: e.TRANSFER_REGISTRY_STATUS,
    R.DOMAIN_OUTSIDE_TRANSFER_WINDOW: e.TRANSFER_WINDOW,
    R.DOMAIN_MAX_TERM: e.TRANSFER_MAX_TERM,
    R.INVALID_AUTH_CODE_FORMAT: e.AUTH_CODE_FORMAT,
    R.ZONE_NOT_FOUND: e.ZONE_NOT_FOUND,
    R.ZONE_STATUS_INVALID: e.ZONE_STATUS_INVALID,
    R.INVALID_ZONE_PLAN: e.ZONE_PLAN_INVALID,
    R.DNSSEC_ENABLED: e.DNSSEC_ENABLED,
    R.DOMAIN_UNSUPPORTED: e.INVALID_DOMAIN,
}
# Where in the request body a reason points.
POINTERS = {R.INVALID_AUTH_CODE_FORMAT: "/auth_code"}

WRONG_CODE = ("invalid_auth_code", "The registry did not accept the auth code.")
REJECTED = ("transfer_rejected", "The losing registrar rejected the transfer.")
DECLINED = ("transfer_declined", "The registrant declined the transfer.")


@dataclass(frozen=True, slots=True)
class AcceptedTransfer:
    """What a transfer in that passed every rule will do."""

    extension: Extension
    foreign: ForeignDomain
    registrant: Contact
    price: TransferPrice
    code_matches: bool
    expires_at: datetime  # the domain's expiry at its current registrar


def decode_auth_code(text: str) -> bytes | None:
    """The auth code a request carries, or None if it isn't base64 (RFC 4648 section 4)."""
    if not text or not _BASE64.fullmatch(text):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def check_format(request: TransferRequest) -> None:
    """Refuse an auth code that is not base64, whatever else holds."""
    if request.auth_code is not None and decode_auth_code(request.auth_code) is None:
        raise e.AUTH_CODE_FORMAT(at="/auth_code")


def price(extension: Extension) -> TransferPrice:
    return TransferPrice(extension.currency, extension.transfer_price, extension.renewal_cost)


def expiry(world: World, foreign: ForeignDomain) -> datetime:
    return foreign.expires_at or add_years(world.start, 1)


def reasons(
    world: World,
    account: Account,
    name: str,
    auth_code: str | None,
    held: Registration | None,
    now: datetime,
) -> list[TransferReason]:
    """Every reason ``name`` can't be transferred into ``account`` now ([] if it can)."""
    label, _, extension = world.catalogue.split(name)
    if "." in label:
        return [R.DOMAIN_UNSUPPORTED]
    if extension is None:
        return [R.EXTENSION_NOT_SUPPORTED]
    if extension.transfers is Channel.DASHBOARD:
        return [R.EXTENSION_NOT_SUPPORTED_VIA_API]
    if extension.transfers is Channel.FROZEN:
        return [R.EXTENSION_DISALLOWS_TRANSFER]
    if name in world.registry.premium:
        return [R.DOMAIN_PREMIUM]
    if held is not None:
        # A transfer another account started shows at the registry as pendingTransfer.
        pending = held.status is RegistrationStatus.TRANSFER_PENDING
        return [R.REGISTRY_STATUS if pending else R.DOMAIN_ON_CLOUDFLARE]
    if not world.registry.registered(name):
        return [R.DOMAIN_NOT_EXISTS]
    foreign = world.registry.foreign(name)
    found: list[TransferReason] = []
    if foreign.locked or LOCK_STATUS in foreign.statuses:
        found.append(R.DOMAIN_LOCKED)
    if BLOCKING_STATUSES.intersection(foreign.statuses):
        found.append(R.REGISTRY_STATUS)
    since = max(foreign.created_at, foreign.last_transferred_at or foreign.created_at)
    if now < since + timedelta(seconds=TRANSFER_LOCK):
        found.append(R.DOMAIN_OUTSIDE_TRANSFER_WINDOW)
    if add_years(expiry(world, foreign), TRANSFER_YEARS) > add_years(now, MAX_TERM_YEARS):
        found.append(R.DOMAIN_MAX_TERM)
    if extension.auth_code and auth_code is not None:
        code = decode_auth_code(auth_code)
        if code is None:
            found.append(R.INVALID_AUTH_CODE_FORMAT)
        elif not _matches(foreign, code):
            found.append(R.INVALID_AUTH_CODE)
    zone = account.zones.get(name)
    if zone is None:
        found.append(R.ZONE_NOT_FOUND)
    else:
        if zone.status is not ZoneStatus.ACTIVE:
            found.append(R.ZONE_STATUS_INVALID)
        if zone.type is not ZoneType.FULL:
            found.append(R.INVALID_ZONE_PLAN)
        if zone.dnssec:
            found.append(R.DNSSEC_ENABLED)
    return found


def _matches(foreign: ForeignDomain, code: bytes) -> bool:
    return foreign.auth_code is not None and code == foreign.auth_code.encode()


def check(
    world: World,
    account: Account,
    queries: Iterable[TransferQuery],
    held: Callable[[str], Registration | None],
    now: datetime,
) -> dict[str, Transferability]:
    """domain-transfer-check: each domain as given, transferable or with its reasons."""
    answers: dict[str, Transferability] = {}
    for query in queries:
        name = query.domain_name
        if name is None:
            answers[query.given] = Transferability(
                query.given, False, None, (R.DOMAIN_UNSUPPORTED,)
            )
            continue
        found = reasons(world, account, name, query.auth_code, held(name), now)
        if found:
            answers[query.given] = Transferability(name, False, None, tuple(found))
        else:
            _, _, extension = world.catalogue.split(name)
            assert extension is not None  # noqa: S101 - reasons() found it
            answers[query.given] = Transferability(name, True, price(extension))
    return answers


def accept(
    world: World,
    profile: Profile,
    account: Account,
    request: TransferRequest,
    held: Registration | None,
    now: datetime,
) -> AcceptedTransfer:
    """Check a transfer in against every rule; raise the first one it breaks."""
    name = request.domain_name
    found = [r for r in reasons(world, account, name, request.auth_code, held, now)
             if r is not R.INVALID_AUTH_CODE]  # fmt: skip
    _, _, extension = world.catalogue.split(name)
    if found and (extension is None or found[0] in _BEFORE_AUTH_CODE):
        raise _refusal(found[0], name)
    assert extension is not None  # noqa: S101 - every reason without one came first
    if extension.auth_code and request.auth_code is None:
        raise e.AUTH_CODE_REQUIRED(at="/auth_code", extension=extension.name)
    if found:
        raise _refusal(found[0], name)
    cost = price(extension)
    if profile.billing and cost.transfer_cost > 0 and not account.has_billing:
        raise e.NO_BILLING()
    if len(account.registrations) >= world.domain_limit:
        raise e.LIMIT_REACHED(at="/domain_name", limit=world.domain_limit)
    registrant = request.registrant or account.default_contact
    if registrant is None:
        raise e.NO_CONTACT(at="/contacts/registrant")
    foreign = world.registry.foreign(name)
    code = decode_auth_code(request.auth_code) if request.auth_code is not None else None
    matches = not extension.auth_code or (code is not None and _matches(foreign, code))
    return AcceptedTransfer(extension, foreign, registrant, cost, matches, expiry(world, foreign))


# Reasons about the domain itself, reported before a missing auth code is.
_BEFORE_AUTH_CODE = frozenset(
    {R.DOMAIN_UNSUPPORTED, R.EXTENSION_NOT_SUPPORTED, R.EXTENSION_NOT_SUPPORTED_VIA_API,
     R.EXTENSION_DISALLOWS_TRANSFER, R.DOMAIN_PREMIUM, R.DOMAIN_ON_CLOUDFLARE,
     R.DOMAIN_NOT_EXISTS}
)  # fmt: skip


def _refusal(reason: TransferReason, name: str) -> e.ApiError:
    return REFUSALS[reason](at=POINTERS.get(reason), domain=name)


def script(world: World, accepted: AcceptedTransfer, name: str) -> Script:
    """The workflow a transfer follows: the scenario's if it writes one, else what the
    losing registrar (and the registry, given a wrong auth code) will do."""
    written = world.scripts.transfer_script(name)
    if written is not None:
        return written
    submitted = [
        Step(WorkflowState.PENDING, seconds=0.25),
        Step(WorkflowState.IN_PROGRESS, seconds=60),
    ]
    if not accepted.code_matches:
        failed = Step(WorkflowState.FAILED, error_code=WRONG_CODE[0], error_message=WRONG_CODE[1])
        return Script((*submitted, failed))
    steps = list(submitted)
    foreign = accepted.foreign
    if foreign.registrant_approval:
        context = {
            "action": "registrant_transfer_approval",
            "confirmation_sent_to": mask_email(accepted.registrant.email),
        }
        # No timer: it waits for the registrant, whom the control API speaks for.
        steps.append(Step(WorkflowState.ACTION_REQUIRED, context=context))
    behaviour = foreign.losing_registrar
    wait = {
        LosingRegistrar.APPROVES: 0.0,
        LosingRegistrar.APPROVES_AFTER: min(foreign.answers_after, APPROVAL_WINDOW),
        LosingRegistrar.REJECTS: min(foreign.answers_after, APPROVAL_WINDOW),
        LosingRegistrar.SILENT: APPROVAL_WINDOW,
    }[behaviour]
    if wait > 0:
        context = {
            "blocked_by": "losing_registrar",
            "detail": f"Waiting for {foreign.registrar} to approve the transfer; it has up to "
            "five days, after which the transfer is approved.",
        }
        steps.append(Step(WorkflowState.BLOCKED, seconds=wait, context=context))
    if behaviour is LosingRegistrar.REJECTS:
        steps.append(Step(WorkflowState.FAILED, error_code=REJECTED[0], error_message=REJECTED[1]))
    else:
        steps.append(Step(WorkflowState.SUCCEEDED))
    return Script(tuple(steps))


def mask_email(address: str) -> str:
    """``a***@example.com``: where a confirmation went, without the whole address."""
    local, at, domain = address.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else "***"
