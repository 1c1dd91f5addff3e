using System.Globalization;
using System.Runtime.CompilerServices;

namespace Migration.Testing;

/// <summary>
/// The schema-changing demo pair of <c>scripts/sql</c>: a legacy "dispatch" source (integer ids, codes, a
/// polymorphic reference, orphans, duplicates, NULLs, extra columns; <c>legacy-demo-source.sql</c>), its modern
/// target (UUID keys, legacy_id, enums, renamed tables and columns, metadata jsonb, foreign keys;
/// <c>legacy-demo-target.sql</c>) and the mapping spec between them (<c>legacy-demo-mapping.json</c>).
/// </summary>
public static class LegacyDemo
{
    private const string ForeignKeysMarker = "-- Foreign keys";

    /// <summary>The tables of the source, in a load order that satisfies the target's foreign keys.</summary>
    public static IReadOnlyList<string> SourceTables { get; } =
    [
        "dispatch_category", "dispatch_customer", "dispatch_product", "dispatch_product_categories", "dispatch_order",
        "dispatch_order_item", "dispatch_payment", "dispatch_comment",
    ];

    /// <summary>Source table → target table of the spec.</summary>
    public static IReadOnlyDictionary<string, string> TargetOf { get; } = new Dictionary<string, string>
    {
        ["dispatch_category"] = "categories",
        ["dispatch_customer"] = "customers",
        ["dispatch_product"] = "products",
        ["dispatch_product_categories"] = "product_categories",
        ["dispatch_order"] = "orders",
        ["dispatch_order_item"] = "order_lines",
        ["dispatch_payment"] = "payments",
        ["dispatch_comment"] = "comments",
    };

    /// <summary>The mapping spec (JSON, the mapping-spec file format).</summary>
    public static string MappingJson => File.ReadAllText(FindFile("legacy-demo-mapping.json"));

    /// <summary>Path of a file of the pair (source SQL, target SQL or the mapping JSON).</summary>
    public static string PathOf(string file) => FindFile(file);

    /// <summary>Creates and fills the legacy source with about <paramref name="rows"/> rows in all (at least 1,000).</summary>
    public static Task LoadSourceAsync(string connectionString, long rows = 10_000, CancellationToken cancellationToken = default) =>
        PostgresServer.ExecuteAsync(
            connectionString,
            string.Create(CultureInfo.InvariantCulture, $"SET demo.rows = {rows};\n") + File.ReadAllText(FindFile("legacy-demo-source.sql")),
            cancellationToken);

    /// <summary>Creates the (empty) modern target; without its foreign keys when <paramref name="foreignKeys"/> is false.</summary>
    public static Task LoadTargetAsync(string connectionString, bool foreignKeys = true, CancellationToken cancellationToken = default)
    {
        var sql = File.ReadAllText(FindFile("legacy-demo-target.sql"));
        var cut = sql.IndexOf(ForeignKeysMarker, StringComparison.Ordinal);
        return PostgresServer.ExecuteAsync(connectionString, foreignKeys || cut < 0 ? sql : sql[..cut], cancellationToken);
    }

    /// <summary>Adds the target's foreign keys (after a load without them): fails if any row breaks one.</summary>
    public static Task AddTargetForeignKeysAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var sql = File.ReadAllText(FindFile("legacy-demo-target.sql"));
        var cut = sql.IndexOf(ForeignKeysMarker, StringComparison.Ordinal);
        return PostgresServer.ExecuteAsync(connectionString, sql[cut..], cancellationToken);
    }

    /// <summary>Next to the test binaries when copied there, else in scripts/sql of the repository.</summary>
    private static string FindFile(string name)
    {
        var besideBinaries = Path.Combine(AppContext.BaseDirectory, "Sql", name);
        return File.Exists(besideBinaries) ? besideBinaries : Path.GetFullPath(Path.Combine(SourceDirectory(), "..", "..", "..", "scripts", "sql", name));
    }

    private static string SourceDirectory([CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) ?? throw new InvalidOperationException("The source directory of the demo pair is unknown.");
}
