"""reviewer: the core of the call-listening review tool (no Qt here, ever)."""

__version__ = "0.1.0"
SCHEMA_VERSION = 14
