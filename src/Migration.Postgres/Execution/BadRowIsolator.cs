using System.Data;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Migration.Core.Catalog;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Postgres.Quarantine;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// Seed L1 bad-row isolation. A page that failed on its data is written again inside its own target transaction
/// (same lock, same checkpoint, so still exactly once), by halves: each sub-write runs under a savepoint; one that
/// fails is rolled back to the savepoint and split again, until the failing rows stand alone. Each is set aside in
/// the quarantine with its reason, the other rows stay written, and the page commits with its checkpoint as usual.
/// The rows are re-read from the source only for the failed page and only for the halves that failed (about two
/// reads of the page per bad row, bounded by the page), in one REPEATABLE READ snapshot, positioned by
/// <c>ORDER BY key OFFSET n LIMIT m</c> (heap position for tables without a key). The table's
/// <see cref="ErrorBudget"/> is checked as rows are set aside: once exhausted the page is rolled back whole and
/// <see cref="ErrorBudgetExceededException"/> stops the table for a decision.
/// </summary>
internal sealed class BadRowIsolator(NpgsqlDataSourceProvider dataSources, QuarantineWriter writer, CopyResilienceMetrics metrics, ILogger logger)
{
    private const string Savepoint = "migration_bad_rows";

    public async Task<IsolatedPage> WriteAsync(
        PageContext page,
        PageRange range,
        NpgsqlConnection target,
        NpgsqlTransaction targetTransaction,
        string batchId,
        long rowsCopiedBefore,
        CancellationToken cancellationToken)
    {
        var context = page.Table;
        var request = context.Request;
        var budget = request.ErrorBudget;
        var tableTag = new KeyValuePair<string, object?>("migration.table", context.TableName);
        metrics.Isolations.Add(1, tableTag);
        var earlier = await QuarantineWriter.CountAsync(target, targetTransaction, request.ControlSchema, request.MigrationId, context.TableName, cancellationToken);

        await using var source = await dataSources.OpenConnectionAsync(request.SourceConnectionString, cancellationToken);
        await using var sourceTransaction = await SourceSnapshot.BeginAsync(source, cancellationToken);

        var from = $"FROM {context.Source.Quoted} WHERE {range.SourcePredicate} ORDER BY {(page.Pager.OrderBy.Length > 0 ? page.Pager.OrderBy : "ctid")}";
        long rows;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM {context.Source.Quoted} WHERE {range.SourcePredicate}", source, sourceTransaction) { CommandTimeout = 0 })
        {
            rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        // The whole page is known to fail: start with its halves.
        var pending = new Stack<(long Offset, long Count)>();
        Split(pending, 0, rows);
        long written = 0, quarantined = 0, discarded = 0;
        var attempts = 0;
        while (pending.TryPop(out var segment))
        {
            attempts++;
            var (segmentRows, reason, wasted) = await TryWriteAsync(page, source, sourceTransaction, target, targetTransaction, from, segment.Offset, segment.Count, cancellationToken);
            discarded += wasted;
            if (reason is null)
            {
                written += segmentRows;
                continue;
            }

            if (segment.Count > 1)
            {
                Split(pending, segment.Offset, segment.Count);
                continue;
            }

            if (await QuarantineAsync(context, source, sourceTransaction, target, targetTransaction, from, segment.Offset, batchId, reason, cancellationToken))
            {
                quarantined++;
                metrics.RowsQuarantined.Add(1, tableTag, new KeyValuePair<string, object?>("error.sql_state", reason.SqlState));
                if (earlier + quarantined > budget.MaxQuarantinedRows)
                {
                    throw Exhausted(context, batchId, earlier + quarantined, rowsCopiedBefore + earlier + written + quarantined, reason);
                }
            }
        }

        var seen = rowsCopiedBefore + earlier + written + quarantined;
        if (quarantined > 0 && budget.IsExceeded(earlier + quarantined, seen))
        {
            throw Exhausted(context, batchId, earlier + quarantined, seen, null);
        }

        BadRowLog.Isolated(logger, batchId, context.TableName, written, quarantined, attempts);
        return new IsolatedPage(written, quarantined, discarded);
    }

    /// <summary>Rows of the request's table set aside so far (committed).</summary>
    public async Task<long> CountAsync(TableCopyRequest request, CancellationToken cancellationToken)
    {
        await using var target = await dataSources.OpenConnectionAsync(request.TargetConnectionString, cancellationToken);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        return await QuarantineWriter.CountAsync(target, transaction, request.ControlSchema, request.MigrationId, request.Table.Table.ToString(), cancellationToken);
    }

    /// <summary>
    /// Rows of one range of the request's table set aside so far (committed): those of its pages, whose batch ids are
    /// <c>table#range.page</c>, or the whole table's when it is copied in one piece.
    /// </summary>
    public async Task<long> CountRangeAsync(TableCopyRequest request, int range, bool ranged, CancellationToken cancellationToken)
    {
        if (!ranged)
        {
            return await CountAsync(request, cancellationToken);
        }

        var table = request.Table.Table.ToString();
        await using var target = await dataSources.OpenConnectionAsync(request.TargetConnectionString, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM {QualifiedName.QuoteIdentifier(request.ControlSchema)}.quarantine " +
            "WHERE migration_id = $1 AND table_name = $2 AND left(batch_id, length($3)) = $3", target);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.MigrationId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Create(CultureInfo.InvariantCulture, $"{table}#{range}.") });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private ErrorBudgetExceededException Exhausted(TableCopyContext context, string batchId, long quarantined, long seen, QuarantineReason? reason)
    {
        var budget = context.Request.ErrorBudget;
        metrics.BudgetsExhausted.Add(1, new KeyValuePair<string, object?>("migration.table", context.TableName));
        BadRowLog.BudgetExhausted(logger, context.TableName, quarantined, seen, budget.ToString());
        return new ErrorBudgetExceededException(context.TableName, batchId, quarantined, seen, budget,
            reason ?? new QuarantineReason("too many rows of the table were set aside", null, null, null, null));
    }

    // Second half pushed first: halves are written in key order.
    private static void Split(Stack<(long Offset, long Count)> pending, long offset, long count)
    {
        if (count <= 0)
        {
            return;
        }

        if (count == 1)
        {
            pending.Push((offset, 1));
            return;
        }

        var half = count / 2;
        pending.Push((offset + half, count - half));
        pending.Push((offset, half));
    }

    private static async Task<(long Rows, QuarantineReason? Reason, long Discarded)> TryWriteAsync(
        PageContext page,
        NpgsqlConnection source,
        NpgsqlTransaction sourceTransaction,
        NpgsqlConnection target,
        NpgsqlTransaction targetTransaction,
        string from,
        long offset,
        long count,
        CancellationToken cancellationToken)
    {
        var context = page.Table;
        var before = await SavepointAsync(target, targetTransaction, page.Sql, $"SAVEPOINT {Savepoint}", cancellationToken);
        var select = string.Create(CultureInfo.InvariantCulture, $"SELECT {context.SourceColumnList} {from} OFFSET {offset} LIMIT {count}");
        try
        {
            long rows;
            if (context.Request.Table.WritePath == WritePath.PassThrough)
            {
                rows = await PassThroughPipe.CopyAsync(source, target, $"COPY ({select}) TO STDOUT (FORMAT {(context.Binary ? "binary" : "text")})",
                    page.Sql.CopyIn, context.Binary, cancellationToken);
            }
            else
            {
                await using var command = new NpgsqlCommand(select, source, sourceTransaction) { CommandTimeout = 0 };
                await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
                rows = await context.MappedWriter!.WriteAsync(targetTransaction, reader, context.Projector!, cancellationToken);
            }

            await using var release = new NpgsqlCommand($"RELEASE SAVEPOINT {Savepoint}", target, targetTransaction);
            await release.ExecuteNonQueryAsync(cancellationToken);
            return (rows, null, 0);
        }
        catch (Exception ex) when (DataErrors.Reason(ex) is { } reason)
        {
            var after = await SavepointAsync(target, targetTransaction, page.Sql, $"ROLLBACK TO SAVEPOINT {Savepoint}; RELEASE SAVEPOINT {Savepoint}", cancellationToken);
            return (0, reason, after - before);
        }
    }

    // Runs the savepoint statement(s) and returns the rows the transaction has inserted into the target table so far.
    private static async Task<long> SavepointAsync(NpgsqlConnection target, NpgsqlTransaction transaction, PageSql sql, string statements, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(target, transaction);
        foreach (var statement in statements.Split("; "))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.InsertedCount));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken))
        {
        }

        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    private async Task<bool> QuarantineAsync(
        TableCopyContext context,
        NpgsqlConnection source,
        NpgsqlTransaction sourceTransaction,
        NpgsqlConnection target,
        NpgsqlTransaction targetTransaction,
        string from,
        long offset,
        string batchId,
        QuarantineReason reason,
        CancellationToken cancellationToken)
    {
        var keys = context.IsKeyset ? context.KeyColumns.Select(k => QualifiedName.QuoteIdentifier(k) + "::text").ToList() : ["ctid::text"];
        var columns = context.Columns.Select(c => c.SourceColumn).ToList();
        // Aliased: an output column named like a key column would make ORDER BY sort by its text.
        var outputs = keys.Concat(columns.Select(c => QualifiedName.QuoteIdentifier(c) + "::text")).Select((e, i) => $"{e} AS q{i}");
        var select = string.Create(CultureInfo.InvariantCulture, $"SELECT {string.Join(", ", outputs)} {from} OFFSET {offset} LIMIT 1");
        var key = new string?[keys.Count];
        var values = new string?[columns.Count];
        await using (var command = new NpgsqlCommand(select, source, sourceTransaction) { CommandTimeout = 0 })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false; // the row is gone from the source: nothing to set aside
            }

            for (var i = 0; i < key.Length; i++)
            {
                key[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            }

            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(keys.Count + i) ? null : reader.GetString(keys.Count + i);
            }
        }

        var request = context.Request;
        await writer.WriteAsync(target, targetTransaction, request.ControlSchema, request.MigrationId, context.TableName, batchId, reason, key, columns, values, cancellationToken);
        BadRowLog.Quarantined(logger, context.TableName, string.Join(",", key), batchId, reason.SqlState, reason.Constraint, reason.Column);
        return true;
    }
}
