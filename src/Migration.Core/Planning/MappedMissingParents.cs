using Migration.Core.Catalog;
using Migration.Core.Mapping;

namespace Migration.Core.Planning;

/// <summary>
/// The missing-parents gate for mapped migrations (a <see cref="MappingSpec"/>): a reference of the spec names an
/// entity type that no table of the spec produces, but whose table exists in the source (left out of the spec). It is
/// not a spec error but a decision (<see cref="MissingParents"/>: migrate the parents first, create placeholders,
/// skip the children, stop). An entity type that matches no source table stays an error of the spec (a typo).
/// <para>The entity "exists in the source" when a source table that no spec entry reads is named like it (prefix
/// such as <c>dispatch_</c> stripped, plural and singular folded: <c>customer</c> ~ <c>dispatch_customer</c>), or when
/// the target's parent table (the child's foreign key on the reference's target column) is named like it and a source
/// table pairs with that parent table by name or is the source foreign key's parent.</para>
/// </summary>
public static class MappedMissingParents
{
    /// <summary>The kind of the spec validator's warning for such a reference.</summary>
    public const string IssueKind = "missing-parent";

    /// <summary>The parent of <paramref name="reference"/> when its entity type is produced by no table of the spec; null when it cannot be found in the source.</summary>
    public static ExternalParent? Resolve(MappingSpec spec, TableMap map, ReferenceMap reference, DatabaseCatalog source, DatabaseCatalog target)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var entity = reference.EntityType;
        if (string.IsNullOrWhiteSpace(entity) || spec.FindByEntityType(entity) is not null)
        {
            return null;
        }

        var sourcePrefix = NameMatcher.CommonPrefix(source.Tables.Select(t => t.Name.Name));
        var targetPrefix = NameMatcher.CommonPrefix(target.Tables.Select(t => t.Name.Name));
        bool Named(string name, string? prefix) => NameMatcher.Similarity(entity, NameMatcher.StripPrefix(name, prefix)) >= 0.99;

        var targetKey = target.FindTable(map.Target)?.ForeignKeys.FirstOrDefault(f => f.Columns.Count == 1 && f.Columns[0] == reference.TargetColumn);
        var parentTarget = targetKey is not null ? target.FindTable(targetKey.ReferencedTable)
            : target.Tables.FirstOrDefault(t => spec.FindByTarget(t.Name) is null && Named(t.Name.Name, targetPrefix));
        var sourceKey = source.FindTable(map.Source)?.ForeignKeys.FirstOrDefault(f => f.Columns.Count == 1 && f.Columns[0] == reference.SourceColumn);
        var candidates = source.Tables.Where(t => spec.FindBySource(t.Name) is null).Select(t => t.Name).ToList();
        if (sourceKey is not null && spec.FindBySource(sourceKey.ReferencedTable) is null)
        {
            candidates.Remove(sourceKey.ReferencedTable);
            candidates.Insert(0, sourceKey.ReferencedTable);
        }

        var parentSource = candidates.FirstOrDefault(t => Named(t.Name, sourcePrefix));
        if (parentSource is null && parentTarget is not null && Named(parentTarget.Name.Name, targetPrefix))
        {
            var targetWords = NameMatcher.StripPrefix(parentTarget.Name.Name, targetPrefix);
            parentSource = sourceKey is not null && candidates.Contains(sourceKey.ReferencedTable)
                ? sourceKey.ReferencedTable
                : candidates.FirstOrDefault(t => NameMatcher.Similarity(NameMatcher.StripPrefix(t.Name, sourcePrefix), targetWords) >= 0.99);
        }

        if (parentSource is not { } parent)
        {
            return null;
        }

        var key = targetKey is not null ? targetKey.ReferencedColumns[0]
            : parentTarget?.PrimaryKey is { Columns.Count: 1 } pk ? pk.Columns[0] : null;
        var legacy = parentTarget?.Columns.FirstOrDefault(c => c.Name == "legacy_id")?.Name
            ?? parentTarget?.Columns.FirstOrDefault(c => c.Name.StartsWith("legacy_", StringComparison.Ordinal) && c.Name.EndsWith("_id", StringComparison.Ordinal))?.Name;
        return new ExternalParent(entity, parent, parentTarget?.Name, key, legacy, source.FindTable(parent) is not null);
    }

    /// <summary>
    /// The spec's references (of tables in the plan) to entity types no table of the spec produces whose table exists
    /// in the source, as connection rules for the gate: the child is the spec entry's source table, the parent the
    /// target's parent table (or, when the target has none, the parent's source table).
    /// </summary>
    public static IReadOnlyList<MissingParentReference> References(MigrationPlan plan, MappingSpec spec, DatabaseCatalog source, DatabaseCatalog target, string controlSchema)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(spec);
        var inPlan = plan.Tables.Select(t => t.Table).ToHashSet();
        var references = new List<MissingParentReference>();
        foreach (var map in spec.Tables.Where(m => inPlan.Contains(m.Source)))
        {
            foreach (var reference in map.References)
            {
                if (Resolve(spec, map, reference, source, target) is not { } parent)
                {
                    continue;
                }

                references.Add(new MissingParentReference(map.Source, Rule(reference), [reference.SourceColumn], parent.Target ?? parent.Source,
                    [parent.TargetKey ?? "id"], parent.Target is not null, true)
                {
                    EntityType = parent.EntityType,
                    ParentSource = parent.Source,
                    ParentLegacyColumn = parent.TargetLegacyColumn,
                    ControlSchema = controlSchema,
                    ChildFilter = map.Filter,
                });
            }
        }

        return references;
    }

    /// <summary>The rule's name of a mapped reference: "customer_id → customer".</summary>
    public static string Rule(ReferenceMap reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return $"{reference.SourceColumn} → {reference.EntityType}";
    }

    /// <summary>Whether the target's parent table can take placeholders: a uuid key (the children's computed ids) and every other column but the legacy id optional.</summary>
    public static bool CanHoldPlaceholders(MissingParentReference reference, DatabaseCatalog target)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(target);
        var parent = reference.ParentInTarget ? target.FindTable(reference.Parent) : null;
        return parent?.FindColumn(reference.ParentColumns[0]) is { } key && key.DataType == "uuid"
            && MissingParents.CanHoldPlaceholders(parent, reference.ParentLegacyColumn is { } legacy ? [key.Name, legacy] : [key.Name]);
    }

    /// <summary>
    /// "Migrate the parents first": the spec entry for the parent table taken from a suggestion (both catalogs, sampled
    /// values) and given the reference's entity type, and the spec with it — or why it cannot be mapped automatically.
    /// </summary>
    public static (MappingSpec? Spec, string? Refusal) WithParent(MappingSpec spec, MissingParentReference reference, MappingSuggestion suggestion,
        DatabaseCatalog source, DatabaseCatalog target)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(suggestion);
        if (reference.ParentSource is not { } parentSource || reference.EntityType is not { } entity)
        {
            return (null, "it is not a reference of the mapping specification");
        }

        if (!reference.ParentInTarget)
        {
            return (null, $"the new database has no table for {entity}");
        }

        var suggested = suggestion.Spec.Tables.FirstOrDefault(t => t.Source == parentSource && t.Target == reference.Parent);
        if (suggested is null)
        {
            return (null, $"no mapping of {parentSource} onto {reference.Parent} could be suggested with confidence");
        }

        if (!suggested.RemapsKeys)
        {
            return (null, $"the suggested mapping of {parentSource} keeps its keys, but the children point at new uuid keys");
        }

        var previous = suggested.EntityType;
        var map = suggested with
        {
            Key = suggested.Key! with { EntityType = entity },
            References = [.. suggested.References.Select(r => r.EntityType == previous ? r with { EntityType = entity } : r)],
            Confidence = null,
            Reason = null,
        };
        var added = spec with { Tables = [.. spec.Tables, map] };
        var at = $"tables[{spec.Tables.Count}]";
        var errors = MappingValidator.Validate(added, source, target).Issues
            .Where(i => i.Severity == MappingIssueSeverity.Error && i.Path.StartsWith(at, StringComparison.Ordinal))
            .ToList();
        return errors.Count > 0
            ? (null, $"the suggested mapping of {parentSource} onto {reference.Parent} is incomplete ({string.Join("; ", errors.Take(3).Select(e => e.Message))})")
            : (added, null);
    }

    /// <summary>"Skip them": the reference's orphans are skipped and listed for review (rows whose parent is missing are kept out).</summary>
    public static MappingSpec SkippingOrphans(MappingSpec spec, MissingParentReference reference)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(reference);
        return spec with
        {
            Tables = [.. spec.Tables.Select(t => t.Source != reference.Child ? t : t with
            {
                References = [.. t.References.Select(r => r.SourceColumn == reference.ChildColumns[0] && r.EntityType == reference.EntityType
                    ? r with { OnOrphan = OrphanPolicy.SkipAndList }
                    : r)],
            })],
        };
    }
}
