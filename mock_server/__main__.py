"""``python -m registrar_mock``: the same as the ``registrar-mock`` command."""

import sys

from registrar_mock.cli import main

sys.exit(main())
