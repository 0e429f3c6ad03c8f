"""The registrar: all state of one mock instance, and the operations on it.

One :class:`Registrar` per app. It is plain synchronous Python: each public
method runs under one lock and never awaits, so a check and the change it
guards (the domain limit, domain uniqueness) happen as one step even with many
concurrent requests. Time comes only from the injected clock.

The rules themselves live in the modules named for them: ``access`` (who may
call), ``discovery`` (search and check), ``registering`` (what a new
registration must pass), ``workflows`` (states and scripts), ``lifecycle``
(renewal and expiry), ``billing`` (charges) and ``pagination`` (cursors). This
class applies what they decide to the state (``state``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from registrar_mock import errors as e
from registrar_mock.model import discovery, registering
from registrar_mock.model.pagination import InvalidCursor, Position
from registrar_mock.model.records import (
    Account,
    Availability,
    Credential,
    Page,
    PrivacyMode,
    Registration,
    RegistrationRequest,
    RegistrationStatus,
    SearchQuery,
    WorkflowKind,
    WorkflowState,
)
from registrar_mock.model.state import State
from registrar_mock.model.workflows import Workflow
from registrar_mock.model.world import DEFAULT_CONTACT

REJECTED_ACTION = ("action_rejected", "The required action was declined.")


class Registrar(State):
    """One mock's registrar: the operations of the API, each under the state's lock."""

    # --- who may call -------------------------------------------------------------

    def authorize(self, credential: Credential, account_id: str) -> Account:
        """Return the account ``credential`` may act on, or raise 403.

        In an open world an account nobody has written to is answered as a new, empty
        one, and kept only once something is written to it: reads alone store nothing,
        so memory and the state file grow with what was written, never with what was read.
        """
        with self._lock:
            self._access.check(credential, account_id)
            account = self.accounts.get(account_id)
            if account is None:
                account = Account(account_id, True, DEFAULT_CONTACT)
            return account

    def _current(self, account: Account) -> Account:
        """The stored account of this id (a caller may hold an unstored or undone one)."""
        return self.accounts.get(account.id, account)

    # --- discovery ----------------------------------------------------------------

    def search(
        self, account: Account, query: SearchQuery, extensions: Sequence[str] | None, limit: int
    ) -> list[Availability]:
        with self._lock:
            return discovery.search(self.world, self._owners, query, extensions, limit)

    def check(self, account: Account, names: Iterable[str]) -> list[Availability]:
        with self._lock:
            return discovery.check(self.world, self._owners, names)

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
            if name in account.registrations:
                return account.registration_workflows[name], False
            accepted = registering.accept(self.world, account, self._owners, request)
            # The first write to an account is what keeps it.
            self.accounts.setdefault(account.id, account)
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
            self._dirty.add(account.id)
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
            self._dirty.add(account.id)
            return registration

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
                self._dirty.add(account.id)
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
            workflow.resolve(now, confirm=confirm, error=REJECTED_ACTION)
            self._dirty.add(account.id)
            if workflow.completed:  # rejected, or confirmed straight into a terminal step
                account.running.pop((workflow.kind.value, domain), None)
                self._finish(account, workflow)
            else:
                self._advance(account, workflow, now)
            return workflow

    def domain_id(self, registration: Registration) -> str:
        """A stable 32-hex identifier for the legacy Domain resource."""
        text = f"{self.world.seed}:{registration.account_id}:{registration.domain_name}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]
