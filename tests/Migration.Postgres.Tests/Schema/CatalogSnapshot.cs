using System.Text.Json;
using Migration.Core.Catalog;

namespace Migration.Postgres.Tests.Schema;

/// <summary>A catalog as comparable text: everything but the database name, row counts and sizes.</summary>
internal static class CatalogSnapshot
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static IReadOnlyList<string> Of(DatabaseCatalog catalog)
    {
        var parts = catalog.Tables
            .OrderBy(t => t.Name)
            .Select(t => JsonSerializer.Serialize(t with { EstimatedRows = 0, ExactRows = null, SizeBytes = 0 }, Options))
            .ToList();
        parts.AddRange(catalog.Sequences.OrderBy(s => s.Name).Select(s => JsonSerializer.Serialize(s, Options)));
        parts.AddRange(catalog.Enums.OrderBy(e => e.Name).Select(e => JsonSerializer.Serialize(e, Options)));
        parts.AddRange(catalog.Domains.Select(d => JsonSerializer.Serialize(d, Options)));
        parts.Add(JsonSerializer.Serialize(catalog.ExtensionDetails, Options));
        parts.Add(catalog.ServerVersion);
        return parts;
    }
}
