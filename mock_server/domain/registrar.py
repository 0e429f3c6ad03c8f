"""The registrar: all state of one mock instance and every rule the docs state.

One :class:`Registrar` per app. It is plain synchronous Python: each public
method runs under one lock and never awaits, so a check and the change it
guards (the 100-domain limit, domain uniqueness) happen as one step even with
many concurrent requests. Time comes only from the injected clock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import errors as e
from ..clock import Clock
from . import discovery
from .catalogue import Channel
from .index import RegistrationIndex
from .models import (
    Account,
    Availability,
    Charge,
    Contact,
    PrivacyMode,
    Registration,
    RegistrationStatus,
    WorkflowKind,
    WorkflowState,
)
from .pagination import CursorCodec, InvalidCursor, Position
from .timeutil import add_years
from .workflows import Script, Step, Workflow
from .world import DEFAULT_CONTACT, AccountSpec, World

MAX_CHARGES = 1000  # the most recent charges kept per account
REJECTED_ACTION = ("action_rejected", "The required action was declined.")


@dataclass(frozen=True, slots=True)
class Credential:
    """Who is calling: an API token, or a legacy email and global key."""

    token: str | None = None
    email: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class RegistrationRequest:
    domain_name: str  # already normalised
    years: int | None = None
    auto_renew: bool = False
    privacy_mode: PrivacyMode = PrivacyMode.REDACTION
    registrant: Contact | None = None


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Registration]
    cursor: str  # "" on the last page
    per_page: int


def secret_digest(secret: str) -> str:
    """How exports and state files name a credential without holding it.

    A scenario may list a token or key in this form instead of in the clear; the
    registrar accepts the real credential for either.
    """
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()


class Registrar:
    def __init__(self, world: World, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._dirty: set[str] = set()
        self.load(world)

    @property
    def lock(self) -> threading.RLock:
        """Held by every public method; hold it to read several things consistently."""
        return self._lock

    def replace_accounts(self, accounts: Iterable[Account]) -> None:
        """Swap in accounts restored from a snapshot, rebuilding the derived indexes."""
        with self._lock:
            self.accounts.clear()
            self._owners.clear()
            self._indexes.clear()
            for account in accounts:
                self.accounts[account.id] = account
                account.running = {
                    (w.kind.value, w.domain_name): w
                    for w in (
                        *account.registration_workflows.values(),
                        *account.update_workflows.values(),
                    )
                    if not w.completed
                }
                for domain in account.registrations:
                    self._owners[domain] = account.id
                self._reschedule(account)

    def _index(self, account: Account) -> RegistrationIndex:
        index = self._indexes.get(account.id)
        if index is None:
            index = self._indexes[account.id] = RegistrationIndex(account.registrations.values())
        return index

    def take_dirty(self) -> set[str]:
        """The ids of accounts changed since the last call (for persistence)."""
        with self._lock:
            dirty = self._dirty
            self._dirty = set()
            return dirty

    def charges(self, account_id: str) -> list[Charge]:
        with self._lock:
            account = self.accounts.get(account_id)
            return [] if account is None else list(account.charges)

    # --- lifecycle ------------------------------------------------------------

    def load(self, world: World) -> None:
        """Forget everything and start again from ``world``."""
        with self._lock:
            self.world = world
            self.accounts: dict[str, Account] = {}
            self._owners: dict[str, str] = {}  # domain -> account id, across all accounts
            self._token_accounts: dict[str, set[str]] = {}
            self._key_accounts: dict[tuple[str, str], set[str]] = {}
            # Accounts whose scenario names the credentials allowed on them.
            self._guarded: set[str] = set()
            # Accounts changed since the last take_dirty(): what a state file must rewrite.
            self._dirty = set()
            self._indexes: dict[str, RegistrationIndex] = {}
            secret = hashlib.sha256(f"registrar-mock:{world.seed}".encode()).digest()
            self._cursors = CursorCodec(secret)
            for spec in world.accounts:
                self._add_declared_account(spec)

    def _add_declared_account(self, spec: AccountSpec) -> None:
        account = Account(spec.id, spec.has_billing, spec.default_contact)
        self.accounts[spec.id] = account
        if spec.tokens or spec.api_keys:
            self._guarded.add(spec.id)
        for token in spec.tokens:
            self._token_accounts.setdefault(token, set()).add(spec.id)
        for api_key in spec.api_keys:
            self._key_accounts.setdefault((api_key.email, api_key.key), set()).add(spec.id)
        for seed in spec.registrations:
            registration = Registration(
                domain_name=seed.domain_name,
                account_id=spec.id,
                status=seed.status,
                created_at=seed.created_at,
                expires_at=seed.expires_at,
                years=1,
                auto_renew=seed.auto_renew,
                locked=seed.locked,
                privacy_mode=seed.privacy_mode,
                updated_at=seed.created_at,
            )
            account.registrations[seed.domain_name] = registration
            self._owners[seed.domain_name] = spec.id
            if seed.status is not RegistrationStatus.REGISTRATION_PENDING:
                # Registrations that predate the mock still answer registration-status.
                workflow = self._new_workflow(
                    WorkflowKind.REGISTRATION,
                    account,
                    seed.domain_name,
                    Script((Step(WorkflowState.SUCCEEDED),)),
                    seed.created_at,
                )
                workflow.extra_context["registration"] = dataclasses.replace(registration)
        self._reschedule(account)

    # --- who may call ---------------------------------------------------------

    def authorize(self, credential: Credential, account_id: str) -> Account:
        """Return the account ``credential`` may act on, or raise 403."""
        with self._lock:
            if credential.token is not None:
                allowed = self._token_accounts.get(credential.token) or self._token_accounts.get(
                    secret_digest(credential.token)
                )
                unknown = e.error(403, e.INVALID_TOKEN, e.MSG_INVALID_TOKEN)
            else:
                assert credential.email is not None and credential.key is not None
                allowed = self._key_accounts.get(
                    (credential.email, credential.key)
                ) or self._key_accounts.get((credential.email, secret_digest(credential.key)))
                unknown = e.error(403, e.UNKNOWN_KEY, e.MSG_UNKNOWN_KEY)
            if allowed is not None:
                if account_id not in allowed:
                    raise e.error(403, e.GENERIC, e.MSG_AUTH_ERROR)
            elif not self.world.open_accounts:
                raise unknown
            elif account_id in self._guarded:
                # Open worlds accept any credential, except on accounts that name their own.
                raise e.error(403, e.GENERIC, e.MSG_AUTH_ERROR)
            account = self.accounts.get(account_id)
            if account is None:
                account = Account(account_id, True, DEFAULT_CONTACT)
                self.accounts[account_id] = account
                self._dirty.add(account_id)
            return account

    # --- discovery ------------------------------------------------------------

    def search(
        self, account: Account, query: str, extensions: Sequence[str] | None, limit: int
    ) -> list[Availability]:
        with self._lock:
            return discovery.search(self.world, self._owners, query, extensions, limit)

    def check(self, account: Account, names: Iterable[str]) -> list[Availability]:
        with self._lock:
            return discovery.check(self.world, self._owners, names)

    # --- registrations --------------------------------------------------------

    def create_registration(
        self, account: Account, request: RegistrationRequest
    ) -> tuple[Workflow, bool]:
        """Start registering a domain. Returns the workflow and whether it is new.

        The domain name is the idempotency key: asking again for a domain this
        account already holds (or is registering) returns that workflow and
        charges nothing.
        """
        with self._lock:
            now = self.clock.now()
            self._settle(account, now)
            name = request.domain_name
            if name in account.registrations:
                workflow = account.registration_workflows[name]
                return workflow, False
            label, _, extension = self.world.catalogue.split(name)
            if "." in label:
                raise e.error(400, e.GENERIC, e.MSG_INVALID_DOMAIN, "/domain_name")
            if not account.has_billing:
                raise e.error(400, e.GENERIC, e.MSG_NO_BILLING)
            if len(account.registrations) >= self.world.domain_limit:
                message = e.MSG_LIMIT_REACHED.format(limit=self.world.domain_limit)
                raise e.error(400, e.GENERIC, message, "/domain_name")
            if extension is None or extension.channel is not Channel.API:
                raise e.error(400, e.GENERIC, e.MSG_EXTENSION_NOT_SUPPORTED, "/domain_name")
            if name in self.world.registry.premium:
                raise e.error(400, e.GENERIC, e.MSG_PREMIUM, "/domain_name")
            if discovery.taken(self.world, self._owners, name):
                raise e.error(400, e.GENERIC, e.MSG_UNAVAILABLE, "/domain_name")
            registrant = request.registrant or account.default_contact
            if registrant is None:
                raise e.error(400, e.GENERIC, e.MSG_NO_CONTACT, "/contacts/registrant")
            years = request.years if request.years is not None else extension.min_years
            if not extension.min_years <= years <= extension.max_years:
                message = e.MSG_YEARS_RANGE.format(
                    low=extension.min_years, high=extension.max_years, extension=extension.name
                )
                raise e.error(400, e.GENERIC, message, "/years")

            account.registrations[name] = Registration(
                domain_name=name,
                account_id=account.id,
                status=RegistrationStatus.REGISTRATION_PENDING,
                created_at=now,
                expires_at=None,
                years=years,
                auto_renew=request.auto_renew,
                privacy_mode=request.privacy_mode,
                registrant=registrant,
                updated_at=now,
            )
            self._index(account).put(account.registrations[name])
            self._owners[name] = account.id
            self._dirty.add(account.id)
            script = self.world.scripts.for_domain(WorkflowKind.REGISTRATION, name)
            workflow = self._new_workflow(WorkflowKind.REGISTRATION, account, name, script, now)
            self._advance(account, workflow, now, new=True)
            return workflow, True

    def list_registrations(
        self, account: Account, sort_by: str, direction: str, per_page: int, cursor: str | None
    ) -> Page:
        with self._lock:
            self._settle(account, self.clock.now())
            after = None
            if cursor:
                try:
                    position = self._cursors.decode(cursor, sort_by, direction)
                except InvalidCursor:
                    raise e.error(400, e.GENERIC, e.MSG_INVALID_CURSOR, "/cursor") from None
                after = (position.key, position.name)
            keys = self._index(account).page(sort_by, direction == "desc", after, per_page)
            page = keys[:per_page]
            next_cursor = ""
            if len(keys) > per_page:
                key, name = page[-1]
                next_cursor = self._cursors.encode(Position(sort_by, direction, key, name))
            return Page([account.registrations[name] for _, name in page], next_cursor, per_page)

    def get_registration(self, account: Account, domain: str) -> Registration:
        with self._lock:
            self._settle(account, self.clock.now())
            return self._registration(account, domain)

    def _registration(self, account: Account, domain: str) -> Registration:
        registration = account.registrations.get(domain)
        if registration is None:
            raise e.error(404, e.GENERIC, e.MSG_DOMAIN_NOT_FOUND)
        return registration

    def update_registration(self, account: Account, domain: str, auto_renew: bool) -> Workflow:
        with self._lock:
            now = self.clock.now()
            self._settle(account, now)
            registration = self._registration(account, domain)
            if registration.status is RegistrationStatus.REGISTRATION_PENDING:
                raise e.error(409, e.GENERIC, e.MSG_REGISTRATION_PENDING.format(domain=domain))
            previous = account.update_workflows.get(domain)
            if previous is not None and not previous.completed:
                raise e.error(409, e.GENERIC, e.MSG_UPDATE_IN_PROGRESS.format(domain=domain))
            script = self.world.scripts.for_domain(WorkflowKind.UPDATE, domain)
            workflow = self._new_workflow(WorkflowKind.UPDATE, account, domain, script, now)
            workflow.changes = {"auto_renew": auto_renew}
            self._dirty.add(account.id)
            workflow.extra_context["fields_updated"] = ["auto_renew"]
            self._advance(account, workflow, now, new=True)
            return workflow

    def update_domain(
        self, account: Account, domain: str, changes: dict[str, bool]
    ) -> Registration:
        """The legacy PUT: applies at once, with no workflow."""
        with self._lock:
            now = self.clock.now()
            self._settle(account, now)
            registration = self._registration(account, domain)
            if registration.status is RegistrationStatus.REGISTRATION_PENDING:
                raise e.error(409, e.GENERIC, e.MSG_REGISTRATION_PENDING.format(domain=domain))
            if "auto_renew" in changes:
                registration.auto_renew = changes["auto_renew"]
            if "locked" in changes:
                registration.locked = changes["locked"]
            if "privacy" in changes:
                privacy = changes["privacy"]
                registration.privacy_mode = PrivacyMode.REDACTION if privacy else PrivacyMode.OFF
            registration.updated_at = now
            self._reschedule(account)
            self._dirty.add(account.id)
            return registration

    def workflow_status(self, account: Account, domain: str, kind: WorkflowKind) -> Workflow:
        """What a poll of registration-status or update-status sees. Counts as one poll."""
        with self._lock:
            now = self.clock.now()
            self._settle(account, now)
            workflows = (
                account.registration_workflows
                if kind is WorkflowKind.REGISTRATION
                else account.update_workflows
            )
            workflow = workflows.get(domain)
            if workflow is None:
                if domain in account.registrations:
                    raise e.error(404, e.GENERIC, e.MSG_NO_WORKFLOW.format(domain=domain))
                raise e.error(404, e.GENERIC, e.MSG_DOMAIN_NOT_FOUND)
            workflow.record_poll()
            if workflow.step.polls is not None:
                self._dirty.add(account.id)
            return workflow

    def refresh(self, account: Account, workflow: Workflow) -> Workflow:
        """Bring a workflow up to the clock's now (after a sync wait)."""
        with self._lock:
            self._advance(account, workflow, self.clock.now())
            return workflow

    def resolve_action(
        self, account: Account, domain: str, kind: WorkflowKind, confirm: bool
    ) -> Workflow:
        """Settle an ``action_required`` step as the user would: confirm or reject it."""
        with self._lock:
            now = self.clock.now()
            self._settle(account, now)
            workflows = (
                account.registration_workflows
                if kind is WorkflowKind.REGISTRATION
                else account.update_workflows
            )
            workflow = workflows.get(domain)
            if workflow is None or workflow.state is not WorkflowState.ACTION_REQUIRED:
                raise e.error(409, e.GENERIC, f"No action is required for {domain}")
            workflow.resolve(now, confirm=confirm, error=REJECTED_ACTION)
            self._dirty.add(account.id)
            if workflow.completed:  # rejected, or confirmed straight into a terminal step
                account.running.pop((workflow.kind.value, domain), None)
                self._finish(account, workflow)
            else:
                self._advance(account, workflow, now)
            return workflow

    # --- time -----------------------------------------------------------------

    def _new_workflow(
        self, kind: WorkflowKind, account: Account, domain: str, script: Script, now: datetime
    ) -> Workflow:
        workflow = Workflow(kind, account.id, domain, script, created_at=now, updated_at=now)
        if kind is WorkflowKind.REGISTRATION:
            account.registration_workflows[domain] = workflow
        else:
            account.update_workflows[domain] = workflow
        if not workflow.completed:
            account.running[(kind.value, domain)] = workflow
        return workflow

    def _settle(self, account: Account, now: datetime) -> None:
        """Let time act on the account before anything reads it: workflows, then ageing."""
        for workflow in list(account.running.values()):
            self._advance(account, workflow, now)
        if account.next_event is not None and now >= account.next_event:
            for registration in list(account.registrations.values()):
                self._age(account, registration, now)
            self._reschedule(account)

    def _age(self, account: Account, registration: Registration, now: datetime) -> None:
        """Walk one registration through renewals and the expiry phases due by ``now``.

        Every transition happens at its exact boundary, however late it is noticed.
        """
        while (due := self._next_event(account, registration)) is not None and now >= due:
            status = registration.status
            registration.updated_at = due
            self._dirty.add(account.id)
            if status is RegistrationStatus.ACTIVE and self._renews(account, registration):
                assert registration.expires_at is not None
                registration.expires_at = add_years(registration.expires_at, 1)
                self._index(account).put(registration)
                self._charge(account, registration, due, kind="renewal", years=1)
            elif status is RegistrationStatus.ACTIVE:
                registration.status = RegistrationStatus.EXPIRED
            elif status is RegistrationStatus.EXPIRED:
                registration.status = RegistrationStatus.REDEMPTION_PERIOD
            elif status is RegistrationStatus.REDEMPTION_PERIOD:
                registration.status = RegistrationStatus.PENDING_DELETE
            else:
                self._forget(account, registration.domain_name)
                return

    def _renews(self, account: Account, registration: Registration) -> bool:
        return registration.auto_renew and account.has_billing

    def _next_event(self, account: Account, registration: Registration) -> datetime | None:
        expires = registration.expires_at
        if expires is None:
            return None
        phases = self.world.lifecycle
        status = registration.status
        if status is RegistrationStatus.ACTIVE:
            if self._renews(account, registration):
                return expires - timedelta(seconds=phases.renew_before)
            return expires
        offsets = {
            RegistrationStatus.EXPIRED: phases.expired_for,
            RegistrationStatus.REDEMPTION_PERIOD: phases.expired_for + phases.redemption_for,
            RegistrationStatus.PENDING_DELETE: phases.expired_for
            + phases.redemption_for
            + phases.pending_delete_for,
        }
        offset = offsets.get(status)
        return None if offset is None else expires + timedelta(seconds=offset)

    def _reschedule(self, account: Account) -> None:
        events = [
            due
            for registration in account.registrations.values()
            if (due := self._next_event(account, registration)) is not None
        ]
        account.next_event = min(events, default=None)

    def _forget(self, account: Account, domain: str) -> None:
        """The registry deleted the name: it leaves the account and is free again."""
        account.registrations.pop(domain, None)
        self._index(account).remove(domain)
        account.registration_workflows.pop(domain, None)
        account.update_workflows.pop(domain, None)
        self._owners.pop(domain, None)

    def _advance(
        self, account: Account, workflow: Workflow, now: datetime, *, new: bool = False
    ) -> None:
        """Move a workflow to ``now``; apply its outcome if it just ended (or was born ended)."""
        was_completed = workflow.completed and not new
        if workflow.advance(now):
            self._dirty.add(account.id)
        if workflow.completed and not was_completed:
            account.running.pop((workflow.kind.value, workflow.domain_name), None)
            self._finish(account, workflow)

    def _finish(self, account: Account, workflow: Workflow) -> None:
        at = workflow.updated_at
        registration = account.registrations.get(workflow.domain_name)
        if registration is None:
            return
        succeeded = workflow.state is WorkflowState.SUCCEEDED
        if workflow.kind is WorkflowKind.REGISTRATION:
            if succeeded:
                registration.status = RegistrationStatus.ACTIVE
                registration.created_at = at
                registration.expires_at = add_years(at, registration.years)
                self._index(account).put(registration)
                registration.updated_at = at
                self._charge(account, registration, at)
                workflow.extra_context["registration"] = dataclasses.replace(registration)
                # A new registration can only bring the account's next event forward.
                due = self._next_event(account, registration)
                if due is not None and (account.next_event is None or due < account.next_event):
                    account.next_event = due
            else:
                del account.registrations[workflow.domain_name]
                self._index(account).remove(workflow.domain_name)
                self._owners.pop(workflow.domain_name, None)
        elif succeeded:
            registration.auto_renew = bool(
                workflow.changes.get("auto_renew", registration.auto_renew)
            )
            registration.updated_at = at
            workflow.extra_context["registration"] = dataclasses.replace(registration)
            self._reschedule(account)

    def _charge(
        self,
        account: Account,
        registration: Registration,
        at: datetime,
        *,
        kind: str = "registration",
        years: int | None = None,
    ) -> None:
        _, _, extension = self.world.catalogue.split(registration.domain_name)
        assert extension is not None
        years = registration.years if years is None else years
        premium = self.world.registry.premium.get(registration.domain_name)
        renewal = premium.renewal_cost if premium else extension.renewal_cost
        amount = extension.cost(years) if kind == "registration" else renewal * years
        account.charges.append(
            Charge(registration.domain_name, kind, amount, extension.currency, years, at)
        )
        # Per-account history is bounded: a long soak of renewals must not grow without limit.
        if len(account.charges) > MAX_CHARGES:
            del account.charges[: len(account.charges) - MAX_CHARGES]

    def domain_id(self, registration: Registration) -> str:
        """A stable 32-hex identifier for the legacy Domain resource."""
        text = f"{self.world.seed}:{registration.account_id}:{registration.domain_name}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]
