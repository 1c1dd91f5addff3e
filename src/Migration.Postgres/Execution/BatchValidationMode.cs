namespace Migration.Postgres.Execution;

/// <summary>How a page's rows are counted in the target before its transaction commits.</summary>
internal enum BatchValidationMode
{
    /// <summary>Not validated (ValidateBatches off).</summary>
    None,

    /// <summary>count(*) of the page's key range in the target (keyset, identity key, key indexed in the target).</summary>
    KeyRange,

    /// <summary>Rows the page's transaction inserted into the target relation(s) (pg_stat_get_xact_tuples_inserted).</summary>
    InsertedCount,
}
