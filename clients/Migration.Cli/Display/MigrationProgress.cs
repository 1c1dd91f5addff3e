using Migration.Contracts.V1;

namespace Migration.Cli.Display;

/// <summary>
/// The watched migration's state, folded from a snapshot and the events that follow it: phase, per-table rows,
/// overall rate and ETA. Shared by the live view and the plain writer; it does no output itself.
/// </summary>
internal sealed class MigrationProgress(TimeProvider time) : IProgressFigures
{
    private readonly Dictionary<string, TableProgressState> _tables = new(StringComparer.Ordinal);
    private readonly List<TableProgressState> _order = [];
    private readonly RateTracker _rate = new();
    private long _snapshotRowsTotal;
    private double _serverRate;

    public string MigrationId { get; private set; } = string.Empty;

    public MigrationPhase Phase { get; private set; }

    public IReadOnlyList<TableProgressState> Tables => _order;

    public ValidationReport? Validation { get; private set; }

    public long RowsCopied => _order.Sum(t => t.RowsCopied);

    public long RowsTotal => Math.Max(_snapshotRowsTotal, _order.Sum(t => t.RowsTotal));

    public int TablesCompleted => _order.Count(t => t.Status == TableStatus.Completed);

    public double RowsPerSecond => _rate.RowsPerSecond ?? _serverRate;

    public TimeSpan? EstimatedRemaining => MigrationPhase.Completed == Phase
        ? TimeSpan.Zero
        : ProgressFormat.Remaining(RowsCopied, RowsTotal, RowsPerSecond);

    public TableProgressState? Find(string table) => _tables.GetValueOrDefault(table);

    public void ApplySnapshot(MigrationInfo migration)
    {
        ArgumentNullException.ThrowIfNull(migration);
        MigrationId = migration.Id;
        Phase = migration.Phase;
        _snapshotRowsTotal = migration.RowsTotal;
        _serverRate = migration.RowsPerSecond;
        Validation = migration.Validation;
        foreach (var table in migration.Tables)
        {
            Table(table.Table).Seed(table);
        }

        // Rates come from the events' own timestamps (server time); the first event after this sets the baseline.
        _rate.Clear();
    }

    public void Apply(MigrationEvent migrationEvent)
    {
        ArgumentNullException.ThrowIfNull(migrationEvent);
        var at = migrationEvent.OccurredAt?.ToDateTimeOffset() ?? time.GetUtcNow();
        switch (migrationEvent.KindCase)
        {
            case MigrationEvent.KindOneofCase.PhaseChanged:
                Phase = migrationEvent.PhaseChanged.To;
                break;
            case MigrationEvent.KindOneofCase.TableStarted:
                var started = migrationEvent.TableStarted;
                var table = Table(started.Table);
                table.Wave = started.Wave;
                table.WritePath = started.WritePath;
                table.Start(started.RowsTotal, started.RowsAlreadyCopied, at);
                _rate.Add(at, RowsCopied);
                break;
            case MigrationEvent.KindOneofCase.BatchCompleted:
                var batch = migrationEvent.BatchCompleted;
                Table(batch.Table).Copied(batch.TableRowsCopied, batch.TableRowsTotal, batch.RowsPerSecond, at);
                _rate.Add(at, RowsCopied);
                break;
            case MigrationEvent.KindOneofCase.TableCompleted:
                var completed = migrationEvent.TableCompleted;
                Table(completed.Table).Complete(completed.Rows, completed.Duration?.ToTimeSpan(), completed.RowsPerSecond);
                _rate.Add(at, RowsCopied);
                break;
            case MigrationEvent.KindOneofCase.ValidationResult:
                Validation = migrationEvent.ValidationResult;
                break;
            case MigrationEvent.KindOneofCase.PlanReady:
                ApplyPlan(migrationEvent.PlanReady);
                break;
        }
    }

    /// <summary>Lists the plan's tables (pending, with their estimated rows) so totals and "n/m tables" are known up front.</summary>
    public void ApplyPlan(MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var wave in plan.Waves)
        {
            foreach (var planned in wave.Tables)
            {
                var state = Table(planned.Table);
                state.Wave = wave.Number;
                state.WritePath = planned.WritePath;
                if (state.Status == TableStatus.Pending && state.RowsTotal == 0)
                {
                    state.RowsTotal = planned.EstimatedRows;
                }
            }
        }
    }

    private TableProgressState Table(string name)
    {
        if (!_tables.TryGetValue(name, out var table))
        {
            table = new TableProgressState(name);
            _tables.Add(name, table);
            _order.Add(table);
        }

        return table;
    }
}
