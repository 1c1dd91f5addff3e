using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// Writes one page of a spec-mapped table inside the page's target transaction: the source query's rows, evaluated
/// (<see cref="SpecRowEvaluator"/>), go by binary COPY into the target (or, with a natural key rule, into a staging
/// table and from there by one INSERT … ON CONFLICT); then, still in the same transaction, a second binary COPY puts
/// the page's (entity_type, legacy_id, new_id, migration_batch) rows into migration_mappings, and the rows a policy
/// kept out are listed in the quarantine and counted in mapping_outcomes. The only memory that grows is the page's
/// own id pairs (bounded by the page size), never the table's.
/// </summary>
internal sealed class SpecPageWriter(CompiledSpec spec)
{
    public CompiledSpec Spec { get; } = spec;

    public async Task<SpecPageResult> WriteAsync(
        NpgsqlConnection source,
        NpgsqlTransaction sourceTransaction,
        NpgsqlConnection target,
        NpgsqlTransaction targetTransaction,
        string select,
        SpecPageContext page,
        CancellationToken cancellationToken)
    {
        var duplicates = Spec.Duplicates;
        if (duplicates is not null)
        {
            await using var create = new NpgsqlCommand(duplicates.CreateStage, target, targetTransaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var redirects = Spec.References.Any(r => r.ParentMerges)
            ? await ReferenceRedirects.LoadAsync(Spec, select, source, sourceTransaction, target, targetTransaction, page.ControlSchema, cancellationToken)
            : ReferenceRedirects.None;
        var presence = ParentPresence.Needed(Spec)
            ? await ParentPresence.LoadAsync(Spec, select, source, sourceTransaction, target, targetTransaction, page.ControlSchema, cancellationToken)
            : ParentPresence.None;
        var row = new SpecRow(Spec.References.Count, Spec.Polymorphics.Count);
        var outcomes = new Dictionary<string, long>(StringComparer.Ordinal);
        var listed = new List<RowSkip>();
        var listedKeys = new List<string>();
        var legacyIds = new List<string>();
        var newIds = new List<Guid>();
        long read = 0, written = 0, nulled = 0;
        await using (var command = new NpgsqlCommand(select, source, sourceTransaction) { CommandTimeout = 0 })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        await using (var importer = await target.BeginBinaryImportAsync(duplicates?.StageCopyIn ?? Spec.CopyIn, cancellationToken))
        {
            var columns = Spec.Columns;
            while (await reader.ReadAsync(cancellationToken))
            {
                read++;
                if (SpecRowEvaluator.Evaluate(Spec, reader, row, presence, ref nulled) is { } skip)
                {
                    outcomes[skip.Outcome] = outcomes.GetValueOrDefault(skip.Outcome) + 1;
                    if (skip.Listed)
                    {
                        listed.Add(skip);
                        listedKeys.Add(reader.GetString(Spec.RowKeyOrdinal));
                    }

                    continue;
                }

                if (!redirects.IsEmpty)
                {
                    redirects.Apply(Spec, reader, row);
                }

                await importer.StartRowAsync(cancellationToken);
                for (var i = 0; i < columns.Count; i++)
                {
                    await columns[i].WriteAsync(reader, row, importer, cancellationToken);
                }

                if (row.Legacy is not null)
                {
                    var legacy = Core.Mapping.LegacyIds.Text(row.Legacy);
                    if (duplicates is not null)
                    {
                        await importer.WriteAsync(legacy, NpgsqlDbType.Text, cancellationToken);
                        await importer.WriteAsync(read, NpgsqlDbType.Bigint, cancellationToken);
                    }
                    else
                    {
                        legacyIds.Add(legacy);
                        newIds.Add(row.NewId);
                    }
                }

                written++;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        if (nulled > 0)
        {
            outcomes["orphan_nulled"] = nulled;
        }

        if (duplicates is not null)
        {
            written = await ResolveDuplicatesAsync(target, targetTransaction, duplicates, page, outcomes, cancellationToken);
        }
        else if (legacyIds.Count > 0)
        {
            await using var mappings = await target.BeginBinaryImportAsync(MappingControlSql.CopyMappings(page.ControlSchema), cancellationToken);
            for (var i = 0; i < legacyIds.Count; i++)
            {
                await mappings.StartRowAsync(cancellationToken);
                await mappings.WriteAsync(Spec.EntityType, NpgsqlDbType.Text, cancellationToken);
                await mappings.WriteAsync(legacyIds[i], NpgsqlDbType.Text, cancellationToken);
                await mappings.WriteAsync(newIds[i].ToString(), NpgsqlDbType.Text, cancellationToken);
                await mappings.WriteAsync(page.BatchId, NpgsqlDbType.Text, cancellationToken);
            }

            await mappings.CompleteAsync(cancellationToken);
        }

        if (listed.Count > 0 || outcomes.Count > 0)
        {
            await using var batch = new NpgsqlBatch(target, targetTransaction);
            if (listed.Count > 0)
            {
                var insert = new NpgsqlBatchCommand(MappingControlSql.InsertListed(page.ControlSchema));
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.MigrationId });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.TableName });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.BatchId });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. listed.Select(l => l.Reason)] });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. listed.Select(l => l.Column)] });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. listedKeys] });
                insert.Parameters.Add(new NpgsqlParameter<string?[]>
                {
                    TypedValue = [.. listed.Select(l => l.Value is null ? $"{l.Column} = NULL" : $"{l.Column} = {Cut(l.Value)}")],
                });
                batch.BatchCommands.Add(insert);
            }

            if (outcomes.Count > 0)
            {
                var counts = new NpgsqlBatchCommand(MappingControlSql.InsertOutcomes(page.ControlSchema));
                counts.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.MigrationId });
                counts.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.TableName });
                counts.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.BatchId });
                counts.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. outcomes.Keys] });
                counts.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. outcomes.Values] });
                batch.BatchCommands.Add(counts);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return new SpecPageResult(read, written, outcomes);
    }

    private static async Task<long> ResolveDuplicatesAsync(
        NpgsqlConnection target,
        NpgsqlTransaction transaction,
        DuplicatePlan plan,
        SpecPageContext page,
        Dictionary<string, long> outcomes,
        CancellationToken cancellationToken)
    {
        long inserted, staged;
        await using (var insert = new NpgsqlCommand(plan.Insert, target, transaction))
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            inserted = reader.GetInt64(0);
            staged = reader.GetInt64(1);
        }

        if (plan.Update is not null)
        {
            await using var update = new NpgsqlCommand(plan.Update, target, transaction);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var mappings = new NpgsqlCommand(plan.Mappings, target, transaction))
        {
            mappings.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.EntityType });
            mappings.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.BatchId });
            await mappings.ExecuteNonQueryAsync(cancellationToken);
        }

        var duplicates = staged - inserted;
        if (duplicates > 0)
        {
            var outcome = plan.Rule.Policy switch
            {
                Core.Mapping.DuplicatePolicy.Update => "duplicate_updated",
                Core.Mapping.DuplicatePolicy.KeepFirst => "duplicate_dropped",
                _ => "duplicate_skipped",
            };
            outcomes[outcome] = duplicates;
            if (plan.Rule.Policy == Core.Mapping.DuplicatePolicy.Skip)
            {
                await using var listed = new NpgsqlCommand(plan.Listed, target, transaction);
                listed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.MigrationId });
                listed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.TableName });
                listed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = page.BatchId });
                await listed.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return inserted;
    }

    private static string Cut(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
