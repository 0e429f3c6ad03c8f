"""Building the ASGI app: ``create_app(...)`` returns a Starlette app that owns one registrar."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from . import envelope
from .clock import Clock, SystemClock, VirtualClock
from .domain import Registrar, World, default_world
from .errors import ApiError
from .routes import api_routes


class MockApp(Starlette):
    """The Starlette app, with its registrar and clock in reach of in-process tests."""

    def __init__(self, world: World, clock: Clock) -> None:
        super().__init__(
            routes=api_routes(),
            exception_handlers={
                ApiError: envelope.api_error_handler,
                HTTPException: envelope.http_error_handler,
                Exception: envelope.internal_error_handler,
            },
        )
        self.clock = clock
        self.registrar = Registrar(world, clock)

    @property
    def world(self) -> World:
        return self.registrar.world


def create_app(
    world: World | None = None,
    *,
    clock: Clock | None = None,
    virtual_time: bool = True,
) -> MockApp:
    """A fresh mock with its own state.

    By default time is virtual and starts at the world's start instant, so runs
    are repeatable; ``serve`` passes a :class:`SystemClock` instead.
    """
    world = world or default_world()
    if clock is None:
        clock = VirtualClock(world.start) if virtual_time else SystemClock()
    return MockApp(world, clock)
