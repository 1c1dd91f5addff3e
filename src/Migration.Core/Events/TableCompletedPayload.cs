namespace Migration.Core.Events;

public sealed record TableCompletedPayload(string Table, long Rows, TimeSpan Duration, double RowsPerSecond) : EventPayload;
