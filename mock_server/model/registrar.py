"""The registrar: all state of one mock instance, and the operations on it.

One :class:`Registrar` per app. It is plain synchronous Python: each public
method runs under one lock and never awaits, so a check and the change it
guards (the domain limit, domain uniqueness) happen as one step even with many
concurrent requests. Time comes only from the injected clock.

The rules themselves live in the modules named for them: ``access`` (who may
call), ``discovery`` (search and check), ``registering`` (what a new
registration must pass), ``transferring`` (transfers in), ``workflows`` (states
and scripts), ``lifecycle`` (renewal and expiry), ``billing`` (charges),
``catalogue`` (the extensions), ``profiles`` (production and the Registrar
Sandbox) and ``pagination`` (cursors). This class applies what they decide to
the state (``state``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

from registrar_mock import errors as e
from registrar_mock.model import discovery, profiles, registering, transferring
from registrar_mock.model.catalogue import Extension
from registrar_mock.model.pagination import InvalidCursor, Position
from registrar_mock.model.profiles import PRODUCTION, Profile
from registrar_mock.model.records import (
    Account,
    Availability,
    Credential,
    ExtensionPage,
    Page,
    PrivacyMode,
    Registration,
    RegistrationRequest,
    RegistrationStatus,
    SearchQuery,
    Transferability,
    TransferQuery,
    TransferRequest,
    WorkflowKind,
    WorkflowState,
    account_key,
)
from registrar_mock.model.state import State
from registrar_mock.model.workflows import Workflow
from registrar_mock.model.world import DEFAULT_CONTACT

REJECTED_ACTION = ("action_rejected", "The required action was declined.")


class Registrar(State):
    """One mock's registrar: the operations of the API, each under the state's lock."""

    # --- who may call -------------------------------------------------------------

    def authorize(
        self, credential: Credential, account_id: str, profile: Profile = PRODUCTION
    ) -> Account:
        """Return the account ``credential`` may act on, or raise 403: its production
        records, or its records in the Registrar Sandbox (``profile``).

        In an open world an account nobody has written to is answered as a new, empty
        one, and kept only once something is written to it: reads alone store nothing,
        so memory and the state file grow with what was written, never with what was read.
        """
        with self._lock:
            self._access.check(credential, account_id)
            stored = self.accounts.get(account_key(account_id, profile.sandbox))
            if stored is not None:
                return stored
            return Account(account_id, True, DEFAULT_CONTACT, sandbox=profile.sandbox)

    def _current(self, account: Account) -> Account:
        """The stored account of this key (a caller may hold an unstored or undone one)."""
        return self.accounts.get(account.key, account)

    @staticmethod
    def profile(account: Account) -> Profile:
        return profiles.of(account.sandbox)

    # --- discovery ----------------------------------------------------------------

    def search(
        self, account: Account, query: SearchQuery, extensions: Sequence[str] | None, limit: int
    ) -> list[Availability]:
        with self._lock:
            return discovery.search(
                self.view(account), self.owners(account), query, extensions, limit
            )

    def check(self, account: Account, names: Iterable[str]) -> list[Availability]:
        with self._lock:
            return discovery.check(self.view(account), self.owners(account), names)

    # --- extensions ----------------------------------------------------------------

    def list_extensions(
        self,
        account: Account,
        name: str | None,
        sort_by: str,
        direction: str,
        per_page: int,
        cursor: str | None,
    ) -> ExtensionPage:
        """The extensions the account's environment offers, a page at a time."""
        with self._lock:
            offered = [ext for ext in self.view(account).catalogue if ext.offered]
            if name is not None:
                offered = [ext for ext in offered if ext.name == name]
            keyed = sorted((_extension_key(ext, sort_by), ext.name, ext) for ext in offered)
            if direction == "desc":
                keyed.reverse()
            sort = f"extensions:{sort_by}"  # a cursor of another list is no cursor here
            if cursor:
                try:
                    position = self._cursors.decode(cursor, sort, direction)
                except InvalidCursor:
                    raise e.INVALID_CURSOR(at="/cursor") from None
                after = (position.key, position.name)
                keyed = [item for item in keyed
                         if ((item[0], item[1]) < after if direction == "desc"
                             else (item[0], item[1]) > after)]  # fmt: skip
            page = keyed[:per_page]
            next_cursor = ""
            if len(keyed) > per_page:
                key, last, _ = page[-1]
                next_cursor = self._cursors.encode(Position(sort, direction, key, last))
            return ExtensionPage([ext for _, _, ext in page], next_cursor, per_page)

    def get_extension(self, account: Account, name: str) -> Extension:
        with self._lock:
            found = self.view(account).catalogue.get(name)
            if found is None or not found.offered:
                raise e.EXTENSION_NOT_FOUND()
            return found

    # --- registrations ------------------------------------------------------------

    def create_registration(
        self, account: Account, request: RegistrationRequest
    ) -> tuple[Workflow, bool]:
        """Start registering a domain. Returns the workflow and whether it is new.

        The domain name is the idempotency key: asking again for a domain this
        account already holds (or is registering) returns that workflow and
        charges nothing.
        """
        with self._lock:
            account = self._current(account)
            now = self.clock.now()
            self._settle(account, now)
            name = request.domain_name
            existing = account.registration_workflows.get(name)
            profile = self.profile(account)
            if name in account.registrations and existing is not None:
                # A repeat is answered with the registration under way, if it is itself a
                # request the environment takes (the sandbox wants the registrant named).
                registering.check_contacts(profile, request)
                return existing, False
            owners = self.owners(account)
            accepted = registering.accept(self.view(account), profile, account, owners, request)
            # The first write to an account is what keeps it.
            self.accounts.setdefault(account.key, account)
            registration = Registration(
                domain_name=name,
                account_id=account.id,
                status=RegistrationStatus.REGISTRATION_PENDING,
                created_at=now,
                expires_at=None,
                years=accepted.years,
                auto_renew=request.auto_renew,
                privacy_mode=request.privacy_mode,
                registrant=accepted.registrant,
                updated_at=now,
            )
            account.registrations[name] = registration
            self._index(account).put(registration)
            owners[name] = account.key
            self._dirty.add(account.key)
            script = self.world.scripts.for_domain(WorkflowKind.REGISTRATION, name)
            workflow = self._new_workflow(WorkflowKind.REGISTRATION, account, name, script, now)
            self._advance(account, workflow, now, new=True)
            return workflow, True

    def list_registrations(
        self, account: Account, sort_by: str, direction: str, per_page: int, cursor: str | None
    ) -> Page:
        with self._lock:
            account = self._current(account)
            self._settle(account, self.clock.now())
            after = None
            if cursor:
                try:
                    position = self._cursors.decode(cursor, sort_by, direction)
                except InvalidCursor:
                    raise e.INVALID_CURSOR(at="/cursor") from None
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
            account = self._current(account)
            self._settle(account, self.clock.now())
            return self._registration(account, domain)

    def _registration(self, account: Account, domain: str) -> Registration:
        registration = account.registrations.get(domain)
        if registration is None:
            raise e.DOMAIN_NOT_FOUND()
        return registration

    def _settled(self, account: Account, domain: str) -> Registration:
        """A registration that may be changed: it exists and has finished registering."""
        registration = self._registration(account, domain)
        if registration.status is RegistrationStatus.REGISTRATION_PENDING:
            raise e.REGISTRATION_PENDING(domain=domain)
        if registration.status is RegistrationStatus.TRANSFER_PENDING:
            raise e.TRANSFER_IN_PROGRESS(domain=domain)
        return registration

    def update_registration(self, account: Account, domain: str, auto_renew: bool) -> Workflow:
        with self._lock:
            account = self._current(account)
            now = self.clock.now()
            self._settle(account, now)
            self._settled(account, domain)
            previous = account.update_workflows.get(domain)
            if previous is not None and not previous.completed:
                raise e.UPDATE_IN_PROGRESS(domain=domain)
            script = self.world.scripts.for_domain(WorkflowKind.UPDATE, domain)
            workflow = self._new_workflow(WorkflowKind.UPDATE, account, domain, script, now)
            workflow.changes = {"auto_renew": auto_renew}
            workflow.extra_context["fields_updated"] = ["auto_renew"]
            self._dirty.add(account.key)
            self._advance(account, workflow, now, new=True)
            return workflow

    def update_domain(
        self, account: Account, domain: str, changes: dict[str, bool]
    ) -> Registration:
        """The legacy PUT: applies at once, with no workflow.

        A domain the account doesn't hold is refused as Cloudflare's legacy endpoint
        refuses it: 403, not 404.
        """
        with self._lock:
            account = self._current(account)
            now = self.clock.now()
            self._settle(account, now)
            if domain not in account.registrations:
                raise e.NOT_THE_USERS_DOMAIN()
            registration = self._settled(account, domain)
            if "auto_renew" in changes:
                registration.auto_renew = changes["auto_renew"]
            if "locked" in changes:
                registration.locked = changes["locked"]
            if "privacy" in changes:
                privacy = changes["privacy"]
                registration.privacy_mode = PrivacyMode.REDACTION if privacy else PrivacyMode.OFF
            registration.updated_at = now
            self._reschedule(account)
            self._dirty.add(account.key)
            return registration

    # --- transfers in ---------------------------------------------------------------

    def transfer_check(
        self, account: Account, queries: Iterable[TransferQuery]
    ) -> dict[str, Transferability]:
        with self._lock:
            account = self._current(account)
            now = self.clock.now()
            self._settle(account, now)
            held = functools.partial(self.holder, account)
            return transferring.check(self.view(account), account, queries, held, now)

    def transfer_in(self, account: Account, request: TransferRequest) -> tuple[Workflow, bool]:
        """Start transferring a domain in. Returns the workflow and whether it is new.

        The domain name is the idempotency key: asking again while the transfer runs (or
        once it succeeded) returns that workflow, and starts nothing.
        """
        with self._lock:
            account = self._current(account)
            now = self.clock.now()
            self._settle(account, now)
            name = request.domain_name
            existing = account.transfer_workflows.get(name)
            if existing is not None and name in account.registrations:
                # Asking again is answered with the transfer under way, but only if the
                # request itself is sound: a malformed auth code is refused either way.
                transferring.check_format(request)
                return existing, False
            world = self.view(account)
            accepted = transferring.accept(
                world, self.profile(account), account, request, self.holder(account, name), now
            )
            self.accounts.setdefault(account.key, account)
            registration = Registration(
                domain_name=name,
                account_id=account.id,
                status=RegistrationStatus.TRANSFER_PENDING,
                created_at=accepted.foreign.created_at,
                expires_at=None,  # not known here until the transfer completes
                years=transferring.TRANSFER_YEARS,
                locked=False,  # it had to be unlocked to leave; Cloudflare locks it on arrival
                auto_renew=request.auto_renew,
                privacy_mode=request.privacy_mode,
                registrant=accepted.registrant,
                updated_at=now,
            )
            account.registrations[name] = registration
            self._index(account).put(registration)
            self.owners(account)[name] = account.key
            self._dirty.add(account.key)
            script = transferring.script(world, accepted, name)
            workflow = self._new_workflow(WorkflowKind.TRANSFER, account, name, script, now)
            workflow.changes = {"expires_at": accepted.expires_at.isoformat()}
            self._advance(account, workflow, now, new=True)
            return workflow, True

    def answer_transfer(self, account: Account, domain: str, *, approve: bool) -> Workflow:
        """The losing registrar's answer to a transfer waiting on it (``blocked``)."""
        with self._lock:
            account = self._current(account)
            now = self.clock.now()
            self._settle(account, now)
            workflow = account.transfer_workflows.get(domain)
            if workflow is None or workflow.state is not WorkflowState.BLOCKED:
                raise e.NO_TRANSFER_PENDING(domain=domain)
            return self._resolve(account, workflow, now, approve, transferring.REJECTED)

    def workflow_status(self, account: Account, domain: str, kind: WorkflowKind) -> Workflow:
        """What a poll of registration-status or update-status sees. Counts as one poll."""
        with self._lock:
            account = self._current(account)
            self._settle(account, self.clock.now())
            workflow = self._workflows(account, kind).get(domain)
            if workflow is None:
                if domain in account.registrations:
                    raise e.NO_WORKFLOW(domain=domain)
                raise e.DOMAIN_NOT_FOUND()
            workflow.record_poll()
            if workflow.step.polls is not None:
                self._dirty.add(account.key)
            return workflow

    def refresh(self, account: Account, workflow: Workflow) -> Workflow:
        """The workflow as it is now (after a sync wait), brought up to the clock.

        The caller's object may be stale: if the account was put back from the state file
        meanwhile, the stored copy of the same workflow is the one that counts, and is the
        one returned. A newer workflow for the domain (this one ended, another began) is
        not this request's: the caller's own, finished, is returned then.
        """
        with self._lock:
            account = self._current(account)
            current = self._workflows(account, workflow.kind).get(workflow.domain_name)
            if current is None or current.created_at != workflow.created_at:
                return workflow
            self._advance(account, current, self.clock.now())
            return current

    def resolve_action(
        self, account: Account, domain: str, kind: WorkflowKind, confirm: bool
    ) -> Workflow:
        """Settle an ``action_required`` step as the user would: confirm or reject it."""
        with self._lock:
            account = self._current(account)
            now = self.clock.now()
            self._settle(account, now)
            workflow = self._workflows(account, kind).get(domain)
            if workflow is None or workflow.state is not WorkflowState.ACTION_REQUIRED:
                raise e.NO_ACTION_REQUIRED(domain=domain)
            declined = transferring.DECLINED if kind is WorkflowKind.TRANSFER else REJECTED_ACTION
            return self._resolve(account, workflow, now, confirm, declined)

    def _resolve(
        self,
        account: Account,
        workflow: Workflow,
        now: datetime,
        confirm: bool,
        error: tuple[str, str],
    ) -> Workflow:
        """Settle a step someone else answers: confirmed, the script moves on; else it fails."""
        workflow.resolve(now, confirm=confirm, error=error)
        self._dirty.add(account.key)
        if workflow.completed:  # rejected, or confirmed straight into a terminal step
            account.running.pop((workflow.kind.value, workflow.domain_name), None)
            self._finish(account, workflow)
        else:
            self._advance(account, workflow, now)
        return workflow

    def domain_id(self, registration: Registration) -> str:
        """A stable 32-hex identifier for the legacy Domain resource."""
        text = f"{self.world.seed}:{registration.account_id}:{registration.domain_name}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _extension_key(extension: Extension, sort_by: str) -> str:
    if sort_by == "created_at":
        return extension.created_at.isoformat(timespec="microseconds")
    if sort_by == "updated_at":
        return extension.updated_at.isoformat(timespec="microseconds")
    return extension.name
