using System.Text;

namespace Migration.Postgres.Execution;

/// <summary>
/// SQL string literals for statements that take no parameters (COPY (query) TO STDOUT cannot be parameterised).
/// Always escape-string syntax, so the result is correct whatever standard_conforming_strings says.
/// </summary>
internal static class SqlLiteral
{
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A PostgreSQL text value cannot contain NUL characters.", nameof(value));
        }

        var builder = new StringBuilder(value.Length + 4);
        builder.Append("E'");
        foreach (var c in value)
        {
            if (c is '\'' or '\\')
            {
                builder.Append(c);
            }

            builder.Append(c);
        }

        return builder.Append('\'').ToString();
    }

    /// <summary><c>E'value'::type</c>.</summary>
    public static string Typed(string value, string type) => $"{Quote(value)}::{type}";
}
