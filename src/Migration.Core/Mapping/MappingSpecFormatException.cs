namespace Migration.Core.Mapping;

/// <summary>A mapping specification that is not well-formed JSON of the expected shape.</summary>
public sealed class MappingSpecFormatException : Exception
{
    public MappingSpecFormatException()
    {
        Path = "$";
    }

    public MappingSpecFormatException(string message)
        : base(message)
    {
        Path = "$";
    }

    public MappingSpecFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = "$";
    }

    public MappingSpecFormatException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The JSON path of the offending place, e.g. <c>$.tables[2].columns[5].transform</c>.</summary>
    public string Path { get; }
}
