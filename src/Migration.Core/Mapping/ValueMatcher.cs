using System.Globalization;

namespace Migration.Core.Mapping;

/// <summary>
/// Proposes a value map from sampled source values onto the labels of a target enum: the same word (ignoring case),
/// a common synonym (new → pending, void → cancelled, sent → shipped, ...), a prefix, or — for small integer codes
/// that count 1..n or 0..n-1 — the labels in their declared order (a guess, so it scores low).
/// </summary>
public static class ValueMatcher
{
    private static readonly string[][] Synonyms =
    [
        ["pending", "new", "open", "created", "draft", "waiting", "queued", "todo"],
        ["paid", "settled", "payed"],
        ["shipped", "sent", "dispatched", "in_transit", "transit", "shipping"],
        ["delivered", "done", "complete", "completed", "finished", "closed", "fulfilled"],
        ["cancelled", "canceled", "void", "voided", "cancel", "aborted", "annulled"],
        ["active", "enabled", "on", "yes", "y", "true"],
        ["inactive", "disabled", "off", "no", "n", "false"],
        ["preparing", "processing", "in_progress", "packing", "prepared"],
        ["failed", "error", "rejected", "declined"],
    ];

    /// <summary>The proposed map and its confidence (the average score of all sampled values; an unmatched value scores 0).</summary>
    public static (Dictionary<string, string?> Map, double Confidence, string Reason) Match(IReadOnlyList<string> values, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (values.Count == 0 || labels.Count == 0)
        {
            return (map, 0, "no sampled values");
        }

        var total = 0.0;
        foreach (var value in values)
        {
            var (label, score) = Best(value, labels);
            if (label is not null)
            {
                map[value] = label;
                total += score;
            }
        }

        if (map.Count == 0 && Ordinal(values, labels) is { } ordinal)
        {
            return (ordinal, 0.6, $"the codes {string.Join(", ", values)} taken as the labels in their declared order ({string.Join(", ", labels.Take(values.Count))}): a guess to confirm");
        }

        var confidence = total / values.Count;
        var unmatched = values.Where(v => !map.ContainsKey(v)).ToList();
        var reason = $"sampled values matched to the enum's labels ({map.Count} of {values.Count})" +
            (unmatched.Count > 0 ? $"; no label for {string.Join(", ", unmatched)}" : "");
        return (map, confidence, reason);
    }

    private static (string? Label, double Score) Best(string value, IReadOnlyList<string> labels)
    {
        var v = Normalize(value);
        foreach (var label in labels)
        {
            if (Normalize(label) == v)
            {
                return (label, 1);
            }
        }

        var group = Synonyms.FirstOrDefault(g => g.Contains(v, StringComparer.Ordinal));
        if (group is not null && labels.FirstOrDefault(l => group.Contains(Normalize(l), StringComparer.Ordinal)) is { } synonym)
        {
            return (synonym, 0.85);
        }

        if (v.Length >= 3 && labels.FirstOrDefault(l => Normalize(l).StartsWith(v, StringComparison.Ordinal) || v.StartsWith(Normalize(l), StringComparison.Ordinal)) is { } prefix)
        {
            return (prefix, 0.75);
        }

        return (null, 0);
    }

    private static Dictionary<string, string?>? Ordinal(IReadOnlyList<string> values, IReadOnlyList<string> labels)
    {
        var numbers = new List<long>();
        foreach (var value in values)
        {
            if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }

            numbers.Add(n);
        }

        numbers.Sort();
        var start = numbers[0];
        if (start is not (0 or 1) || numbers.Count > labels.Count || numbers.Where((n, i) => n != start + i).Any())
        {
            return null;
        }

        return numbers.ToDictionary(n => n.ToString(CultureInfo.InvariantCulture), n => (string?)labels[(int)(n - start)], StringComparer.Ordinal);
    }

    private static string Normalize(string text) => text.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
}
