namespace Migration.Core.Catalog;

public sealed record CheckConstraintInfo(string Name, string Definition);
