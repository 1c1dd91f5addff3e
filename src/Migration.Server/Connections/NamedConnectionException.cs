namespace Migration.Server.Connections;

/// <summary>
/// A named connection is configured but cannot be put together: a secret file is missing, unreadable or empty, or the
/// connection string is malformed. The message names the connection and the setting, never a secret.
/// </summary>
public sealed class NamedConnectionException : InvalidOperationException
{
    public NamedConnectionException()
    {
    }

    public NamedConnectionException(string message)
        : base(message)
    {
    }

    public NamedConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The connection's name (Connections:&lt;name&gt;).</summary>
    public string Name { get; init; } = "";

    /// <summary>The setting that could not be used, e.g. <c>Connections:source:PasswordFile</c>.</summary>
    public string Setting { get; init; } = "";

    /// <summary>Why, without the secret (e.g. "the file does not exist").</summary>
    public string Reason { get; init; } = "";
}
