"""The state of one mock (accounts, their registrations and workflows, the indexes that
serve them), and how time acts on it: workflows move on, registrations age.

:class:`State` is the part of the registrar that no request names: it settles an
account before anything reads it, and applies a workflow's outcome when it ends.
:class:`~registrar_mock.model.registrar.Registrar` adds the operations.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from registrar_mock.clock import Clock
from registrar_mock.model import billing, lifecycle, profiles
from registrar_mock.model.access import AccessRules
from registrar_mock.model.index import RegistrationIndex
from registrar_mock.model.pagination import CursorCodec
from registrar_mock.model.records import (
    Account,
    Charge,
    Registration,
    RegistrationStatus,
    WorkflowKind,
    WorkflowState,
    Zone,
)
from registrar_mock.model.timeutil import add_years
from registrar_mock.model.transferring import TRANSFER_YEARS
from registrar_mock.model.workflows import Script, Step, Workflow
from registrar_mock.model.world import AccountSpec, World


class State:
    def __init__(self, world: World, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self.load(world)

    @property
    def lock(self) -> threading.RLock:
        """Held by every public method; hold it to read several things consistently."""
        return self._lock

    # --- state ------------------------------------------------------------------

    def load(self, world: World) -> None:
        """Forget everything and start again from ``world``."""
        with self._lock:
            self.world = world
            # The world each environment sees: production's, and the sandbox's share of it.
            self._views = {False: world, True: profiles.sandbox_world(world)}
            # Accounts by key (their id, or "sandbox:" and their id): see Account.key.
            self.accounts: dict[str, Account] = {}
            # Domain -> the key of the account holding it, per environment (sandbox or not):
            # a name is held once in production, and once across everyone's sandbox.
            self._owners: dict[bool, dict[str, str]] = {False: {}, True: {}}
            self._access = AccessRules(world.accounts, open_accounts=world.open_accounts)
            # Accounts changed since the last take_dirty(): what a state file must rewrite.
            self._dirty: set[str] = set()
            self._indexes: dict[str, RegistrationIndex] = {}
            secret = hashlib.sha256(f"registrar-mock:{world.seed}".encode()).digest()
            self._cursors = CursorCodec(secret)
            for spec in world.accounts:
                self._add_declared_account(spec)

    def replace_accounts(self, accounts: Iterable[Account]) -> None:
        """Swap in accounts restored from a snapshot, rebuilding the derived indexes."""
        with self._lock:
            self.accounts.clear()
            for owners in self._owners.values():
                owners.clear()
            self._indexes.clear()
            for account in accounts:
                self._adopt(account)

    def restore_accounts(self, keys: Iterable[str], saved: Mapping[str, Account]) -> None:
        """Put these accounts (by key) back as ``saved`` holds them (absent there: gone),
        as when a change could not be saved and is undone."""
        with self._lock:
            for key in keys:
                old = self.accounts.pop(key, None)
                self._indexes.pop(key, None)
                if old is not None:
                    owners = self._owners[old.sandbox]
                    for domain in old.registrations:
                        if owners.get(domain) == key:
                            del owners[domain]
                if key in saved:
                    self._adopt(saved[key])

    def _adopt(self, account: Account) -> None:
        self.accounts[account.key] = account
        account.running = {
            (w.kind.value, w.domain_name): w
            for kind in WorkflowKind
            for w in self._workflows(account, kind).values()
            if not w.completed
        }
        owners = self._owners[account.sandbox]
        for domain in account.registrations:
            owners[domain] = account.key
        self._reschedule(account)

    def view(self, account: Account) -> World:
        """The world as the account's environment sees it."""
        return self._views[account.sandbox]

    def owners(self, account: Account) -> dict[str, str]:
        """Who holds each domain in the account's environment."""
        return self._owners[account.sandbox]

    def holder(self, account: Account, domain: str) -> Registration | None:
        """The registration of ``domain`` held by any account of the account's environment."""
        key = self._owners[account.sandbox].get(domain)
        owner = self.accounts.get(key) if key is not None else None
        return owner.registrations.get(domain) if owner is not None else None

    def take_dirty(self) -> set[str]:
        """The keys of accounts changed since the last call (for persistence)."""
        with self._lock:
            dirty = self._dirty
            self._dirty = set()
            return dirty

    def settled_accounts(self) -> list[Account]:
        """Every account, with time's effects applied up to the clock, as a reader of the
        whole state sees them (the inspector). Hold the lock while reading them."""
        with self._lock:
            now = self.clock.now()
            accounts = list(self.accounts.values())
            for account in accounts:
                self._settle(account, now)
            return accounts

    def charges(self, account_id: str) -> list[Charge]:
        """What the account was charged, up to the clock: a workflow that has finished by
        now has charged, whether or not anyone has polled it since."""
        with self._lock:
            account = self.accounts.get(account_id)
            if account is None:
                return []
            self._settle(account, self.clock.now())
            return list(account.charges)

    def _index(self, account: Account) -> RegistrationIndex:
        index = self._indexes.get(account.key)
        if index is None:
            index = RegistrationIndex(account.registrations.values())
            if account.key in self.accounts:  # an account nobody wrote to keeps no index
                self._indexes[account.key] = index
        return index

    def _add_declared_account(self, spec: AccountSpec) -> None:
        account = Account(spec.id, spec.has_billing, spec.default_contact)
        account.zones = {zone.name: zone for zone in spec.zones}
        self.accounts[account.key] = account
        for seed in spec.registrations:
            pending = seed.status is RegistrationStatus.REGISTRATION_PENDING
            registration = Registration(
                domain_name=seed.domain_name,
                account_id=spec.id,
                status=seed.status,
                created_at=seed.created_at,
                expires_at=None if pending else seed.expires_at,
                years=seed.years,
                auto_renew=seed.auto_renew,
                locked=seed.locked,
                privacy_mode=seed.privacy_mode,
                updated_at=seed.created_at,
            )
            account.registrations[seed.domain_name] = registration
            self._owners[False][seed.domain_name] = account.key
            # Every registration has its workflow: one still pending follows the world's
            # script from its creation; one that predates the mock answers as succeeded.
            kind = WorkflowKind.REGISTRATION
            if pending:
                script = self.world.scripts.for_domain(kind, seed.domain_name)
            else:
                script = Script((Step(WorkflowState.SUCCEEDED),))
            workflow = self._new_workflow(kind, account, seed.domain_name, script, seed.created_at)
            if not pending:
                workflow.extra_context["registration"] = dataclasses.replace(registration)
        self._reschedule(account)

    # --- time ---------------------------------------------------------------------

    @staticmethod
    def _workflows(account: Account, kind: WorkflowKind) -> dict[str, Workflow]:
        if kind is WorkflowKind.REGISTRATION:
            return account.registration_workflows
        if kind is WorkflowKind.UPDATE:
            return account.update_workflows
        return account.transfer_workflows

    def _new_workflow(
        self, kind: WorkflowKind, account: Account, domain: str, script: Script, now: datetime
    ) -> Workflow:
        workflow = Workflow(kind, account.id, domain, script, created_at=now, updated_at=now)
        self._workflows(account, kind)[domain] = workflow
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

    def _renews(self, account: Account, registration: Registration) -> bool:
        # The sandbox bills nobody, so a domain there renews without a billing profile.
        billed = profiles.of(account.sandbox).billing
        return registration.auto_renew and (account.has_billing or not billed)

    def _age(self, account: Account, registration: Registration, now: datetime) -> None:
        renews = self._renews(account, registration)
        for event, at in lifecycle.age(self.world.lifecycle, registration, renews, now):
            self._dirty.add(account.key)
            if event is lifecycle.Event.RENEWED:
                self._index(account).put(registration)
                self._charge(account, registration, at, kind="renewal", years=1)
            elif event is lifecycle.Event.DELETED:
                self._forget(account, registration.domain_name)

    def _charge(
        self, account: Account, registration: Registration, at: datetime, **how: Any
    ) -> None:
        if profiles.of(account.sandbox).billing:
            billing.charge(self.view(account), account, registration, at, **how)

    def _next_event(self, account: Account, registration: Registration) -> datetime | None:
        renews = self._renews(account, registration)
        return lifecycle.next_event(self.world.lifecycle, registration, renews)

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
        for kind in WorkflowKind:
            self._workflows(account, kind).pop(domain, None)
        self._owners[account.sandbox].pop(domain, None)

    def _advance(
        self, account: Account, workflow: Workflow, now: datetime, *, new: bool = False
    ) -> None:
        """Move a workflow to ``now``; apply its outcome if it just ended (or was born ended)."""
        was_completed = workflow.completed and not new
        if workflow.advance(now):
            self._dirty.add(account.key)
        if workflow.completed and not was_completed:
            account.running.pop((workflow.kind.value, workflow.domain_name), None)
            self._finish(account, workflow)

    def _finish(self, account: Account, workflow: Workflow) -> None:
        at = workflow.updated_at
        registration = account.registrations.get(workflow.domain_name)
        if registration is None:
            return
        succeeded = workflow.state is WorkflowState.SUCCEEDED
        if workflow.kind is not WorkflowKind.UPDATE:
            if not succeeded:  # the name was never held: it leaves, and is free again
                del account.registrations[workflow.domain_name]
                self._index(account).remove(workflow.domain_name)
                self._owners[account.sandbox].pop(workflow.domain_name, None)
                return
            registration.status = RegistrationStatus.ACTIVE
            registration.updated_at = at
            if workflow.kind is WorkflowKind.REGISTRATION:
                registration.created_at = at
                registration.expires_at = add_years(at, registration.years)
                self._charge(account, registration, at)
                if profiles.of(account.sandbox).creates_zones:
                    account.zones.setdefault(
                        registration.domain_name, Zone(registration.domain_name)
                    )
            else:  # a transfer in: the term it had elsewhere, a year longer
                before = datetime.fromisoformat(str(workflow.changes["expires_at"]))
                registration.expires_at = add_years(before, TRANSFER_YEARS)
                registration.locked = True
                self._charge(account, registration, at, kind="transfer", years=TRANSFER_YEARS)
            self._index(account).put(registration)
            workflow.extra_context["registration"] = dataclasses.replace(registration)
            # A new registration can only bring the account's next event forward.
            due = self._next_event(account, registration)
            if due is not None and (account.next_event is None or due < account.next_event):
                account.next_event = due
        elif succeeded:
            registration.auto_renew = bool(
                workflow.changes.get("auto_renew", registration.auto_renew)
            )
            registration.updated_at = at
            workflow.extra_context["registration"] = dataclasses.replace(registration)
            self._reschedule(account)
