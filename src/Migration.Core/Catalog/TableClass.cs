namespace Migration.Core.Catalog;

/// <summary>The seed's table classes; they decide the copy strategy.</summary>
public enum TableClass
{
    /// <summary>Reference data: under 5,000 rows, under 10 columns, at most one foreign key.</summary>
    Catalog,

    /// <summary>Links other tables ("connection table"): two or more foreign keys, at most six columns.</summary>
    Junction,

    Transactional,

    /// <summary>Over 100,000 rows.</summary>
    Large,
}
