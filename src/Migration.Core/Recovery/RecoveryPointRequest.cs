using Migration.Core.Catalog;

namespace Migration.Core.Recovery;

/// <summary>Capture the recovery point of a migration: the target tables it will change.</summary>
public sealed record RecoveryPointRequest(string MigrationId, string TargetConnectionString, string ControlSchema, IReadOnlyList<QualifiedName> Tables);
