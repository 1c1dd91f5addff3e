namespace Migration.Core.Catalog;

/// <summary>Classifies tables with the thresholds of the design (catalog, junction, transactional, large).</summary>
public static class TableClassifier
{
    public const long LargeRowThreshold = 100_000;
    public const long CatalogRowLimit = 5_000;
    public const int CatalogColumnLimit = 10;
    public const int JunctionColumnLimit = 6;

    public static TableClass Classify(TableInfo table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = table.Rows;
        var columns = table.Columns.Count;
        var foreignKeys = table.ForeignKeys.Count;
        if (rows > LargeRowThreshold)
        {
            return TableClass.Large;
        }

        if (foreignKeys >= 2 && columns <= JunctionColumnLimit)
        {
            return TableClass.Junction;
        }

        if (rows < CatalogRowLimit && columns < CatalogColumnLimit && foreignKeys <= 1)
        {
            return TableClass.Catalog;
        }

        return TableClass.Transactional;
    }
}
