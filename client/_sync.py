"""The blocking client: ``BaseClient``'s flows, driven over an ``httpx.Client``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from registrar_mock.client._base import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    AuthCode,
    BaseClient,
    Registrant,
    TransferQuery,
)
from registrar_mock.client._durations import Duration
from registrar_mock.client._flow import Emit, Flow, Received, Send, Step, Stream
from registrar_mock.client._polling import OnBlocked, PollPolicy
from registrar_mock.client._retry import RetryPolicy
from registrar_mock.client.legacy import LegacyDomain
from registrar_mock.client.models import (
    Direction,
    DomainAvailability,
    Extension,
    ExtensionSortBy,
    Page,
    PrivacyMode,
    Registration,
    SortBy,
    TransferCheckResult,
    WorkflowStatus,
)

T = TypeVar("T")


class RegistrarClient(BaseClient):
    """A client for the Registrar API of one account.

    Pass ``http_client`` to use your own ``httpx.Client`` (for instance one with
    a test transport); it is then yours to close. ``sleep`` and ``monotonic``
    are what waiting uses, so tests can drive a virtual clock instead.

    With ``sandbox=True`` every call goes to the Registrar Sandbox
    (``/accounts/{id}/registrar-sandbox/...``): search, check, registrations and
    extensions work there as in production; transfers and the legacy ``/domains``
    do not exist there and raise ``SandboxUnsupportedError`` without a request.
    ``poll`` paces waits on registrations and updates, ``transfer_poll`` (default
    ``TRANSFER_POLL``) waits on transfers in.

    Every duration (``timeout``, ``blocked_interval``, and those of the policies) is
    seconds (``90``, ``1.5``), a string such as ``"90"``, ``"500ms"``, ``"30s"``,
    ``"5m"``, ``"2h"`` or ``"3d"``, or a :class:`~datetime.timedelta`, up to 100 years;
    anything else raises ``ValueError``. The client's ``timeout`` bounds each HTTP
    request (None for no bound; an ``httpx.Timeout`` is used as given).
    """

    def __init__(
        self,
        account_id: str,
        *,
        api_token: str | None = None,
        api_email: str | None = None,
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        http_client: httpx.Client | None = None,
        timeout: Duration | httpx.Timeout | None = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        transfer_poll: PollPolicy | None = None,
        sandbox: bool = False,
        sleep: Callable[[float], object] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            account_id,
            api_token=api_token,
            api_email=api_email,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            retry=retry,
            poll=poll,
            transfer_poll=transfer_poll,
            sandbox=sandbox,
            monotonic=monotonic,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client()
        self._sleep = sleep

    # --- lifecycle ------------------------------------------------------------

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- the driver -----------------------------------------------------------

    def _perform(self, step: Step) -> tuple[Received, httpx.TransportError | None]:
        if not isinstance(step, Send):
            self._sleep(step.seconds)
            return None, None
        try:
            return self._http.send(step.request), None
        except httpx.TransportError as exc:
            return None, exc

    def _run(self, flow: Flow[T]) -> T:
        received: Received = None
        error: httpx.TransportError | None = None
        while True:
            try:
                step = flow.send(received) if error is None else flow.throw(error)
            except StopIteration as stop:
                result: T = stop.value
                return result
            received, error = self._perform(step)

    def _stream(self, flow: Stream[T]) -> Iterator[T]:
        received: Received = None
        error: httpx.TransportError | None = None
        while True:
            try:
                step = flow.send(received) if error is None else flow.throw(error)
            except StopIteration:
                return
            if isinstance(step, Emit):
                yield from step.items
                received, error = None, None
            else:
                received, error = self._perform(step)

    # --- discovery ------------------------------------------------------------

    def search(
        self, query: str, *, extensions: Iterable[str] | None = None, limit: int | None = None
    ) -> list[DomainAvailability]:
        """Suggestions for a keyword, phrase or name. Advisory: confirm with :meth:`check`."""
        return self._run(self._search_flow(query, extensions, limit))

    def check(self, domains: str | Iterable[str]) -> list[DomainAvailability]:
        """Authoritative availability and pricing for up to 20 names, or for one name
        (``check("one.com")``, still answered as a list)."""
        return self._run(self._check_flow(domains))

    # --- legacy domains -------------------------------------------------------

    def list_domains(self) -> list[LegacyDomain]:
        """Deprecated endpoint: every domain in the old Domain shape."""
        return self._run(self._list_domains_flow())

    def get_domain(self, name: str) -> LegacyDomain:
        """Deprecated endpoint: one domain in the old Domain shape."""
        return self._run(self._get_domain_flow(name))

    def update_domain(
        self,
        name: str,
        *,
        auto_renew: bool | None = None,
        locked: bool | None = None,
        privacy: bool | None = None,
    ) -> LegacyDomain:
        """Deprecated endpoint: change settings at once, without a workflow."""
        return self._run(self._update_domain_flow(name, auto_renew, locked, privacy))

    # --- registrations --------------------------------------------------------

    def create_registration(
        self,
        domain_name: str,
        *,
        years: int | None = None,
        auto_renew: bool | None = None,
        privacy_mode: PrivacyMode | str | None = None,
        registrant: Registrant | None = None,
        prefer_async: bool = False,
    ) -> WorkflowStatus:
        """Start registering a domain (billable) and return the workflow status as answered.

        If the outcome of the POST is unknown (dropped connection, timeout, 429,
        5xx) the existing workflow is looked up instead of posting again.
        """
        return self._run(
            self._create_registration_flow(
                domain_name,
                years=years,
                auto_renew=auto_renew,
                privacy_mode=privacy_mode,
                registrant=registrant,
                prefer_async=prefer_async,
            )
        )

    def register(
        self,
        domain_name: str,
        *,
        years: int | None = None,
        auto_renew: bool | None = None,
        privacy_mode: PrivacyMode | str | None = None,
        registrant: Registrant | None = None,
        wait: bool = True,
        timeout: Duration | None = None,
        on_blocked: OnBlocked | None = None,
    ) -> WorkflowStatus:
        """Register a domain and, with ``wait``, poll until the workflow succeeds.

        Returns the succeeded status (its ``registration`` is the new resource).
        Raises ``WorkflowFailedError``, ``ActionRequiredError`` or
        ``WorkflowTimeoutError`` when it does not succeed in time.
        """
        return self._run(
            self._register_flow(
                domain_name,
                years=years,
                auto_renew=auto_renew,
                privacy_mode=privacy_mode,
                registrant=registrant,
                wait=wait,
                timeout=timeout,
                on_blocked=on_blocked,
            )
        )

    def list_registrations(
        self,
        *,
        per_page: int | None = None,
        sort_by: SortBy | str | None = None,
        direction: Direction | str | None = None,
        cursor: str | None = None,
    ) -> Page[Registration]:
        """One page; pass its ``cursor`` back for the next (it is "" on the last page)."""
        return self._run(self._list_registrations_flow(per_page, sort_by, direction, cursor))

    def iter_registrations(
        self,
        *,
        per_page: int | None = None,
        sort_by: SortBy | str | None = None,
        direction: Direction | str | None = None,
    ) -> Iterator[Registration]:
        """Every registration, fetching pages lazily as the iteration reaches them."""
        return self._stream(self._iter_registrations_flow(per_page, sort_by, direction))

    def get_registration(self, domain_name: str) -> Registration:
        return self._run(self._get_registration_flow(domain_name))

    def update_registration(
        self, domain_name: str, *, auto_renew: bool, prefer_async: bool = False
    ) -> WorkflowStatus:
        """Change a registration's settings; poll the result with :meth:`wait_for_workflow`."""
        return self._run(self._update_registration_flow(domain_name, auto_renew, prefer_async))

    def get_registration_status(self, domain_name: str) -> WorkflowStatus:
        return self._run(self._status_flow(domain_name, "registration-status"))

    def get_update_status(self, domain_name: str) -> WorkflowStatus:
        return self._run(self._status_flow(domain_name, "update-status"))

    # --- extensions -----------------------------------------------------------

    def list_extensions(
        self,
        *,
        name: str | None = None,
        per_page: int | None = None,
        sort_by: ExtensionSortBy | str | None = None,
        direction: Direction | str | None = None,
        cursor: str | None = None,
        cached: Page[Extension] | None = None,
    ) -> Page[Extension]:
        """One page of the extension catalogue, by name unless ``sort_by`` says otherwise.

        ``name`` keeps only that extension. Pass a page you hold as ``cached`` (with
        the same arguments) to ask conditionally: if the server answers 304 Not
        Modified, that very page is returned.
        """
        return self._run(
            self._list_extensions_flow(name, per_page, sort_by, direction, cursor, cached)
        )

    def iter_extensions(
        self,
        *,
        name: str | None = None,
        per_page: int | None = None,
        sort_by: ExtensionSortBy | str | None = None,
        direction: Direction | str | None = None,
    ) -> Iterator[Extension]:
        """Every extension offered, fetching pages lazily as the iteration reaches them."""
        return self._stream(self._iter_extensions_flow(name, per_page, sort_by, direction))

    def get_extension(self, extension: str, *, cached: Extension | None = None) -> Extension:
        """One extension (``com``, ``co.uk``) with the JSON Schemas of its inputs.

        Pass the extension you hold as ``cached`` to ask conditionally: if it has not
        changed (304 Not Modified) that very object is returned.
        """
        return self._run(self._get_extension_flow(extension, cached))

    # --- transfers in ---------------------------------------------------------

    def transfer_check(
        self, domains: TransferQuery | Iterable[TransferQuery]
    ) -> dict[str, TransferCheckResult]:
        """Whether up to 10 domains can be transferred in, keyed by each name as given.

        Each domain is a name or a ``(name, auth_code)`` pair; one domain may be given
        alone (``transfer_check("one.com")`` or ``transfer_check(("one.com", b"code"))``).
        A ``str`` auth code is sent as is and must already be base64; ``bytes`` are
        encoded for you. Not in the Registrar Sandbox (``SandboxUnsupportedError``).
        """
        return self._run(self._transfer_check_flow(domains))

    def transfer_in(
        self,
        domain_name: str,
        *,
        auth_code: AuthCode | None = None,
        auto_renew: bool | None = None,
        privacy_mode: PrivacyMode | str | None = None,
        registrant: Registrant | None = None,
        contact_extensions: Mapping[str, Any] | None = None,
        wait: bool = False,
        timeout: Duration | None = None,
        on_blocked: OnBlocked | None = None,
        blocked_interval: Duration | None = None,
    ) -> WorkflowStatus:
        """Start transferring a domain in (charged when it succeeds); return its status.

        ``auth_code`` as for :meth:`transfer_check` (the UK family needs none). The
        domain name is the transfer's idempotency key: if the outcome of the POST is
        unknown, ``transfer-in-status`` is asked before anything is sent again.

        With ``wait`` it polls ``transfer-in-status`` like :meth:`wait_for_workflow`,
        by ``transfer_poll``: while the losing registrar has the transfer (``blocked``,
        up to five days) it polls every ``blocked_interval`` (default 30 minutes,
        growing to an hour), and gives up after ``timeout`` (default 10 days).
        Not in the Registrar Sandbox (``SandboxUnsupportedError``).
        """
        return self._run(
            self._transfer_in_flow(
                domain_name,
                auth_code=auth_code,
                auto_renew=auto_renew,
                privacy_mode=privacy_mode,
                registrant=registrant,
                contact_extensions=contact_extensions,
                wait=wait,
                timeout=timeout,
                on_blocked=on_blocked,
                blocked_interval=blocked_interval,
            )
        )

    def get_transfer_in_status(self, domain_name: str) -> WorkflowStatus:
        return self._run(self._transfer_status_flow(domain_name))

    # --- waiting --------------------------------------------------------------

    def wait_for_workflow(
        self,
        status: WorkflowStatus,
        *,
        timeout: Duration | None = None,
        on_blocked: OnBlocked | None = None,
        blocked_interval: Duration | None = None,
    ) -> WorkflowStatus:
        """Poll ``status.links.self``, backing off, until the workflow succeeds; return that status.

        Raises at once ``WorkflowFailedError`` (state failed) or
        ``ActionRequiredError`` (state action_required: it won't resolve on its
        own), and ``WorkflowTimeoutError`` once ``timeout`` (default the
        policy's) has passed. While the workflow is blocked it polls at
        the longer blocked interval (``blocked_interval`` if given), logs a
        warning, and calls ``on_blocked(status)`` with every blocked status it
        sees. A transfer in's status is polled by ``transfer_poll``, any other
        by ``poll``.
        """
        policy = self._policy_for(status, blocked_interval)
        return self._run(self._wait_flow(status, timeout, on_blocked, policy))
