using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>Cuts a table into pages, one after the other, from the page's checkpoint key.</summary>
internal interface IPager
{
    /// <summary>
    /// True when a page other than the last holds exactly the requested number of rows (the adaptive page size can
    /// then learn from the page's real row count); false when the page size is only aimed at.
    /// </summary>
    bool ExactPageSize { get; }

    /// <summary>The ORDER BY list of a page's source query ("" for none).</summary>
    string OrderBy { get; }

    /// <summary>The page after <paramref name="lastKey"/> (null: the first page) of about <paramref name="pageSize"/> rows.</summary>
    Task<PageRange> NextAsync(NpgsqlConnection source, NpgsqlTransaction transaction, IReadOnlyList<string?>? lastKey, int pageSize, CancellationToken cancellationToken);

    /// <summary>Learns from a copied page how many rows a range holds.</summary>
    void Observe(long rows, PageRange range, IReadOnlyList<string?>? lastKey);
}
