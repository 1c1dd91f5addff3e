using System.Text;
using System.Text.RegularExpressions;

namespace Migration.Postgres.Quarantine;

/// <summary>
/// A bounded, shareable rendering of a bad row: <c>column=value</c> pairs, values of columns whose name looks like a
/// secret masked, long values cut to <see cref="MaxValueLength"/> characters, the whole cut to <see cref="MaxLength"/>.
/// </summary>
internal static partial class RowPreview
{
    public const int MaxValueLength = 64;
    public const int MaxLength = 1_000;
    public const string Masked = "***";

    public static string Render(IReadOnlyList<string> columns, IReadOnlyList<string?> values)
    {
        var text = new StringBuilder();
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(columns[i]).Append('=').Append(Value(columns[i], values[i]));
            if (text.Length > MaxLength)
            {
                return string.Concat(text.ToString(0, MaxLength), "…");
            }
        }

        return text.ToString();
    }

    public static bool IsSecretColumn(string column) => SecretName().IsMatch(column);

    private static string Value(string column, string? value) =>
        value is null ? "NULL"
        : IsSecretColumn(column) ? Masked
        : value.Length > MaxValueLength ? $"{value[..MaxValueLength]}…({value.Length} chars)"
        : value;

    [GeneratedRegex(@"pass(word|wd)?|secret|token|api_?key|private|credential|ssn|iban|card|cvv|pin(_|$)|salt|hash", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
