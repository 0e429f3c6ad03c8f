"""Where things are served: the Registrar API under ``/client/v4``, as at Cloudflare, and the
mock's own control API beside it."""

API_ROOT = "/client/v4"
REGISTRAR = "/accounts/{account_id}/registrar"
CONTROL_ROOT = "/__mock__"
