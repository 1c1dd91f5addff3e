namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// A polymorphic reference names an entity type that no table of the migration produces. (A plain reference to such
/// an entity is a missing-parents decision taken before anything runs — migrate the parents first, create
/// placeholders, skip the children, stop — and is copied with its parents looked up in migration_mappings.)
/// </summary>
public sealed class MissingParentException : InvalidOperationException
{
    public MissingParentException()
    {
    }

    public MissingParentException(string message)
        : base(message)
    {
    }

    public MissingParentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MissingParentException(string entityType, string where)
        : base($"{where} references entity type \"{entityType}\", which no table of the migration produces: migrate its table first, create placeholders, or leave the reference out.")
    {
        EntityType = entityType;
    }

    /// <summary>The parent entity type no table produces.</summary>
    public string? EntityType { get; }
}
