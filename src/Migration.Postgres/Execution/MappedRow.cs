using LinqToDB.Mapping;

namespace Migration.Postgres.Execution;

/// <summary>
/// Base of the row types the mapped write path emits at run time, one per target table (the tables are discovered at
/// run time, so there are no compile-time entity classes). Each emitted property reads one slot of
/// <see cref="Values"/>, so linq2db gets plain member getters, and a single instance is reused for every row of a
/// page: no per-row object, no per-row dictionary.
/// </summary>
public abstract class MappedRow
{
    /// <summary>The current row's values in target column order.</summary>
    [NotColumn]
    public object?[] Values { get; internal set; } = [];
}
