namespace Migration.Core.Catalog;

public sealed record EnumTypeInfo(QualifiedName Name, IReadOnlyList<string> Labels);
