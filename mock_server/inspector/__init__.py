"""The web inspector: a page at ``/__mock__/ui`` that shows the mock and steers it.

``view`` builds the one JSON document the page draws (scenario, clock, accounts,
workflows, transfers, charges, faults, the journal's span); ``routes`` serves the page,
that document, and a stream of server-sent events that carries every change to it.
The page acts only through the control API, with the same token and cross-site rules
as any other client. It is hand-written HTML, CSS and JavaScript in ``static/``.
"""

from registrar_mock.inspector.routes import PAGES, routes
from registrar_mock.inspector.view import build

__all__ = ["PAGES", "build", "routes"]
