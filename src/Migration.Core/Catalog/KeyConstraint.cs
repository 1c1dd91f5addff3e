namespace Migration.Core.Catalog;

/// <summary>A primary key or unique constraint.</summary>
public sealed record KeyConstraint(string Name, IReadOnlyList<string> Columns, string Definition);
