using Npgsql;

namespace Migration.Server.Connections;

/// <summary>
/// The connections configured on the server under <c>Connections:&lt;name&gt;</c>, so clients (and the audit trail)
/// refer to a database by name and never hold its password. A connection is either a connection string
/// (<c>Connections:&lt;name&gt;</c> itself, or <c>Connections:&lt;name&gt;:ConnectionString</c>) or a file holding one
/// (<c>Connections:&lt;name&gt;:ConnectionStringFile</c>), and <c>Connections:&lt;name&gt;:PasswordFile</c> supplies the
/// password from a file (a Docker or Kubernetes secret under <c>/run/secrets/</c>), replacing any in the string.
/// Files are read at every use, so a rotated secret applies to the next call that uses the name; one trailing line
/// break is dropped. A file that is missing, unreadable or empty is a <see cref="NamedConnectionException"/> naming the
/// connection and the setting, never the secret.
/// </summary>
public sealed class NamedConnections(IConfiguration configuration)
{
    public const string SectionName = "Connections";

    /// <summary>The names configured (with a connection string or a connection string file).</summary>
    public IReadOnlyList<string> Names() =>
        [.. configuration.GetSection(SectionName).GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value) || c.GetChildren().Any())
            .Select(c => c.Key)];

    /// <summary>The connection string of <paramref name="name"/> with its secret files read now; null when not configured.</summary>
    /// <exception cref="NamedConnectionException">A secret file cannot be used, or the string is malformed.</exception>
    public string? Find(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var section = configuration.GetSection(SectionName).GetSection(name);
        var setting = $"{SectionName}:{name}";
        var connectionString = section["ConnectionStringFile"] is { Length: > 0 } file
            ? ReadSecret(name, $"{setting}:ConnectionStringFile", file)
            : section["ConnectionString"] is { Length: > 0 } inline ? inline
            : section.Value;
        var passwordFile = section["PasswordFile"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return string.IsNullOrWhiteSpace(passwordFile)
                ? null
                : throw Fail(name, $"{setting}:PasswordFile", "there is a password file but no connection string (set " +
                    $"{setting}, {setting}:ConnectionString or {setting}:ConnectionStringFile)");
        }

        if (string.IsNullOrWhiteSpace(passwordFile))
        {
            return connectionString;
        }

        var password = ReadSecret(name, $"{setting}:PasswordFile", passwordFile);
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString) { Password = password }.ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw Fail(name, setting, "the connection string is malformed: " + ex.Message, ex);
        }
    }

    private static string ReadSecret(string name, string setting, string path)
    {
        if (Directory.Exists(path))
        {
            throw Fail(name, setting, $"{path} is a directory, not a file");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail(name, setting, $"the file {path} does not exist", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw Fail(name, setting, $"the server may not read the file {path}", ex);
        }
        catch (IOException ex)
        {
            throw Fail(name, setting, $"the file {path} cannot be read ({ex.GetType().Name})", ex);
        }

        // Secrets written with `echo` or an editor end with a line break that is not part of the secret.
        text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return text.Length > 0 ? text : throw Fail(name, setting, $"the file {path} is empty");
    }

    private static NamedConnectionException Fail(string name, string setting, string reason, Exception? inner = null) =>
        new($"The connection '{name}' cannot be used: {setting}: {reason}.", inner)
        {
            Name = name,
            Setting = setting,
            Reason = reason,
        };
}
