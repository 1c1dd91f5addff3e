namespace Migration.Postgres.Execution.Mapping;

/// <summary>A row references a parent that will not be in the target and its reference's policy is to fail.</summary>
public sealed class OrphanReferenceException : InvalidOperationException
{
    public OrphanReferenceException()
    {
    }

    public OrphanReferenceException(string message)
        : base(message)
    {
    }

    public OrphanReferenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
