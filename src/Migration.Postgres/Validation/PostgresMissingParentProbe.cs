using System.Globalization;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Postgres.Catalog;
using Migration.Postgres.Execution;
using Npgsql;

namespace Migration.Postgres.Validation;

/// <summary>
/// The missing-parents check, set-based: the child's distinct keys streamed into the target (<see cref="ChildKeys"/>),
/// where one anti-join with the parent table counts the keys (and child rows) that have no parent. Nothing is held in
/// memory but one line at a time. A child larger than <see cref="SampleAboveRows"/> (by the statistics' estimate) is
/// read through <c>TABLESAMPLE SYSTEM</c> and the finding says which share was sampled.
/// </summary>
public sealed class PostgresMissingParentProbe : IMissingParentProbe
{
    /// <summary>Children estimated above this many rows are sampled (block sampling) instead of read whole.</summary>
    public long SampleAboveRows { get; init; } = 5_000_000;

    public async Task<MissingParentFinding> ProbeAsync(string sourceConnectionString, string targetConnectionString, MissingParentReference reference,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await using var source = await PostgresSession.OpenAsync(sourceConnectionString, cancellationToken);
        await using var target = await PostgresSession.OpenAsync(targetConnectionString, cancellationToken);
        var mapped = reference.EntityType is not null;
        var parentInSource = await ExistsAsync(source, reference.ParentSource ?? reference.Parent, cancellationToken);
        var parentInTarget = (!mapped || reference.ParentInTarget) && await ExistsAsync(target, reference.Parent, cancellationToken);
        var estimate = await ScalarAsync(source, $"SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass({Literal(reference.Child.Quoted)})", cancellationToken);
        double? percent = estimate > SampleAboveRows ? Math.Max(0.01, Math.Round(100.0 * SampleAboveRows / estimate, 2)) : null;

        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        var keys = ChildKeys.Columns(reference);
        var parent = reference.Parent.Quoted;
        var sample = percent is { } p ? string.Create(CultureInfo.InvariantCulture, $" TABLESAMPLE SYSTEM ({p})") : "";
        // Mapped (a spec's reference to an entity no table of the spec produces): the keys are legacy ids, and a parent
        // is in the new database when migration_mappings lists it — what the copy looks up page by page.
        await ChildKeys.LoadAsync(source, target, transaction, reference, parentInTarget && !mapped, sample, cancellationToken);
        var missing = mapped
            ? ChildKeys.NotMapped(reference, await ExistsAsync(target, new QualifiedName(reference.ControlSchema ?? "migration_control", "migration_mappings"), cancellationToken))
            : parentInTarget ? ChildKeys.NoParent(reference) : "true";
        var example = keys.Count == 1 ? $"k.{keys[0]}::text" : $"concat_ws(',', {string.Join(", ", keys.Select(k => $"k.{k}::text"))})";
        long distinct, missingKeys, childRows;
        var examples = new List<string>();
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT count(*), count(*) FILTER (WHERE {missing}), coalesce(sum(n) FILTER (WHERE {missing}), 0)::bigint,
                   (SELECT array_agg(e) FROM (SELECT {example} AS e FROM mp_keys k WHERE {missing} ORDER BY 1 LIMIT 5) x)
            FROM mp_keys k
            """, target, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            distinct = reader.GetInt64(0);
            missingKeys = reader.GetInt64(1);
            childRows = reader.GetInt64(2);
            if (!reader.IsDBNull(3))
            {
                examples.AddRange(reader.GetFieldValue<string[]>(3));
            }
        }

        var parentRows = parentInTarget ? await ScalarAsync(target, $"SELECT count(*) FROM (SELECT 1 FROM {parent} LIMIT 1000000) x", cancellationToken, transaction) : 0;
        await transaction.RollbackAsync(cancellationToken);
        return new MissingParentFinding(reference, distinct, missingKeys, childRows, examples, percent, parentInSource, parentRows);
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, QualifiedName table, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, $"SELECT count(*) FROM pg_class WHERE oid = to_regclass({Literal(table.Quoted)})", cancellationToken) > 0;

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken) ?? 0L, CultureInfo.InvariantCulture);
    }
}
