using Grpc.Core;
using Grpc.Net.Client;
using Migration.Contracts.V1;
using Migration.Testing;

namespace Migration.Resilience.Tests;

/// <summary>
/// A source/target pair with a known content, driven through the public API of a real server process, and the
/// checks every fault test ends with: identical checksums, no missing and no duplicate row.
/// </summary>
public sealed class Scenario
{
    private Scenario(string source, string target)
    {
        Source = source;
        Target = target;
    }

    public string Source { get; }

    public string Target { get; }

    /// <summary>regions (exists, empty, in the target), accounts (keyed, split into ranges when large), ledger (no key
    /// at all), notes (text key): the last three are created by the migration.</summary>
    public static async Task<Scenario> CreateAsync(PostgresServer postgres, string prefix, int accounts = 40_000, int ledger = 20_000)
    {
        ArgumentNullException.ThrowIfNull(postgres);
        var source = await postgres.CreateDatabaseAsync(prefix + "_src");
        var target = await postgres.CreateDatabaseAsync(prefix + "_tgt");
        return await CreateAsync(source, target, accounts, ledger);
    }

    /// <summary>The same content in the given (empty) source and target databases, which may live on different servers.</summary>
    public static async Task<Scenario> CreateAsync(string source, string target, int accounts, int ledger)
    {
        await PostgresServer.ExecuteAsync(source, $"""
            CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE accounts (id bigint PRIMARY KEY, region int REFERENCES regions (id), owner text NOT NULL, balance numeric(14,2) NOT NULL);
            CREATE TABLE ledger (account_id bigint NOT NULL REFERENCES accounts (id), amount numeric(14,2), note text);
            CREATE TABLE notes (code text PRIMARY KEY, body text);
            INSERT INTO regions SELECT g, 'region ' || g FROM generate_series(1, 50) g;
            INSERT INTO accounts SELECT g, 1 + g % 50, 'owner ' || g, g % 1000 FROM generate_series(1, {accounts}) g;
            INSERT INTO ledger SELECT 1 + g % {accounts}, g % 97, 'entry ' || g FROM generate_series(1, {ledger}) g;
            INSERT INTO notes SELECT 'n' || lpad(g::text, 6, '0'), repeat('x', g % 50) FROM generate_series(1, 3000) g;
            ANALYZE;
            """);
        // The target already has the (empty) regions table: the migration loads into it; the others it creates.
        await PostgresServer.ExecuteAsync(target, "CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);");
        return new Scenario(source, target);
    }

    public static CreateMigrationRequest Request(string source, string target, int pageSize = 1000, int streams = 2)
    {
        var options = new MigrationOptions
        {
            Batch = new BatchSettings { BaseBatchSize = pageSize, MinBatchSize = pageSize, MaxBatchSize = pageSize },
            MaxConcurrentBatches = streams,
        };
        return new CreateMigrationRequest
        {
            Source = new ConnectionSpec { ConnectionString = source },
            Target = new ConnectionSpec { ConnectionString = target },
            Options = options,
            Description = "resilience test",
            RequestedBy = "tests",
        };
    }

    public CreateMigrationRequest Request(int pageSize = 1000, int streams = 2) => Request(Source, Target, pageSize, streams);

    /// <summary>Rows of the four tables in the source.</summary>
    public async Task<long> SourceRowsAsync() =>
        await PostgresServer.ScalarAsync<long>(Source,
            "SELECT (SELECT count(*) FROM regions) + (SELECT count(*) FROM accounts) + (SELECT count(*) FROM ledger) + (SELECT count(*) FROM notes)");

    /// <summary>count(*), count(DISTINCT key) and an order-independent checksum of a table.</summary>
    public static async Task<(long Rows, long Distinct, string Checksum)> MeasureAsync(string connectionString, string table, string key)
    {
        var rows = await PostgresServer.ScalarAsync<long>(connectionString, $"SELECT count(*) FROM {table}");
        var distinct = await PostgresServer.ScalarAsync<long>(connectionString, $"SELECT count(DISTINCT {key}) FROM {table}");
        var checksum = await PostgresServer.ScalarAsync<string>(connectionString,
            $"SELECT coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::int8::numeric), 0)::text FROM {table} t");
        return (rows, distinct, checksum);
    }

    /// <summary>Rows lost and rows duplicated in the target against the source, per table (ledger has no key: whole rows count).</summary>
    public async Task<(long Lost, long Duplicated, bool ChecksumsEqual)> CompareAsync()
    {
        long lost = 0, duplicated = 0;
        var equal = true;
        foreach (var (table, key) in new[] { ("regions", "id"), ("accounts", "id"), ("ledger", "(account_id, amount, note)"), ("notes", "code") })
        {
            var s = await MeasureAsync(Source, table, key);
            var t = await MeasureAsync(Target, table, key);
            lost += Math.Max(0, s.Distinct - t.Distinct);
            duplicated += t.Rows - t.Distinct - (s.Rows - s.Distinct);
            equal &= s.Checksum == t.Checksum && s.Rows == t.Rows;
        }

        return (lost, duplicated, equal);
    }

    public static async Task<Contracts.V1.Migration> WaitForEndAsync(MigrationService.MigrationServiceClient client, string id, TimeSpan timeout) =>
        await WaitFor.ConditionAsync(
            async () =>
            {
                try
                {
                    return (await client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded)
                {
                    return null;
                }
            },
            m => m?.Phase is MigrationPhase.Completed or MigrationPhase.Failed or MigrationPhase.RolledBack or MigrationPhase.Cancelled,
            timeout,
            "the migration to end") ?? throw new InvalidOperationException("no migration");

    public static MigrationService.MigrationServiceClient Client(GrpcChannel channel) => new(channel);

    /// <summary>Creates the migration and checks its plan is ready (the plan's problems in the message otherwise).</summary>
    public static async Task<string> CreateAsync(MigrationService.MigrationServiceClient client, CreateMigrationRequest request)
    {
        var created = await client.CreateMigrationAsync(request);
        Assert.True(created.Migration.Phase == MigrationPhase.AwaitingApproval,
            $"{created.Migration.Phase}: {created.Migration.ErrorMessage}");
        return created.Migration.Id;
    }
}
