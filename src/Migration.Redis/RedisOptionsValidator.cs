using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Migration.Redis;

/// <summary>Checks the "Redis" section at start-up with messages that name the setting to fix.</summary>
public sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!options.UsesEmbeddedStore)
        {
            ConfigurationOptions? parsed = null;
            try
            {
                parsed = ConfigurationOptions.Parse(options.ConnectionString!);
            }
            catch (ArgumentException)
            {
                // The parser's message may quote the string, password included: say what is expected instead.
                failures.Add("Redis:ConnectionString is not a valid Redis configuration string; expected \"host:port[,password=…][,ssl=true]\".");
            }

            if (parsed is not null && parsed.EndPoints.Count == 0)
            {
                failures.Add("Redis:ConnectionString names no server; expected \"host:port[,option=value…]\".");
            }
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix) || options.KeyPrefix.Any(char.IsWhiteSpace))
        {
            failures.Add("Redis:KeyPrefix must be a non-empty prefix without spaces, such as \"migration:\".");
        }

        if (options.MaxEventsPerMigration < 1)
        {
            failures.Add("Redis:MaxEventsPerMigration must be at least 1.");
        }

        if (options.MaxMessagesPerMigration < 1)
        {
            failures.Add("Redis:MaxMessagesPerMigration must be at least 1.");
        }

        if (options.FinishedEventRetention <= TimeSpan.Zero)
        {
            failures.Add("Redis:FinishedEventRetention must be a positive duration, such as \"30.00:00:00\".");
        }

        ValidateEmbedded(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateEmbedded(RedisOptions options, List<string> failures)
    {
        var embedded = options.Embedded;
        if (embedded is null)
        {
            failures.Add("Redis:Embedded must not be null.");
            return;
        }

        if (!options.UsesEmbeddedStore)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(embedded.DataDirectory))
        {
            failures.Add("Redis:Embedded:DataDirectory must name a directory (relative paths are under the content root).");
        }

        if (embedded.Port is < 0 or > 65535)
        {
            failures.Add($"Redis:Embedded:Port must be between 0 (pick a free port) and 65535; it is {embedded.Port}.");
        }

        var index = CheckSize(embedded.IndexMemory, "IndexMemory", 1L << 20, failures);
        var log = CheckSize(embedded.LogMemory, "LogMemory", 1L << 20, failures);
        var page = CheckSize(embedded.PageSize, "PageSize", 4L << 10, failures);
        if (index > 0 && log > 0 && page > 0 && page * 2 > log)
        {
            failures.Add($"Redis:Embedded:PageSize ({embedded.PageSize}) must be at most half of Redis:Embedded:LogMemory ({embedded.LogMemory}).");
        }
    }

    private static long CheckSize(string value, string setting, long minimum, List<string> failures)
    {
        if (!MemorySize.TryParse(value, out var bytes))
        {
            failures.Add($"Redis:Embedded:{setting} must be a memory size such as \"64m\" (bytes with an optional k, m or g suffix); it is \"{value}\".");
            return 0;
        }

        if (bytes < minimum)
        {
            failures.Add($"Redis:Embedded:{setting} must be at least {MemorySize.Format(minimum)}; it is \"{value}\".");
            return 0;
        }

        return bytes;
    }
}
