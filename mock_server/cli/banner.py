"""The banner ``serve`` prints: where to point an SDK, who may call, what to try."""

from __future__ import annotations

import ipaddress
from importlib import metadata
from typing import TYPE_CHECKING

from registrar_mock.clock import isoformat

if TYPE_CHECKING:
    from registrar_mock.app import MockApp

PROG = "registrar-mock"
# The account the bundled scenarios use; any id of 32 lowercase hex works in an open world,
# as does any token of 40 of [A-Za-z0-9_-]: this one is no secret.
EXAMPLE_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
EXAMPLE_TOKEN = "registrar-mock-demo-token-00000000000000"
SHOWN_ACCOUNTS = 5


def banner(
    app: MockApp,
    *,
    host: str,
    port: int,
    reloading: bool = False,
    state_file: str | None = None,
    time_scale: float = 1.0,
) -> str:
    """What a person needs to start: where to point an SDK, who may call, what to try."""
    origin = f"http://{_display_host(host)}:{port}"
    base = f"{origin}/client/v4"
    scenario = app.control.scenario
    world = app.world
    lines = [
        f"{PROG} {version()}: Cloudflare's Registrar API, mocked",
        "",
        f"  Base URL     {base}   (give this to your SDK as base_url)",
        f"  Scenario     {scenario.name} ({scenario.source})"
        + (", reloaded when the file changes" if reloading else ""),
    ]
    ids = "any id" if world.lenient_ids else "any 32-hex id"
    shapes = "any token or key" if world.lenient_credentials else "any well-formed token or key"
    api_try: str | None = None
    if world.open_accounts:
        lines.append(f"  Accounts     {ids}, with {shapes}")
        api_try = f"-H 'Authorization: Bearer {EXAMPLE_TOKEN}'"
    elif not world.accounts:
        lines.append("  Accounts     none: every request will be refused")
    else:
        lines.append("  Accounts     only these (secrets shortened):")
        for spec in world.accounts[:SHOWN_ACCOUNTS]:
            secrets = [f"token {mask(token)}" for token in spec.tokens]
            secrets += [f"key {key.email} {mask(key.key)}" for key in spec.api_keys]
            lines.append(f"                 {spec.id}  {', '.join(secrets) or 'no credentials'}")
        if len(world.accounts) > SHOWN_ACCOUNTS:
            lines.append(f"                 ... and {len(world.accounts) - SHOWN_ACCOUNTS} more")
    protected = bool(getattr(app.control, "control_token", None))
    guard = "Authorization: Bearer <your --control-token>" if protected else "no token needed"
    lines.append(f"  Control API  {origin}/__mock__   ({guard})")
    asks = ", asks for the token once" if protected else ""
    lines.append(f"  Inspector    {origin}/__mock__/ui   (open in a browser{asks})")
    speed = f"{time_scale:g} times real time" if time_scale != 1 else "in real time"
    lines.append(
        f"  Clock        {isoformat(app.clock.now())}, running {speed}; the control API can move it"
    )
    if state_file is not None:
        lines.append(f"  State file   {state_file}")
    if not protected and not is_loopback(host):
        lines.append(
            f"  WARNING      {host} is reachable from other machines and the control API has no "
            "token: anyone can reset or read this mock; set --control-token"
        )
    # Something that works when pasted as printed: secrets are never printed, so a closed
    # world's try is a request that needs none.
    if api_try is not None:
        url = f"{base}/accounts/{EXAMPLE_ACCOUNT}/registrar/registrations"
        attempt = f"curl -s {api_try} {url}"
    elif not protected:
        attempt = f"curl -s {origin}/__mock__/health"
    else:
        attempt = f"curl -s {base}/openapi.json"
    lines += ["", "  Try it:", f"    {attempt}"]
    if api_try is None:
        lines.append("    (API requests need a credential of the scenario; none is printed)")
    return "\n".join(lines) + "\n"


def mask(secret: str) -> str:
    """Enough of a secret to recognise it, never enough to use it: at most 4 characters,
    and at most a quarter of it (``0123…``)."""
    keep = min(4, len(secret) // 4)
    return f"{secret[:keep]}…"


def _display_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def version() -> str:
    try:
        return metadata.version("registrar-mock")
    except metadata.PackageNotFoundError:
        return "(source)"
