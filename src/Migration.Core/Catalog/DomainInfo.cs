namespace Migration.Core.Catalog;

/// <summary>A domain type; <paramref name="Checks"/> are full <c>CHECK (...)</c> definitions.</summary>
public sealed record DomainInfo(QualifiedName Name, string BaseType, bool NotNull, string? DefaultExpression, IReadOnlyList<string> Checks);
