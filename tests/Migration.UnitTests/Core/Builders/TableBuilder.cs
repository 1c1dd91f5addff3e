using Migration.Core.Catalog;

namespace Migration.UnitTests.Core.Builders;

/// <summary>Builds a <see cref="TableInfo"/> the way the catalog reader would describe it, with readable defaults.</summary>
public sealed class TableBuilder
{
    private readonly List<ColumnInfo> _columns = [];
    private readonly List<KeyConstraint> _uniqueKeys = [];
    private readonly List<ForeignKeyInfo> _foreignKeys = [];
    private KeyConstraint? _primaryKey;
    private long _estimatedRows;
    private long? _exactRows;
    private long _sizeBytes;
    private bool _isPartitioned;
    private QualifiedName? _partitionParent;
    private string? _partitionKey;
    private string? _partitionBound;

    public TableBuilder(string name) => Name = QualifiedName.Parse(name);

    public QualifiedName Name { get; }

    public TableBuilder Column(string name, string dataType = "integer", bool nullable = true,
        ColumnTypeKind kind = ColumnTypeKind.Base, string? defaultExpression = null, char? identity = null,
        string? generatedExpression = null)
    {
        _columns.RemoveAll(c => c.Name == name);
        _columns.Add(new ColumnInfo(name, _columns.Count + 1, dataType, kind, nullable, defaultExpression, identity,
            generatedExpression));
        return this;
    }

    /// <summary>Adds nullable integer columns <c>c1..cN</c> (after any columns already there).</summary>
    public TableBuilder Columns(int count)
    {
        var start = _columns.Count;
        for (var i = 1; i <= count; i++)
        {
            Column($"c{start + i}");
        }

        return this;
    }

    /// <summary>A primary key; its columns are added as NOT NULL integers when missing and made NOT NULL otherwise.</summary>
    public TableBuilder PrimaryKey(params string[] columns)
    {
        foreach (var column in columns)
        {
            var existing = _columns.FirstOrDefault(c => c.Name == column);
            if (existing is null)
            {
                Column(column, nullable: false);
            }
            else
            {
                _columns[_columns.IndexOf(existing)] = existing with { IsNullable = false };
            }
        }

        _primaryKey = new KeyConstraint($"{Name.Name}_pkey", columns, $"PRIMARY KEY ({string.Join(", ", columns)})");
        return this;
    }

    /// <summary>A unique constraint over columns that must already exist (their nullability is kept).</summary>
    public TableBuilder UniqueKey(params string[] columns)
    {
        foreach (var column in columns)
        {
            if (_columns.All(c => c.Name != column))
            {
                throw new InvalidOperationException($"Add column {column} before the unique key.");
            }
        }

        _uniqueKeys.Add(new KeyConstraint($"{Name.Name}_{string.Join("_", columns)}_key", columns,
            $"UNIQUE ({string.Join(", ", columns)})"));
        return this;
    }

    /// <summary>
    /// A foreign key to <paramref name="referencedTable"/>'s <c>id</c>; the referencing column (default
    /// <c>{referenced}_id</c>) is added as a nullable integer when missing.
    /// </summary>
    public TableBuilder ForeignKey(string referencedTable, string? column = null, string? name = null, bool deferrable = false)
    {
        var referenced = QualifiedName.Parse(referencedTable);
        column ??= referenced.Name + "_id";
        if (_columns.All(c => c.Name != column))
        {
            Column(column);
        }

        name ??= $"{Name.Name}_{column}_fkey";
        _foreignKeys.Add(new ForeignKeyInfo(name, Name, [column], referenced, ["id"],
            $"FOREIGN KEY ({column}) REFERENCES {referenced}(id)", deferrable));
        return this;
    }

    public TableBuilder Rows(long estimated, long? sizeBytes = null)
    {
        _estimatedRows = estimated;
        _sizeBytes = sizeBytes ?? estimated * 100;
        return this;
    }

    public TableBuilder ExactRows(long rows)
    {
        _exactRows = rows;
        return this;
    }

    public TableBuilder Partitioned(string partitionKey = "RANGE (id)")
    {
        _isPartitioned = true;
        _partitionKey = partitionKey;
        return this;
    }

    public TableBuilder PartitionOf(string parent, string bound = "DEFAULT")
    {
        _partitionParent = QualifiedName.Parse(parent);
        _partitionBound = bound;
        return this;
    }

    public TableInfo Build() => new(Name, _columns.ToList(), _primaryKey, _uniqueKeys.ToList(), _foreignKeys.ToList(),
        [], [], _estimatedRows, _exactRows, _sizeBytes, _isPartitioned, _partitionParent, _partitionKey, _partitionBound);
}
