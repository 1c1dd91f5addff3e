namespace Migration.Core.Mapping;

public enum MappingIssueSeverity
{
    /// <summary>Worth knowing (e.g. a source column that is not migrated).</summary>
    Info,

    /// <summary>Allowed, but may lose or change data (e.g. a narrowing cast): becomes a decision before the load.</summary>
    Warning,

    /// <summary>The spec cannot run: rejected before anything is written.</summary>
    Error,
}
