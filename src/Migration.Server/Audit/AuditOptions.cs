namespace Migration.Server.Audit;

/// <summary>
/// The <c>Audit</c> section. A migration's records go to its target database (control schema of the migration); calls
/// that name no migration (a refused call, a create that failed before it had an id) go to the database of the named
/// connection <see cref="Connection"/> (Connections:&lt;name&gt;) when set, and always to the log.
/// </summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Name of a configured connection (Connections:&lt;name&gt;) for records without a migration.</summary>
    public string Connection { get; set; } = string.Empty;

    /// <summary>Schema of the audit table in that database (default migration_control).</summary>
    public string ControlSchema { get; set; } = "migration_control";
}
