using System.Text;

namespace Migration.Guidance.Language;

/// <summary>Normalization (lower case, letters and digits separated by single spaces) and phrase matching on it.</summary>
internal static class TextMatch
{
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        builder.Append(' ');
        var space = true;
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == ':')
            {
                builder.Append(c);
                space = false;
            }
            else if (c == '\'')
            {
                // "what's" → "whats"
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }

        if (!space)
        {
            builder.Append(' ');
        }

        return builder.ToString();
    }

    /// <summary>True when the normalized text contains the phrase as whole words.</summary>
    public static bool ContainsPhrase(string normalized, string phrase) =>
        normalized.Contains(' ' + phrase.Trim() + ' ', StringComparison.Ordinal);

    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
