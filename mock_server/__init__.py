"""registrar-mock: a stateful mock of Cloudflare's Registrar API."""

from .app import MockApp, create_app
from .clock import SystemClock, VirtualClock

__all__ = ["MockApp", "SystemClock", "VirtualClock", "create_app"]
