namespace Migration.Core.Mapping;

/// <summary>
/// The natural key of a target table and what to do when two source rows produce the same values for it (including
/// a row whose natural key already exists in the target from an earlier batch). Rows with a NULL in the natural key
/// are never duplicates.
/// </summary>
/// <param name="Columns">TARGET columns forming the natural key (e.g. "email"), compared after the transforms.</param>
/// <param name="Policy">Skip (and list), keep first, update, or fail.</param>
public sealed record DuplicateRule(IReadOnlyList<string> Columns, DuplicatePolicy Policy);
