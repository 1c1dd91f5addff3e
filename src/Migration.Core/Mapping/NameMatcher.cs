using System.Text;

namespace Migration.Core.Mapping;

/// <summary>
/// Compares table and column names the way a person reads them: snake_case and camelCase split into words, plural and
/// singular folded, common abbreviations expanded (amt → amount, qty → quantity, descr → description, ...), boolean
/// prefixes (is_, has_) and time suffixes (_at, _date, _on, _ts) normalized, and words of little meaning (no, addr,
/// txt) weighed less.
/// </summary>
public static class NameMatcher
{
    private const string TimeMarker = "<time>";

    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["amt"] = "amount", ["qty"] = "quantity", ["descr"] = "description", ["desc"] = "description", ["dsc"] = "description",
        ["no"] = "number", ["num"] = "number", ["nbr"] = "number", ["nr"] = "number", ["addr"] = "address", ["adr"] = "address",
        ["cat"] = "category", ["prod"] = "product", ["cust"] = "customer", ["ord"] = "order", ["usr"] = "user", ["acct"] = "account",
        ["tel"] = "phone", ["telephone"] = "phone", ["mail"] = "email", ["e"] = "e", ["txt"] = "text", ["msg"] = "message",
        ["img"] = "image", ["pic"] = "picture", ["ref"] = "reference", ["cnt"] = "count", ["pct"] = "percent", ["val"] = "value",
        ["st"] = "status", ["stat"] = "status", ["ctry"] = "country", ["cntry"] = "country", ["zip"] = "postcode",
        ["postal"] = "postcode", ["fname"] = "first", ["lname"] = "last", ["pwd"] = "password", ["pw"] = "password",
        ["org"] = "organization", ["dept"] = "department", ["emp"] = "employee", ["inv"] = "invoice", ["pmt"] = "payment",
        ["ship"] = "shipment", ["shipping"] = "shipment", ["info"] = "information", ["id"] = "id", ["uid"] = "id",
    };

    private static readonly HashSet<string> TimeWords = new(StringComparer.Ordinal) { "at", "on", "date", "dt", "ts", "time", "timestamp", "datetime", "when" };

    private static readonly HashSet<string> WeakWords = new(StringComparer.Ordinal) { "number", "address", "text", "value", "information", "code", "data", "is", "has", "the", "of", "flag" };

    /// <summary>The words of a name: split, lower-cased, abbreviations expanded, singular.</summary>
    public static IReadOnlyList<string> Words(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = new List<string>();
        foreach (var raw in SplitWords(name))
        {
            var word = Abbreviations.GetValueOrDefault(raw, raw);
            if (TimeWords.Contains(word))
            {
                word = TimeMarker;
            }

            words.Add(Singular(word));
        }

        if (words.Count > 1 && words[0] is "is" or "has")
        {
            words.RemoveAt(0);
        }

        // "ordered_at" and "order_date" are the same kind of thing: a past participle before a time word is its stem.
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i + 1] == TimeMarker && words[i].EndsWith("ed", StringComparison.Ordinal) && words[i].Length > 4)
            {
                words[i] = Stem(words[i]);
            }
        }

        return words;
    }

    /// <summary>Similarity of two word lists, 0..1: the weight of the words they share over the weight of the longer one.</summary>
    public static double Similarity(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        if (a.SequenceEqual(b, StringComparer.Ordinal))
        {
            return 1;
        }

        var common = a.Intersect(b, StringComparer.Ordinal).Sum(Weight);
        var total = Math.Max(a.Distinct(StringComparer.Ordinal).Sum(Weight), b.Distinct(StringComparer.Ordinal).Sum(Weight));
        var score = total == 0 ? 0 : common / total;
        if (score == 0 && string.Join("", a).Length >= 4 && string.Join("", b).Length >= 4)
        {
            // Same letters in another cut ("productname" vs "product_name"), or one a prefix of the other.
            var x = string.Join("", a);
            var y = string.Join("", b);
            if (x == y)
            {
                return 0.95;
            }

            if (x.StartsWith(y, StringComparison.Ordinal) || y.StartsWith(x, StringComparison.Ordinal))
            {
                return 0.5;
            }
        }

        return score;
    }

    /// <summary>The similarity of two names (see <see cref="Words"/>).</summary>
    public static double Similarity(string a, string b) => Similarity(Words(a), Words(b));

    /// <summary>
    /// The first word shared by most names (at least two, at least half), e.g. "dispatch" of dispatch_customer,
    /// dispatch_order: a prefix to strip before comparing.
    /// </summary>
    public static string? CommonPrefix(IEnumerable<string> names)
    {
        var list = names.ToList();
        var firsts = list.Select(n => SplitWords(n).FirstOrDefault()).OfType<string>()
            .Where(w => list.Count(n => SplitWords(n).Count > 1 && SplitWords(n)[0] == w) >= Math.Max(2, (list.Count + 1) / 2))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return firsts.Count == 1 ? firsts[0] : null;
    }

    /// <summary>The name without <paramref name="prefix"/> (as a whole first word) and without tbl_/t_ style prefixes.</summary>
    public static string StripPrefix(string name, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = SplitWords(name);
        if (words.Count > 1 && (words[0] == prefix || words[0] is "tbl" or "tb" or "t"))
        {
            return string.Join("_", words.Skip(1));
        }

        return string.Join("_", words);
    }

    private static double Weight(string word) => WeakWords.Contains(word) ? 0.3 : word == TimeMarker ? 0.6 : 1;

    private static List<string> SplitWords(string name)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }

            if (char.IsUpper(c) && current.Length > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                Flush();
            }

            current.Append(char.ToLowerInvariant(c));
        }

        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }

    private static string Singular(string word) => word switch
    {
        _ when word.Length <= 3 || word == TimeMarker => word,
        _ when word.EndsWith("ies", StringComparison.Ordinal) => word[..^3] + "y",
        _ when word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
            || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) => word[..^2],
        _ when word.EndsWith("ss", StringComparison.Ordinal) || word.EndsWith("us", StringComparison.Ordinal) || word.EndsWith("is", StringComparison.Ordinal) => word,
        _ when word.EndsWith('s') => word[..^1],
        _ => word,
    };

    private static string Stem(string word)
    {
        var stem = word[..^2];
        return stem.Length > 2 && stem[^1] == stem[^2] ? stem[..^1] : stem;
    }
}
