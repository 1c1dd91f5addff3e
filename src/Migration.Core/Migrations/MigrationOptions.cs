using Migration.Core.Catalog;
using Migration.Core.Mapping;

namespace Migration.Core.Migrations;

/// <summary>What to migrate and how, as the user asked for it.</summary>
public sealed record MigrationOptions
{
    public IReadOnlyList<string> IncludeSchemas { get; init; } = [];
    public IReadOnlyList<string> ExcludeSchemas { get; init; } = [];
    public IReadOnlyList<string> IncludeTables { get; init; } = [];
    public IReadOnlyList<string> ExcludeTables { get; init; } = [];
    public BatchSettings Batch { get; init; } = BatchSettings.Default;
    public int MaxConcurrentBatches { get; init; } = 2;

    /// <summary>The seed's other resource limits (memory per copy stream, connection pool, report queue).</summary>
    public ResourceLimits Resources { get; init; } = ResourceLimits.Default;
    public ForeignKeyMode ForeignKeyMode { get; init; } = ForeignKeyMode.Unspecified;
    public IReadOnlyList<string> ForceMappedTables { get; init; } = [];
    public string ControlSchema { get; init; } = "migration_control";
    public bool ValidateBatches { get; init; } = true;

    /// <summary>
    /// The mapping specification of a schema-changing migration (legacy → modern), or null for a same-schema copy.
    /// The planner pairs tables and columns by it and attaches each table's part to <see cref="Planning.TableMapping.Spec"/>.
    /// </summary>
    public MappingSpec? Mapping { get; init; }

    public CatalogFilter Filter => new(IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables);

    public bool ForcesMapped(QualifiedName table) =>
        ForceMappedTables.Any(t => t == table.ToString() || t == table.Name);
}
