namespace Migration.Postgres.Execution.Mapping;

/// <summary>Where a page's bookkeeping goes: the control schema, the migration, the table's name and the page's batch id.</summary>
internal sealed record SpecPageContext(string ControlSchema, string MigrationId, string TableName, string BatchId, string EntityType);
