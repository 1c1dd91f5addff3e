using System.Globalization;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>What one page did: rows read from the source, rows the target received, rows per policy outcome.</summary>
internal sealed record SpecPageResult(long Read, long Written, IReadOnlyDictionary<string, long> Outcomes)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"read {Read}, written {Written}");
}
