using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Migration.Core.Planning;

namespace Migration.Agents.Abstractions;

/// <summary>
/// Data Mapping agent. Suggests a mapping spec from both catalogs and sampled values, validates a spec against the
/// live databases (catalogs and SQL), finds schema mismatches of a spec's plan by sampling the source before anything
/// is written, and checks the plan's mapping against the live target right before the first write (columns dropped
/// or retyped since planning) so a mismatch stops the migration before the first page instead of half-way through.
/// </summary>
public interface IDataMappingGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<PlanProblem>> VerifyAsync(string targetConnectionString, MigrationPlan plan);

    /// <summary>A suggested spec for the source tables selected by <paramref name="filter"/>, with decisions and issues.</summary>
    Task<MappingSuggestion> SuggestAsync(string sourceConnectionString, string targetConnectionString, CatalogFilter filter, double threshold);

    /// <summary>The spec checked against both live catalogs and, when its tables are known, its SQL prepared on the source.</summary>
    Task<MappingValidationResult> ValidateAsync(string sourceConnectionString, string targetConnectionString, MappingSpec spec);

    /// <summary>
    /// Schema mismatches of a planned spec found before any write — values outside a target enum (sampled from the
    /// source), narrowing casts without a rule — each as a decision with the options "adapt the data" and "change the
    /// target". <paramref name="round"/> makes the ids of a re-check differ from answered ones.
    /// </summary>
    Task<IReadOnlyList<DecisionRequest>> FindMismatchesAsync(string sourceConnectionString, string targetConnectionString, MigrationPlan plan, int round);
}
