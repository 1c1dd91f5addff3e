using Migration.Core.Migrations;

namespace Migration.Core.Events;

public sealed record TableStartedPayload(string Table, long RowsTotal, long RowsAlreadyCopied, WritePath WritePath, int Wave) : EventPayload;
