using Npgsql;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>One column of the target rows a spec writes: its name, the type Npgsql writes it as, how its value is made.</summary>
internal abstract class SpecTargetColumn(string name, string dataTypeName)
{
    public string Name { get; } = name;

    /// <summary><c>schema.typname</c> of the target column.</summary>
    public string DataTypeName { get; } = dataTypeName;

    /// <summary>The value of the current row (the deep compare reads it; the COPY writes it).</summary>
    public abstract object? Value(NpgsqlDataReader reader, SpecRow row);

    public virtual async ValueTask WriteAsync(NpgsqlDataReader reader, SpecRow row, NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
    {
        var value = Value(reader, row);
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(value, DataTypeName, cancellationToken);
        }
    }
}
