using System.Data;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Migration.Core.Abstractions;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Postgres.Control;
using Migration.Postgres.Quarantine;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Migration.Postgres.Execution;

/// <summary>
/// The copy engine. A table is moved page by page from its checkpoint to the end; each page is ONE target
/// transaction holding the page's rows and its checkpoint upsert, so a page is committed exactly once:
/// <list type="bullet">
/// <item>Pages are cut by key (arithmetic on a single integer key, else keyset with a counted bound) or by heap block
/// ranges (ctid) and read in a REPEATABLE READ READ ONLY source transaction.</item>
/// <item>Rows are written by the pass-through path (source COPY streamed into target COPY) or the mapped path
/// (DataReader → row projector → linq2db BulkCopy).</item>
/// <item>Each page takes a transaction-level advisory lock on (migration, table) and re-reads the checkpoint inside
/// the transaction, so two workers on the same table never copy the same page twice.</item>
/// <item>With ValidateBatches the rows the page's transaction inserted into the target are counted before commit; a
/// mismatch with the rows read from the source rolls it back.</item>
/// <item>Pages before the last commit asynchronously (<c>synchronous_commit = off</c> for that transaction): the
/// target does not wait for its WAL flush, which on a durable server costs ~30 ms a page. Data and checkpoint are
/// one transaction, and PostgreSQL never loses a later transaction while keeping an earlier one, so a target crash
/// can only take back the last pages' data together with their checkpoints: the copy resumes before them and copies
/// them again. The last page commits synchronously, which also flushes every page before it, so a table reported
/// complete is durable.</item>
/// <item>Transient failures are retried (Polly: exponential backoff with jitter, 5 attempts) with the page halved;
/// anything else surfaces, PostgreSQL errors as the <see cref="PostgresException"/> itself (SqlState, constraint).</item>
/// <item>A page that fails on its data (SQLSTATE classes 22, 23) is written again by <see cref="BadRowIsolator"/>:
/// bisected until the bad rows are set aside in the quarantine, within the table's <see cref="ErrorBudget"/>.</item>
/// </list>
/// </summary>
public sealed class PostgresTableCopier : ITableCopier, IRangeCopier
{
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSourceProvider _dataSources;
    private readonly IControlStore _controlStore;
    private readonly ILogger<PostgresTableCopier> _logger;
    private readonly MappedWriterCache _mappedWriters = new();
    private readonly CopyResilienceMetrics _metrics;
    private readonly BadRowIsolator _isolator;

    public PostgresTableCopier(
        NpgsqlDataSourceProvider dataSources,
        IControlStore controlStore,
        ILogger<PostgresTableCopier>? logger = null,
        QuarantineWriter? quarantine = null,
        CopyResilienceMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(dataSources);
        ArgumentNullException.ThrowIfNull(controlStore);
        _dataSources = dataSources;
        _controlStore = controlStore;
        _logger = logger ?? NullLogger<PostgresTableCopier>.Instance;
        _metrics = metrics ?? new CopyResilienceMetrics();
        _isolator = new BadRowIsolator(dataSources, quarantine ?? new QuarantineWriter(), _metrics, _logger);
    }

    /// <summary>Base delay of the retry backoff (exponential with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Copies the table of <paramref name="request"/> from its checkpoint to the end and returns the table's totals
    /// as recorded in its checkpoint (rows and batches of earlier runs included). <paramref name="onBatch"/> is
    /// called after each page commits.
    /// </summary>
    public async Task<TableCopyResult> CopyAsync(TableCopyRequest request, Func<BatchResult, CancellationToken, Task> onBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(onBatch);
        var problems = request.Batch.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid batch settings: {string.Join("; ", problems.Select(p => $"{p.Field} {p.Problem}"))}", nameof(request));
        }

        var stopwatch = Stopwatch.StartNew();
        await _controlStore.EnsureSchemaAsync(request.TargetConnectionString, request.ControlSchema, cancellationToken);
        var context = await TableCopyContext.CreateAsync(request, _dataSources, _mappedWriters, cancellationToken);
        var chunks = await ChunkLayout.LoadOrCreateAsync(_dataSources, context, request.Parallelism, cancellationToken);
        var progress = new TableProgress(chunks);

        // Ranges run side by side (at most Parallelism at once); reports reach onBatch one at a time, in commit order.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(Math.Max(1, request.Parallelism));
        using var reporting = new SemaphoreSlim(1);
        async Task Report(BatchResult batch, CancellationToken token)
        {
            await reporting.WaitAsync(token);
            try
            {
                await onBatch(batch, token);
            }
            finally
            {
                reporting.Release();
            }
        }

        var runs = chunks.Select(async chunk =>
        {
            await slots.WaitAsync(stop.Token);
            try
            {
                await CopyChunkAsync(context, chunk, chunks.Count > 1, progress, Report, stop.Token);
            }
            catch
            {
                await stop.CancelAsync(); // one range failing stops the others at their next page
                throw;
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        try
        {
            await Task.WhenAll(runs);
        }
        catch when (runs.FirstOrDefault(r => r.IsFaulted && r.Exception!.InnerException is not OperationCanceledException) is { } failed)
        {
            // The range that failed first, not the cancellation it caused in the others.
            await failed;
            throw;
        }

        var (rows, batches) = progress.Totals;
        PostgresCopierLog.TableCompleted(_logger, context.TableName, rows, batches, request.Table.WritePath.ToString(), request.Table.Paging.ToString(), stopwatch.ElapsedMilliseconds);
        return new TableCopyResult(context.TableName, rows, batches, stopwatch.Elapsed)
        {
            RowsQuarantined = await _isolator.CountAsync(request, cancellationToken),
        };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CopyRangeState>> PrepareRangesAsync(TableCopyRequest request, CancellationToken cancellationToken = default)
    {
        var context = await PrepareAsync(request, cancellationToken);
        var chunks = await ChunkLayout.LoadOrCreateAsync(_dataSources, context, request.Parallelism, cancellationToken);
        var states = new List<CopyRangeState>(chunks.Count);
        foreach (var chunk in chunks)
        {
            states.Add(new CopyRangeState(chunk.Number, chunk.RowsCopied, chunk.Batches, chunk.Completed)
            {
                RowsQuarantined = await _isolator.CountRangeAsync(request, chunk.Number, chunks.Count > 1, cancellationToken),
            });
        }

        return states;
    }

    /// <inheritdoc />
    public async Task<RangeCopyResult> CopyRangeAsync(
        TableCopyRequest request,
        int range,
        Func<BatchResult, CancellationToken, Task> onBatch,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onBatch);
        var stopwatch = Stopwatch.StartNew();
        var context = await PrepareAsync(request, cancellationToken);
        var chunks = await ChunkLayout.LoadOrCreateAsync(_dataSources, context, request.Parallelism, cancellationToken);
        var chunk = chunks.FirstOrDefault(c => c.Number == range)
            ?? throw new ArgumentOutOfRangeException(nameof(range), range, $"{context.TableName} has ranges 0..{chunks.Count - 1}.");

        // The range's own totals: the table grain (or whoever dispatched the ranges) adds them up.
        var progress = new TableProgress([chunk]);
        await CopyChunkAsync(context, chunk, chunks.Count > 1, progress, onBatch, cancellationToken);
        var (rows, batches) = progress.Totals;
        return new RangeCopyResult(context.TableName, range, rows, batches, stopwatch.Elapsed)
        {
            RowsQuarantined = await _isolator.CountRangeAsync(request, range, chunks.Count > 1, cancellationToken),
        };
    }

    private async Task<TableCopyContext> PrepareAsync(TableCopyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = request.Batch.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid batch settings: {string.Join("; ", problems.Select(p => $"{p.Field} {p.Problem}"))}", nameof(request));
        }

        await _controlStore.EnsureSchemaAsync(request.TargetConnectionString, request.ControlSchema, cancellationToken);
        return await TableCopyContext.CreateAsync(request, _dataSources, _mappedWriters, cancellationToken);
    }

    private async Task CopyChunkAsync(
        TableCopyContext context,
        CopyChunk chunk,
        bool ranged,
        TableProgress progress,
        Func<BatchResult, CancellationToken, Task> report,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var controller = new AdaptiveBatchController(request.Batch, request.Table.InitialBatchSize > 0 ? request.Table.InitialBatchSize : null);
        IPager pager = !context.IsKeyset ? new CtidPager(context, chunk.End is null ? null : long.Parse(chunk.End, CultureInfo.InvariantCulture))
            : IntegerKeyPager.Supports(context) ? new IntegerKeyPager(context, chunk.End is null ? null : long.Parse(chunk.End, CultureInfo.InvariantCulture))
            : new KeysetPager(context);
        var pipeline = BuildRetryPipeline(context, controller);
        var sql = new PageSql(context, pager);
        var page = new PageContext(context, chunk.Number, ranged, sql, pager);

        var first = true;
        PageOutcome? last = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var expected = last;
            PageOutcome outcome;
            try
            {
                outcome = await pipeline.ExecuteAsync(
                    async token => await CopyPageAsync(page, controller.Current, expected, first, false, token),
                    cancellationToken);
            }
            catch (Exception ex) when (request.ErrorBudget.IsolationEnabled && context.SpecWriter is null && DataErrors.Reason(ex) is { } reason)
            {
                // Seed L1: the page failed on its data; write it again, bisected, setting the bad rows aside.
                BadRowLog.Isolating(_logger, context.TableName, $"after {expected?.Range ?? "the start"}", reason.SqlState);
                outcome = await pipeline.ExecuteAsync(
                    async token => await CopyPageAsync(page, controller.Current, expected, first, true, token),
                    cancellationToken);
            }

            first = false;
            last = outcome;
            var (tableRows, tableBatches) = progress.Record(chunk.Number, outcome.TableRowsCopied, outcome.BatchesCompleted);
            if (outcome.WasAlreadyComplete)
            {
                break;
            }

            var next = outcome.Rows > 0
                ? controller.Record(pager.ExactPageSize || outcome.TableCompleted ? (int)Math.Min(outcome.Rows, int.MaxValue) : controller.Current, outcome.Duration)
                : controller.Current;
            if (outcome.Rows > 0 || outcome.Quarantined > 0)
            {
                PostgresCopierLog.PageCommitted(_logger, outcome.BatchId, outcome.Rows, outcome.Range, (long)outcome.Duration.TotalMilliseconds, next);
                await report(
                    new BatchResult(context.TableName, outcome.BatchId, (int)outcome.Rows, outcome.Duration, tableRows, tableBatches, next, request.ValidateBatches)
                    {
                        RowsQuarantined = (int)outcome.Quarantined,
                    },
                    cancellationToken);
            }

            if (outcome.TableCompleted)
            {
                break;
            }
        }
    }

    private ResiliencePipeline BuildRetryPipeline(TableCopyContext context, AdaptiveBatchController controller) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(TransientPostgresErrors.IsTransient),
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                OnRetry = args =>
                {
                    var size = controller.Halve();
                    var exception = args.Outcome.Exception!;
                    _metrics.Retries.Add(1, new KeyValuePair<string, object?>("migration.table", context.TableName),
                        new KeyValuePair<string, object?>("error.sql_state", (exception as PostgresException)?.SqlState));
                    if (TransientPostgresErrors.IsConnectionLoss(exception))
                    {
                        _dataSources.Get(context.Request.SourceConnectionString).Clear();
                        _dataSources.Get(context.Request.TargetConnectionString).Clear();
                    }

                    PostgresCopierLog.RetryingPage(_logger, exception, context.TableName, args.AttemptNumber + 1, (exception as PostgresException)?.SqlState, (long)args.RetryDelay.TotalMilliseconds, size);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private async Task<PageOutcome> CopyPageAsync(
        PageContext page,
        int pageSize,
        PageOutcome? previous,
        bool first,
        bool isolate,
        CancellationToken cancellationToken)
    {
        var (context, chunk, sql, pager) = (page.Table, page.Chunk, page.Sql, page.Pager);
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        await using var target = await _dataSources.OpenConnectionAsync(request.TargetConnectionString, cancellationToken);
        await using var targetTransaction = await target.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        // Lock the (migration, table) pair for this transaction, then read where the table really is.
        var (checkpoint, insertedBefore) = await LockAndReadCheckpointAsync(target, targetTransaction, context, chunk, sql, cancellationToken);
        if (checkpoint.Completed)
        {
            return new PageOutcome(0, TimeSpan.Zero, checkpoint.RowsCopied, checkpoint.Batches, true, true, "", "");
        }

        if (first && checkpoint.Batches > 0)
        {
            PostgresCopierLog.Resuming(_logger, context.TableName, checkpoint.RowsCopied, checkpoint.Batches);
        }
        else if (previous is not null && previous.TableRowsCopied != checkpoint.RowsCopied)
        {
            PostgresCopierLog.CheckpointMoved(_logger, context.TableName, checkpoint.RowsCopied);
        }

        await using var source = await _dataSources.OpenConnectionAsync(request.SourceConnectionString, cancellationToken);
        await using var sourceTransaction = await SourceSnapshot.BeginAsync(source, cancellationToken);

        var range = await pager.NextAsync(source, sourceTransaction, checkpoint.LastKey, pageSize, cancellationToken);

        long rows;
        long? written = null; // rows the target received, when a mapping spec's policies keep some out
        IsolatedPage? isolated = null;
        if (isolate)
        {
            var id = BatchId(page, checkpoint.Batches + 1);
            isolated = await _isolator.WriteAsync(page, range, target, targetTransaction, id, checkpoint.RowsCopied, cancellationToken);
            rows = isolated.Written;
        }
        else if (context.SpecWriter is { } mapped)
        {
            // A schema-changing table: its spec's query, evaluated rows, id mappings and policy outcomes, in this transaction.
            var bookkeeping = new Mapping.SpecPageContext(request.ControlSchema, request.MigrationId, context.TableName, BatchId(page, checkpoint.Batches + 1), mapped.Spec.EntityType);
            var result = await mapped.WriteAsync(source, sourceTransaction, target, targetTransaction, mapped.Spec.Select(range.SourcePredicate, pager.OrderBy), bookkeeping, cancellationToken);
            (rows, written) = (result.Read, result.Written);
        }
        else if (request.Table.WritePath == WritePath.PassThrough)
        {
            rows = await PassThroughPipe.CopyAsync(source, target, sql.CopyOut(range), sql.CopyIn, context.Binary, cancellationToken);
        }
        else
        {
            await using var select = new NpgsqlCommand(sql.Select(range), source, sourceTransaction) { CommandTimeout = 0 };
            await using var reader = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            rows = await context.MappedWriter!.WriteAsync(targetTransaction, reader, context.Projector!, cancellationToken);
        }

        pager.Observe(rows, range, checkpoint.LastKey);
        var batches = checkpoint.Batches + (rows > 0 || isolated?.Quarantined > 0 ? 1 : 0);
        var batchId = BatchId(page, batches);
        var total = checkpoint.RowsCopied + rows;

        // Validation count, checkpoint upsert (and the commit mode) in one round trip, then commit (or roll back on a mismatch).
        await using (var batch = new NpgsqlBatch(target, targetTransaction))
        {
            var validate = request.ValidateBatches;
            if (validate)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.InsertedCount));
            }

            var upsert = new NpgsqlBatchCommand(ControlSchemaSql.UpsertCheckpoint(request.ControlSchema));
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.MigrationId });
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.TableName });
            upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunk });
            upsert.Parameters.Add(new NpgsqlParameter<string?[]?> { TypedValue = range.NextCheckpointKey?.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = total });
            upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batches });
            upsert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = range.IsLast });
            batch.BatchCommands.Add(upsert);
            if (!range.IsLast)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
            }

            await using var result = await batch.ExecuteReaderAsync(cancellationToken);
            if (validate)
            {
                await result.ReadAsync(cancellationToken);
                var counted = result.GetInt64(0) - insertedBefore - (isolated?.DiscardedInserts ?? 0);
                if (counted != (written ?? rows))
                {
                    PostgresCopierLog.ValidationFailed(_logger, batchId, context.TableName, rows, counted);
                    throw new BatchValidationException(
                        $"Batch {batchId} of {context.TableName} ({range.Description}) read {rows} rows from the source but the target holds {counted}; the batch was rolled back.");
                }
            }
        }

        await targetTransaction.CommitAsync(cancellationToken);
        return new PageOutcome(rows, Stopwatch.GetElapsedTime(started), total, batches, range.IsLast, false, batchId, range.Description)
        {
            Quarantined = isolated?.Quarantined ?? 0,
        };
    }

    private static string BatchId(PageContext page, int batches) => page.Ranged
        ? string.Create(CultureInfo.InvariantCulture, $"{page.Table.TableName}#{page.Chunk}.{batches}")
        : string.Create(CultureInfo.InvariantCulture, $"{page.Table.TableName}#{batches}");

    private static async Task<(CommittedCheckpoint Checkpoint, long InsertedBefore)> LockAndReadCheckpointAsync(
        NpgsqlConnection target,
        NpgsqlTransaction transaction,
        TableCopyContext context,
        int chunk,
        PageSql sql,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        await using var batch = new NpgsqlBatch(target, transaction);
        var lockCommand = new NpgsqlBatchCommand(ControlSchemaSql.LockMigrationObject);
        lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.MigrationId });
        lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{context.TableName}#{chunk.ToString(CultureInfo.InvariantCulture)}" });
        batch.BatchCommands.Add(lockCommand);

        var read = new NpgsqlBatchCommand(ControlSchemaSql.SelectCheckpoint(request.ControlSchema));
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.MigrationId });
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.TableName });
        read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunk });
        batch.BatchCommands.Add(read);

        if (request.ValidateBatches)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.InsertedCount));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var checkpoint = CommittedCheckpoint.Initial;
        if (await reader.ReadAsync(cancellationToken))
        {
            checkpoint = new CommittedCheckpoint(
                reader.IsDBNull(0) ? null : reader.GetFieldValue<string?[]>(0),
                reader.GetInt64(1),
                reader.GetInt32(2),
                reader.GetBoolean(3));
        }

        long inserted = 0;
        if (request.ValidateBatches)
        {
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            inserted = reader.GetInt64(0);
        }

        return (checkpoint, inserted);
    }
}
