namespace Migration.Core.Migrations;

/// <summary>
/// A request to create a migration. Connection strings are resolved (named connections looked up) by the caller;
/// the descriptions are the same connections with passwords removed, which is all that is ever shown.
/// </summary>
public sealed record CreateMigrationCommand(
    string SourceConnectionString,
    string TargetConnectionString,
    string SourceDescription,
    string TargetDescription,
    MigrationOptions Options,
    string Description,
    string RequestedBy)
{
    /// <summary>Identifies the source/target pair: at most one unfinished migration per pair.</summary>
    public string PairKey { get; init; } = $"{SourceDescription} -> {TargetDescription}";
}
