using System.Collections.Concurrent;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// One pooled <see cref="NpgsqlDataSource"/> per connection string for the whole process (the seed's connection
/// pools). Every connection it hands out runs with the session settings that make text renderings of values exact
/// and stable: <c>TimeZone=UTC</c>, <c>extra_float_digits=3</c>, <c>DateStyle=ISO, MDY</c>,
/// <c>IntervalStyle=postgres</c> and <c>statement_timeout=0</c> (appended to any <c>Options</c> already in the
/// connection string; a <c>statement_timeout</c> set there explicitly is kept). Pool sizes and timeouts come from the connection string (Minimum/Maximum Pool Size, Timeout).
/// </summary>
public sealed class NpgsqlDataSourceProvider : IAsyncDisposable, IDisposable
{
    /// <summary>The PostgreSQL session settings applied to every connection (as <c>-c</c> startup options).</summary>
    public const string SessionOptions =
        "-c TimeZone=UTC -c extra_float_digits=3 -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c statement_timeout=0";

    private readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> _sources = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Returns the data source of <paramref name="connectionString"/>, creating it on first use.</summary>
    public NpgsqlDataSource Get(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _sources.GetOrAdd(connectionString, static cs => new Lazy<NpgsqlDataSource>(() => Create(cs))).Value;
    }

    /// <summary>Opens a pooled connection of <paramref name="connectionString"/>.</summary>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(string connectionString, CancellationToken cancellationToken = default) =>
        Get(connectionString).OpenConnectionAsync(cancellationToken);

    /// <summary>Describes a connection string without its secrets: <c>user@host:port/database</c>.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }

    /// <summary>Empties every pool (seed L1 "connection pool refresh"), for example after a server restart.</summary>
    public void ClearPools()
    {
        foreach (var source in _sources.Values)
        {
            if (source.IsValueCreated)
            {
                source.Value.Clear();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var source in _sources.Values)
        {
            if (source.IsValueCreated)
            {
                await source.Value.DisposeAsync();
            }
        }

        _sources.Clear();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var source in _sources.Values)
        {
            if (source.IsValueCreated)
            {
                source.Value.Dispose();
            }
        }

        _sources.Clear();
    }

    private static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var csb = builder.ConnectionStringBuilder;
        csb.Pooling = true;
        csb.Enlist = false;
        // A statement timeout the connection string asks for explicitly is kept (the copier retries a timed-out page
        // with half the rows); otherwise none, whatever the server's default.
        var options = csb.Options?.Contains("statement_timeout", StringComparison.Ordinal) == true
            ? SessionOptions.Replace(" -c statement_timeout=0", "", StringComparison.Ordinal)
            : SessionOptions;
        csb.Options = string.IsNullOrWhiteSpace(csb.Options) ? options : $"{csb.Options} {options}";
        if (string.IsNullOrEmpty(csb.ApplicationName))
        {
            csb.ApplicationName = "migration-grpc";
        }

        return builder.Build();
    }
}
