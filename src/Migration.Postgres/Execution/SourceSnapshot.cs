using System.Data;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// The source side of a page: a read-only repeatable-read transaction, with PostgreSQL's JIT compilation off for it.
/// A page query reads one page, but its cost estimate on a large table passes <c>jit_above_cost</c>, so PostgreSQL
/// compiled every page's expressions again: a 10,000-row page of the legacy demo's order items (orphan checks and
/// casts) took 680 ms with JIT (90 ms of it compiling) and 243 ms without.
/// </summary>
internal static class SourceSnapshot
{
    public static async Task<NpgsqlTransaction> BeginAsync(NpgsqlConnection source, CancellationToken cancellationToken)
    {
        var transaction = await source.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var settings = new NpgsqlCommand("SET TRANSACTION READ ONLY; SET LOCAL jit = off", source, transaction);
        await settings.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }
}
