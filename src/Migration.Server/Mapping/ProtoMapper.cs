using Google.Protobuf.WellKnownTypes;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Core.Validation;
using Proto = Migration.Contracts.V1;

namespace Migration.Server.Mapping;

/// <summary>Maps between the domain (Core) and the public contract. Proto types never leave the server layer.</summary>
public static class ProtoMapper
{
    public static Proto.MigrationPhase ToProto(this MigrationPhase phase) => phase switch
    {
        MigrationPhase.Created => Proto.MigrationPhase.Created,
        MigrationPhase.Discovery => Proto.MigrationPhase.Discovery,
        MigrationPhase.Planning => Proto.MigrationPhase.Planning,
        MigrationPhase.Mapping => Proto.MigrationPhase.Mapping,
        MigrationPhase.AwaitingApproval => Proto.MigrationPhase.AwaitingApproval,
        MigrationPhase.Execution => Proto.MigrationPhase.Execution,
        MigrationPhase.Validation => Proto.MigrationPhase.Validation,
        MigrationPhase.Completed => Proto.MigrationPhase.Completed,
        MigrationPhase.Paused => Proto.MigrationPhase.Paused,
        MigrationPhase.AwaitingDecision => Proto.MigrationPhase.AwaitingDecision,
        MigrationPhase.Failed => Proto.MigrationPhase.Failed,
        MigrationPhase.RolledBack => Proto.MigrationPhase.RolledBack,
        MigrationPhase.Cancelled => Proto.MigrationPhase.Cancelled,
        _ => Proto.MigrationPhase.Unspecified,
    };

    public static MigrationPhase? ToDomain(this Proto.MigrationPhase phase) => phase switch
    {
        Proto.MigrationPhase.Created => MigrationPhase.Created,
        Proto.MigrationPhase.Discovery => MigrationPhase.Discovery,
        Proto.MigrationPhase.Planning => MigrationPhase.Planning,
        Proto.MigrationPhase.Mapping => MigrationPhase.Mapping,
        Proto.MigrationPhase.AwaitingApproval => MigrationPhase.AwaitingApproval,
        Proto.MigrationPhase.Execution => MigrationPhase.Execution,
        Proto.MigrationPhase.Validation => MigrationPhase.Validation,
        Proto.MigrationPhase.Completed => MigrationPhase.Completed,
        Proto.MigrationPhase.Paused => MigrationPhase.Paused,
        Proto.MigrationPhase.AwaitingDecision => MigrationPhase.AwaitingDecision,
        Proto.MigrationPhase.Failed => MigrationPhase.Failed,
        Proto.MigrationPhase.RolledBack => MigrationPhase.RolledBack,
        Proto.MigrationPhase.Cancelled => MigrationPhase.Cancelled,
        _ => null,
    };

    public static Proto.WritePath ToProto(this WritePath path) =>
        path == WritePath.PassThrough ? Proto.WritePath.PassThrough : Proto.WritePath.Mapped;

    public static Proto.ForeignKeyMode ToProto(this ForeignKeyMode mode) => mode switch
    {
        ForeignKeyMode.Keep => Proto.ForeignKeyMode.Keep,
        ForeignKeyMode.RecreateAfterLoad => Proto.ForeignKeyMode.RecreateAfterLoad,
        _ => Proto.ForeignKeyMode.Unspecified,
    };

    public static ForeignKeyMode ToDomain(this Proto.ForeignKeyMode mode) => mode switch
    {
        Proto.ForeignKeyMode.Keep => ForeignKeyMode.Keep,
        Proto.ForeignKeyMode.RecreateAfterLoad => ForeignKeyMode.RecreateAfterLoad,
        _ => ForeignKeyMode.Unspecified,
    };

    public static Proto.Migration ToProto(this MigrationSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var migration = new Proto.Migration
        {
            Id = snapshot.Id,
            Phase = snapshot.Phase.ToProto(),
            Source = snapshot.Source,
            Target = snapshot.Target,
            Description = snapshot.Description,
            CreatedAt = Timestamp.FromDateTimeOffset(snapshot.CreatedAt),
            RowsTotal = snapshot.RowsTotal,
            RowsCopied = snapshot.RowsCopied,
            RowsPerSecond = snapshot.RowsPerSecond,
            ErrorMessage = snapshot.ErrorMessage ?? "",
            LastEventSequence = snapshot.LastEventSequence,
            PausedPhase = snapshot.PausedPhase?.ToProto() ?? Proto.MigrationPhase.Unspecified,
        };
        if (snapshot.StartedAt is { } started)
        {
            migration.StartedAt = Timestamp.FromDateTimeOffset(started);
        }

        if (snapshot.CompletedAt is { } completed)
        {
            migration.CompletedAt = Timestamp.FromDateTimeOffset(completed);
        }

        if (snapshot.EstimatedRemaining is { } eta)
        {
            migration.EstimatedRemaining = Duration.FromTimeSpan(eta);
        }

        if (snapshot.Validation is not null)
        {
            migration.Validation = snapshot.Validation.ToProto();
        }

        migration.Tables.AddRange(snapshot.Tables.Select(ToProto));
        return migration;
    }

    public static Proto.TableProgress ToProto(this TableProgressSnapshot table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var progress = new Proto.TableProgress
        {
            Table = table.Table,
            Status = table.Status switch
            {
                TableStatus.Pending => Proto.TableStatus.Pending,
                TableStatus.Running => Proto.TableStatus.Running,
                TableStatus.Completed => Proto.TableStatus.Completed,
                TableStatus.Failed => Proto.TableStatus.Failed,
                _ => Proto.TableStatus.Unspecified,
            },
            RowsTotal = table.RowsTotal,
            RowsCopied = table.RowsCopied,
            RowsPerSecond = table.RowsPerSecond,
            CurrentBatchSize = table.CurrentBatchSize,
            BatchesCompleted = table.BatchesCompleted,
            Wave = table.Wave,
            WritePath = table.WritePath.ToProto(),
            RowsQuarantined = table.RowsQuarantined,
        };
        if (table.EstimatedRemaining is { } eta)
        {
            progress.EstimatedRemaining = Duration.FromTimeSpan(eta);
        }

        return progress;
    }

    public static Proto.MigrationPlan ToProto(this MigrationPlan plan, string migrationId, bool approved, string? approvedBy)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var result = new Proto.MigrationPlan
        {
            MigrationId = migrationId,
            EstimatedRows = plan.EstimatedRows,
            EstimatedDuration = Duration.FromTimeSpan(plan.EstimatedDuration),
            MaxConcurrentBatches = plan.MaxConcurrentBatches,
            Batch = plan.Batch.ToProto(),
            ForeignKeyMode = plan.ForeignKeyMode.ToProto(),
            Summary = plan.Summary,
            Approved = approved,
            ApprovedBy = approvedBy ?? "",
            ResourceLimits = plan.ToResourceLimitsProto(),
        };
        foreach (var wave in plan.Waves)
        {
            var protoWave = new Proto.PlanWave { Number = wave.Number };
            protoWave.Tables.AddRange(wave.Tables.Select(ToProto));
            result.Waves.Add(protoWave);
        }

        result.CycleBreaks.AddRange(plan.DeferredConstraints.Select(c =>
        {
            var cycleBreak = new Proto.CycleBreak { Constraint = $"{c.Table}.{c.Name}", Resolution = c.Reason };
            cycleBreak.Tables.AddRange(c.Tables.Select(t => t.ToString()));
            return cycleBreak;
        }));
        result.Problems.AddRange(plan.Problems.Select(p => new Proto.PlanProblem
        {
            Severity = p.Severity switch
            {
                PlanProblemSeverity.Info => Proto.PlanProblem.Types.Severity.Info,
                PlanProblemSeverity.Warning => Proto.PlanProblem.Types.Severity.Warning,
                _ => Proto.PlanProblem.Types.Severity.Blocking,
            },
            Table = p.Table ?? "",
            Column = p.Column ?? "",
            Message = p.Message,
        }));
        result.Decisions.AddRange(plan.Decisions.Select(ToProto));
        return result;
    }

    public static Proto.PlannedTable ToProto(this TablePlan table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var planned = new Proto.PlannedTable
        {
            Table = table.Table.ToString(),
            Class = table.Class switch
            {
                Core.Catalog.TableClass.Catalog => Proto.TableClass.Catalog,
                Core.Catalog.TableClass.Junction => Proto.TableClass.Junction,
                Core.Catalog.TableClass.Large => Proto.TableClass.Large,
                _ => Proto.TableClass.Transactional,
            },
            EstimatedRows = table.EstimatedRows,
            ColumnCount = table.Mapping.Columns.Count,
            WritePath = table.WritePath.ToProto(),
            Paging = table.PagingDescription,
            Strategy = table.Strategy,
            CreateInTarget = table.CreateInTarget,
            InitialBatchSize = table.InitialBatchSize,
            EstimatedDuration = Duration.FromTimeSpan(table.EstimatedDuration),
            Reason = table.Reason,
        };
        planned.DependsOn.AddRange(table.DependsOn.Select(d => d.ToString()));
        planned.TargetTable = table.Mapping.Target.ToString();
        if (table.Mapping.Spec is not null)
        {
            planned.Columns.AddRange(table.Mapping.Columns.Select(c => new Proto.PlannedColumn
            {
                Source = c.SourceColumn, Target = c.TargetColumn, SourceType = c.SourceType, TargetType = c.TargetType, Transform = c.Transform ?? "",
            }));
        }

        return planned;
    }

    public static Proto.Decision ToProto(this DecisionRequest decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var result = new Proto.Decision
        {
            Id = decision.Id,
            Question = decision.Question,
            RiskAssessment = decision.RiskAssessment,
            Recommendation = decision.Recommendation,
            Answer = decision.Answer ?? "",
            AnsweredBy = decision.AnsweredBy ?? "",
        };
        if (decision.AnsweredAt is { } at)
        {
            result.AnsweredAt = Timestamp.FromDateTimeOffset(at);
        }

        result.Options.AddRange(decision.Options.Select(o => new Proto.DecisionOption
        {
            Id = o.Id,
            Title = o.Title,
            Description = o.Description,
            Risk = o.Risk,
            Recommended = o.Recommended,
        }));
        return result;
    }

    public static Proto.BatchSettings ToProto(this BatchSettings batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new Proto.BatchSettings
        {
            BaseBatchSize = batch.BaseBatchSize,
            MinBatchSize = batch.MinBatchSize,
            MaxBatchSize = batch.MaxBatchSize,
            AdjustmentFactor = batch.AdjustmentFactor,
            PerformanceThreshold = Duration.FromTimeSpan(batch.PerformanceThreshold),
        };
    }

    public static Proto.ValidationReport ToProto(this ValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var result = new Proto.ValidationReport
        {
            Passed = report.Passed,
            ValidatedAt = Timestamp.FromDateTimeOffset(report.ValidatedAt),
            Summary = report.Summary,
            BatchesValidated = report.BatchesValidated,
        };
        result.Tables.AddRange(report.Tables.Select(t =>
        {
            var table = new Proto.TableValidation
            {
                Table = t.Table,
                SourceRows = t.SourceRows,
                TargetRows = t.TargetRows,
                SourceChecksum = t.SourceChecksum,
                TargetChecksum = t.TargetChecksum,
                OrphanRows = t.OrphanRows,
                Passed = t.Passed,
                QuarantinedRows = t.QuarantinedRows,
            };
            table.Issues.AddRange(t.Issues);
            return table;
        }));
        return result;
    }

    public static Proto.ErrorContext ToProto(this ErrorContext error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var result = new Proto.ErrorContext
        {
            Agent = error.Agent.ToString(),
            Phase = error.Phase.ToProto(),
            Operation = error.Operation,
            BatchId = error.BatchId ?? "",
            AffectedRecords = error.AffectedRecords,
            Message = error.Message,
            SqlState = error.SqlState ?? "",
            Constraint = error.Constraint ?? "",
            Detail = error.Detail ?? "",
            SystemState = error.SystemState,
            EscalationLevel = error.EscalationLevel,
        };
        result.RecoveryOptions.AddRange(error.RecoveryOptions);
        return result;
    }

    public static Proto.MigrationEvent ToProto(this MigrationEvent migrationEvent)
    {
        ArgumentNullException.ThrowIfNull(migrationEvent);
        var result = new Proto.MigrationEvent
        {
            MigrationId = migrationEvent.MigrationId,
            Sequence = migrationEvent.Sequence,
            OccurredAt = Timestamp.FromDateTimeOffset(migrationEvent.OccurredAt),
            Agent = migrationEvent.Agent.ToString(),
        };
        switch (migrationEvent.Payload)
        {
            case PhaseChangedPayload p:
                result.PhaseChanged = new Proto.PhaseChanged { From = p.From.ToProto(), To = p.To.ToProto(), Reason = p.Reason };
                break;
            case TableStartedPayload p:
                result.TableStarted = new Proto.TableStarted
                {
                    Table = p.Table, RowsTotal = p.RowsTotal, RowsAlreadyCopied = p.RowsAlreadyCopied, WritePath = p.WritePath.ToProto(), Wave = p.Wave,
                };
                break;
            case BatchCompletedPayload p:
                result.BatchCompleted = new Proto.BatchCompleted
                {
                    Table = p.Table,
                    BatchId = p.BatchId,
                    Rows = p.Rows,
                    Duration = Duration.FromTimeSpan(p.Duration),
                    TableRowsCopied = p.TableRowsCopied,
                    TableRowsTotal = p.TableRowsTotal,
                    NextBatchSize = p.NextBatchSize,
                    RowsPerSecond = p.RowsPerSecond,
                    Validated = p.Validated,
                };
                break;
            case TableCompletedPayload p:
                result.TableCompleted = new Proto.TableCompleted
                {
                    Table = p.Table, Rows = p.Rows, Duration = Duration.FromTimeSpan(p.Duration), RowsPerSecond = p.RowsPerSecond,
                };
                break;
            case ValidationResultPayload p:
                result.ValidationResult = p.Report.ToProto();
                break;
            case WarningPayload p:
                result.Warning = new Proto.Warning { Table = p.Table ?? "", Message = p.Message };
                break;
            case ErrorPayload p:
                result.Error = p.Error.ToProto();
                break;
            case PlanReadyPayload p:
                result.PlanReady = p.Plan.ToProto(migrationEvent.MigrationId, false, null);
                break;
        }

        return result;
    }

    /// <summary>Request options to domain options; defaults where the request leaves a field unset.</summary>
    public static MigrationOptions ToDomain(this Proto.MigrationOptions? options)
    {
        if (options is null)
        {
            return new MigrationOptions();
        }

        var defaults = BatchSettings.Default;
        var batch = options.Batch is null ? defaults : new BatchSettings
        {
            BaseBatchSize = options.Batch.BaseBatchSize > 0 ? options.Batch.BaseBatchSize : defaults.BaseBatchSize,
            MinBatchSize = options.Batch.MinBatchSize > 0 ? options.Batch.MinBatchSize : Math.Min(defaults.MinBatchSize, options.Batch.BaseBatchSize > 0 ? options.Batch.BaseBatchSize : defaults.MinBatchSize),
            MaxBatchSize = options.Batch.MaxBatchSize > 0 ? options.Batch.MaxBatchSize : Math.Max(defaults.MaxBatchSize, options.Batch.BaseBatchSize),
            AdjustmentFactor = options.Batch.AdjustmentFactor > 0 ? options.Batch.AdjustmentFactor : defaults.AdjustmentFactor,
            PerformanceThreshold = options.Batch.PerformanceThreshold is { } threshold ? threshold.ToTimeSpan() : defaults.PerformanceThreshold,
        };
        return new MigrationOptions
        {
            IncludeSchemas = [.. options.IncludeSchemas],
            ExcludeSchemas = [.. options.ExcludeSchemas],
            IncludeTables = [.. options.IncludeTables],
            ExcludeTables = [.. options.ExcludeTables],
            Batch = batch,
            MaxConcurrentBatches = options.MaxConcurrentBatches > 0 ? options.MaxConcurrentBatches : 2,
            ForeignKeyMode = options.ForeignKeyMode.ToDomain(),
            ForceMappedTables = [.. options.ForceMappedTables],
            ControlSchema = string.IsNullOrWhiteSpace(options.ControlSchema) ? "migration_control" : options.ControlSchema,
            ValidateBatches = !options.HasValidateBatches || options.ValidateBatches,
            Mapping = options.Mapping is { } mapping ? mapping.ToDomain().Spec : null,
        }.WithResourceLimits(options);
    }
}
