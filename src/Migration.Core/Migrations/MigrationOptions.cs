using Migration.Core.Catalog;

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
    public ForeignKeyMode ForeignKeyMode { get; init; } = ForeignKeyMode.Unspecified;
    public IReadOnlyList<string> ForceMappedTables { get; init; } = [];
    public string ControlSchema { get; init; } = "migration_control";
    public bool ValidateBatches { get; init; } = true;

    public CatalogFilter Filter => new(IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables);

    public bool ForcesMapped(QualifiedName table) =>
        ForceMappedTables.Any(t => t == table.ToString() || t == table.Name);
}
