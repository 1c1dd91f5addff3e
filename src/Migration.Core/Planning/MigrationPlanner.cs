using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Migrations;

namespace Migration.Core.Planning;

/// <summary>
/// The Planning agent's logic: compares source and target, builds the identity mapping of each table (reporting
/// mismatches as problems before anything is written), orders tables into waves along the foreign key graph,
/// breaks cycles explicitly, chooses a write path, paging and batch plan per table, and estimates the time.
/// </summary>
public static class MigrationPlanner
{
    public const string ForeignKeyDecisionId = "foreign-key-mode";

    public static MigrationPlan Build(DatabaseCatalog source, DatabaseCatalog target, MigrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);

        var problems = new List<PlanProblem>();
        var spec = options.Mapping is { } mappingSpec ? new SpecPlanning(mappingSpec, source, target, problems) : null;
        var tables = SelectTables(source, options.Filter);
        if (spec is not null)
        {
            // Planned under source names: the target's mapped tables are seen under their source table's name.
            tables = spec.SelectTables(tables);
            target = spec.GraphTarget();
        }

        if (tables.Count == 0)
        {
            problems.Add(new PlanProblem(PlanProblemSeverity.Blocking, null, null,
                "Nothing to migrate: the source has no tables that match the selected schemas and tables."));
        }

        var selected = tables.Select(t => t.Name).ToHashSet();
        var existingTargetKeys = tables
            .Select(t => target.FindTable(t.Name))
            .OfType<TableInfo>()
            .SelectMany(t => t.ForeignKeys)
            .Where(f => selected.Contains(f.ReferencedTable))
            .ToList();

        var decisions = new List<DecisionRequest>();
        var foreignKeyMode = options.ForeignKeyMode;
        if (existingTargetKeys.Count > 0 && foreignKeyMode == ForeignKeyMode.Unspecified)
        {
            decisions.Add(ForeignKeyDecision(existingTargetKeys.Count));
            foreignKeyMode = ForeignKeyMode.RecreateAfterLoad;
        }

        // Order along every connection rule that will exist: the source's (for tables we create) and the target's.
        var orderingKeys = tables
            .SelectMany(t => target.FindTable(t.Name) is { } existing ? existing.ForeignKeys : t.ForeignKeys)
            .Concat(spec?.ReferenceEdges() ?? [])
            .ToList();
        var graph = new DependencyGraph(selected, orderingKeys);
        var deferred = new List<DeferredConstraint>();
        var existingKeyIds = existingTargetKeys.Select(k => k.Id).ToHashSet();
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, cycle) in graph.CycleBreakingEdges())
        {
            ignored.Add(key.Id);
            if (key.Name.StartsWith(SpecPlanning.ReferenceEdgePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (existingKeyIds.Contains(key.Id))
            {
                var why = key.IsSelfReference
                    ? $"{key.Table} references itself; rows are loaded in key order, so a row may arrive before the row it points to."
                    : $"it closes a cycle ({string.Join(" → ", cycle)} → {cycle[0]}) that no load order can satisfy.";
                deferred.Add(new DeferredConstraint(key.Table, key.Name, key.Definition, cycle,
                    $"Set aside during the load and re-created (and re-checked) afterwards: {why}"));
            }
            else
            {
                deferred.Add(new DeferredConstraint(key.Table, key.Name, key.Definition, cycle,
                    $"Part of a cycle ({string.Join(" → ", cycle)}); the table is created by the migration and its " +
                    "connection rules are added after all data is loaded, which checks them then."));
            }
        }

        if (foreignKeyMode == ForeignKeyMode.RecreateAfterLoad)
        {
            foreach (var key in existingTargetKeys.Where(k => !ignored.Contains(k.Id)))
            {
                deferred.Add(new DeferredConstraint(key.Table, key.Name, key.Definition, [key.Table, key.ReferencedTable],
                    "Set aside during the load for speed (about 3x faster) and re-created afterwards, which re-checks every row."));
            }
        }

        if (spec is not null)
        {
            deferred = deferred.Select(spec.ToTarget).ToList();
        }

        var foreignKeysChecked = foreignKeyMode == ForeignKeyMode.Keep;
        var waves = graph.Waves(ignored);
        var planWaves = new List<PlanWave>();
        for (var i = 0; i < waves.Count; i++)
        {
            var planned = new List<TablePlan>();
            foreach (var name in waves[i])
            {
                var table = tables.First(t => t.Name == name);
                var targetTable = target.FindTable(name);
                var tableSpec = spec?.For(name);
                var tablePlan = PlanTable(source, table, targetTable, i + 1, graph.ParentsOf(name, ignored), options,
                    foreignKeysChecked && targetTable is not null && targetTable.ForeignKeys.Count > 0, problems, spec);
                planned.Add(tableSpec is null ? tablePlan : tablePlan with
                {
                    // References are rewritten against parents already loaded, so orphans are found against real rows.
                    ChecksForeignKeysDuringLoad = tablePlan.ChecksForeignKeysDuringLoad || tablePlan.DependsOn.Count > 0,
                });
            }

            planWaves.Add(new PlanWave(i + 1, planned));
        }

        var all = planWaves.SelectMany(w => w.Tables).ToList();
        var estimatedRows = all.Sum(t => t.EstimatedRows);
        var estimatedDuration = TimeSpan.FromTicks(all.Sum(t => t.EstimatedDuration.Ticks));
        var plan = new MigrationPlan(planWaves, deferred, problems, decisions, estimatedRows, estimatedDuration,
            options.MaxConcurrentBatches, options.Batch, foreignKeyMode, "") { Resources = options.Resources };
        return plan with { Summary = Summarize(plan) };
    }

    /// <summary>
    /// The tables to copy: partitioned parents with a usable key stand for their partitions. A partition of an
    /// included partitioned table is included with it (as the catalog reader does), so naming a keyless parent
    /// copies its leaf partitions.
    /// </summary>
    private static List<TableInfo> SelectTables(DatabaseCatalog source, CatalogFilter filter)
    {
        var candidates = source.Tables.Where(t => IsIncluded(source, t, filter)).ToList();
        var parentsCopiedWhole = candidates.Where(t => t.IsPartitioned && t.PagingKey is not null).Select(t => t.Name).ToHashSet();
        return candidates
            .Where(t => !(t.IsPartitioned && t.PagingKey is null))
            .Where(t => t.PartitionParent is null || !IsUnderCopiedParent(source, t, parentsCopiedWhole))
            .Where(t => !(t.IsPartitioned && t.PartitionParent is not null && t.PagingKey is null))
            .ToList();
    }

    private static bool IsIncluded(DatabaseCatalog source, TableInfo table, CatalogFilter filter)
    {
        for (TableInfo? current = table; current is not null;
             current = current.PartitionParent is { } parent ? source.FindTable(parent) : null)
        {
            if (filter.IncludesTable(current.Name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnderCopiedParent(DatabaseCatalog source, TableInfo table, HashSet<QualifiedName> parentsCopiedWhole)
    {
        for (var parent = table.PartitionParent; parent is not null; parent = source.FindTable(parent)?.PartitionParent)
        {
            if (parentsCopiedWhole.Contains(parent))
            {
                return true;
            }
        }

        return false;
    }

    private static TablePlan PlanTable(DatabaseCatalog source, TableInfo table, TableInfo? target, int wave,
        IReadOnlyList<QualifiedName> parents, MigrationOptions options, bool foreignKeysChecked, List<PlanProblem> problems,
        SpecPlanning? spec = null)
    {
        var mapping = spec?.For(table.Name) is { } tableSpec ? spec.MapColumns(tableSpec, table) : MapColumns(table, target, problems);
        var tableClass = TableClassifier.Classify(table);
        var forced = options.ForcesMapped(table.Name);
        var path = forced || !mapping.IsIdentity ? WritePath.Mapped : WritePath.PassThrough;
        var key = table.PagingKey;
        var paging = key is null ? PagingStrategy.CtidRange : PagingStrategy.Keyset;
        if (target is not null && target.Rows > 0)
        {
            problems.Add(new PlanProblem(PlanProblemSeverity.Blocking, table.Name.ToString(), null,
                $"The target table {table.Name} already holds {target.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows. " +
                "Empty it or leave the table out; the migration never mixes its rows with existing ones."));
        }

        var initial = InitialBatchSize(table, options.Batch);
        var strategy = tableClass switch
        {
            TableClass.Catalog => "bulk copy: reference data, usually a single page",
            TableClass.Junction => "bulk copy after both connected tables are loaded",
            TableClass.Large => "incremental keyset pages with adaptive page size, checkpoint per page",
            _ => "incremental pages with a checkpoint per page",
        };
        if (paging == PagingStrategy.CtidRange)
        {
            strategy = "heap block ranges (no key to page on), checkpoint per range";
        }

        var reason = path == WritePath.PassThrough
            ? "identical columns and types: binary COPY streamed from source to target"
            : forced ? "mapped path requested for this table"
            : mapping.Spec is not null ? $"mapping specification: {mapping.Source} → {mapping.Target}, rows are transformed"
            : "columns differ between source and target: rows are mapped";
        var format = path == WritePath.PassThrough && NeedsTextFormat(source, table) ? CopyFormat.Text : CopyFormat.Binary;
        if (format == CopyFormat.Text)
        {
            reason += " (text format: a column's binary form would carry source-only type ids)";
        }

        return new TablePlan(table.Name, tableClass, table.Rows, wave, path, paging, key ?? [], target is null, initial,
            ThroughputModel.Estimate(table.Rows, path, foreignKeysChecked), parents, strategy, reason, mapping)
        {
            ChecksForeignKeysDuringLoad = foreignKeysChecked,
            CopyFormat = format,
        };
    }

    private static TableMapping MapColumns(TableInfo table, TableInfo? target, List<PlanProblem> problems)
    {
        var columns = new List<ColumnMapping>();
        foreach (var column in table.CopyableColumns)
        {
            if (target is null)
            {
                columns.Add(new ColumnMapping(column.Name, column.Name, column.DataType, column.DataType));
                continue;
            }

            var targetColumn = target.FindColumn(column.Name);
            if (targetColumn is null)
            {
                problems.Add(new PlanProblem(PlanProblemSeverity.Blocking, table.Name.ToString(), column.Name,
                    $"The target table {target.Name} has no column \"{column.Name}\" ({column.DataType}); its values would be lost."));
                continue;
            }

            if (targetColumn.IsGenerated)
            {
                problems.Add(new PlanProblem(PlanProblemSeverity.Info, table.Name.ToString(), column.Name,
                    $"\"{column.Name}\" is computed by the target (generated column); the source values are not copied."));
                continue;
            }

            if (!string.Equals(targetColumn.DataType, column.DataType, StringComparison.Ordinal))
            {
                problems.Add(new PlanProblem(PlanProblemSeverity.Blocking, table.Name.ToString(), column.Name,
                    $"Type mismatch for \"{column.Name}\": source {column.DataType}, target {targetColumn.DataType}. " +
                    "Same-schema migrations need identical types; change the target column or map it."));
                continue;
            }

            columns.Add(new ColumnMapping(column.Name, targetColumn.Name, column.DataType, targetColumn.DataType));
        }

        if (target is not null)
        {
            var mapped = columns.Select(c => c.TargetColumn).ToHashSet();
            foreach (var extra in target.Columns.Where(c => !mapped.Contains(c.Name) && !c.IsGenerated && table.FindColumn(c.Name) is null))
            {
                var severity = !extra.IsNullable && extra.DefaultExpression is null && extra.Identity is null
                    ? PlanProblemSeverity.Blocking : PlanProblemSeverity.Info;
                problems.Add(new PlanProblem(severity, table.Name.ToString(), extra.Name, severity == PlanProblemSeverity.Blocking
                    ? $"The target column \"{extra.Name}\" is required (NOT NULL, no default) but the source has no such column."
                    : $"The target column \"{extra.Name}\" has no source column; it gets its default or NULL."));
            }
        }

        return new TableMapping(table.Name, target?.Name ?? table.Name, columns);
    }

    private static bool NeedsTextFormat(DatabaseCatalog source, TableInfo table)
    {
        var userTypes = source.Enums.Select(e => e.Name.ToString()).Concat(source.Domains.Select(d => d.Name.ToString())).ToHashSet();
        return table.CopyableColumns.Any(c =>
            c.TypeKind is ColumnTypeKind.Composite or ColumnTypeKind.Range or ColumnTypeKind.Other
            || (c.TypeKind == ColumnTypeKind.Array && IsUserDefinedElement(c.DataType, userTypes)));
    }

    private static bool IsUserDefinedElement(string arrayType, HashSet<string> userTypes)
    {
        // format_type quotes identifiers that need it ("My Schema"."Mood"[]); the catalog names are unquoted.
        var element = arrayType.TrimEnd('[', ']').Replace("\"", "", StringComparison.Ordinal);
        return userTypes.Contains(element) || userTypes.Contains("public." + element) || userTypes.Any(u => u.EndsWith("." + element, StringComparison.Ordinal));
    }

    private static int InitialBatchSize(TableInfo table, BatchSettings batch)
    {
        if (table.Rows <= 0 || table.SizeBytes <= 0)
        {
            return batch.BaseBatchSize;
        }

        var bytesPerRow = Math.Max(1, table.SizeBytes / Math.Max(1, table.Rows));
        var byBudget = (int)Math.Min(int.MaxValue, ThroughputModel.PageByteBudget / bytesPerRow);
        return Math.Clamp(Math.Min(batch.BaseBatchSize, byBudget), batch.MinBatchSize, batch.MaxBatchSize);
    }

    private static DecisionRequest ForeignKeyDecision(int keys) => new(
        ForeignKeyDecisionId,
        $"The target already has {keys} connection rule(s) (foreign keys) between the tables being loaded. Keep them switched on during the load, or set them aside and re-create them afterwards?",
        [
            new DecisionOption("recreate", "Set aside and re-create afterwards",
                "Drop the rules before loading and re-create them when all data is in; re-creating checks every row.",
                "Low: every rule is checked before the migration completes; if a row breaks one, the migration fails and says which.", true),
            new DecisionOption("keep", "Keep them during the load",
                "Each row is checked as it arrives; rules that form a cycle are still set aside and re-created.",
                "Low, but about 3x slower.", false),
        ],
        "Either way every connection rule is in force and verified when the migration completes; the difference is speed.",
        "Set them aside and re-create afterwards (about 3x faster, same end result).");

    private static string Summarize(MigrationPlan plan)
    {
        var tables = plan.Tables.ToList();
        if (tables.Count == 0)
        {
            return "Nothing to migrate.";
        }

        var inv = CultureInfo.InvariantCulture;
        var waiting = tables.Count(t => t.ChecksForeignKeysDuringLoad && t.DependsOn.Count > 0);
        var text = $"{tables.Count} tables, about {plan.EstimatedRows.ToString("N0", inv)} rows, in {plan.Waves.Count} wave(s) " +
            $"along their connection rules, copied {Math.Max(1, plan.MaxConcurrentBatches).ToString(inv)} at a time, largest first" +
            (waiting > 0
                ? $"; {waiting.ToString(inv)} table(s) whose rules are checked during the load wait for the tables they point to. "
                : ". ") +
            $"Estimated time about {FormatDuration(plan.EstimatedDuration)}. " +
            $"{tables.Count(t => t.CreateInTarget)} table(s) will be created in the target.";
        if (plan.DeferredConstraints.Count > 0)
        {
            text += $" {plan.DeferredConstraints.Count} connection rule(s) are checked after the load instead of during it.";
        }

        var blocking = plan.Problems.Count(p => p.Severity == PlanProblemSeverity.Blocking);
        if (blocking > 0)
        {
            text += $" {blocking} problem(s) must be fixed before anything is written.";
        }

        return text;
    }

    public static string FormatDuration(TimeSpan duration) => duration.TotalSeconds switch
    {
        < 1 => "under a second",
        < 90 => $"{Math.Ceiling(duration.TotalSeconds)} seconds",
        < 5400 => $"{Math.Ceiling(duration.TotalMinutes)} minutes",
        _ => $"{duration.TotalHours:0.#} hours",
    };
}
