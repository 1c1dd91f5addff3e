using System.Globalization;
using System.Text.RegularExpressions;

namespace Migration.Guidance.Language;

/// <summary>Finds "since when" in a question: "in the last 5 minutes", "since 10:30", "an hour ago", "today".</summary>
internal static partial class TimeResolver
{
    public static DateTimeOffset? Since(string normalized, DateTimeOffset now)
    {
        var relative = Relative().Match(normalized);
        if (relative.Success)
        {
            var amount = Amount(relative.Groups["n"].Value);
            var unit = relative.Groups["unit"].Value;
            var span = unit.StartsWith("sec", StringComparison.Ordinal) ? TimeSpan.FromSeconds(amount)
                : unit.StartsWith("min", StringComparison.Ordinal) ? TimeSpan.FromMinutes(amount)
                : unit.StartsWith("hour", StringComparison.Ordinal) ? TimeSpan.FromHours(amount)
                : TimeSpan.FromDays(amount);
            return now - span;
        }

        if (TextMatch.ContainsPhrase(normalized, "half an hour"))
        {
            return now - TimeSpan.FromMinutes(30);
        }

        var clock = ClockTime().Match(normalized);
        if (clock.Success)
        {
            var hour = int.Parse(clock.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minute = clock.Groups["m"].Success ? int.Parse(clock.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            if (clock.Groups["pm"].Value == "pm" && hour < 12)
            {
                hour += 12;
            }

            if (hour < 24 && minute < 60)
            {
                var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(hour).AddMinutes(minute);
                return today > now ? today.AddDays(-1) : today;
            }
        }

        if (TextMatch.ContainsPhrase(normalized, "today") || TextMatch.ContainsPhrase(normalized, "this morning"))
        {
            return new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        }

        if (TextMatch.ContainsPhrase(normalized, "yesterday"))
        {
            return new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-1);
        }

        return TextMatch.ContainsPhrase(normalized, "since the start") || TextMatch.ContainsPhrase(normalized, "since the beginning")
            ? DateTimeOffset.MinValue
            : null;
    }

    private static int Amount(string text) => text switch
    {
        "" or "a" or "an" or "the" or "one" => 1,
        "two" or "couple" => 2,
        "three" or "few" => 3,
        "four" => 4,
        "five" => 5,
        "ten" => 10,
        "fifteen" => 15,
        "twenty" => 20,
        "thirty" => 30,
        _ => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 0, 100_000) : 1,
    };

    [GeneratedRegex(@" (?:last|past|previous) (?:(?<n>\d+|a|an|one|two|three|four|five|ten|fifteen|twenty|thirty|few|couple) (?:of )?)?(?<unit>sec|secs|seconds?|mins?|minutes?|hours?|days?) | (?<n>\d+|a|an|one|two|three|four|five|ten|fifteen|twenty|thirty|few|couple) (?<unit>sec|secs|seconds?|mins?|minutes?|hours?|days?) ago ", RegexOptions.CultureInvariant)]
    private static partial Regex Relative();

    [GeneratedRegex(@" (?:since|after|from|at) (?<h>\d{1,2})(?::(?<m>\d{2}))? ?(?<pm>am|pm)? ", RegexOptions.CultureInvariant)]
    private static partial Regex ClockTime();
}
