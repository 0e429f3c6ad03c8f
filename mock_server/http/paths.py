"""Where things are served: the Registrar API under ``/client/v4``, as at Cloudflare, and the
mock's own control API beside it."""

API_ROOT = "/client/v4"
# Production's path, or the Registrar Sandbox's (``registrar-sandbox``).
ENVIRONMENT = "/accounts/{{account_id}}/{environment}"
CONTROL_ROOT = "/__mock__"
