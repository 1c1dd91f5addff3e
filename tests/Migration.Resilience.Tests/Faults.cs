using Migration.Testing;
using Npgsql;

namespace Migration.Resilience.Tests;

/// <summary>Probes used to time a fault: rows committed so far, the migration's phase in the control schema.</summary>
public static class Faults
{
    public static async Task<long> RowsCommittedAsync(string target)
    {
        try
        {
            return await PostgresServer.ScalarAsync<long>(target, "SELECT coalesce(sum(rows_copied), 0)::bigint FROM migration_control.checkpoints");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>How many tables have every key range's checkpoint completed.</summary>
    public static async Task<long> TablesCompletedAsync(string target)
    {
        try
        {
            return await PostgresServer.ScalarAsync<long>(target,
                "SELECT count(*) FROM (SELECT table_name FROM migration_control.checkpoints GROUP BY table_name HAVING bool_and(completed)) t");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }
}
