namespace Migration.Postgres.Execution;

/// <summary>How one source value is read in the mapped path (the CLR type that round-trips it exactly).</summary>
internal enum SourceValueReader
{
    /// <summary>The provider's default type (GetValue).</summary>
    Default,

    /// <summary><c>interval</c>: <see cref="NpgsqlTypes.NpgsqlInterval"/> keeps months and days apart.</summary>
    Interval,
}
