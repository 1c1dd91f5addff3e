namespace Migration.Server.Dashboard;

internal static partial class DashboardLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard files served from {Root}")]
    public static partial void Serving(ILogger logger, string root);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Dashboard files not found (looked in {Candidates}): build them with clients/web/build.sh or set Dashboard:Root")]
    public static partial void NotBuilt(ILogger logger, string candidates);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard endpoint for browsers: {Url}")]
    public static partial void Endpoint(ILogger logger, string url);
}
