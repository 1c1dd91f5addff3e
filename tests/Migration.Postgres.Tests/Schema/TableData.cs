using Migration.Core.Planning;
using Npgsql;

namespace Migration.Postgres.Tests.Schema;

/// <summary>Copies a plan's tables with Npgsql raw binary COPY (text COPY where binary would carry source type oids).</summary>
internal static class TableData
{
    /// <summary>Rows go in descending order of the first column, so the target's physical order differs from the source's.</summary>
    public static async Task CopyAsync(string source, string target, MigrationPlan plan)
    {
        await using var from = new NpgsqlConnection(source);
        await using var to = new NpgsqlConnection(target);
        await from.OpenAsync();
        await to.OpenAsync();
        foreach (var table in plan.Tables)
        {
            var columns = string.Join(", ", table.Mapping.Columns.Select(c => Migration.Core.Catalog.QualifiedName.QuoteIdentifier(c.SourceColumn)));
            var select = $"COPY (SELECT {columns} FROM {table.Mapping.Source.Quoted} ORDER BY 1 DESC) TO STDOUT";
            var insert = $"COPY {table.Mapping.Target.Quoted} ({columns}) FROM STDIN";
            if (table.CopyFormat == CopyFormat.Binary)
            {
                await using var reader = await from.BeginRawBinaryCopyAsync(select + " (FORMAT binary)");
                await using var writer = await to.BeginRawBinaryCopyAsync(insert + " (FORMAT binary)");
                await reader.CopyToAsync(writer);
            }
            else
            {
                using var reader = await from.BeginTextExportAsync(select);
                await using var writer = await to.BeginTextImportAsync(insert);
                var buffer = new char[8192];
                int read;
                while ((read = await reader.ReadAsync(buffer)) > 0)
                {
                    await writer.WriteAsync(buffer.AsMemory(0, read));
                }
            }
        }
    }
}
