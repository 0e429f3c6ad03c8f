"""The contract suite loads the kit's pytest plugin the way a user's project would."""

from __future__ import annotations
