using System.Globalization;
using System.Text;
using Migration.Core.Catalog;

namespace Migration.Postgres.Schema;

/// <summary>
/// DDL text for the objects of a source catalog. Types, defaults and constraint definitions come from format_type
/// and the pg_get_* functions with search_path = pg_catalog, so they are schema-qualified and run unchanged on the
/// target; every identifier we add is quoted.
/// </summary>
internal static class SchemaDdl
{
    public static string Quote(string identifier) => QualifiedName.QuoteIdentifier(identifier);

    public static string CreateSchema(string schema) => $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}";

    public static string CreateExtension(string name, string? schema) =>
        schema is null
            ? $"CREATE EXTENSION IF NOT EXISTS {Quote(name)}"
            : $"CREATE EXTENSION IF NOT EXISTS {Quote(name)} WITH SCHEMA {Quote(schema)}";

    public static string CreateEnum(EnumTypeInfo type) =>
        $"CREATE TYPE {type.Name.Quoted} AS ENUM ({string.Join(", ", type.Labels.Select(Literal))})";

    /// <summary>Adds a label an existing enum lacks, after the label that precedes it in the source (or first).</summary>
    public static string AddEnumLabel(EnumTypeInfo type, string label, string? after, string? before) =>
        after is not null
            ? $"ALTER TYPE {type.Name.Quoted} ADD VALUE IF NOT EXISTS {Literal(label)} AFTER {Literal(after)}"
            : before is not null
                ? $"ALTER TYPE {type.Name.Quoted} ADD VALUE IF NOT EXISTS {Literal(label)} BEFORE {Literal(before)}"
                : $"ALTER TYPE {type.Name.Quoted} ADD VALUE IF NOT EXISTS {Literal(label)}";

    public static string CreateDomain(DomainInfo domain)
    {
        var sql = new StringBuilder($"CREATE DOMAIN {domain.Name.Quoted} AS {domain.BaseType}");
        if (domain.DefaultExpression is not null)
        {
            sql.Append(" DEFAULT ").Append(domain.DefaultExpression);
        }

        if (domain.NotNull)
        {
            sql.Append(" NOT NULL");
        }

        foreach (var check in domain.Checks)
        {
            sql.Append(' ').Append(check);
        }

        return sql.ToString();
    }

    public static string CreateSequence(SequenceInfo sequence) =>
        $"CREATE SEQUENCE IF NOT EXISTS {sequence.Name.Quoted} AS {sequence.DataType} {SequenceOptions(sequence)}";

    public static string OwnSequence(SequenceInfo sequence, QualifiedName table, string column) =>
        $"ALTER SEQUENCE {sequence.Name.Quoted} OWNED BY {table.Quoted}.{Quote(column)}";

    /// <summary>
    /// A table with its columns and primary key only. A partition is created as <c>PARTITION OF</c> its parent and
    /// takes the parent's columns, defaults, keys, checks, indexes and foreign keys from it.
    /// </summary>
    public static string CreateTable(TableInfo table, DatabaseCatalog source, bool asPartition)
    {
        var sql = new StringBuilder("CREATE TABLE ").Append(table.Name.Quoted);
        if (asPartition)
        {
            sql.Append(" PARTITION OF ").Append(table.PartitionParent!.Quoted).Append(' ').Append(table.PartitionBound);
        }
        else
        {
            var elements = table.Columns.OrderBy(c => c.Ordinal).Select(c => ColumnDefinition(table, c, source)).ToList();
            if (table.PrimaryKey is { } key)
            {
                elements.Add($"CONSTRAINT {Quote(key.Name)} {key.Definition}");
            }

            sql.Append(" (\n    ").Append(string.Join(",\n    ", elements)).Append("\n)");
        }

        if (table.IsPartitioned && table.PartitionKey is not null)
        {
            sql.Append(" PARTITION BY ").Append(table.PartitionKey);
        }

        return sql.ToString();
    }

    public static string AddConstraint(QualifiedName table, string name, string definition) =>
        $"ALTER TABLE {table.Quoted} ADD CONSTRAINT {Quote(name)} {definition}";

    public static string DropConstraint(QualifiedName table, string name) =>
        $"ALTER TABLE {table.Quoted} DROP CONSTRAINT IF EXISTS {Quote(name)}";

    /// <summary>
    /// pg_get_indexdef prints <c>ON ONLY</c> for an index of a partitioned table (pg_dump then attaches each
    /// partition's index); without ONLY the index is built on every partition in one statement. The first
    /// " ON ONLY " is the one after the index name: a name containing it would be quoted and is not worth a parser.
    /// </summary>
    public static string CreateIndex(TableInfo table, IndexInfo index) =>
        table.IsPartitioned ? ReplaceFirst(index.Definition, " ON ONLY ", " ON ") : index.Definition;

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string ColumnDefinition(TableInfo table, ColumnInfo column, DatabaseCatalog source)
    {
        var sql = new StringBuilder(Quote(column.Name)).Append(' ').Append(column.DataType);
        if (column.GeneratedExpression is not null)
        {
            sql.Append(" GENERATED ALWAYS AS (").Append(column.GeneratedExpression).Append(") STORED");
        }
        else if (column.Identity is { } identity)
        {
            sql.Append(identity == 'a' ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY");
            var sequence = source.Sequences.FirstOrDefault(s => s.OwnedByTable == table.Name && s.OwnedByColumn == column.Name);
            if (sequence is not null)
            {
                sql.Append(" (SEQUENCE NAME ").Append(sequence.Name.Quoted).Append(' ').Append(SequenceOptions(sequence)).Append(')');
            }
        }
        else if (column.DefaultExpression is not null)
        {
            sql.Append(" DEFAULT ").Append(column.DefaultExpression);
        }

        if (!column.IsNullable)
        {
            sql.Append(" NOT NULL");
        }

        return sql.ToString();
    }

    private static string SequenceOptions(SequenceInfo sequence) => string.Create(
        CultureInfo.InvariantCulture,
        $"INCREMENT BY {sequence.Increment} MINVALUE {sequence.MinValue} MAXVALUE {sequence.MaxValue} START WITH {sequence.Start} {(sequence.Cycle ? "CYCLE" : "NO CYCLE")}");

    private static string ReplaceFirst(string text, string find, string replacement)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + find.Length));
    }
}
