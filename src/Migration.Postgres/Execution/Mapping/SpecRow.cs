namespace Migration.Postgres.Execution.Mapping;

/// <summary>What the evaluation of one source row decided, reused for every row of a page (no per-row object).</summary>
internal sealed class SpecRow
{
    public SpecRow(int references, int polymorphics)
    {
        References = new object?[references];
        PolymorphicEntity = new string?[polymorphics];
        PolymorphicIds = new object?[polymorphics];
    }

    /// <summary>The row's legacy id (null for a table that keeps its keys).</summary>
    public object? Legacy { get; set; }

    /// <summary>The row's new UUID (tables with new UUID keys).</summary>
    public Guid NewId { get; set; }

    /// <summary>Per reference: the value written (the parent's new id, the kept key, or null).</summary>
    public object?[] References { get; }

    /// <summary>Per polymorphic reference: the entity type the row points at (null: nothing).</summary>
    public string?[] PolymorphicEntity { get; }

    /// <summary>Per polymorphic reference: the value written into the entity's id column.</summary>
    public object?[] PolymorphicIds { get; }
}
