"""A plain in-memory model of the Registrar's documented rules, for differential testing.

No HTTP and no mock code: dictionaries and the rules as the docs state them.

- An account holds at most ``limit`` domains in each environment; registering (or
  transferring in) one more is refused (400).
- The domain name is the idempotency key: registering a name the account already
  holds returns its workflow again and adds nothing; so does transferring in a name
  whose transfer is running or has succeeded.
- Without ``Prefer: respond-async`` the server waits for a workflow that finishes in
  its sync window and answers with the finished status; with it, the answer is 202
  and the workflow is still running. A transfer in is never waited for.
- ``completed`` is true exactly when ``state`` is ``succeeded`` or ``failed``.
- An update is refused (409) while the registration, a transfer in or an earlier
  update is running.
- A transfer in takes a domain registered elsewhere, with its auth code. A wrong code
  still starts it; it then fails, and the name is not held. While it runs the
  domain is held (listed, readable) but not registrable; once it succeeds it is held
  like any other. A name the world has nowhere else can't be transferred (400).
- The Registrar Sandbox keeps its own records: production never sees them nor they
  production's, and a name bought there is taken for every other account using the
  sandbox. It has no transfers.
- A list, walked page by page, shows each held domain once, with its settings.

How long a workflow takes is the world's choice, not a documented rule, so the
model is told (``registration_seconds``, ``update_seconds``, ``transfer_seconds``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

MAIN = "main"  # the account under test; others appear only in the sandbox


class Outcome(StrEnum):
    OK = "ok"
    LIMIT = "limit"  # 400: the account holds the most domains it may
    REFUSED = "refused"  # 400: the world says no (taken, nothing to transfer, ...)
    NOT_FOUND = "not_found"  # 404
    CONFLICT = "conflict"  # 409


class Kind(StrEnum):
    REGISTRATION = "registration"
    TRANSFER = "transfer"


@dataclass(slots=True)
class Held:
    name: str
    registered_at: float  # when its registration or transfer started
    auto_renew: bool
    kind: Kind = Kind.REGISTRATION
    update_started: float | None = None
    pending_auto_renew: bool | None = None


@dataclass(slots=True)
class Transfer:
    """The latest transfer in of a name: when it started and whether its code was right."""

    started: float
    code_matches: bool


@dataclass(slots=True, frozen=True)
class Expected:
    """What the model says an answer must be."""

    outcome: Outcome
    completed: bool | None = None  # None: either is allowed


@dataclass
class RegistrarModel:
    limit: int
    registration_seconds: float
    update_seconds: float
    transfer_seconds: float = 0.0
    # Domains at other registrars the account may transfer in, with their auth codes.
    foreign: dict[str, str] = field(default_factory=dict)
    now: float = 0.0
    held: dict[str, Held] = field(default_factory=dict)  # the account's, in production
    sandbox: dict[str, dict[str, Held]] = field(default_factory=dict)  # by account
    transfers: dict[str, Transfer] = field(default_factory=dict)

    def book(self, *, in_sandbox: bool = False, account: str = MAIN) -> dict[str, Held]:
        if not in_sandbox:
            assert account == MAIN, "production is modelled for the account under test only"  # noqa: S101
            return self.held
        return self.sandbox.setdefault(account, {})

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for name, transfer in list(self.transfers.items()):
            item = self.held.get(name)
            ended = (
                item is not None and item.kind is Kind.TRANSFER and self._transfer_done(transfer)
            )
            if ended and not transfer.code_matches:
                del self.held[name]  # a failed transfer leaves the name where it was
        for book in (self.held, *self.sandbox.values()):
            for item in book.values():
                if item.update_started is not None and self._update_done(item):
                    item.auto_renew = bool(item.pending_auto_renew)
                    item.update_started = item.pending_auto_renew = None

    def _transfer_done(self, transfer: Transfer) -> bool:
        return self.now >= transfer.started + self.transfer_seconds

    def _settled(self, item: Held) -> bool:
        """Whether the registration or transfer that brought the domain here has ended."""
        if item.kind is Kind.TRANSFER:
            return self._transfer_done(self.transfers[item.name])
        return self.now >= item.registered_at + self.registration_seconds

    def registered(self, name: str, *, in_sandbox: bool = False, account: str = MAIN) -> bool:
        return self._settled(self.book(in_sandbox=in_sandbox, account=account)[name])

    def _update_done(self, item: Held) -> bool:
        return item.update_started is not None and (
            self.now >= item.update_started + self.update_seconds
        )

    def _taken_elsewhere(self, name: str, in_sandbox: bool, account: str) -> bool:
        if in_sandbox:
            return any(name in book for owner, book in self.sandbox.items() if owner != account)
        return name in self.foreign

    def register(
        self,
        name: str,
        auto_renew: bool,
        prefer_async: bool,
        *,
        in_sandbox: bool = False,
        account: str = MAIN,
    ) -> Expected:
        book = self.book(in_sandbox=in_sandbox, account=account)
        item = book.get(name)
        if item is not None and item.kind is Kind.TRANSFER:
            return Expected(Outcome.REFUSED)  # held by a transfer, not a registration
        if item is None:
            if self._taken_elsewhere(name, in_sandbox, account):
                return Expected(Outcome.REFUSED)
            if len(book) >= self.limit:
                return Expected(Outcome.LIMIT)
            item = book[name] = Held(name, self.now, auto_renew)
        if not prefer_async:
            # The server holds the request until the work is done, on its own clock;
            # a repeat waits for the workflow it finds.
            self.advance(max(0.0, item.registered_at + self.registration_seconds - self.now))
        return Expected(Outcome.OK, completed=self._settled(item))

    def registration_status(
        self, name: str, *, in_sandbox: bool = False, account: str = MAIN
    ) -> Expected:
        item = self.book(in_sandbox=in_sandbox, account=account).get(name)
        if item is None or item.kind is not Kind.REGISTRATION:
            return Expected(Outcome.NOT_FOUND)  # no such domain, or no registration workflow
        return Expected(Outcome.OK, completed=self._settled(item))

    def transfer_in(self, name: str, auth_code: str, auto_renew: bool) -> Expected:
        item = self.held.get(name)
        if item is not None:
            if item.kind is Kind.TRANSFER:
                return Expected(Outcome.OK, completed=self._settled(item))
            return Expected(Outcome.REFUSED)  # registered here already
        if name not in self.foreign:
            return Expected(Outcome.REFUSED)
        if len(self.held) >= self.limit:
            return Expected(Outcome.LIMIT)
        self.transfers[name] = Transfer(self.now, auth_code == self.foreign[name])
        self.held[name] = Held(name, self.now, auto_renew, Kind.TRANSFER)
        return Expected(Outcome.OK, completed=self.transfer_seconds <= 0)

    def transfer_status(self, name: str) -> Expected:
        transfer = self.transfers.get(name)
        if transfer is None:
            return Expected(Outcome.NOT_FOUND)
        # A failed transfer is still there to read, although the domain is not held.
        return Expected(Outcome.OK, completed=self._transfer_done(transfer))

    def update(
        self,
        name: str,
        auto_renew: bool,
        prefer_async: bool,
        *,
        in_sandbox: bool = False,
        account: str = MAIN,
    ) -> Expected:
        book = self.book(in_sandbox=in_sandbox, account=account)
        if name not in book:
            return Expected(Outcome.NOT_FOUND)
        item = book[name]
        if not self._settled(item) or item.update_started is not None:
            return Expected(Outcome.CONFLICT)
        item.update_started, item.pending_auto_renew = self.now, auto_renew
        if prefer_async:
            return Expected(Outcome.OK, completed=self.update_seconds <= 0)
        self.advance(self.update_seconds)
        return Expected(Outcome.OK, completed=True)

    def listing(self, *, in_sandbox: bool = False, account: str = MAIN) -> dict[str, bool]:
        """What a full walk of the list shows: each held name and its ``auto_renew``."""
        book = self.book(in_sandbox=in_sandbox, account=account)
        return {name: item.auto_renew for name, item in book.items()}

    def transferring(self) -> set[str]:
        """The names whose transfer in is running: listed as ``transfer_pending``."""
        return {
            name
            for name, item in self.held.items()
            if item.kind is Kind.TRANSFER and not self._settled(item)
        }
