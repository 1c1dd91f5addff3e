namespace Migration.Postgres.Execution.Mapping;

/// <summary>A value the spec rejects (value map without an entry, failed cast): its flag and value in the source query.</summary>
internal sealed record RejectCheck(string TargetColumn, string SourceColumn, int FlagOrdinal, int ValueOrdinal, string Why);
