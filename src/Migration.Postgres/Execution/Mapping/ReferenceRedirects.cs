using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Npgsql;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// Children of rows merged away as duplicates: a parent table with a natural key rule (skip, keep first, update)
/// writes no row for a later duplicate, but records its legacy id in migration_mappings with the new id of the row
/// that was kept. A child that points at the duplicate's legacy id must point at that survivor, so before a page of
/// the child is written, the page's distinct reference values (one extra source query, bounded by the page) are
/// looked up in migration_mappings, and the values whose recorded id differs from the computed one are redirected.
/// Memory holds one page's redirects at most, never the table's ids.
/// </summary>
internal sealed class ReferenceRedirects
{
    private readonly Dictionary<int, Dictionary<string, Guid>> _bySlot = [];

    public static ReferenceRedirects None { get; } = new();

    public bool IsEmpty => _bySlot.Count == 0;

    /// <summary>The redirects of the rows <paramref name="select"/> reads (the page's query, or a sample's).</summary>
    public static async Task<ReferenceRedirects> LoadAsync(
        CompiledSpec spec, string select, NpgsqlConnection source, NpgsqlTransaction? sourceTransaction, NpgsqlConnection target,
        NpgsqlTransaction? targetTransaction, string controlSchema, CancellationToken cancellationToken)
    {
        var redirects = new ReferenceRedirects();
        for (var i = 0; i < spec.References.Count; i++)
        {
            var slot = spec.References[i];
            if (!slot.ParentMerges || !slot.ParentRemaps)
            {
                continue;
            }

            var column = "\"__c" + slot.ValueOrdinal.ToString(CultureInfo.InvariantCulture) + "\"";
            var values = new List<string>();
            await using (var command = new NpgsqlCommand($"SELECT DISTINCT ({column})::text FROM ({select}) q WHERE {column} IS NOT NULL", source, sourceTransaction) { CommandTimeout = 0 })
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    values.Add(reader.GetString(0));
                }
            }

            if (values.Count == 0)
            {
                continue;
            }

            var found = new Dictionary<string, Guid>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand(
                $"SELECT legacy_id, new_id FROM {QualifiedName.QuoteIdentifier(controlSchema)}.migration_mappings WHERE entity_type = $1 AND legacy_id = ANY($2)",
                target, targetTransaction))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot.ParentEntity });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. values] });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var legacy = reader.GetString(0);
                    if (Guid.TryParse(reader.GetString(1), out var recorded) && recorded != LegacyIds.NewId(slot.ParentEntity, legacy))
                    {
                        found[legacy] = recorded;
                    }
                }
            }

            if (found.Count > 0)
            {
                redirects._bySlot[i] = found;
            }
        }

        return redirects;
    }

    /// <summary>Points the row's references at the survivors of merged duplicates.</summary>
    public void Apply(CompiledSpec spec, NpgsqlDataReader reader, SpecRow row)
    {
        foreach (var (slot, found) in _bySlot)
        {
            if (row.References[slot] is Guid && !reader.IsDBNull(spec.References[slot].ValueOrdinal)
                && found.TryGetValue(LegacyIds.Text(reader.GetValue(spec.References[slot].ValueOrdinal)), out var survivor))
            {
                row.References[slot] = survivor;
            }
        }
    }
}
