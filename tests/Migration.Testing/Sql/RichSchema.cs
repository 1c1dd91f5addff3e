using System.Runtime.CompilerServices;

namespace Migration.Testing;

/// <summary>
/// The rich test schema of <c>Sql/rich-schema.sql</c>: two schemas, enums, domains, sequences, identity and generated
/// columns, an FK chain, an FK cycle, self-references, composite keys, a PK-less table, a partitioned table, every
/// awkward type. Load it into a fresh database with <see cref="LoadAsync"/>.
/// </summary>
public static class RichSchema
{
    /// <summary>Rows per table after loading (partitioned <c>sales.events</c> counts all its partitions).</summary>
    public static IReadOnlyDictionary<string, long> RowCounts { get; } = new Dictionary<string, long>
    {
        ["public.countries"] = 5,
        ["public.Audit Log"] = 418,
        ["sales.customers"] = 600,
        ["sales.products"] = 200,
        ["sales.orders"] = 1_500,
        ["sales.order_items"] = 3_000,
        ["sales.shipments"] = 1_000,
        ["sales.returns"] = 0,
        ["sales.events"] = 3_000,
        ["sales.events_2024"] = 1_255,
        ["sales.events_2025"] = 1_251,
        ["sales.events_other"] = 494,
        ["hr.departments"] = 10,
        ["hr.employees"] = 300,
    };

    public static string Sql => File.ReadAllText(FindFile());

    public static Task LoadAsync(string connectionString, CancellationToken cancellationToken = default) =>
        PostgresServer.ExecuteAsync(connectionString, Sql, cancellationToken);

    /// <summary>Next to the test binaries when a project copies it there, else next to this source file.</summary>
    private static string FindFile()
    {
        var besideBinaries = Path.Combine(AppContext.BaseDirectory, "Sql", "rich-schema.sql");
        return File.Exists(besideBinaries) ? besideBinaries : Path.Combine(SourceDirectory(), "rich-schema.sql");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) ?? throw new InvalidOperationException("The source directory of the rich schema is unknown.");
}
