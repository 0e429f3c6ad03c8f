"""A plain in-memory model of the Registrar's documented rules, for differential testing.

No HTTP and no mock code: dictionaries and the rules as the docs state them.

- An account holds at most ``limit`` domains; registering one more is refused (400).
- The domain name is the idempotency key: registering a name the account already
  holds returns its workflow again and adds nothing.
- Without ``Prefer: respond-async`` the server waits for a workflow that finishes in
  its sync window and answers with the finished status; with it, the answer is 202
  and the workflow is still running.
- ``completed`` is true exactly when ``state`` is ``succeeded`` or ``failed``.
- An update is refused (409) while the registration or an earlier update is running.
- A list, walked page by page, shows each held domain once, with its settings.

How long a workflow takes is the world's choice, not a documented rule, so the
model is told (``registration_seconds``, ``update_seconds``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"
    LIMIT = "limit"  # 400: the account holds the most domains it may
    NOT_FOUND = "not_found"  # 404
    CONFLICT = "conflict"  # 409


@dataclass(slots=True)
class Held:
    name: str
    registered_at: float
    auto_renew: bool
    update_started: float | None = None
    pending_auto_renew: bool | None = None


@dataclass(slots=True)
class Expected:
    """What the model says an answer must be."""

    outcome: Outcome
    completed: bool | None = None  # None: either is allowed


@dataclass
class RegistrarModel:
    limit: int
    registration_seconds: float
    update_seconds: float
    now: float = 0.0
    held: dict[str, Held] = field(default_factory=dict)

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for item in self.held.values():
            if item.update_started is not None and self._update_done(item):
                item.auto_renew = bool(item.pending_auto_renew)
                item.update_started = item.pending_auto_renew = None

    def registered(self, name: str) -> bool:
        return self.now >= self.held[name].registered_at + self.registration_seconds

    def _update_done(self, item: Held) -> bool:
        return item.update_started is not None and (
            self.now >= item.update_started + self.update_seconds
        )

    def register(self, name: str, auto_renew: bool, prefer_async: bool) -> Expected:
        if name not in self.held:
            if len(self.held) >= self.limit:
                return Expected(Outcome.LIMIT)
            self.held[name] = Held(name, self.now, auto_renew)
        if not prefer_async:
            # The server holds the request until the work is done, on its own clock;
            # a repeat waits for the workflow it finds.
            self.advance(
                max(0.0, self.held[name].registered_at + self.registration_seconds - self.now)
            )
        return Expected(Outcome.OK, completed=self.registered(name))

    def registration_status(self, name: str) -> Expected:
        if name not in self.held:
            return Expected(Outcome.NOT_FOUND)
        return Expected(Outcome.OK, completed=self.registered(name))

    def update(self, name: str, auto_renew: bool, prefer_async: bool) -> Expected:
        if name not in self.held:
            return Expected(Outcome.NOT_FOUND)
        item = self.held[name]
        if not self.registered(name) or item.update_started is not None:
            return Expected(Outcome.CONFLICT)
        item.update_started, item.pending_auto_renew = self.now, auto_renew
        if prefer_async:
            return Expected(Outcome.OK, completed=self.update_seconds <= 0)
        self.advance(self.update_seconds)
        return Expected(Outcome.OK, completed=True)

    def listing(self) -> dict[str, bool]:
        """What a full walk of the list shows: each held name and its ``auto_renew``."""
        return {name: item.auto_renew for name, item in self.held.items()}
