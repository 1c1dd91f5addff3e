namespace Migration.Core.Execution;

/// <summary>A page whose row count in the target differs from the source: the page is rolled back.</summary>
public sealed class BatchValidationException : Exception
{
    public BatchValidationException(string message) : base(message) { }

    public BatchValidationException() { }

    public BatchValidationException(string message, Exception innerException) : base(message, innerException) { }
}
