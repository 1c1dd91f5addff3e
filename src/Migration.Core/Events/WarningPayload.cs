namespace Migration.Core.Events;

public sealed record WarningPayload(string? Table, string Message) : EventPayload;
