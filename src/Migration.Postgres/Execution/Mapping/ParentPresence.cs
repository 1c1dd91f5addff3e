using System.Globalization;
using Migration.Core.Catalog;
using Npgsql;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// Parents the source query cannot vouch for: a parent entity that no table of the spec produces (its table was left
/// out of the migration — the missing-parents decision), or a parent whose own rows are kept out when theirs is
/// missing (item → order → customer left out). Whether such a parent is in the new database is what
/// migration_mappings says (rows migrated before, by this migration's earlier tables or by another migration, and
/// placeholders): before a page is written, its distinct reference values (one extra source query, bounded by the
/// page) are looked up there, and a value that is not listed makes the row an orphan, which follows its reference's
/// orphan policy. Memory holds one page's values at most, never the table's ids.
/// </summary>
internal sealed class ParentPresence
{
    private readonly Dictionary<int, HashSet<string>> _references = [];
    private readonly Dictionary<int, HashSet<string>> _polymorphics = [];

    public static ParentPresence None { get; } = new();

    /// <summary>Whether the spec has anything to look up.</summary>
    public static bool Needed(CompiledSpec spec) =>
        spec.References.Any(r => r.CheckMapped) || spec.Polymorphics.Any(p => p.CheckedEntities.Count > 0);

    /// <summary>The parents present for the rows <paramref name="select"/> reads (the page's query, or a sample's).</summary>
    public static async Task<ParentPresence> LoadAsync(
        CompiledSpec spec, string select, NpgsqlConnection source, NpgsqlTransaction? sourceTransaction, NpgsqlConnection target,
        NpgsqlTransaction? targetTransaction, string controlSchema, CancellationToken cancellationToken)
    {
        var presence = new ParentPresence();
        for (var i = 0; i < spec.References.Count; i++)
        {
            var slot = spec.References[i];
            if (!slot.CheckMapped)
            {
                continue;
            }

            var column = Column(slot.ValueOrdinal);
            var values = new List<string>();
            await using (var command = new NpgsqlCommand($"SELECT DISTINCT ({column})::text FROM ({select}) q WHERE {column} IS NOT NULL", source, sourceTransaction) { CommandTimeout = 0 })
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    values.Add(reader.GetString(0));
                }
            }

            presence._references[i] = await ListedAsync(target, targetTransaction, controlSchema, slot.ParentEntity, values, cancellationToken);
        }

        for (var i = 0; i < spec.Polymorphics.Count; i++)
        {
            var slot = spec.Polymorphics[i];
            if (slot.CheckedEntities.Count == 0)
            {
                continue;
            }

            var byEntity = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var type = Column(slot.TypeOrdinal);
            var id = Column(slot.IdOrdinal);
            await using (var command = new NpgsqlCommand($"SELECT DISTINCT ({type})::text, ({id})::text FROM ({select}) q WHERE {type} IS NOT NULL AND {id} IS NOT NULL", source, sourceTransaction) { CommandTimeout = 0 })
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (slot.Types.TryGetValue(reader.GetString(0), out var entity) && slot.CheckedEntities.Contains(entity.Entity))
                    {
                        if (!byEntity.TryGetValue(entity.Entity, out var list))
                        {
                            byEntity[entity.Entity] = list = [];
                        }

                        list.Add(reader.GetString(1));
                    }
                }
            }

            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (entity, values) in byEntity)
            {
                foreach (var legacy in await ListedAsync(target, targetTransaction, controlSchema, entity, values, cancellationToken))
                {
                    present.Add(Key(entity, legacy));
                }
            }

            presence._polymorphics[i] = present;
        }

        return presence;
    }

    /// <summary>Whether the parent of reference slot <paramref name="slot"/> with legacy id <paramref name="legacy"/> is present (true for slots not looked up).</summary>
    public bool HasReference(int slot, string legacy) => !_references.TryGetValue(slot, out var present) || present.Contains(legacy);

    /// <summary>Whether the <paramref name="entity"/> with legacy id <paramref name="legacy"/> of polymorphic slot <paramref name="slot"/> is present (true when not looked up).</summary>
    public bool HasPolymorphic(int slot, string entity, string legacy) =>
        !_polymorphics.TryGetValue(slot, out var present) || present.Contains(Key(entity, legacy));

    private static string Key(string entity, string legacy) => entity + "\n" + legacy;

    private static string Column(int ordinal) => "\"__c" + ordinal.ToString(CultureInfo.InvariantCulture) + "\"";

    private static async Task<HashSet<string>> ListedAsync(
        NpgsqlConnection target, NpgsqlTransaction? transaction, string controlSchema, string entity, List<string> values, CancellationToken cancellationToken)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        if (values.Count == 0)
        {
            return present;
        }

        await using var command = new NpgsqlCommand(
            $"SELECT legacy_id FROM {QualifiedName.QuoteIdentifier(controlSchema)}.migration_mappings WHERE entity_type = $1 AND legacy_id = ANY($2)",
            target, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entity });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. values] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            present.Add(reader.GetString(0));
        }

        return present;
    }
}
