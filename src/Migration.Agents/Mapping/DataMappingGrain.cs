using Migration.Agents.Abstractions;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Orleans.Concurrency;

namespace Migration.Agents.Mapping;

[StatelessWorker]
public sealed class DataMappingGrain(ICatalogReader reader) : Grain, IDataMappingGrain
{
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
}
