"""The Registrar's two environments: production, and the Registrar Sandbox.

Both run the same model and the same rules. A :class:`Profile` says where the
sandbox departs from production, and the rules consult it rather than being
copied: the sandbox charges nothing and needs no billing profile, creates no
zones, has no express mode (a registration names its registrant), offers only
the extensions the world lists for it, and takes no transfers. Its purchases
are kept apart from production records, and a name bought there is taken for
every account using the sandbox.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from registrar_mock.model.catalogue import Catalogue
from registrar_mock.model.world import World


@dataclass(frozen=True, slots=True)
class Profile:
    name: str  # the path segment: /accounts/{id}/<name>/...
    sandbox: bool
    billing: bool  # charges, and a billing profile is required for them
    creates_zones: bool  # a registration that succeeds creates the domain's zone
    express_mode: bool  # a registration may leave out its registrant
    transfers: bool


PRODUCTION = Profile(
    "registrar", sandbox=False, billing=True, creates_zones=True, express_mode=True, transfers=True
)
SANDBOX = Profile(
    "registrar-sandbox",
    sandbox=True,
    billing=False,
    creates_zones=False,
    express_mode=False,
    transfers=False,
)


def of(sandbox: bool) -> Profile:
    return SANDBOX if sandbox else PRODUCTION


def sandbox_world(world: World) -> World:
    """The world as the sandbox sees it: its extensions only, and no premium names (its
    test registry has none), with the same registry of names taken elsewhere."""
    offered = set(world.sandbox_extensions)
    catalogue = Catalogue(ext for ext in world.catalogue if ext.name in offered)
    registry = dataclasses.replace(world.registry, premium={}, elsewhere={})
    return dataclasses.replace(world, catalogue=catalogue, registry=registry)
