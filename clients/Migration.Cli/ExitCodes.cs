using Grpc.Core;

namespace Migration.Cli;

/// <summary>The process exit codes of the CLI; scripts rely on them, so they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>The migration completed and its validation passed (or the command did what it was asked).</summary>
    public const int Success = 0;

    /// <summary>The migration failed, was rolled back, or its validation failed.</summary>
    public const int Failed = 1;

    /// <summary>Bad input or usage: arguments, an unknown migration, a request the server rejected.</summary>
    public const int Usage = 2;

    /// <summary>The plan was not approved (declined, or nobody could be asked).</summary>
    public const int ApprovalRefused = 3;

    /// <summary>The server could not be reached, or was lost for too long while watching.</summary>
    public const int ServerUnreachable = 4;

    /// <summary>The migration was cancelled or is paused, or the CLI was interrupted while it runs on.</summary>
    public const int CancelledOrPaused = 5;

    /// <summary>Maps a gRPC status code returned by the server to an exit code.</summary>
    public static int FromStatusCode(StatusCode code) => code switch
    {
        StatusCode.OK => Success,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound
            or StatusCode.AlreadyExists or StatusCode.OutOfRange => Usage,
        StatusCode.Unavailable => ServerUnreachable,
        StatusCode.Cancelled => CancelledOrPaused,
        _ => Failed,
    };
}
