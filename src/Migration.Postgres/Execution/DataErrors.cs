using System.Text.RegularExpressions;
using Migration.Core.Execution;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// Failures caused by the data of a row rather than by the connection or the server (seed L1: a batch that fails on
/// data is bisected): integrity violations (SQLSTATE class 23: not null, check, unique, foreign key), data exceptions
/// (class 22: invalid text for the type, out of range, too long, bad encoding 22021), and values the client could
/// not convert for the target column (mapped path).
/// </summary>
internal static partial class DataErrors
{
    /// <summary>The reason when <paramref name="exception"/> (or an exception inside it) is a data error; null otherwise.</summary>
    public static QuarantineReason? Reason(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException pg when IsDataSqlState(pg.SqlState):
                    return new QuarantineReason(pg.MessageText, pg.SqlState, pg.ConstraintName, pg.ColumnName ?? ColumnFromWhere(pg.Where), pg.Detail);
                case PostgresException:
                    return null;
                case InvalidCastException or OverflowException or FormatException:
                    return new QuarantineReason($"value cannot be converted for the target column: {current.Message}", null, null, null, null);
            }
        }

        return null;
    }

    public static bool IsDataSqlState(string? sqlState) =>
        sqlState is not null && (sqlState.StartsWith("22", StringComparison.Ordinal) || sqlState.StartsWith("23", StringComparison.Ordinal));

    // COPY reports the failing column in the context: "COPY t, line 3, column v: "abc"".
    private static string? ColumnFromWhere(string? where) =>
        where is null ? null : WhereColumn().Match(where) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^COPY [^,]+, line \d+, column (.+?)(?::|$)", RegexOptions.CultureInvariant)]
    private static partial Regex WhereColumn();
}
