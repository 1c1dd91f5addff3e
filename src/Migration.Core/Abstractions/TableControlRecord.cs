namespace Migration.Core.Abstractions;

/// <summary>A row of migration_control (the seed's columns).</summary>
public sealed record TableControlRecord(
    string MigrationId,
    string Phase,
    string TableName,
    string Operation,
    string Status,
    long RecordsProcessed,
    long TotalRecords,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? ErrorMessage,
    int BatchSize,
    string WorkerId,
    string? SourceQuery,
    string? ValidationQuery);
