using Migration.Core.Agents;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Npgsql;

namespace Migration.Agents.Execution;

/// <summary>The seed's ErrorContext of a failed copy, from the exception the copy engine surfaced.</summary>
public static class CopyErrorContext
{
    public static ErrorContext From(string table, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is ErrorBudgetExceededException budget)
        {
            var reason = budget.LastReason;
            return new ErrorContext(
                AgentId.MigrationExecution,
                MigrationPhase.Execution,
                ErrorOperations.BadRowBudget,
                budget.BatchId,
                budget.Quarantined,
                $"{table}: {budget.Quarantined:N0} row(s) could not be written (last: {reason?.Message}); that exceeds the error budget ({budget.Budget}).",
                reason?.SqlState,
                reason?.Constraint,
                reason?.Column is { } column ? $"column {column}" : null,
                [
                    "skip: set the bad rows aside for review and continue",
                    "fix the data (or the target's rule), then continue from the last saved page",
                    "roll back this table and copy it again",
                    "cancel the migration",
                ],
                $"table {table}: {budget.RowsSeen:N0} rows seen, {budget.Quarantined:N0} bad; the page in flight was rolled back; every committed page is kept with its checkpoint",
                EscalationLevel: 3);
        }

        var postgres = exception as PostgresException ?? exception.InnerException as PostgresException;
        return new ErrorContext(
            AgentId.MigrationExecution,
            MigrationPhase.Execution,
            $"copy {table}",
            null,
            0,
            postgres?.MessageText ?? exception.Message,
            postgres?.SqlState,
            postgres?.ConstraintName,
            postgres?.Detail,
            ["fix the cause and resume the migration (it continues from the last committed page)", "cancel the migration"],
            $"table {table}: copy stopped; every committed page is kept with its checkpoint",
            EscalationLevel: 2);
    }
}
