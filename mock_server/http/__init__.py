"""The HTTP layer of the Registrar API: thin routes over the model.

``routes`` (one module per resource) parse with ``parsing``, call the registrar,
and answer with ``rendering`` inside the ``envelope``; ``endpoint`` is the one
wrapper every operation goes through (account, edge, authentication by ``auth``);
``edge`` is what may stand in front of a request (faults, the commit).
"""
