namespace Migration.Core.Catalog;

/// <summary>A sequence; <paramref name="OwnedBy"/> is the (table, column) of a serial/identity column it feeds.</summary>
public sealed record SequenceInfo(QualifiedName Name, string DataType, long Increment, long MinValue, long MaxValue, long Start, bool Cycle, QualifiedName? OwnedByTable, string? OwnedByColumn, long? LastValue);
