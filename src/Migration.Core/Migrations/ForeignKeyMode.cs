namespace Migration.Core.Migrations;

/// <summary>What happens to existing foreign keys of the target while it is loaded.</summary>
public enum ForeignKeyMode
{
    /// <summary>Not chosen yet: the plan asks.</summary>
    Unspecified,

    /// <summary>Keep them enforced during the load (slower: one check per row).</summary>
    Keep,

    /// <summary>Drop them before the load, re-create and validate them afterwards (faster).</summary>
    RecreateAfterLoad,
}
