namespace Migration.Core.Mapping;

/// <summary>How a <see cref="ColumnMap"/> computes its target value from the source row.</summary>
public enum ColumnTransform
{
    /// <summary>
    /// The value of <see cref="ColumnMap.Source"/> unchanged (rename when the names differ). The target must accept
    /// the source type as is (same type, or an implicit/assignment cast in PostgreSQL such as int → bigint,
    /// varchar → text). With no <see cref="ColumnMap.Source"/> the value is NULL, so the column receives
    /// <see cref="ColumnMap.DefaultValue"/> (a constant).
    /// </summary>
    Copy,

    /// <summary>
    /// <c>(source)::castType</c> with PostgreSQL's conversion rules, <see cref="ColumnMap.CastType"/> defaulting to the
    /// target column's type. A value that does not convert is handled by <see cref="ColumnMap.OnCastFailure"/>.
    /// </summary>
    Cast,

    /// <summary>
    /// The seed's CASE mapping: the source value's text form (<c>source::text</c>) is looked up in
    /// <see cref="ColumnMap.Values"/> and the mapped text is the target value (input text of the target type, e.g. an
    /// enum label; a JSON null maps to NULL); an unlisted non-NULL value follows <see cref="ColumnMap.Else"/>. A NULL
    /// source is never looked up: it stays NULL (then <see cref="ColumnMap.DefaultValue"/> applies).
    /// </summary>
    ValueMap,

    /// <summary>
    /// <see cref="ColumnMap.Expression"/>: a SQL expression over the source table's columns (unqualified names),
    /// evaluated on the SOURCE in the SELECT list; its result is converted to the target column's type.
    /// </summary>
    Expression,

    /// <summary>
    /// The text forms of <see cref="ColumnMap.Columns"/> joined with <see cref="ColumnMap.Separator"/>; NULL parts are
    /// left out (as <c>concat_ws</c>); all parts NULL gives NULL.
    /// </summary>
    Concat,

    /// <summary>
    /// Part number <see cref="ColumnMap.Part"/> (1-based, as <c>split_part</c>) of the text of
    /// <see cref="ColumnMap.Source"/> split on <see cref="ColumnMap.Separator"/>; a missing or empty part is NULL.
    /// </summary>
    Split,
}
