namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// A reference points at an entity type that no table of the migration produces (the parent table is not part of
/// it): the user decides — migrate the parents first, create placeholders, or skip the children.
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
