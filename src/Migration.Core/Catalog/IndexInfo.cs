namespace Migration.Core.Catalog;

/// <summary>An index other than the one backing a constraint. <paramref name="Definition"/> is <c>pg_get_indexdef</c>.</summary>
public sealed record IndexInfo(string Name, string Definition, bool IsUnique, IReadOnlyList<string> Columns);
