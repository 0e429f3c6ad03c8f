"""The vocabulary of multi-step protocols, written once without I/O.

A *flow* is a generator that yields what it needs done (:class:`Send` a request,
:class:`Sleep` a while) and receives the outcome: the response for a ``Send``
(a transport failure is thrown into the generator at the ``yield``), None for a
``Sleep``. Its return value is the flow's result. A *stream* may also yield
:class:`Emit` to hand items to its consumer as they arrive.

Retrying, polling, paging and the registration recovery are flows; the sync
and async clients each have one small driver that performs the steps.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Send:
    request: httpx.Request


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Emit(Generic[T]):
    items: Sequence[T]


Step = Send | Sleep
Received = httpx.Response | None
Flow = Generator[Step, Received, R]
Stream = Generator[Step | Emit[T], Received, None]


def send(request: httpx.Request) -> Flow[httpx.Response]:
    response = yield Send(request)
    if response is None:
        raise RuntimeError("the driver answered a Send with no response")
    return response


def sleep(seconds: float) -> Flow[None]:
    if seconds > 0:
        yield Sleep(seconds)
