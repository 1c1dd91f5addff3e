namespace Migration.Core.Catalog;

/// <summary>A schema-qualified object name. <see cref="ToString"/> gives <c>schema.name</c>; <see cref="Quoted"/> is safe in SQL.</summary>
public sealed record QualifiedName(string Schema, string Name) : IComparable<QualifiedName>
{
    public string Quoted => $"{QuoteIdentifier(Schema)}.{QuoteIdentifier(Name)}";

    public override string ToString() => $"{Schema}.{Name}";

    public int CompareTo(QualifiedName? other) =>
        other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());

    /// <summary>Parses <c>schema.table</c> or <c>table</c> (schema <paramref name="defaultSchema"/>).</summary>
    public static QualifiedName Parse(string text, string defaultSchema = "public")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new QualifiedName(defaultSchema, text.Trim()) : new QualifiedName(text[..dot].Trim(), text[(dot + 1)..].Trim());
    }

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
