using System.Diagnostics.Metrics;
using Migration.Postgres.Execution;
using Npgsql;

namespace Migration.Postgres.Tests.Quarantine;

/// <summary>Reads the quarantine of a test migration and counts the copier's self-recovery metrics.</summary>
internal static class QuarantineTestKit
{
    public sealed record Row(string RawKey, string? SqlState, string? Constraint, string? Column, string Preview, string Payload, string Reason);

    public static async Task<List<Row>> RowsAsync(string target, string migrationId)
    {
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT row_key[1], sql_state, constraint_name, column_name, row_preview, payload, reason
            FROM migration_control.quarantine WHERE migration_id = $1 ORDER BY id
            """, connection);
        command.Parameters.AddWithValue(migrationId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }

        return [.. rows.OrderBy(r => r.RawKey.Length).ThenBy(r => r.RawKey, StringComparer.Ordinal)];
    }

    public static long Key(this Row row) => long.Parse(row.RawKey, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Counts what one copier's metrics record (retries, rows quarantined) while it is alive.</summary>
    public sealed class MetricCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _retries;
        private long _quarantined;

        public MetricCounts(CopyResilienceMetrics metrics)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument, metrics.Retries) || ReferenceEquals(instrument, metrics.RowsQuarantined))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (ReferenceEquals(instrument, metrics.Retries))
                {
                    Interlocked.Add(ref _retries, value);
                }
                else
                {
                    Interlocked.Add(ref _quarantined, value);
                }
            });
            _listener.Start();
        }

        public long Retries => Interlocked.Read(ref _retries);

        public long Quarantined => Interlocked.Read(ref _quarantined);

        public void Dispose() => _listener.Dispose();
    }
}
