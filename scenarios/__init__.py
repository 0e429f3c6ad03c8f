"""The bundled scenario files and their JSON Schema (data only)."""
