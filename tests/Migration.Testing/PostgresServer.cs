using Npgsql;
using Testcontainers.PostgreSql;

namespace Migration.Testing;

/// <summary>
/// A real PostgreSQL server for a test run: the one tests/run.sh started (MIGRATION_TEST_POSTGRES holds an admin
/// connection string), or a Testcontainers container when a Docker engine is available. Each test takes a database
/// of its own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "MIGRATION_TEST_POSTGRES";

    private PostgreSqlContainer? _container;

    /// <summary>Connection string of the server's maintenance database (postgres) as a superuser.</summary>
    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            AdminConnectionString = configured;
            return;
        }

        if (!DockerAvailability.IsAvailable())
        {
            throw new InvalidOperationException(
                $"No PostgreSQL for the tests: set {EnvironmentVariable} to an admin connection string, run tests/run.sh " +
                "(it starts one), or run with a Docker engine for Testcontainers.");
        }

        _container = new PostgreSqlBuilder("postgres:16").Build();
        await _container.StartAsync();
        AdminConnectionString = _container.GetConnectionString();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    /// <summary>
    /// Creates an empty database with a unique name (the prefix, lower-cased and cut to 40 characters of
    /// [a-z0-9_], then 16 random hex digits) and returns its connection string.
    /// </summary>
    public Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default) =>
        CreateDatabaseAsync(AdminConnectionString, prefix, cancellationToken);

    /// <summary>Creates an empty database with a unique name on the server of <paramref name="adminConnectionString"/>.</summary>
    public static async Task<string> CreateDatabaseAsync(string adminConnectionString, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var clean = new string(prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        var name = $"{clean[..Math.Min(clean.Length, 40)]}_{Guid.NewGuid().ToString("N")[..16]}";
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Runs SQL (several statements allowed) against the database of <paramref name="connectionString"/>.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        var value = await command.ExecuteScalarAsync(cancellationToken);
        if (value is null or DBNull)
        {
            return default!; // SQL NULL (or no row): null for reference and nullable types
        }

        if (value is T typed)
        {
            return typed;
        }

        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }
}
