"""The contract kit's defaults, apart so the CLI can show them without loading schemathesis."""

DEFAULT_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
DEFAULT_TOKEN = "registrar-mock-contract-token-0000000000"
DEFAULT_SEED = 20260101
# Examples per operation and phase: enough for CI on two cores; `make contract` goes deeper.
CI_MAX_EXAMPLES = 25
DEEP_MAX_EXAMPLES = 300
DEEP_ENV = "REGISTRAR_MOCK_DEEP"
