using System.Globalization;
using Microsoft.Extensions.Logging;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Postgres.Catalog;
using Migration.Postgres.Validation;
using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Schema;

/// <summary>
/// Prepares the target before the load and finishes it afterwards, from the source catalog read by
/// <see cref="PostgresCatalogReader"/>. Every step looks at the target's catalog first and skips what exists, so both
/// methods can run any number of times (on resume, after a crash).
/// </summary>
/// <remarks>
/// <para><see cref="PrepareAsync"/> runs in one transaction: schemas, extensions (in the source's schema; one that
/// cannot be installed fails the call), enum types (an existing enum gets the labels it lacks), domains, sequences,
/// the tables marked CreateInTarget with their columns (types, NOT NULL, defaults, identity, stored generated columns)
/// and primary key only, the partitions of created partitioned tables (PARTITION OF, which brings the parent's keys,
/// checks, indexes and foreign keys along as they are added later), sequence ownership; then the plan's deferred
/// constraints that exist on the target are dropped.</para>
/// <para><see cref="FinishAsync"/> commits each statement on its own, so work done survives a failure further on:
/// unique keys, checks, indexes and foreign keys of created tables, the deferred constraints, then the sequences.
/// Foreign keys are added validated in one statement (not NOT VALID + VALIDATE): nothing writes to the target at that
/// point, so the lighter lock of VALIDATE buys nothing, the check is the same single anti-join, and PostgreSQL does
/// not support NOT VALID foreign keys on partitioned tables. A constraint that existing rows violate does not stop the
/// others; once everything else is done, <see cref="ConstraintViolationException"/> names it (or all of them), and a
/// later run, after the rows are fixed, creates just what is still missing.</para>
/// <para>Sequences: every sequence that feeds a column of a migrated table on the target (owned by it — serial or
/// identity — or called by its default) is set past the greatest value loaded, never below the source sequence's
/// last value or its own; with nothing loaded and never used, the next value is the start value. Sequences of the
/// source that feed no migrated column get the source's last value.</para>
/// <para>Created tables keep the source's names: a plan that renames a created table or its columns is refused
/// (the definitions, indexes and constraints are the source's text).</para>
/// </remarks>
public sealed partial class PostgresTargetSchemaBuilder(ILogger<PostgresTargetSchemaBuilder> logger) : ITargetSchemaBuilder
{
    public async Task PrepareAsync(string targetConnectionString, DatabaseCatalog source, MigrationPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(plan);
        var created = TablesToCreate(source, plan);
        var createdNames = created.Select(t => t.Name).ToHashSet();

        await using var connection = await PostgresSession.OpenAsync(targetConnectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await TargetState.ReadAsync(connection, transaction, cancellationToken);
        var executed = 0;
        async Task Run(string sql)
        {
            LogStatement(logger, sql);
            await using var command = PostgresSession.Command(connection, sql, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            executed++;
        }

        var sequences = source.Sequences
            .Where(s => !IsIdentitySequence(source, s) && (s.OwnedByTable is null || createdNames.Contains(s.OwnedByTable)))
            .ToList();
        var extensions = source.ExtensionDetails.Count > 0
            ? source.ExtensionDetails.Select(e => (e.Name, Schema: (string?)e.Schema)).ToList()
            : source.Extensions.Select(e => (Name: e, Schema: (string?)null)).ToList();
        var schemas = created.Select(t => t.Name.Schema)
            .Concat(source.Enums.Select(e => e.Name.Schema))
            .Concat(source.Domains.Select(d => d.Name.Schema))
            .Concat(sequences.Select(s => s.Name.Schema))
            .Concat(extensions.Where(e => !state.HasExtension(e.Name) && e.Schema is not null).Select(e => e.Schema!))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (var schema in schemas.Where(s => !state.HasSchema(s)))
        {
            await Run(SchemaDdl.CreateSchema(schema));
            state.AddSchema(schema);
        }

        foreach (var (name, schema) in extensions.Where(e => !state.HasExtension(e.Name)))
        {
            try
            {
                await Run(SchemaDdl.CreateExtension(name, schema));
            }
            catch (PostgresException ex)
            {
                throw new InvalidOperationException(
                    $"The source uses the extension {name}, which the target lacks and could not install: {ex.MessageText}", ex);
            }

            state.AddExtension(name);
        }

        foreach (var type in source.Enums)
        {
            if (!state.HasType(type.Name))
            {
                await Run(SchemaDdl.CreateEnum(type));
                state.AddType(type.Name, 'e', type.Labels);
            }
            else if (state.EnumLabels(type.Name) is { } existing)
            {
                foreach (var statement in MissingEnumLabels(type, existing))
                {
                    await Run(statement);
                }
            }
        }

        foreach (var domain in source.Domains.Where(d => !state.HasType(d.Name)))
        {
            await Run(SchemaDdl.CreateDomain(domain));
            state.AddType(domain.Name, 'd', []);
        }

        foreach (var sequence in sequences.Where(s => !state.HasRelation(s.Name)))
        {
            await Run(SchemaDdl.CreateSequence(sequence));
            state.AddRelation(sequence.Name, 'S');
        }

        foreach (var table in created.Where(t => !state.HasRelation(t.Name)))
        {
            var asPartition = table.PartitionParent is { } parent && (createdNames.Contains(parent) || state.HasTable(parent));
            try
            {
                await Run(SchemaDdl.CreateTable(table, source, asPartition));
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedObject)
            {
                throw new InvalidOperationException(
                    $"Table {table.Name} cannot be created in the target: {ex.MessageText}. Enums, domains, sequences and " +
                    "extensions are created from the source; other types (composite types, custom range types) must exist in the target first.", ex);
            }

            state.AddRelation(table.Name, table.IsPartitioned ? 'p' : 'r');
            LogTableCreated(logger, table.Name.ToString());
        }

        // Partitions got their parent's key from PARTITION OF; a key declared only on a partition is added here.
        state = await TargetState.ReadAsync(connection, transaction, cancellationToken);
        foreach (var table in created.Where(t => t.PrimaryKey is not null && !state.HasPrimaryKey(t.Name)))
        {
            await Run(SchemaDdl.AddConstraint(table.Name, table.PrimaryKey!.Name, table.PrimaryKey.Definition));
        }

        foreach (var sequence in sequences.Where(s => s.OwnedByTable is not null && s.OwnedByColumn is not null))
        {
            await Run(SchemaDdl.OwnSequence(sequence, sequence.OwnedByTable!, sequence.OwnedByColumn!));
        }

        foreach (var deferred in plan.DeferredConstraints.Where(d => state.HasConstraint(d.Table, d.Name)))
        {
            await Run(SchemaDdl.DropConstraint(deferred.Table, deferred.Name));
            state.RemoveConstraint(deferred.Table, deferred.Name);
            LogConstraintSetAside(logger, deferred.Name, deferred.Table.ToString(), deferred.Reason);
        }

        await transaction.CommitAsync(cancellationToken);
        LogPrepared(logger, created.Count, executed);
    }

    public async Task FinishAsync(string targetConnectionString, DatabaseCatalog source, MigrationPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(plan);
        var created = TablesToCreate(source, plan);
        await using var connection = await PostgresSession.OpenAsync(targetConnectionString, cancellationToken);
        var executed = 0;
        async Task Run(string sql)
        {
            LogStatement(logger, sql);
            await using var command = PostgresSession.Command(connection, sql);
            await command.ExecuteNonQueryAsync(cancellationToken);
            executed++;
        }

        // A violated constraint does not stop the others: each is tried, and all violations are reported at the end.
        var violations = new List<ConstraintViolationException>();
        async Task<bool> AddConstraint(QualifiedName table, string name, string definition, string what)
        {
            try
            {
                await Run(SchemaDdl.AddConstraint(table, name, definition));
                return true;
            }
            catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                var orphans = ex.SqlState == PostgresErrorCodes.ForeignKeyViolation
                    ? await CountOrphansAsync(connection, source, table, name, cancellationToken)
                    : null;
                violations.Add(Violation(table, name, what, ex, orphans));
                LogViolation(logger, name, table.ToString(), ex.MessageText);
                return false;
            }
        }

        // Unique keys level by level: a key added to a partitioned table reaches its partitions under other names.
        foreach (var level in created.GroupBy(t => Depth(t, source)).OrderBy(g => g.Key))
        {
            var current = await TargetState.ReadAsync(connection, null, cancellationToken);
            foreach (var table in level)
            {
                foreach (var key in table.UniqueKeys.Where(k => !current.HasConstraint(table.Name, k.Name) && !current.HasKeyOn(table.Name, 'u', k.Columns)))
                {
                    await AddConstraint(table.Name, key.Name, key.Definition, "unique key");
                }
            }
        }

        var state = await TargetState.ReadAsync(connection, null, cancellationToken);
        foreach (var table in created)
        {
            foreach (var check in table.Checks.Where(c => !state.HasConstraint(table.Name, c.Name)))
            {
                await AddConstraint(table.Name, check.Name, check.Definition, "check");
            }

            foreach (var index in table.Indexes.Where(i => !state.HasRelation(new QualifiedName(table.Name.Schema, i.Name))))
            {
                try
                {
                    await Run(SchemaDdl.CreateIndex(table, index));
                }
                catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
                {
                    violations.Add(Violation(table.Name, index.Name, "unique index", ex));
                    LogViolation(logger, index.Name, table.Name.ToString(), ex.MessageText);
                }
            }
        }

        foreach (var table in created)
        {
            foreach (var foreignKey in table.ForeignKeys.Where(f => !state.HasConstraint(table.Name, f.Name)))
            {
                if (await AddConstraint(table.Name, foreignKey.Name, foreignKey.Definition, "foreign key"))
                {
                    state.AddConstraint(table.Name, foreignKey.Name, 'f', foreignKey.Columns);
                }
            }
        }

        foreach (var deferred in plan.DeferredConstraints.Where(d => !state.HasConstraint(d.Table, d.Name)))
        {
            if (await AddConstraint(deferred.Table, deferred.Name, deferred.Definition, "deferred constraint"))
            {
                state.AddConstraint(deferred.Table, deferred.Name, 'f', []);
                LogConstraintRestored(logger, deferred.Name, deferred.Table.ToString());
            }
        }

        var sequences = await SynchronizeSequencesAsync(connection, source, plan, cancellationToken);
        LogFinished(logger, created.Count, executed, sequences);
        switch (violations.Count)
        {
            case 1:
                throw violations[0];
            case > 1:
                throw new ConstraintViolationException(violations[0].Table, violations[0].Constraint,
                    $"{violations.Count} constraints cannot be created because rows in the target violate them: " +
                    string.Join(" ", violations.Select(v => v.Message)),
                    new AggregateException(violations));
        }
    }

    /// <summary>
    /// The source definitions of the tables to create: the plan's CreateInTarget tables, the partitioned tables that
    /// planned partitions belong to, and, recursively, the partitions of partitioned tables; parents before partitions.
    /// </summary>
    private static List<TableInfo> TablesToCreate(DatabaseCatalog source, MigrationPlan plan)
    {
        var chosen = new Dictionary<QualifiedName, TableInfo>();
        foreach (var table in plan.Tables.Where(t => t.CreateInTarget))
        {
            var mapping = table.Mapping;
            var definition = source.FindTable(mapping.Source) ?? source.FindTable(table.Table)
                ?? throw new InvalidOperationException($"Table {table.Table} is to be created in the target, but the source catalog does not describe it.");
            if (mapping.Target != definition.Name || mapping.Columns.Any(c => c.SourceColumn != c.TargetColumn))
            {
                throw new InvalidOperationException(
                    $"Table {definition.Name} is to be created in the target from its source definition, but its mapping renames it " +
                    $"(to {mapping.Target}) or its columns; create the target table first or map it without renaming.");
            }

            chosen[definition.Name] = definition;
        }

        // A partition planned on its own is still created inside its partitioned table: add the ancestors.
        foreach (var table in chosen.Values.ToList())
        {
            for (var parent = table.PartitionParent is { } p ? source.FindTable(p) : null;
                 parent is not null && !chosen.ContainsKey(parent.Name);
                 parent = parent.PartitionParent is { } pp ? source.FindTable(pp) : null)
            {
                chosen[parent.Name] = parent;
            }
        }

        var pending = new Queue<TableInfo>(chosen.Values.Where(t => t.IsPartitioned));
        while (pending.TryDequeue(out var parent))
        {
            foreach (var partition in source.Tables.Where(t => t.PartitionParent == parent.Name && !chosen.ContainsKey(t.Name)))
            {
                chosen[partition.Name] = partition;
                if (partition.IsPartitioned)
                {
                    pending.Enqueue(partition);
                }
            }
        }

        return chosen.Values.OrderBy(t => Depth(t, source)).ThenBy(t => t.Name).ToList();
    }

    private static int Depth(TableInfo table, DatabaseCatalog source)
    {
        var depth = 0;
        for (var parent = table.PartitionParent; parent is not null && depth < 64; parent = source.FindTable(parent)?.PartitionParent)
        {
            depth++;
        }

        return depth;
    }

    private static bool IsIdentitySequence(DatabaseCatalog source, SequenceInfo sequence) =>
        sequence.OwnedByTable is { } table && sequence.OwnedByColumn is { } column
        && source.FindTable(table)?.FindColumn(column)?.Identity is not null;

    private static IEnumerable<string> MissingEnumLabels(EnumTypeInfo type, IReadOnlyList<string> existing)
    {
        var present = existing.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < type.Labels.Count; i++)
        {
            var label = type.Labels[i];
            if (present.Contains(label))
            {
                continue;
            }

            var after = i > 0 ? type.Labels[i - 1] : null;
            var before = after is null ? existing.FirstOrDefault() : null;
            present.Add(label);
            yield return SchemaDdl.AddEnumLabel(type, label, after, before);
        }
    }

    /// <summary>
    /// The message names the constraint and table; for a foreign key it says how many rows reference a missing
    /// parent (the server's own detail shows one key only, and Npgsql redacts it unless asked not to).
    /// </summary>
    private static ConstraintViolationException Violation(QualifiedName table, string name, string what, PostgresException ex, (long Rows, QualifiedName Parent)? orphans = null)
    {
        var detail = orphans is { } o
            ? string.Create(CultureInfo.InvariantCulture, $"{o.Rows:N0} {(o.Rows == 1 ? "row references a" : "rows reference")} missing {o.Parent} row")
            : ex.MessageText;
        if (!string.IsNullOrEmpty(ex.Detail) && !ex.Detail.StartsWith("Detail redacted", StringComparison.Ordinal))
        {
            detail += "; " + ex.Detail;
        }

        return new ConstraintViolationException(table.ToString(), name, $"The {what} {name} on {table} cannot be created: {detail}.", ex);
    }

    /// <summary>Rows of <paramref name="table"/> whose foreign key <paramref name="name"/> (as the source declares it) finds no parent.</summary>
    private static async Task<(long Rows, QualifiedName Parent)?> CountOrphansAsync(
        NpgsqlConnection connection, DatabaseCatalog source, QualifiedName table, string name, CancellationToken cancellationToken)
    {
        var foreignKey = source.FindTable(table)?.ForeignKeys.FirstOrDefault(f => f.Name == name);
        if (foreignKey is null)
        {
            return null;
        }

        var check = new OrphanCheck(name, foreignKey.Columns, foreignKey.ReferencedTable, foreignKey.ReferencedColumns);
        await using var command = PostgresSession.Command(connection, ValidationQueries.Orphans(table, childIsPlainTable: false, check, parentIsPlainTable: false));
        var rows = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return (rows, foreignKey.ReferencedTable);
    }

    /// <summary>Moves every sequence feeding a migrated table past the loaded values; returns how many were set.</summary>
    private async Task<int> SynchronizeSequencesAsync(NpgsqlConnection connection, DatabaseCatalog source, MigrationPlan plan, CancellationToken cancellationToken)
    {
        var targets = plan.Tables.Select(t => t.Mapping.Target).Distinct().ToList();
        var feeds = new List<(QualifiedName Sequence, QualifiedName Table, string Column, long Increment)>();
        await using (var command = PostgresSession.Command(connection, SequenceQueries.Feeding))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = targets.Select(t => t.Quoted).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                feeds.Add((new QualifiedName(reader.GetString(0), reader.GetString(1)), new QualifiedName(reader.GetString(2), reader.GetString(3)),
                    reader.GetString(4), reader.GetInt64(5)));
            }
        }

        var done = new HashSet<QualifiedName>();
        foreach (var group in feeds.GroupBy(f => f.Sequence))
        {
            var ascending = group.First().Increment > 0;
            var aggregate = ascending ? "max" : "min";
            var sourceLast = group.Select(f => SourceLastValue(source, plan, group.Key, f.Table, f.Column)).FirstOrDefault(v => v is not null);
            var values = group
                .Select(f => $"(SELECT {aggregate}({SchemaDdl.Quote(f.Column)})::int8 FROM {f.Table.Quoted})")
                .Append("$2::int8")
                .Append("pg_sequence_last_value(q.seqrelid)");
            var extreme = $"{(ascending ? "greatest" : "least")}({string.Join(", ", values)})";
            await SetSequenceAsync(connection, SequenceQueries.SetPast(extreme, ascending), group.Key, sourceLast, cancellationToken);
            done.Add(group.Key);
        }

        // Source sequences that feed no migrated column (application counters) continue where the source is.
        var existing = await ExistingSequencesAsync(connection, source.Sequences.Select(s => s.Name).Where(n => !done.Contains(n)), cancellationToken);
        foreach (var sequence in source.Sequences.Where(s => s.LastValue is not null && existing.Contains(s.Name)))
        {
            var ascending = sequence.Increment > 0;
            var extreme = $"{(ascending ? "greatest" : "least")}($2::int8, pg_sequence_last_value(q.seqrelid))";
            await SetSequenceAsync(connection, SequenceQueries.SetPast(extreme, ascending), sequence.Name, sequence.LastValue, cancellationToken);
            done.Add(sequence.Name);
        }

        return done.Count;
    }

    private async Task SetSequenceAsync(NpgsqlConnection connection, string sql, QualifiedName sequence, long? sourceLast, CancellationToken cancellationToken)
    {
        await using var command = PostgresSession.Command(connection, sql);
        command.Parameters.Add(new NpgsqlParameter { Value = sequence.Quoted, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)sourceLast ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        var value = await command.ExecuteScalarAsync(cancellationToken);
        LogSequenceSet(logger, sequence.ToString(), Convert.ToInt64(value, CultureInfo.InvariantCulture));
    }

    private static async Task<HashSet<QualifiedName>> ExistingSequencesAsync(NpgsqlConnection connection, IEnumerable<QualifiedName> names, CancellationToken cancellationToken)
    {
        var result = new HashSet<QualifiedName>();
        var list = names.ToList();
        if (list.Count == 0)
        {
            return result;
        }

        await using var command = PostgresSession.Command(connection,
            "SELECT x FROM unnest($1::text[]) WITH ORDINALITY u(x, i) WHERE (SELECT relkind FROM pg_class WHERE oid = to_regclass(x)) = 'S' ORDER BY i");
        command.Parameters.Add(new NpgsqlParameter { Value = list.Select(n => n.Quoted).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var byQuoted = list.ToDictionary(n => n.Quoted);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(byQuoted[reader.GetString(0)]);
        }

        return result;
    }

    /// <summary>The source's last value for a target sequence: the source sequence of the same name, else the one owned by the source column mapped to the fed column.</summary>
    private static long? SourceLastValue(DatabaseCatalog source, MigrationPlan plan, QualifiedName sequence, QualifiedName table, string column)
    {
        var sameName = source.Sequences.FirstOrDefault(s => s.Name == sequence);
        if (sameName is not null)
        {
            return sameName.LastValue;
        }

        foreach (var tablePlan in plan.Tables.Where(t => t.Mapping.Target == table))
        {
            var sourceColumn = tablePlan.Mapping.Columns.FirstOrDefault(c => c.TargetColumn == column)?.SourceColumn ?? column;
            var owned = source.Sequences.FirstOrDefault(s => s.OwnedByTable == tablePlan.Mapping.Source && s.OwnedByColumn == sourceColumn);
            if (owned is not null)
            {
                return owned.LastValue;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Target DDL: {Statement}")]
    private static partial void LogStatement(ILogger logger, string statement);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created table {Table} in the target")]
    private static partial void LogTableCreated(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "Set aside constraint {Constraint} on {Table} for the load: {Reason}")]
    private static partial void LogConstraintSetAside(ILogger logger, string constraint, string table, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-created and re-checked constraint {Constraint} on {Table}")]
    private static partial void LogConstraintRestored(ILogger logger, string constraint, string table);

    [LoggerMessage(Level = LogLevel.Error, Message = "Constraint {Constraint} on {Table} cannot be created: {Reason}")]
    private static partial void LogViolation(ILogger logger, string constraint, string table, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sequence {Sequence} set to {Value}")]
    private static partial void LogSequenceSet(ILogger logger, string sequence, long value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Target prepared: {Tables} tables to create, {Statements} statements run")]
    private static partial void LogPrepared(ILogger logger, int tables, int statements);

    [LoggerMessage(Level = LogLevel.Information, Message = "Target finished: {Tables} created tables completed, {Statements} statements run, {Sequences} sequences set")]
    private static partial void LogFinished(ILogger logger, int tables, int statements, int sequences);
}
