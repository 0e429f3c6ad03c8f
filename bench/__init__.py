"""registrar-mock's benchmark: HTTP throughput against a bare-Starlette ceiling, in-process
workflow speed, scale, and start-up. Run it with ``make bench`` or ``python -m bench``."""
