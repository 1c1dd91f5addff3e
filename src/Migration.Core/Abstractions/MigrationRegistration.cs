namespace Migration.Core.Abstractions;

/// <summary>
/// The outcome of <see cref="IMigrationRegistry.TryRegisterAsync"/>: either the migration now holds its source/target
/// pair (<see cref="Registered"/>), or another unfinished migration already does and <see cref="MigrationId"/> is that
/// one, to attach to instead of starting a second migration into the same target.
/// </summary>
public sealed record MigrationRegistration(string MigrationId, bool Registered)
{
    /// <summary>True when the pair was taken by another unfinished migration (<see cref="MigrationId"/>).</summary>
    public bool IsExisting => !Registered;
}
