using Migration.Core.Catalog;
using Migration.Postgres.Catalog;
using Npgsql;

namespace Migration.Postgres.Schema;

/// <summary>
/// What already exists on the target (read in one round trip), updated as objects are created, so that every step
/// of <see cref="PostgresTargetSchemaBuilder"/> can skip what is there.
/// </summary>
internal sealed class TargetState
{
    private const string Sql = """
        SELECT nspname::text FROM pg_namespace;
        SELECT extname::text FROM pg_extension;
        SELECT n.nspname::text, t.typname::text, t.typtype,
               ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype IN ('e', 'd', 'c', 'r', 'b') AND n.nspname <> 'pg_catalog' AND n.nspname NOT LIKE 'pg\_toast%';
        SELECT n.nspname::text, c.relname::text, c.relkind
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%';
        SELECT n.nspname::text, c.relname::text, con.conname::text, con.contype,
               ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i)
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%';
        """;

    private readonly HashSet<string> _schemas = new(StringComparer.Ordinal);
    private readonly HashSet<string> _extensions = new(StringComparer.Ordinal);
    private readonly Dictionary<QualifiedName, (char Kind, List<string> Labels)> _types = [];
    private readonly Dictionary<QualifiedName, char> _relations = [];
    private readonly Dictionary<QualifiedName, List<(string Name, char Type, IReadOnlyList<string> Columns)>> _constraints = [];

    public static async Task<TargetState> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var state = new TargetState();
        await using var command = PostgresSession.Command(connection, Sql, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            state._schemas.Add(reader.GetString(0));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            state._extensions.Add(reader.GetString(0));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            state._types[new QualifiedName(reader.GetString(0), reader.GetString(1))] =
                (reader.GetChar(2), [.. reader.GetFieldValue<string[]>(3)]);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            state._relations[new QualifiedName(reader.GetString(0), reader.GetString(1))] = reader.GetChar(2);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            state.AddConstraint(new QualifiedName(reader.GetString(0), reader.GetString(1)), reader.GetString(2), reader.GetChar(3),
                reader.GetFieldValue<string[]>(4));
        }

        return state;
    }

    public bool HasSchema(string schema) => _schemas.Contains(schema);

    public void AddSchema(string schema) => _schemas.Add(schema);

    public bool HasExtension(string name) => _extensions.Contains(name);

    public void AddExtension(string name) => _extensions.Add(name);

    public bool HasType(QualifiedName name) => _types.ContainsKey(name);

    /// <summary>Labels of an existing enum, or null when there is no enum of that name.</summary>
    public IReadOnlyList<string>? EnumLabels(QualifiedName name) =>
        _types.TryGetValue(name, out var type) && type.Kind == 'e' ? type.Labels : null;

    public void AddType(QualifiedName name, char kind, IEnumerable<string> labels) => _types[name] = (kind, [.. labels]);

    /// <summary>Any relation (table, sequence, index, view...) of that name: names share one namespace per schema.</summary>
    public bool HasRelation(QualifiedName name) => _relations.ContainsKey(name);

    public bool HasTable(QualifiedName name) => _relations.TryGetValue(name, out var kind) && kind is 'r' or 'p';

    public void AddRelation(QualifiedName name, char kind) => _relations[name] = kind;

    public bool HasConstraint(QualifiedName table, string name) =>
        _constraints.TryGetValue(table, out var list) && list.Exists(c => c.Name == name);

    /// <summary>A primary key or unique constraint on exactly these columns (named differently after inheritance).</summary>
    public bool HasKeyOn(QualifiedName table, char type, IReadOnlyList<string> columns) =>
        _constraints.TryGetValue(table, out var list) && list.Exists(c => c.Type == type && c.Columns.SequenceEqual(columns));

    public bool HasPrimaryKey(QualifiedName table) =>
        _constraints.TryGetValue(table, out var list) && list.Exists(c => c.Type == 'p');

    public void AddConstraint(QualifiedName table, string name, char type, IReadOnlyList<string> columns)
    {
        if (!_constraints.TryGetValue(table, out var list))
        {
            list = [];
            _constraints.Add(table, list);
        }

        list.RemoveAll(c => c.Name == name);
        list.Add((name, type, columns));
    }

    public void RemoveConstraint(QualifiedName table, string name)
    {
        if (_constraints.TryGetValue(table, out var list))
        {
            list.RemoveAll(c => c.Name == name);
        }
    }
}
