using Migration.Agents.Abstractions;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Migration.Core.Planning;
using Orleans.Concurrency;

namespace Migration.Agents.Mapping;

[StatelessWorker]
public sealed class DataMappingGrain(ICatalogReader reader, IMappingProbe probe) : Grain, IDataMappingGrain
{
    /// <summary>Distinct values asked for per sampled column: more than this is not a code set.</summary>
    private const int MaxCodes = 50;

    /// <summary>Tables up to this many rows (and few columns) are read whole as possible lookup/content-type tables.</summary>
    private const int SmallTableRows = 500;

    public async Task<IReadOnlyList<PlanProblem>> VerifyAsync(string targetConnectionString, MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var existing = plan.Tables.Where(t => !t.CreateInTarget).ToList();
        if (existing.Count == 0)
        {
            return [];
        }

        var filter = new CatalogFilter([], [], existing.Select(t => t.Mapping.Target.ToString()).ToList(), []);
        var target = await reader.ReadAsync(targetConnectionString, filter, exactCounts: false);
        var problems = new List<PlanProblem>();
        foreach (var table in existing)
        {
            var live = target.FindTable(table.Mapping.Target);
            if (live is null)
            {
                problems.Add(new PlanProblem(PlanProblemSeverity.Blocking, table.Table.ToString(), null,
                    $"The target table {table.Mapping.Target} no longer exists (it did when the plan was made)."));
                continue;
            }

            foreach (var column in table.Mapping.Columns)
            {
                var liveColumn = live.FindColumn(column.TargetColumn);
                if (liveColumn is null)
                {
                    problems.Add(new PlanProblem(PlanProblemSeverity.Blocking, table.Table.ToString(), column.TargetColumn,
                        $"The target column \"{column.TargetColumn}\" no longer exists (it did when the plan was made)."));
                }
                else if (liveColumn.DataType != column.TargetType)
                {
                    problems.Add(new PlanProblem(PlanProblemSeverity.Blocking, table.Table.ToString(), column.TargetColumn,
                        $"The target column \"{column.TargetColumn}\" changed type since planning: {column.TargetType} → {liveColumn.DataType}."));
                }
            }
        }

        return problems;
    }

    public async Task<MappingSuggestion> SuggestAsync(string sourceConnectionString, string targetConnectionString, CatalogFilter filter, double threshold)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var source = await reader.ReadAsync(sourceConnectionString, filter, exactCounts: false);
        var target = await reader.ReadAsync(targetConnectionString, CatalogFilter.All, exactCounts: false);
        var samples = await SampleAsync(sourceConnectionString, source, target);
        var suggestion = MappingSuggester.Suggest(source, target, samples, threshold > 0 ? threshold : MappingSuggester.DefaultThreshold);
        var validation = MappingValidator.Validate(suggestion.Spec, source, target);
        return suggestion with { Issues = validation.Issues };
    }

    public async Task<MappingValidationResult> ValidateAsync(string sourceConnectionString, string targetConnectionString, MappingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var source = await reader.ReadAsync(sourceConnectionString, CatalogFilter.All, exactCounts: false);
        var target = await reader.ReadAsync(targetConnectionString, CatalogFilter.All, exactCounts: false);
        var result = MappingValidator.Validate(spec, source, target);
        var known = spec with { Tables = spec.Tables.Where(t => source.FindTable(t.Source) is not null).ToList() };
        if (known.Tables.Count == 0)
        {
            return result;
        }

        // SQL paths refer to the positions in the full spec: check it whole, skipping tables the source lacks and SQL the
        // validator refused (it is never sent to the database).
        var sqlIssues = await probe.CheckSqlAsync(sourceConnectionString, spec with
        {
            Tables = spec.Tables.Select(t => source.FindTable(t.Source) is null ? t with { Filter = null, Columns = [] } : SqlExpressionGuard.WithoutRefusedSql(t)).ToList(),
        });
        return new MappingValidationResult([.. result.Issues, .. sqlIssues]);
    }

    public async Task<IReadOnlyList<DecisionRequest>> FindMismatchesAsync(string sourceConnectionString, string targetConnectionString, MigrationPlan plan, int round)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var tables = plan.Tables.Select(t => t.Mapping.Spec).OfType<TableMap>().ToList();
        if (tables.Count == 0)
        {
            return [];
        }

        var spec = new MappingSpec(tables);
        var source = await reader.ReadAsync(sourceConnectionString, CatalogFilter.All, exactCounts: false);
        var target = await reader.ReadAsync(targetConnectionString, CatalogFilter.All, exactCounts: false);
        var decisions = new List<DecisionRequest>();
        foreach (var column in MappingMismatches.EnumColumns(spec, source, target))
        {
            var sampled = await probe.SampleAsync(sourceConnectionString, column.SampleTable, [column.SampleColumn], MaxCodes * 4);
            if (MappingMismatches.EnumDecision(spec, column, sampled[0], target, round) is { } decision)
            {
                decisions.Add(decision);
            }
        }

        decisions.AddRange(MappingMismatches.NarrowingDecisions(spec, MappingValidator.Validate(spec, source, target), round));
        return decisions;
    }

    /// <summary>
    /// Values that help the suggester: the distinct values of short code-like columns (when the target has enums to map
    /// them onto) and the rows of small tables (lookups, content types).
    /// </summary>
    private async Task<SourceSamples> SampleAsync(string connectionString, DatabaseCatalog source, DatabaseCatalog target)
    {
        var columns = new Dictionary<QualifiedName, IReadOnlyList<SampledColumn>>();
        var rows = new Dictionary<QualifiedName, IReadOnlyList<IReadOnlyList<string?>>>();
        foreach (var table in source.Tables.Where(t => t.PartitionParent is null))
        {
            if (table.Rows <= SmallTableRows && table.Columns.Count <= 4)
            {
                rows[table.Name] = await probe.ReadRowsAsync(connectionString, table.Name, table.Columns.Select(c => c.Name).ToList(), SmallTableRows);
            }

            if (target.Enums.Count == 0)
            {
                continue;
            }

            var keyColumns = (table.PrimaryKey?.Columns ?? []).Concat(table.ForeignKeys.SelectMany(f => f.Columns)).ToHashSet(StringComparer.Ordinal);
            var codes = table.Columns.Where(c => !keyColumns.Contains(c.Name) && IsCodeLike(c, source)).Select(c => c.Name).ToList();
            if (codes.Count > 0)
            {
                columns[table.Name] = await probe.SampleAsync(connectionString, table.Name, codes, MaxCodes);
            }
        }

        return new SourceSamples { Columns = columns, Rows = rows };
    }

    private static bool IsCodeLike(ColumnInfo column, DatabaseCatalog catalog)
    {
        var type = PostgresTypes.BaseName(column.DataType);
        return type is "smallint" or "character" or "char" or "bpchar" or "boolean"
            || PostgresTypes.Categorize(column.DataType, catalog) == TypeCategory.Enum
            || (type is "character varying" or "varchar" && column.DataType.Contains('(', StringComparison.Ordinal)
                && int.TryParse(column.DataType[(column.DataType.IndexOf('(', StringComparison.Ordinal) + 1)..^1], System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var length) && length <= 40)
            || (type is "integer" or "text" && NameMatcher.Words(column.Name).Any(w => w is "status" or "state" or "type" or "kind" or "code" or "level" or "category"));
    }
}
