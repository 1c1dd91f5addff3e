using Migration.Contracts.V1;

namespace Migration.Cli.Watching;

/// <summary>How a watch ended.</summary>
/// <param name="Phase">The migration's phase as last known.</param>
/// <param name="Cursor">The sequence of the last event delivered: re-attach with it.</param>
/// <param name="Validation">The last validation report seen (event or snapshot), if any.</param>
/// <param name="LastError">Why the server was lost (ServerLost only).</param>
internal sealed record WatchResult(
    WatchStopReason Reason,
    MigrationPhase Phase,
    long Cursor,
    ValidationReport? Validation,
    string? LastError = null);
