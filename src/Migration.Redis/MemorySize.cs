using System.Globalization;

namespace Migration.Redis;

/// <summary>Parses Garnet's memory sizes: digits with an optional k, m or g suffix (binary multiples).</summary>
internal static class MemorySize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim().ToLowerInvariant();
        var multiplier = value[^1] switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            _ => 1L,
        };
        var digits = multiplier == 1 ? value : value[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0 || number > long.MaxValue / multiplier)
        {
            return false;
        }

        bytes = number * multiplier;
        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var bytes) ? bytes : throw new FormatException($"'{text}' is not a memory size such as 64m.");

    /// <summary>Formats whole kilobytes the way Garnet reads them ("8192k").</summary>
    public static string Format(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024}k");
}
