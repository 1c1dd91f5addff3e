using System.Text.Json.Serialization;

namespace Migration.Core.Mapping;

/// <summary>
/// One target column and how its value is computed from the source row: <see cref="Transform"/> produces a value,
/// then, if that value is NULL and <see cref="DefaultValue"/> is set, the default is written instead.
/// </summary>
/// <param name="Target">The target column written.</param>
public sealed record ColumnMap(string Target)
{
    /// <summary>
    /// The source column read (or the <see cref="LookupMerge.Name"/> of a lookup of the same table). Used by
    /// <see cref="ColumnTransform.Copy"/>, <see cref="ColumnTransform.Cast"/>, <see cref="ColumnTransform.ValueMap"/>
    /// and <see cref="ColumnTransform.Split"/>; ignored by the others.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>The transform; <see cref="ColumnTransform.Copy"/> (rename/copy) by default.</summary>
    public ColumnTransform Transform { get; init; } = ColumnTransform.Copy;

    /// <summary>Cast only: the PostgreSQL type to cast to (e.g. "integer", "numeric(12,2)"). Null: the target column's type.</summary>
    public string? CastType { get; init; }

    /// <summary>
    /// Cast only: what to do with a value that does not convert. Null: no rule, which the validator accepts only for
    /// casts that cannot fail (widening, anything → text); a failing value then fails its row like any bad row.
    /// </summary>
    public CastFailurePolicy? OnCastFailure { get; init; }

    /// <summary>
    /// ValueMap only: source value text → target value text (a JSON null value maps to NULL). Keys are compared with
    /// <c>source::text</c> exactly (case-sensitive; booleans are "true"/"false", numbers as PostgreSQL prints them).
    /// </summary>
    public IReadOnlyDictionary<string, string?>? Values { get; init; }

    /// <summary>ValueMap only: what a non-NULL source value not in <see cref="Values"/> becomes. Default: reject the row.</summary>
    public ValueMapElse Else { get; init; } = ValueMapElse.Reject;

    /// <summary>
    /// Written when the transform's result is NULL (the "default for NULL" of the seed), as the input text of the
    /// target type (e.g. "0", "pending", "2020-01-01"). With a Copy and no <see cref="Source"/>, a constant.
    /// Null: NULL stays NULL.
    /// </summary>
    public string? DefaultValue { get; init; }

    /// <summary>Expression only: SQL over the source table's columns, evaluated on the source, e.g. "lower(email)".</summary>
    public string? Expression { get; init; }

    /// <summary>Concat only: the source columns (or lookup names) joined, in order.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>Concat and Split: the separator. Null: "" for Concat; required for Split.</summary>
    public string? Separator { get; init; }

    /// <summary>Split only: which part to take, 1-based (as <c>split_part</c>).</summary>
    public int Part { get; init; }

    /// <summary>Suggestions only: how sure the suggester is (0..1). Ignored at execution.</summary>
    public double? Confidence { get; init; }

    /// <summary>Suggestions only: why this mapping was suggested. Ignored at execution.</summary>
    public string? Reason { get; init; }

    /// <summary>The source columns (or lookup names) this column reads, excluding names inside an expression.</summary>
    public IEnumerable<string> SourceColumns() => Transform switch
    {
        ColumnTransform.Concat => Columns,
        ColumnTransform.Expression => [],
        _ => Source is null ? [] : [Source],
    };

    /// <summary>A short human description for plans, e.g. <c>status_code → status (value map, 3 values)</c>.</summary>
    [JsonIgnore]
    public string Description => Transform switch
    {
        ColumnTransform.Copy when Source is null => $"{Target} = {DefaultValue ?? "NULL"} (constant)",
        ColumnTransform.Copy when Source == Target => Target + WithDefault(),
        ColumnTransform.Copy => $"{Source} → {Target} (rename){WithDefault()}",
        ColumnTransform.Cast => $"{Source} → {Target} (cast to {CastType ?? "target type"}{(OnCastFailure is { } f ? ", on failure " + f.ToString().ToLowerInvariant() : "")}){WithDefault()}",
        ColumnTransform.ValueMap => $"{Source} → {Target} (value map, {Values?.Count ?? 0} values, else {Else.ToString().ToLowerInvariant()}){WithDefault()}",
        ColumnTransform.Expression => $"{Expression} → {Target} (expression){WithDefault()}",
        ColumnTransform.Concat => $"{string.Join(" + ", Columns)} → {Target} (concatenate with \"{Separator}\"){WithDefault()}",
        ColumnTransform.Split => $"{Source} → {Target} (part {Part} split on \"{Separator}\"){WithDefault()}",
        _ => Target,
    };

    private string WithDefault() => DefaultValue is null ? "" : $", NULL → {DefaultValue}";
}
