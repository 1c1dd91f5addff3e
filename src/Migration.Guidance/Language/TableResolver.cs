using System.Text.RegularExpressions;

namespace Migration.Guidance.Language;

/// <summary>
/// Finds the table a question is about among the migration's tables: whole names ("order items", "order_items",
/// "sales.orders"), singular or plural ("customer"), and misspellings ("costumers") within a small edit distance.
/// </summary>
internal static partial class TableResolver
{
    public static string? Resolve(string normalized, IReadOnlyCollection<string> tables)
    {
        var text = NotATable().Replace(normalized, " ");
        string? best = null;
        var bestScore = 0;
        foreach (var table in tables)
        {
            var score = Score(text, table);
            if (score > bestScore)
            {
                best = table;
                bestScore = score;
            }
        }

        return best;
    }

    private static int Score(string text, string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        var schema = dot < 0 ? "" : qualified[..dot].ToLowerInvariant();
        var name = (dot < 0 ? qualified : qualified[(dot + 1)..]).ToLowerInvariant();
        var words = TextMatch.Normalize(name.Replace('_', ' ')).Trim();
        if (words.Length == 0)
        {
            return 0;
        }

        if (schema.Length > 0 && TextMatch.ContainsPhrase(text, schema + " " + words))
        {
            return 300 + words.Length;
        }

        foreach (var form in Forms(words))
        {
            if (TextMatch.ContainsPhrase(text, form))
            {
                return 200 + form.Length;
            }
        }

        // Misspellings: compare word groups of the same length as the name.
        var count = words.Split(' ').Length;
        var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var best = 0;
        for (var i = 0; i + count <= tokens.Length; i++)
        {
            var candidate = string.Join(' ', tokens, i, count);
            if (candidate.Length < 4)
            {
                continue;
            }

            foreach (var form in Forms(words))
            {
                var allowed = form.Length >= 8 ? 2 : form.Length >= 5 ? 1 : 0;
                var distance = TextMatch.Distance(candidate, form);
                if (distance <= allowed)
                {
                    best = Math.Max(best, 100 - distance * 10 + form.Length);
                }
            }
        }

        return best;
    }

    /// <summary>The name, and the name with its last word in singular and plural form.</summary>
    private static IEnumerable<string> Forms(string words)
    {
        yield return words;
        var space = words.LastIndexOf(' ');
        var head = space < 0 ? "" : words[..(space + 1)];
        var last = space < 0 ? words : words[(space + 1)..];
        if (last.EndsWith("ies", StringComparison.Ordinal) && last.Length > 4)
        {
            yield return head + last[..^3] + "y";
        }
        else if (last.EndsWith("ses", StringComparison.Ordinal) || last.EndsWith("xes", StringComparison.Ordinal))
        {
            yield return head + last[..^2];
        }
        else if (last.EndsWith('s') && last.Length > 3)
        {
            yield return head + last[..^1];
        }
        else if (last.EndsWith('y'))
        {
            yield return head + last[..^1] + "ies";
        }
        else
        {
            yield return head + last + "s";
        }
    }

    // "in what order", "this order": the word order, not the orders table.
    [GeneratedRegex(@" (this|that|what|which|the|in|same|right|an|loading|load) order (?!items? )|order of | in order ", RegexOptions.CultureInvariant)]
    private static partial Regex NotATable();
}
