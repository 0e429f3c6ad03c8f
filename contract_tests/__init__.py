"""The contract-testing kit: check a server, and clients, against the Registrar spec.

``conformance`` runs schemathesis against a server (in-process or at any URL) with
the checks in ``checks``; ``stateful`` follows the spec's links; ``validating`` wraps
an httpx transport so every request a client sends is checked; ``model`` is a plain
model of the documented rules for differential tests; ``cli`` is
``registrar-mock contract``. Everything but ``cli`` and ``defaults`` needs the
``contract`` extra: ``pip install 'registrar-mock[contract]'``.
"""
