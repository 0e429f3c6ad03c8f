"""The control plane: the mock's own API beside the Registrar's.

``plane`` holds :class:`Control` (reset, clock, resolve, faults, journal, state
export and import; the API's edge), ``api`` serves it over HTTP under
``/__mock__``, ``faults`` and ``journal`` are what it keeps, and ``reload``
watches a scenario file.
"""

from registrar_mock.control.faults import FaultBook, FaultRule
from registrar_mock.control.journal import Entry, Journal
from registrar_mock.control.plane import Control

__all__ = ["Control", "Entry", "FaultBook", "FaultRule", "Journal"]
