"""The web inspector: a page at ``/__mock__/ui`` that shows the mock and steers it.

``view`` builds the one JSON document the page draws (scenario, clock, accounts,
workflows, transfers, charges, faults); ``feed`` sends it, and the journal, to every open
page as server-sent events; ``routes`` serves the page, the document and the events.
The page acts only through the control API, with the same token and cross-site rules
as any other client. It is hand-written HTML, CSS and JavaScript in ``static/``.
"""

from registrar_mock.inspector.feed import Feed
from registrar_mock.inspector.routes import PAGES
from registrar_mock.inspector.view import build

__all__ = ["PAGES", "Feed", "build"]
