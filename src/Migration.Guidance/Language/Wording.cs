using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Migrations;

namespace Migration.Guidance.Language;

/// <summary>Numbers, durations, phases and names in the words of the answers (invariant culture: "1,569").</summary>
internal static class Wording
{
    public static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Number(long value) => value.ToString("N0", Culture);

    public static string Rate(double rowsPerSecond) => rowsPerSecond.ToString(rowsPerSecond >= 100 ? "N0" : "N1", Culture);

    public static string Percent(long part, long whole) => whole <= 0 ? "0%" : $"{Math.Min(100, part * 100 / whole)}%";

    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            return "under a second";
        }

        if (span < TimeSpan.FromMinutes(1))
        {
            var s = (int)Math.Round(span.TotalSeconds);
            return s == 1 ? "1 second" : $"{s} seconds";
        }

        if (span < TimeSpan.FromHours(1))
        {
            var m = (int)Math.Round(span.TotalMinutes);
            return m == 1 ? "1 minute" : $"{m} minutes";
        }

        var hours = (int)span.TotalHours;
        var minutes = span.Minutes;
        return minutes == 0 ? $"{hours} hour{(hours == 1 ? "" : "s")}" : $"{hours} hour{(hours == 1 ? "" : "s")} {minutes} min";
    }

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString(span.TotalSeconds >= 10 ? "N0" : "N2", Culture) + " s";

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("HH:mm:ss 'UTC'", Culture);

    /// <summary>"customers" for "sales.customers" (the schema is left out; tables are named the way people say them).</summary>
    public static string Table(string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return (dot < 0 ? qualified : qualified[(dot + 1)..]).Replace('_', ' ');
    }

    public static string Phase(MigrationPhase phase) => phase switch
    {
        MigrationPhase.Created or MigrationPhase.Discovery => "looking at both databases",
        MigrationPhase.Planning => "working out the plan",
        MigrationPhase.Mapping => "checking how every column maps onto the new database",
        MigrationPhase.AwaitingApproval => "waiting for the plan to be approved (nothing has been written yet)",
        MigrationPhase.Execution => "copying data",
        MigrationPhase.Validation => "double-checking the copied data",
        MigrationPhase.Completed => "finished and checked",
        MigrationPhase.Paused => "paused",
        MigrationPhase.AwaitingDecision => "waiting for a decision from you",
        MigrationPhase.Failed => "stopped because of a problem",
        MigrationPhase.RolledBack => "safely returned to the previous state",
        MigrationPhase.Cancelled => "cancelled",
        _ => phase.ToString().ToLowerInvariant(),
    };

    public static string Class(TableClass tableClass) => tableClass switch
    {
        TableClass.Catalog => "reference list",
        TableClass.Junction => "connection table",
        TableClass.Transactional => "business records",
        TableClass.Large => "large table",
        _ => tableClass.ToString().ToLowerInvariant(),
    };

    public static string Path(WritePath path) => path switch
    {
        WritePath.PassThrough => "copied as is (same columns and types)",
        WritePath.Mapped => "converted column by column",
        _ => "not decided yet",
    };

    public static string Join(IReadOnlyList<string> items)
    {
        return items.Count switch
        {
            0 => "",
            1 => items[0],
            2 => $"{items[0]} and {items[1]}",
            _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
        };
    }
}
