using Microsoft.Extensions.Options;
using Migration.Core.Execution;

namespace Migration.Postgres.Quarantine;

/// <summary>Checks the configured error budget on start (a bad value stops the server with the field and the problem).</summary>
internal sealed class ErrorBudgetValidator : IValidateOptions<ErrorBudget>
{
    public ValidateOptionsResult Validate(string? name, ErrorBudget options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(p => $"{Microsoft.Extensions.DependencyInjection.ErrorBudgetServiceCollectionExtensions.SectionName}:{p.Field} {p.Problem}"));
    }
}
