using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Postgres.Execution;
using Npgsql;

namespace Migration.Postgres.Validation;

/// <summary>
/// A child table's distinct non-null values of a connection rule's columns, grouped in the source (one row per key
/// with its row count) and streamed by COPY into the temporary table <c>mp_keys (k0, k1, …, n)</c> of the target,
/// typed like the parent's key when the target has the parent table. Nothing is held in memory but a buffer.
/// </summary>
internal static class ChildKeys
{
    public const string Table = "mp_keys";

    /// <summary>The key columns of <see cref="Table"/>: k0, k1, …</summary>
    public static IReadOnlyList<string> Columns(MissingParentReference reference) =>
        [.. reference.ChildColumns.Select((_, i) => "k" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Creates <see cref="Table"/> (dropped at commit) in the target transaction and fills it from the source.</summary>
    /// <param name="sample">Empty, or a TABLESAMPLE clause for the child.</param>
    public static async Task LoadAsync(
        NpgsqlConnection source,
        NpgsqlConnection target,
        NpgsqlTransaction transaction,
        MissingParentReference reference,
        bool parentInTarget,
        string sample,
        CancellationToken cancellationToken)
    {
        var keys = Columns(reference);
        var typed = parentInTarget
            ? $"CREATE TEMP TABLE {Table} ON COMMIT DROP AS SELECT {string.Join(", ", reference.ParentColumns.Select((c, i) => $"p.{QualifiedName.QuoteIdentifier(c)} AS {keys[i]}"))}, 0::bigint AS n FROM {reference.Parent.Quoted} p WITH NO DATA"
            : $"CREATE TEMP TABLE {Table} ({string.Join(", ", keys.Select(k => k + " text"))}, n bigint) ON COMMIT DROP";
        await using (var create = new NpgsqlCommand(typed, target, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var columns = reference.ChildColumns.Select(c => "c." + QualifiedName.QuoteIdentifier(c)).ToList();
        var read = $"COPY (SELECT {string.Join(", ", columns)}, count(*) FROM {reference.Child.Quoted} c{sample} " +
                   $"WHERE {string.Join(" AND ", columns.Select(c => c + " IS NOT NULL"))}{Filter(reference)} GROUP BY {string.Join(", ", columns)}) TO STDOUT";
        using var reader = await source.BeginTextExportAsync(read, cancellationToken);
        await using var writer = await target.BeginTextImportAsync($"COPY {Table} ({string.Join(", ", keys)}, n) FROM STDIN", cancellationToken);
        var buffer = new char[64 * 1024];
        int count;
        while ((count = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
        {
            await writer.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
        }
    }

    /// <summary>" AND (filter)" for a mapped child with a row filter (only the rows the spec migrates), else empty.</summary>
    public static string Filter(MissingParentReference reference) => reference.ChildFilter is { } filter ? $" AND ({filter})" : "";

    /// <summary>
    /// SQL condition on <c>mp_keys k</c> (text keys) for a mapped reference (<see cref="MissingParentReference.EntityType"/>):
    /// migration_mappings lists no parent of the entity type with that legacy id (<paramref name="mappingsExist"/>
    /// false: nothing was ever mapped in the target, every key is missing).
    /// </summary>
    public static string NotMapped(MissingParentReference reference, bool mappingsExist) =>
        !mappingsExist ? "true"
        : $"NOT EXISTS (SELECT 1 FROM {QualifiedName.QuoteIdentifier(reference.ControlSchema ?? "migration_control")}.migration_mappings m " +
          $"WHERE m.entity_type = {SqlLiteral.Quote(reference.EntityType ?? "")} AND m.legacy_id = k.k0::text)";

    /// <summary>SQL condition on <c>mp_keys k</c>: no parent row in the target holds the key.</summary>
    public static string NoParent(MissingParentReference reference)
    {
        var keys = Columns(reference);
        return $"NOT EXISTS (SELECT 1 FROM {reference.Parent.Quoted} p WHERE {string.Join(" AND ", reference.ParentColumns.Select((c, i) => $"p.{QualifiedName.QuoteIdentifier(c)} = k.{keys[i]}"))})";
    }
}
