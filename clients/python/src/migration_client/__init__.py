"""Python client for Migration.Grpc: a typed wrapper over the stubs generated from protos/migration/v1.

Run ``clients/python/generate.sh`` once (and after a proto changes) to generate the ``migration.v1`` modules.
"""

from migration.v1 import guidance_pb2, migration_pb2

from .client import TERMINAL_PHASES, Conversation, MigrationClient, connection_spec, phase_name, seconds
from .connection import DEFAULT_SERVER, ConnectionOptions, open_channel, parse_server

__all__ = [
    "DEFAULT_SERVER",
    "TERMINAL_PHASES",
    "ConnectionOptions",
    "Conversation",
    "MigrationClient",
    "connection_spec",
    "guidance_pb2",
    "migration_pb2",
    "open_channel",
    "parse_server",
    "phase_name",
    "seconds",
]
