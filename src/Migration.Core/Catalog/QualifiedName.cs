namespace Migration.Core.Catalog;

/// <summary>A schema-qualified object name. <see cref="ToString"/> gives <c>schema.name</c>; <see cref="Quoted"/> is safe in SQL.</summary>
public sealed record QualifiedName(string Schema, string Name) : IComparable<QualifiedName>
{
    public string Quoted => $"{QuoteIdentifier(Schema)}.{QuoteIdentifier(Name)}";

    public override string ToString() => $"{Schema}.{Name}";

    /// <summary>Ordinal by schema, then name (consistent with equality, also for names that contain dots).</summary>
    public int CompareTo(QualifiedName? other)
    {
        if (other is null)
        {
            return 1;
        }

        var bySchema = string.CompareOrdinal(Schema, other.Schema);
        return bySchema != 0 ? bySchema : string.CompareOrdinal(Name, other.Name);
    }

    /// <summary>Parses <c>schema.table</c> or <c>table</c> (schema <paramref name="defaultSchema"/>).</summary>
    public static QualifiedName Parse(string text, string defaultSchema = "public")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? new QualifiedName(defaultSchema, text.Trim()) : new QualifiedName(text[..dot].Trim(), text[(dot + 1)..].Trim());
        if (name.Schema.Length == 0 || name.Name.Length == 0)
        {
            throw new ArgumentException($"'{text}' is not a table name: expected schema.table or table.", nameof(text));
        }

        return name;
    }

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
