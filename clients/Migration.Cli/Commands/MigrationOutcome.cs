using Migration.Cli.Display;
using Migration.Cli.Watching;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>What a finished watch means for the exit code, with the one-line reason.</summary>
internal sealed record MigrationOutcome(int ExitCode, string Message)
{
    public bool Succeeded => ExitCode == ExitCodes.Success;

    public static MigrationOutcome From(WatchResult result, string migrationId, Uri server, ReconnectPolicy policy, string? errorMessage = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(policy);
        var reattach = $"re-attach with: migration watch {migrationId} --from {result.Cursor}";
        return result.Reason switch
        {
            WatchStopReason.Interrupted => new(ExitCodes.CancelledOrPaused,
                $"interrupted; migration {migrationId} goes on on the server — {reattach}"),
            WatchStopReason.ServerLost => new(ExitCodes.ServerUnreachable,
                $"lost the server at {server.GetLeftPart(UriPartial.Authority)} for {ProgressFormat.Eta(policy.GiveUpAfter)}" +
                $"{(string.IsNullOrEmpty(result.LastError) ? string.Empty : $" ({result.LastError})")}; " +
                $"the migration may still be running — {reattach}"),
            _ => FromPhase(result.Phase, result.Validation, migrationId, errorMessage),
        };
    }

    /// <summary>Exit 0 only for a completed migration whose validation passed.</summary>
    public static MigrationOutcome FromPhase(MigrationPhase phase, ValidationReport? validation, string migrationId, string? errorMessage = null)
    {
        var because = string.IsNullOrWhiteSpace(errorMessage) ? string.Empty : ": " + errorMessage.Trim();
        return phase switch
        {
            MigrationPhase.Completed when validation is null => new(ExitCodes.Failed,
                $"migration {migrationId} completed but no validation report was produced"),
            MigrationPhase.Completed when !validation.Passed => new(ExitCodes.Failed,
                $"migration {migrationId} completed but validation FAILED" +
                (string.IsNullOrWhiteSpace(validation.Summary) ? FailedTables(validation) : ": " + validation.Summary)),
            MigrationPhase.Completed => new(ExitCodes.Success, $"migration {migrationId} completed; validation passed"),
            MigrationPhase.Failed => new(ExitCodes.Failed, $"migration {migrationId} failed{because}"),
            MigrationPhase.RolledBack => new(ExitCodes.Failed, $"migration {migrationId} was rolled back{because}"),
            MigrationPhase.Cancelled => new(ExitCodes.CancelledOrPaused, $"migration {migrationId} was cancelled{because}"),
            MigrationPhase.Paused => new(ExitCodes.CancelledOrPaused,
                $"migration {migrationId} is paused — resume it with: migration resume {migrationId}"),
            _ => new(ExitCodes.Failed, $"migration {migrationId} stopped in phase {phase}{because}"),
        };
    }

    private static string FailedTables(ValidationReport validation)
    {
        var failed = validation.Tables.Where(t => !t.Passed).Select(t => t.Table).ToList();
        return failed.Count == 0 ? string.Empty : ": " + string.Join(", ", failed.Take(5)) + (failed.Count > 5 ? $" (+{failed.Count - 5})" : string.Empty);
    }
}
