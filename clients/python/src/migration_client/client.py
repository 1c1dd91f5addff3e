"""A typed wrapper over the generated MigrationService and GuidanceService stubs."""

from __future__ import annotations

import queue
import threading
import time
from typing import Iterable, Iterator, Optional, Sequence

import grpc
from google.protobuf import duration_pb2

from migration.v1 import guidance_pb2 as gpb
from migration.v1 import guidance_pb2_grpc
from migration.v1 import migration_pb2 as pb
from migration.v1 import migration_pb2_grpc
from migration.v1 import operations_pb2 as opb
from migration.v1 import operations_pb2_grpc

from .connection import ConnectionOptions, open_channel

#: Phases after which a migration never changes again (the watch stream ends there).
TERMINAL_PHASES = frozenset(
    {
        pb.MIGRATION_PHASE_COMPLETED,
        pb.MIGRATION_PHASE_FAILED,
        pb.MIGRATION_PHASE_ROLLED_BACK,
        pb.MIGRATION_PHASE_CANCELLED,
    }
)

#: Status codes after which a watch re-attaches from its cursor instead of failing (a restarting server).
_RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN})

_FOREIGN_KEY_MODES = {
    None: pb.FOREIGN_KEY_MODE_UNSPECIFIED,
    "keep": pb.FOREIGN_KEY_MODE_KEEP,
    "recreate": pb.FOREIGN_KEY_MODE_RECREATE_AFTER_LOAD,
}


def connection_spec(value: str) -> pb.ConnectionSpec:
    """A full Npgsql connection string (anything with ``=``) or the name of a connection configured on the server."""
    if not value or not value.strip():
        raise ValueError("a connection string or a connection name is required")
    if "=" in value:
        return pb.ConnectionSpec(connection_string=value)
    return pb.ConnectionSpec(name=value)


def phase_name(phase: int) -> str:
    """``MIGRATION_PHASE_AWAITING_APPROVAL`` -> ``awaiting-approval``."""
    return pb.MigrationPhase.Name(phase).removeprefix("MIGRATION_PHASE_").lower().replace("_", "-")


def _foreign_key_mode(mode: Optional[str | int]) -> int:
    if isinstance(mode, int):
        return mode
    if mode not in _FOREIGN_KEY_MODES:
        raise ValueError(f"foreign_key_mode must be 'keep' or 'recreate', not {mode!r}")
    return _FOREIGN_KEY_MODES[mode]


class MigrationClient:
    """The common calls of the Migration.Grpc API.

    >>> with MigrationClient("http://127.0.0.1:5080") as client:
    ...     created = client.create(source="Host=...;Database=legacy", target="Host=...;Database=modern")
    ...     client.start(created.migration.id, auto_approve=True)
    ...     for event in client.watch(created.migration.id):
    ...         print(event.sequence, event.WhichOneof("kind"))

    Every method raises ``grpc.RpcError`` for a failed call (``e.code()``, ``e.details()``).
    The raw generated stubs are ``client.migrations`` and ``client.guidance`` for anything not wrapped here.
    """

    def __init__(
        self,
        server: Optional[str] = None,
        *,
        ca_file: Optional[str] = None,
        token: Optional[str] = None,
        api_key: Optional[str] = None,
        server_name: Optional[str] = None,
        timeout: float = 60.0,
        channel: Optional[grpc.Channel] = None,
    ) -> None:
        self.options = ConnectionOptions.from_env(
            server=server, ca_file=ca_file, token=token, api_key=api_key, server_name=server_name
        )
        self.timeout = timeout
        self._channel = channel if channel is not None else open_channel(self.options)
        self.migrations = migration_pb2_grpc.MigrationServiceStub(self._channel)
        self.guidance = guidance_pb2_grpc.GuidanceServiceStub(self._channel)
        self.operations = operations_pb2_grpc.OperationsServiceStub(self._channel)

    # -- lifecycle -------------------------------------------------------------------------------------------------

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "MigrationClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        """Blocks until the channel connects (``grpc.FutureTimeoutError`` after ``timeout`` seconds)."""
        grpc.channel_ready_future(self._channel).result(timeout=timeout)

    # -- MigrationService ------------------------------------------------------------------------------------------

    def create(
        self,
        source: str,
        target: str,
        *,
        include_schemas: Sequence[str] = (),
        exclude_schemas: Sequence[str] = (),
        include_tables: Sequence[str] = (),
        exclude_tables: Sequence[str] = (),
        force_mapped_tables: Sequence[str] = (),
        base_batch_size: int = 0,
        max_batch_size: int = 0,
        min_batch_size: int = 0,
        max_concurrent_batches: int = 0,
        foreign_key_mode: Optional[str | int] = None,
        control_schema: str = "",
        validate_batches: Optional[bool] = None,
        description: str = "",
        requested_by: str = "",
    ) -> pb.CreateMigrationResponse:
        """Creates a migration (analysis and plan); it then waits for approval. Returns the migration and its plan."""
        options = pb.MigrationOptions(
            include_schemas=include_schemas,
            exclude_schemas=exclude_schemas,
            include_tables=include_tables,
            exclude_tables=exclude_tables,
            force_mapped_tables=force_mapped_tables,
            max_concurrent_batches=max_concurrent_batches,
            foreign_key_mode=_foreign_key_mode(foreign_key_mode),
            control_schema=control_schema,
        )
        if base_batch_size or max_batch_size or min_batch_size:
            options.batch.CopyFrom(
                pb.BatchSettings(
                    base_batch_size=base_batch_size, max_batch_size=max_batch_size, min_batch_size=min_batch_size
                )
            )
        if validate_batches is not None:
            options.validate_batches = validate_batches
        request = pb.CreateMigrationRequest(
            source=connection_spec(source),
            target=connection_spec(target),
            options=options,
            description=description,
            requested_by=requested_by,
        )
        return self.migrations.CreateMigration(request, timeout=self.timeout)

    def get_plan(self, migration_id: str) -> pb.MigrationPlan:
        return self.migrations.GetPlan(pb.GetPlanRequest(migration_id=migration_id), timeout=self.timeout).plan

    def approve(
        self,
        migration_id: str,
        *,
        approved_by: str = "",
        foreign_key_mode: Optional[str | int] = None,
        comment: str = "",
    ) -> pb.Migration:
        """Approves the plan; ``foreign_key_mode`` ('keep' / 'recreate') answers its foreign key decision."""
        request = pb.ApprovePlanRequest(
            migration_id=migration_id,
            approved_by=approved_by,
            foreign_key_mode=_foreign_key_mode(foreign_key_mode),
            comment=comment,
        )
        return self.migrations.ApprovePlan(request, timeout=self.timeout).migration

    def start(self, migration_id: str, *, auto_approve: bool = False, started_by: str = "") -> pb.Migration:
        request = pb.StartMigrationRequest(migration_id=migration_id, auto_approve=auto_approve, started_by=started_by)
        return self.migrations.StartMigration(request, timeout=self.timeout).migration

    def pause(self, migration_id: str, reason: str = "") -> pb.Migration:
        request = pb.PauseMigrationRequest(migration_id=migration_id, reason=reason)
        return self.migrations.PauseMigration(request, timeout=self.timeout).migration

    def resume(self, migration_id: str) -> pb.Migration:
        request = pb.ResumeMigrationRequest(migration_id=migration_id)
        return self.migrations.ResumeMigration(request, timeout=self.timeout).migration

    def cancel(self, migration_id: str, reason: str = "") -> pb.Migration:
        request = pb.CancelMigrationRequest(migration_id=migration_id, reason=reason)
        return self.migrations.CancelMigration(request, timeout=self.timeout).migration

    def get(self, migration_id: str) -> pb.Migration:
        request = pb.GetMigrationRequest(migration_id=migration_id)
        return self.migrations.GetMigration(request, timeout=self.timeout).migration

    def list(self, phases: Iterable[int] = (), page_size: int = 0) -> list[pb.Migration]:
        request = pb.ListMigrationsRequest(phases=list(phases), page_size=page_size)
        return list(self.migrations.ListMigrations(request, timeout=self.timeout).migrations)

    def validate(self, migration_id: str) -> pb.ValidationReport:
        request = pb.ValidateMigrationRequest(migration_id=migration_id)
        return self.migrations.ValidateMigration(request, timeout=self.timeout).report

    def watch(
        self,
        migration_id: str,
        after_sequence: int = 0,
        *,
        reconnect: bool = True,
        give_up_after: float = 120.0,
    ) -> Iterator[pb.MigrationEvent]:
        """Events after ``after_sequence`` (0 = from the first), then live, until the migration reaches a terminal
        phase. Each event's ``sequence`` is the cursor: pass the last one seen to pick up exactly where you stopped.

        When the connection drops (a restarting server), the watch re-attaches from the last event it yielded with
        backoff (0.5 s doubling to 8 s), so no event is yielded twice or skipped; it raises the last ``grpc.RpcError``
        after ``give_up_after`` seconds without a connection, or at once when ``reconnect`` is False.
        Stop early by breaking out of the loop (the call is cancelled).
        """
        if after_sequence < 0:
            raise ValueError("after_sequence must be >= 0")
        cursor = after_sequence
        delay = 0.5
        failing_since: Optional[float] = None
        while True:
            call = self.migrations.WatchMigration(
                pb.WatchMigrationRequest(migration_id=migration_id, after_sequence=cursor)
            )
            try:
                for event in call:
                    if event.sequence <= cursor:
                        continue  # defensive: never yield an event twice
                    cursor = event.sequence
                    failing_since = None
                    delay = 0.5
                    yield event
                return  # the server ends the stream at a terminal phase
            except grpc.RpcError as error:
                if not reconnect or error.code() not in _RETRYABLE:  # type: ignore[attr-defined]
                    raise
                now = time.monotonic()
                failing_since = failing_since or now
                if now - failing_since >= give_up_after:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 8.0)
            finally:
                call.cancel()

    def wait(self, migration_id: str, after_sequence: int = 0) -> pb.Migration:
        """Watches until the migration ends and returns its final state."""
        for _ in self.watch(migration_id, after_sequence):
            pass
        return self.get(migration_id)

    # -- GuidanceService -------------------------------------------------------------------------------------------

    def ask(self, migration_id: str, text: str, *, conversation_id: str = "", user: str = "") -> gpb.AskResponse:
        """One question in plain language; keep ``conversation_id`` from the answer to ask follow-ups."""
        request = gpb.AskRequest(migration_id=migration_id, conversation_id=conversation_id, text=text, user=user)
        return self.guidance.Ask(request, timeout=self.timeout)

    def converse(
        self,
        migration_id: str,
        *,
        conversation_id: str = "",
        user: str = "",
        after_sequence: int = 0,
        quiet: bool = False,
    ) -> "Conversation":
        """Opens a chat: ``send()`` messages and iterate the replies, narrations and decision requests."""
        opening = gpb.ConverseOpen(
            migration_id=migration_id,
            conversation_id=conversation_id,
            user=user,
            after_sequence=after_sequence,
            quiet=quiet,
        )
        return Conversation(self.guidance, opening)

    def list_decisions(self, migration_id: str) -> list[gpb.DecisionCard]:
        request = gpb.ListDecisionsRequest(migration_id=migration_id)
        return list(self.guidance.ListDecisions(request, timeout=self.timeout).decisions)

    def answer_decision(
        self, migration_id: str, decision_id: str, option_id: str, *, answered_by: str = "", reason: str = ""
    ) -> gpb.AnswerDecisionResponse:
        request = gpb.AnswerDecisionRequest(
            migration_id=migration_id,
            decision_id=decision_id,
            option_id=option_id,
            answered_by=answered_by,
            reason=reason,
        )
        return self.guidance.AnswerDecision(request, timeout=self.timeout)

    def decision_history(self, migration_id: str) -> list[gpb.DecisionHistoryEntry]:
        request = gpb.GetDecisionHistoryRequest(migration_id=migration_id)
        return list(self.guidance.GetDecisionHistory(request, timeout=self.timeout).decisions)

    # -- operations ----------------------------------------------------------------------------------------------

    def metrics(self, migration_id: str) -> opb.GetMetricsResponse:
        """Live figures without a metrics backend: ``.migration`` (rows, records per second, batch times, errors,
        retries, rollbacks, integrity score, completion time, per table) and ``.server`` (memory, CPU, disk, health)."""
        return self.operations.GetMetrics(opb.GetMetricsRequest(migration_id=migration_id), timeout=self.timeout)


_CLOSE = object()


class Conversation:
    """A ``Converse`` stream: ``send(text)`` a message, iterate (or ``next_reply()``) the server's messages.

    Use it as a context manager (or call ``close()``): closing completes the client side and the server ends the
    stream. The first message received is ``opened`` (the conversation id and a greeting).
    """

    def __init__(self, stub: guidance_pb2_grpc.GuidanceServiceStub, opening: gpb.ConverseOpen) -> None:
        self._outgoing: "queue.Queue[object]" = queue.Queue()
        self._outgoing.put(gpb.ConverseRequest(open=opening))
        self._call = stub.Converse(self._requests())
        self._lock = threading.Lock()
        self._closed = False
        self.conversation_id = opening.conversation_id

    def _requests(self) -> Iterator[gpb.ConverseRequest]:
        while True:
            item = self._outgoing.get()
            if item is _CLOSE:
                return
            yield item  # type: ignore[misc]

    def send(self, text: str) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the conversation is closed")
            self._outgoing.put(gpb.ConverseRequest(text=text))

    def __iter__(self) -> Iterator[gpb.ConverseResponse]:
        for response in self._call:
            if response.conversation_id:
                self.conversation_id = response.conversation_id
            yield response

    def next_reply(self) -> gpb.ConverseResponse:
        """The next message from the server whatever its kind (``StopIteration`` when the stream has ended)."""
        response = next(self._call)
        if response.conversation_id:
            self.conversation_id = response.conversation_id
        return response

    def wait_for(self, kind: str) -> gpb.ConverseResponse:
        """Reads messages until one of ``kind`` ('opened', 'reply', 'narration', 'decision_request') arrives."""
        while True:
            response = self.next_reply()
            if response.WhichOneof("kind") == kind:
                return response

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._outgoing.put(_CLOSE)

    def cancel(self) -> None:
        self.close()
        self._call.cancel()

    def __enter__(self) -> "Conversation":
        return self

    def __exit__(self, *_: object) -> None:
        self.cancel()


def seconds(value: duration_pb2.Duration) -> float:
    """A protobuf Duration in seconds."""
    return value.seconds + value.nanos / 1e9
