using System.Text.Json;
using Migration.Core.Execution;
using Migration.Core.Security;
using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Quarantine;

/// <summary>
/// Writes a bad row into the control schema's <c>quarantine</c> table inside the page's target transaction (so it
/// commits exactly once, with the page's good rows and checkpoint): reason (SQLSTATE, constraint, column, message,
/// detail), the row's source key, a bounded preview with secrets masked, and the full row as JSON — encrypted with
/// AES-256-GCM (<see cref="PayloadProtector"/>, bound to migration and table) when a key is configured.
/// </summary>
public sealed class QuarantineWriter
{
    private readonly PayloadProtector? _protector;

    public QuarantineWriter(PayloadProtector? protector = null) => _protector = protector;

    /// <summary>True when quarantined payloads are encrypted.</summary>
    public bool Encrypts => _protector is not null;

    /// <summary>The context a payload of (migration, table) is bound to (needed to decrypt it).</summary>
    public static string PayloadContext(string migrationId, string table) => $"quarantine:{migrationId}:{table}";

    internal async Task WriteAsync(
        NpgsqlConnection target,
        NpgsqlTransaction transaction,
        string controlSchema,
        string migrationId,
        string table,
        string? batchId,
        QuarantineReason reason,
        IReadOnlyList<string?> sourceKey,
        IReadOnlyList<string> columns,
        IReadOnlyList<string?> values,
        CancellationToken cancellationToken)
    {
        var row = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            row[columns[i]] = values[i];
        }

        var json = JsonSerializer.Serialize(row);
        var payload = _protector is null ? json : _protector.Protect(json, PayloadContext(migrationId, table));
        await using var command = new NpgsqlCommand(QuarantineSql.Insert(controlSchema), target, transaction);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        p.Add(new NpgsqlParameter<string> { TypedValue = table });
        p.Add(Text(batchId));
        p.Add(new NpgsqlParameter<string> { TypedValue = Cut(reason.Message, 2_000) });
        p.Add(Text(reason.SqlState));
        p.Add(Text(reason.Constraint));
        p.Add(Text(reason.Column));
        // The server's detail repeats the failing row's values ("Failing row contains (...)"): never stored in clear.
        p.Add(Text(reason.Detail is null ? null : _protector?.Protect(reason.Detail, PayloadContext(migrationId, table)) ?? RedactedDetail(reason.Detail)));
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. sourceKey], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string> { TypedValue = RowPreview.Render(columns, values) });
        p.Add(new NpgsqlParameter<string> { TypedValue = payload });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<long> CountAsync(NpgsqlConnection target, NpgsqlTransaction transaction, string controlSchema, string migrationId, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(QuarantineSql.CountTable(controlSchema), target, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // Without a key the detail is kept only when it does not quote the row's values.
    private static string RedactedDetail(string detail) =>
        detail.StartsWith("Failing row contains", StringComparison.Ordinal) || detail.Contains(")=(", StringComparison.Ordinal)
            ? "(the server's detail quotes the row's values; see the preview)"
            : Cut(detail, 500);

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max] + "…";

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
