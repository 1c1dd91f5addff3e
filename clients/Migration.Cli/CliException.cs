namespace Migration.Cli;

/// <summary>Ends a command with an exit code and a one-line reason for standard error.</summary>
internal sealed class CliException : Exception
{
    public CliException()
        : this(ExitCodes.Failed, "the command failed")
    {
    }

    public CliException(string message)
        : this(ExitCodes.Failed, message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Failed;
    }

    public CliException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
