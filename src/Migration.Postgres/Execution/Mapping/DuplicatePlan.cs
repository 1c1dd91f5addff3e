using Migration.Core.Mapping;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// How a table with a natural key rule writes a page: COPY into a temporary staging table (same columns, plus the
/// legacy id and the row's position in the page), then one set-based INSERT … ON CONFLICT into the target.
/// </summary>
internal sealed record DuplicatePlan(DuplicateRule Rule, string StageName, string CreateStage, string StageCopyIn, string Insert, string? Update, string Mappings, string Listed, string Count);
