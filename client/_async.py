"""The asynchronous client: ``BaseClient``'s flows, driven over an ``httpx.AsyncClient``."""

from __future__ import annotations

import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import anyio
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


class AsyncRegistrarClient(BaseClient):
    """The asynchronous twin of :class:`RegistrarClient`, with the same methods to await.

    ``sleep`` may be a coroutine function (the default is ``anyio.sleep``) or a
    plain function, such as a virtual clock's ``advance``.
    """

    def __init__(
        self,
        account_id: str,
        *,
        api_token: str | None = None,
        api_email: str | None = None,
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        http_client: httpx.AsyncClient | None = None,
        timeout: Duration | httpx.Timeout | None = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        transfer_poll: PollPolicy | None = None,
        sandbox: bool = False,
        sleep: Callable[[float], Awaitable[object] | object] = anyio.sleep,
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
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self._sleep = sleep

    # --- lifecycle ------------------------------------------------------------

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- the driver -----------------------------------------------------------

    async def _perform(self, step: Step) -> tuple[Received, httpx.TransportError | None]:
        if not isinstance(step, Send):
            pending = self._sleep(step.seconds)
            if inspect.isawaitable(pending):
                await pending
            return None, None
        try:
            return await self._http.send(step.request), None
        except httpx.TransportError as exc:
            return None, exc

    async def _run(self, flow: Flow[T]) -> T:
        received: Received = None
        error: httpx.TransportError | None = None
        while True:
            try:
                step = flow.send(received) if error is None else flow.throw(error)
            except StopIteration as stop:
                result: T = stop.value
                return result
            received, error = await self._perform(step)

    async def _stream(self, flow: Stream[T]) -> AsyncIterator[T]:
        received: Received = None
        error: httpx.TransportError | None = None
        while True:
            try:
                step = flow.send(received) if error is None else flow.throw(error)
            except StopIteration:
                return
            if isinstance(step, Emit):
                for item in step.items:
                    yield item
                received, error = None, None
            else:
                received, error = await self._perform(step)

    # --- discovery ------------------------------------------------------------

    async def search(
        self, query: str, *, extensions: Iterable[str] | None = None, limit: int | None = None
    ) -> list[DomainAvailability]:
        """Suggestions for a keyword, phrase or name. Advisory: confirm with :meth:`check`."""
        return await self._run(self._search_flow(query, extensions, limit))

    async def check(self, domains: str | Iterable[str]) -> list[DomainAvailability]:
        """Authoritative availability and pricing for up to 20 names, or for one name
        (``check("one.com")``, still answered as a list)."""
        return await self._run(self._check_flow(domains))

    # --- legacy domains -------------------------------------------------------

    async def list_domains(self) -> list[LegacyDomain]:
        """Deprecated endpoint: every domain in the old Domain shape."""
        return await self._run(self._list_domains_flow())

    async def get_domain(self, name: str) -> LegacyDomain:
        """Deprecated endpoint: one domain in the old Domain shape."""
        return await self._run(self._get_domain_flow(name))

    async def update_domain(
        self,
        name: str,
        *,
        auto_renew: bool | None = None,
        locked: bool | None = None,
        privacy: bool | None = None,
    ) -> LegacyDomain:
        """Deprecated endpoint: change settings at once, without a workflow."""
        return await self._run(self._update_domain_flow(name, auto_renew, locked, privacy))

    # --- registrations --------------------------------------------------------

    async def create_registration(
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
        return await self._run(
            self._create_registration_flow(
                domain_name,
                years=years,
                auto_renew=auto_renew,
                privacy_mode=privacy_mode,
                registrant=registrant,
                prefer_async=prefer_async,
            )
        )

    async def register(
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
        return await self._run(
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

    async def list_registrations(
        self,
        *,
        per_page: int | None = None,
        sort_by: SortBy | str | None = None,
        direction: Direction | str | None = None,
        cursor: str | None = None,
    ) -> Page[Registration]:
        """One page; pass its ``cursor`` back for the next (it is "" on the last page)."""
        return await self._run(self._list_registrations_flow(per_page, sort_by, direction, cursor))

    def iter_registrations(
        self,
        *,
        per_page: int | None = None,
        sort_by: SortBy | str | None = None,
        direction: Direction | str | None = None,
    ) -> AsyncIterator[Registration]:
        """Every registration, fetching pages lazily as the iteration reaches them."""
        return self._stream(self._iter_registrations_flow(per_page, sort_by, direction))

    async def get_registration(self, domain_name: str) -> Registration:
        return await self._run(self._get_registration_flow(domain_name))

    async def update_registration(
        self, domain_name: str, *, auto_renew: bool, prefer_async: bool = False
    ) -> WorkflowStatus:
        """Change a registration's settings; poll the result with :meth:`wait_for_workflow`."""
        return await self._run(
            self._update_registration_flow(domain_name, auto_renew, prefer_async)
        )

    async def get_registration_status(self, domain_name: str) -> WorkflowStatus:
        return await self._run(self._status_flow(domain_name, "registration-status"))

    async def get_update_status(self, domain_name: str) -> WorkflowStatus:
        return await self._run(self._status_flow(domain_name, "update-status"))

    # --- extensions -----------------------------------------------------------

    async def list_extensions(
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
        return await self._run(
            self._list_extensions_flow(name, per_page, sort_by, direction, cursor, cached)
        )

    def iter_extensions(
        self,
        *,
        name: str | None = None,
        per_page: int | None = None,
        sort_by: ExtensionSortBy | str | None = None,
        direction: Direction | str | None = None,
    ) -> AsyncIterator[Extension]:
        """Every extension offered, fetching pages lazily as the iteration reaches them."""
        return self._stream(self._iter_extensions_flow(name, per_page, sort_by, direction))

    async def get_extension(self, extension: str, *, cached: Extension | None = None) -> Extension:
        """One extension (``com``, ``co.uk``) with the JSON Schemas of its inputs.

        Pass the extension you hold as ``cached`` to ask conditionally: if it has not
        changed (304 Not Modified) that very object is returned.
        """
        return await self._run(self._get_extension_flow(extension, cached))

    # --- transfers in ---------------------------------------------------------

    async def transfer_check(
        self, domains: TransferQuery | Iterable[TransferQuery]
    ) -> dict[str, TransferCheckResult]:
        """Whether up to 10 domains can be transferred in, keyed by each name as given.

        Each domain is a name or a ``(name, auth_code)`` pair; one domain may be given
        alone (``transfer_check("one.com")`` or ``transfer_check(("one.com", b"code"))``).
        A ``str`` auth code is sent as is and must already be base64; ``bytes`` are
        encoded for you. Not in the Registrar Sandbox (``SandboxUnsupportedError``).
        """
        return await self._run(self._transfer_check_flow(domains))

    async def transfer_in(
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
        return await self._run(
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

    async def get_transfer_in_status(self, domain_name: str) -> WorkflowStatus:
        return await self._run(self._transfer_status_flow(domain_name))

    # --- waiting --------------------------------------------------------------

    async def wait_for_workflow(
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
        return await self._run(self._wait_flow(status, timeout, on_blocked, policy))
