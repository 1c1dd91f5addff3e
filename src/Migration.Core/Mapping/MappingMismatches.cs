using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Planning;

namespace Migration.Core.Mapping;

/// <summary>
/// Schema mismatches of a valid spec that only data can reveal, found before anything is written: source values a
/// target enum does not have (from sampled values) and narrowing casts without a rule. Each becomes a decision with the
/// seed's options — adapt the data (the spec is changed: unknown values become NULL/default or their rows are rejected
/// and listed; values that do not fit are rejected and listed) or change the target (someone alters the target schema,
/// then the check runs again) — and the migration waits until it is answered.
/// </summary>
public static class MappingMismatches
{
    public const string DecisionPrefix = "schema-mismatch-";
    public const string AdaptOption = "adapt-data";
    public const string ChangeTargetOption = "change-target";

    /// <summary>A column whose source values must be sampled: it writes into an enum.</summary>
    public sealed record EnumColumn(int TableIndex, int ColumnIndex, QualifiedName SampleTable, string SampleColumn, EnumTypeInfo Enum);

    /// <summary>The columns of <paramref name="spec"/> that write source values (copied or value-mapped) into a target enum.</summary>
    public static IReadOnlyList<EnumColumn> EnumColumns(MappingSpec spec, DatabaseCatalog source, DatabaseCatalog target)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var result = new List<EnumColumn>();
        for (var i = 0; i < spec.Tables.Count; i++)
        {
            var table = spec.Tables[i];
            var targetTable = target.FindTable(table.Target);
            for (var j = 0; j < table.Columns.Count; j++)
            {
                var column = table.Columns[j];
                if (column.Transform is not (ColumnTransform.Copy or ColumnTransform.ValueMap or ColumnTransform.Cast) || column.Source is null
                    || targetTable?.FindColumn(column.Target) is not { } targetColumn
                    || PostgresTypes.FindEnum(targetColumn.DataType, target) is not { } targetEnum)
                {
                    continue;
                }

                if (table.Lookups.FirstOrDefault(l => l.Name == column.Source) is { } lookup)
                {
                    result.Add(new EnumColumn(i, j, lookup.Table, lookup.ValueColumn, targetEnum));
                }
                else if (source.FindTable(table.Source)?.FindColumn(column.Source) is not null)
                {
                    result.Add(new EnumColumn(i, j, table.Source, column.Source, targetEnum));
                }
            }
        }

        return result;
    }

    /// <summary>The decision for sampled values of <paramref name="column"/> that would not land in its enum; null when all do.</summary>
    public static DecisionRequest? EnumDecision(MappingSpec spec, EnumColumn column, SampledColumn sampled, DatabaseCatalog target, int round)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(sampled);
        var table = spec.Tables[column.TableIndex];
        var map = table.Columns[column.ColumnIndex];
        var outside = sampled.Values.Where(v => Lands(map, v, column.Enum) is false).ToList();
        if (outside.Count == 0)
        {
            return null;
        }

        var nullable = target.FindTable(table.Target)?.FindColumn(map.Target)?.IsNullable ?? false;
        var adapted = AdaptedText(map, nullable);
        var shown = string.Join(", ", outside.Take(10).Select(v => $"\"{v}\"")) + (outside.Count > 10 ? $" and {outside.Count - 10} more" : "");
        return new DecisionRequest(Id(round, column.TableIndex, column.ColumnIndex, "enum"),
            $"{table.Target}.{map.Target} only accepts {string.Join(", ", column.Enum.Labels)}, but the source ({column.SampleTable}.{column.SampleColumn}) has {shown} " +
            $"(found by sampling {sampled.SampledRows.ToString("N0", CultureInfo.InvariantCulture)} rows; path tables[{column.TableIndex}].columns[{column.ColumnIndex}]). What should happen to these rows?",
            [
                new DecisionOption(AdaptOption, "Adapt the data", adapted, nullable || map.DefaultValue is not null
                    ? "Low: the rows are migrated; the unknown values are not kept in this column."
                    : "Medium: the rows are not migrated; they are listed for review.", true),
                new DecisionOption(ChangeTargetOption, "Change the target",
                    $"Add the missing values to {column.Enum.Name} in the target (ALTER TYPE ... ADD VALUE), or map them in the specification; the check runs again when you answer.",
                    "Low, but it changes the target schema.", false),
            ],
            "Nothing is written while this waits; no value is guessed.",
            $"Adapt the data: {adapted}");
    }

    /// <summary>Decisions for the validator's narrowing-cast warnings (values that may not fit).</summary>
    public static IReadOnlyList<DecisionRequest> NarrowingDecisions(MappingSpec spec, MappingValidationResult validation, int round)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(validation);
        var result = new List<DecisionRequest>();
        foreach (var warning in validation.Warnings.Where(w => w.Kind == "narrowing-cast"))
        {
            if (ParsePath(warning.Path) is not { } at)
            {
                continue;
            }

            var table = spec.Tables[at.Table];
            var column = table.Columns[at.Column];
            result.Add(new DecisionRequest(Id(round, at.Table, at.Column, "narrowing"),
                $"{table.Target}.{column.Target}: {warning.Message} (path {warning.Path})",
                [
                    new DecisionOption(AdaptOption, "Adapt the data",
                        "Cast the values; a value that does not fit rejects its row, which is listed for review.",
                        "Medium: rows with values that do not fit are not migrated (they are listed).", true),
                    new DecisionOption(ChangeTargetOption, "Change the target",
                        $"Widen {table.Target}.{column.Target} in the target so every value fits; the check runs again when you answer.",
                        "Low, but it changes the target schema.", false),
                ],
                "Nothing is written while this waits.", "Adapt the data, unless the target column can be widened."));
        }

        return result;
    }

    /// <summary>The spec with the "adapt the data" answer of decision <paramref name="decisionId"/> applied.</summary>
    public static MappingSpec Adapt(MappingSpec spec, string decisionId, DatabaseCatalog target)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(target);
        if (ParseId(decisionId) is not { } at || at.Table >= spec.Tables.Count || at.Column >= spec.Tables[at.Table].Columns.Count)
        {
            throw new ArgumentException($"'{decisionId}' is not a schema mismatch decision of this specification.", nameof(decisionId));
        }

        var table = spec.Tables[at.Table];
        var column = table.Columns[at.Column];
        var nullable = target.FindTable(table.Target)?.FindColumn(column.Target)?.IsNullable ?? false;
        var adapted = at.Kind == "enum" ? AdaptEnum(column, nullable, target.FindTable(table.Target)?.FindColumn(column.Target) is { } tc ? PostgresTypes.FindEnum(tc.DataType, target) : null)
            : column with { Transform = ColumnTransform.Cast, OnCastFailure = CastFailurePolicy.Reject };
        var columns = table.Columns.ToList();
        columns[at.Column] = adapted;
        var tables = spec.Tables.ToList();
        tables[at.Table] = table with { Columns = columns };
        return spec with { Tables = tables };
    }

    public static bool IsMismatchDecision(string decisionId) => decisionId.StartsWith(DecisionPrefix, StringComparison.Ordinal);

    private static ColumnMap AdaptEnum(ColumnMap column, bool nullable, EnumTypeInfo? targetEnum)
    {
        var otherwise = column.DefaultValue is not null ? ValueMapElse.Default : nullable ? ValueMapElse.Null : ValueMapElse.Reject;
        if (column.Transform == ColumnTransform.ValueMap)
        {
            return column with { Else = otherwise };
        }

        // A copy into an enum becomes a value map of the labels onto themselves; everything else follows "otherwise".
        var labels = targetEnum?.Labels ?? [];
        return column with
        {
            Transform = ColumnTransform.ValueMap,
            Values = labels.ToDictionary(l => l, l => (string?)l, StringComparer.Ordinal),
            Else = otherwise,
        };
    }

    private static string AdaptedText(ColumnMap column, bool nullable) =>
        column.DefaultValue is not null ? $"Write \"{column.DefaultValue}\" (the column's default value) for the unknown values; the rows are migrated."
        : nullable ? "Write NULL for the unknown values; the rows are migrated."
        : "The column is required and has no default: rows with unknown values are rejected and listed for review; the others are migrated.";

    /// <summary>True when the value lands in the enum, false when it does not, null when the transform decides otherwise (mapped to NULL).</summary>
    private static bool? Lands(ColumnMap column, string value, EnumTypeInfo targetEnum)
    {
        if (column.Transform == ColumnTransform.ValueMap && column.Values is not null)
        {
            if (column.Values.TryGetValue(value, out var mapped))
            {
                return mapped is null || targetEnum.Labels.Contains(mapped, StringComparer.Ordinal);
            }

            return column.Else switch
            {
                ValueMapElse.Keep => targetEnum.Labels.Contains(value, StringComparer.Ordinal),
                ValueMapElse.Reject => false,
                _ => null,
            };
        }

        return targetEnum.Labels.Contains(value, StringComparer.Ordinal);
    }

    private static string Id(int round, int table, int column, string kind) =>
        string.Create(CultureInfo.InvariantCulture, $"{DecisionPrefix}{round}-t{table}-c{column}-{kind}");

    private static (int Table, int Column, string Kind)? ParseId(string id)
    {
        if (!IsMismatchDecision(id))
        {
            return null;
        }

        var parts = id[DecisionPrefix.Length..].Split('-');
        return parts.Length == 4 && parts[1].StartsWith('t') && parts[2].StartsWith('c')
            && int.TryParse(parts[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && int.TryParse(parts[2].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var c)
                ? (t, c, parts[3])
                : null;
    }

    private static (int Table, int Column)? ParsePath(string path)
    {
        // tables[i].columns[j]...
        var parts = path.Split('[', ']');
        return parts.Length >= 4 && parts[0] == "tables" && parts[2] == ".columns"
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var c)
                ? (t, c)
                : null;
    }
}
