"""The store: the registrar's state as plain data (``snapshot``), and the durable state
file that keeps it across restarts (``statefile``)."""

from registrar_mock.store.snapshot import SnapshotError
from registrar_mock.store.statefile import CommitFailed, StateFile, StateFileError, StoredState

__all__ = ["CommitFailed", "SnapshotError", "StateFile", "StateFileError", "StoredState"]
