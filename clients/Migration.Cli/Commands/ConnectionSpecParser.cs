using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>
/// A --source/--target value: a connection string when it contains '=' ("Host=db;Database=shop"), otherwise the
/// name of a connection configured on the server (Connections:&lt;name&gt;).
/// </summary>
internal static class ConnectionSpecParser
{
    public static ConnectionSpec Parse(string? value, string optionName)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw CliException.Usage($"{optionName} needs a connection string (Host=...;Database=...) or a configured connection name");
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            return new ConnectionSpec { ConnectionString = text };
        }

        if (text.Any(char.IsWhiteSpace) || text.Contains(';', StringComparison.Ordinal))
        {
            throw CliException.Usage(
                $"{optionName} '{text}' is neither a connection string (it has no '=') nor a connection name (names have no spaces or ';')");
        }

        return new ConnectionSpec { Name = text };
    }
}
