namespace Migration.Postgres.Schema;

/// <summary>
/// A constraint could not be (re-)created on the target because rows there violate it: a deferred foreign key whose
/// parent rows are missing, a unique key with duplicates, a check that rows fail. Names the table and constraint.
/// </summary>
public sealed class ConstraintViolationException : Exception
{
    public ConstraintViolationException() { }

    public ConstraintViolationException(string message) : base(message) { }

    public ConstraintViolationException(string message, Exception innerException) : base(message, innerException) { }

    public ConstraintViolationException(string table, string constraint, string message, Exception innerException)
        : base(message, innerException)
    {
        Table = table;
        Constraint = constraint;
    }

    /// <summary>The table as <c>schema.name</c>.</summary>
    public string Table { get; } = "";

    public string Constraint { get; } = "";
}
