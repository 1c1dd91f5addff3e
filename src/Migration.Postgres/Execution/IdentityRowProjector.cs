using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Execution;

/// <summary>Copies the source values one to one (source column i becomes target column i), reading each once.</summary>
internal sealed class IdentityRowProjector : IRowProjector
{
    private readonly SourceValueReader[] _readers;

    public IdentityRowProjector(IReadOnlyList<SourceValueReader> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        _readers = [.. readers];
    }

    public void Project(NpgsqlDataReader source, object?[] target)
    {
        var readers = _readers;
        for (var i = 0; i < readers.Length; i++)
        {
            if (source.IsDBNull(i))
            {
                target[i] = null;
                continue;
            }

            target[i] = readers[i] switch
            {
                SourceValueReader.Interval => source.GetFieldValue<NpgsqlInterval>(i),
                _ => source.GetValue(i),
            };
        }
    }
}
