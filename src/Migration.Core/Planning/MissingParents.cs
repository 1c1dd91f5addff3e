using System.Globalization;
using Migration.Core.Catalog;

namespace Migration.Core.Planning;

/// <summary>
/// The seed's "missing parents" decision gate: connection rules of tables in the migration that point at parent
/// tables left out of it, and — when the target lacks some of the parent rows — a decision with the seed's options:
/// migrate the parents first (add the parent table ahead of the child and plan again), skip them (keep the child rows
/// whose parent is missing out, set aside for review and reported by validation), create placeholders (a parent row
/// holding only the key for each missing one, listed for review; offered when the parent's other columns may be
/// empty), or stop the migration.
/// </summary>
public static class MissingParents
{
    public const string DecisionPrefix = "missing-parents-";
    public const string ParentsFirstOption = "parents-first";
    public const string SkipOption = "skip";
    public const string StopOption = "stop";
    public const string PlaceholdersOption = "placeholders";

    public static bool IsMissingParentsDecision(string decisionId) =>
        decisionId is not null && decisionId.StartsWith(DecisionPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The connection rules of the plan's same-schema tables (no mapping spec) whose parent is not in the plan: the
    /// target table's rules when it exists (those stay switched on during the load: only rules between tables of the
    /// migration are set aside), else the source's (they are created after the load).
    /// </summary>
    public static IReadOnlyList<MissingParentReference> References(MigrationPlan plan, DatabaseCatalog source, DatabaseCatalog target)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var inPlan = plan.Tables.Select(t => t.Table).ToHashSet();
        var references = new List<MissingParentReference>();
        foreach (var table in plan.Tables.Where(t => t.Mapping.Spec is null))
        {
            var targetTable = target.FindTable(table.Mapping.Target);
            var keys = targetTable?.ForeignKeys ?? source.FindTable(table.Table)?.ForeignKeys ?? [];
            foreach (var key in keys.Where(k => !k.IsSelfReference && !inPlan.Contains(k.ReferencedTable)))
            {
                references.Add(new MissingParentReference(table.Table, key.Name, key.Columns, key.ReferencedTable, key.ReferencedColumns,
                    target.FindTable(key.ReferencedTable) is not null, targetTable is not null));
            }
        }

        return references;
    }

    /// <summary>
    /// Whether a parent table of the target can take placeholder rows for the key <paramref name="keyColumns"/>:
    /// every other column has a default, is generated or identity, or may be empty.
    /// </summary>
    public static bool CanHoldPlaceholders(TableInfo? parent, IReadOnlyList<string> keyColumns)
    {
        ArgumentNullException.ThrowIfNull(keyColumns);
        return parent is not null && parent.Columns
            .Where(c => !keyColumns.Contains(c.Name, StringComparer.Ordinal))
            .All(c => c.IsNullable || c.DefaultExpression is not null || c.IsGenerated || c.Identity is not null);
    }

    /// <summary>
    /// The decision for one finding with missing parents; <paramref name="round"/> keeps ids of a re-check apart.
    /// <paramref name="placeholdersPossible"/>: the target's parent table can take placeholder rows
    /// (<see cref="CanHoldPlaceholders"/>).
    /// </summary>
    public static DecisionRequest Decision(MissingParentFinding finding, int round, int index, bool placeholdersPossible = false)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var inv = CultureInfo.InvariantCulture;
        var r = finding.Reference;
        var estimate = finding.SampledPercent is { } percent
            ? string.Create(inv, $" (estimated from a {percent:0.#}% sample of {r.Child})")
            : "";
        var examples = finding.Examples.Count == 0 ? "" : $" For example {r.Parent.Name} {string.Join(", ", finding.Examples)}.";
        var where = r.ParentInTarget
            ? $"the new database's {r.Parent} does not hold them"
            : $"the new database has no table {r.Parent}";
        var columns = string.Join(", ", r.ChildColumns);
        var question = string.Create(inv,
            $"{finding.ChildRows:N0} row(s) of {r.Child} point to {finding.MissingKeys:N0} {r.Parent.Name} record(s) through the connection rule {r.Rule} ({columns} → {r.Parent}), but {r.Parent} is not part of this migration and {where}{estimate}.{examples} Those rows would fail or lose their connection. What should happen?");

        var options = new List<DecisionOption>();
        var canAdd = finding.ParentInSource && finding.ParentTargetRows == 0;
        if (canAdd)
        {
            options.Add(new DecisionOption(ParentsFirstOption, "Migrate the parents first",
                $"Add {r.Parent} to the migration, copied before {r.Child}; the plan is made again (and must be approved again).",
                $"Low: all rows of {r.Child} arrive with their connections; {r.Parent} is copied too, which takes longer.", true));
        }

        if (r.CheckedDuringLoad)
        {
            options.Add(new DecisionOption(SkipOption, "Skip them",
                string.Create(inv, $"Copy {r.Child} without the {finding.ChildRows:N0} row(s) whose parent is missing: each is set aside for review (quarantine) with its reason, counted and reported by the final check; nothing is lost silently."),
                $"Medium: the new database lacks those rows of {r.Child} until their parents exist and the rows are added.", !canAdd));
        }

        var placeholders = placeholdersPossible && r.ParentInTarget;
        if (placeholders)
        {
            options.Add(new DecisionOption(PlaceholdersOption, "Create placeholders",
                string.Create(inv, $"Add a stand-in {r.Parent.Name} record for each of the {finding.MissingKeys:N0} missing one(s), holding only its key (the other fields empty or at their defaults), before {r.Child} is copied; each is listed in placeholder_rows for review, and every row of {r.Child} arrives with its connection."),
                string.Create(inv, $"Medium: {finding.MissingKeys:N0} {r.Parent.Name} record(s) in the new database are stand-ins until someone completes them; a rollback removes them with the rest."),
                !canAdd && !r.CheckedDuringLoad));
        }

        options.Add(new DecisionOption(StopOption, "Stop the migration",
            "End this migration here; nothing more is written. Add the parents to the new database (or to the selection) and run it again.",
            "None for the data: nothing is written; the migration has to be run again.", options.Count == 0));

        var recommendation = canAdd
            ? $"Migrate the parents first: {r.Parent} exists in the source, so every row of {r.Child} can arrive with its connection."
            : r.CheckedDuringLoad
                ? $"Skip them: {r.Parent} cannot be added (the source lacks it or the new database's table already holds other rows), so set the rows aside for review."
                : placeholders
                    ? $"Create placeholders: {r.Parent} cannot be added and the rows cannot be set aside one by one, so stand-in parents keep every row of {r.Child} connected."
                    : "Stop the migration: the parents can be neither added nor the rows set aside one by one.";
        return new DecisionRequest($"{DecisionPrefix}{round.ToString(inv)}-{index.ToString(inv)}", question, options,
            "Nothing is written while this waits. Rows whose parent is missing would otherwise fail the load or become data that lost its connection.",
            recommendation);
    }

    /// <summary>The round of a missing-parents decision id ("missing-parents-3-1" → 3).</summary>
    public static int RoundOf(string decisionId)
    {
        if (!IsMissingParentsDecision(decisionId))
        {
            return 0;
        }

        var rest = decisionId.AsSpan(DecisionPrefix.Length);
        var dash = rest.IndexOf('-');
        return int.TryParse(dash < 0 ? rest : rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var round) ? round : 0;
    }
}
