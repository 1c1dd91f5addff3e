using Migration.Core.Mapping;
using Npgsql;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// The part of a spec that needs code, for one source row: its new UUID, its references rewritten to their parents'
/// new UUIDs (computed from the legacy ids, no lookup), and the policies — rejected values, orphans skipped and
/// listed, set to NULL, or failing the copy. The same evaluation feeds the COPY and the deep compare.
/// </summary>
internal static class SpecRowEvaluator
{
    /// <summary>Evaluates the reader's current row into <paramref name="row"/>; null when the row is written, else why not.</summary>
    /// <param name="presence">The page's parents looked up in migration_mappings (references the source query cannot vouch for).</param>
    /// <param name="nulled">Incremented for every reference set to NULL by its orphan policy.</param>
    public static RowSkip? Evaluate(CompiledSpec spec, NpgsqlDataReader reader, SpecRow row, ParentPresence presence, ref long nulled)
    {
        row.Legacy = spec.LegacyOrdinal is { } legacyOrdinal ? reader.GetValue(legacyOrdinal) : null;
        if (row.Legacy is not null)
        {
            row.NewId = LegacyIds.NewId(spec.EntityType, row.Legacy);
        }

        foreach (var reject in spec.Rejects)
        {
            if (reader.GetBoolean(reject.FlagOrdinal))
            {
                var value = reader.IsDBNull(reject.ValueOrdinal) ? null : reader.GetString(reject.ValueOrdinal);
                return new RowSkip("rejected", true, $"rejected: {reject.Why}", reject.TargetColumn, value);
            }
        }

        var references = spec.References;
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            if (reader.IsDBNull(reference.ValueOrdinal))
            {
                row.References[i] = null;
                continue;
            }

            var value = reader.GetValue(reference.ValueOrdinal);
            if (reader.GetBoolean(reference.OrphanOrdinal) || (reference.CheckMapped && !presence.HasReference(i, LegacyIds.Text(value))))
            {
                switch (reference.Policy)
                {
                    case OrphanPolicy.SetNull:
                        row.References[i] = null;
                        nulled++;
                        continue;
                    case OrphanPolicy.Fail:
                        throw new OrphanReferenceException(
                            $"{spec.Source} row {reader.GetString(spec.RowKeyOrdinal)}: {reference.SourceColumn} = {LegacyIds.Text(value)} has no {reference.ParentEntity} that is migrated (orphan policy: fail).");
                    default:
                        return new RowSkip("orphan_skipped", true, reference.External
                            ? $"orphan: no {reference.ParentEntity} {LegacyIds.Text(value)} in the new database ({reference.ParentEntity} is not part of this migration)"
                            : $"orphan: no {reference.ParentEntity} {LegacyIds.Text(value)}", reference.SourceColumn, LegacyIds.Text(value));
                }
            }

            row.References[i] = reference.ParentRemaps ? LegacyIds.NewId(reference.ParentEntity, value) : value;
        }

        var polymorphics = spec.Polymorphics;
        for (var i = 0; i < polymorphics.Count; i++)
        {
            var polymorphic = polymorphics[i];
            row.PolymorphicEntity[i] = null;
            row.PolymorphicIds[i] = null;
            if (reader.IsDBNull(polymorphic.TypeOrdinal) || reader.IsDBNull(polymorphic.IdOrdinal))
            {
                continue;
            }

            var type = reader.GetString(polymorphic.TypeOrdinal);
            var id = reader.GetValue(polymorphic.IdOrdinal);
            if (reader.GetBoolean(polymorphic.OrphanOrdinal) || !polymorphic.Types.TryGetValue(type, out var target)
                || (polymorphic.CheckedEntities.Contains(target.Entity) && !presence.HasPolymorphic(i, target.Entity, LegacyIds.Text(id))))
            {
                var what = $"{polymorphic.Map.TypeColumn} = {type}, {polymorphic.Map.IdColumn} = {LegacyIds.Text(id)}";
                switch (polymorphic.Map.OnOrphan)
                {
                    case OrphanPolicy.SetNull:
                        nulled++;
                        continue;
                    case OrphanPolicy.Fail:
                        throw new OrphanReferenceException($"{spec.Source} row {reader.GetString(spec.RowKeyOrdinal)}: {what} points at nothing that is migrated (orphan policy: fail).");
                    default:
                        return new RowSkip("orphan_skipped", true, $"orphan: {what} points at nothing migrated", polymorphic.Map.IdColumn, LegacyIds.Text(id));
                }
            }

            row.PolymorphicEntity[i] = target.Entity;
            row.PolymorphicIds[i] = target.Remaps ? LegacyIds.NewId(target.Entity, id) : id;
        }

        return null;
    }
}
