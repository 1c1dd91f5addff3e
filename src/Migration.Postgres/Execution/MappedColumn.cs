namespace Migration.Postgres.Execution;

/// <summary>A target column of the mapped path: its name and the data type name Npgsql writes it as.</summary>
/// <param name="DataTypeName">Fully qualified <c>schema.typname</c> of the target column, e.g. <c>pg_catalog.int4</c>, <c>pg_catalog._text</c>, <c>public.mood</c>.</param>
internal sealed record MappedColumn(string Name, string DataTypeName);
