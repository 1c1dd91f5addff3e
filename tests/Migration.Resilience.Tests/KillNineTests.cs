using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Migration.Contracts.V1;
using Migration.Testing;
using Xunit.Abstractions;

namespace Migration.Resilience.Tests;

/// <summary>
/// kill -9 of the server process at random points across discovery, execution (mid-page and between pages, on
/// key ranges copied side by side) and validation; restart on the same data directory; the migration resumes by
/// itself and ends with identical checksums, no row lost and none duplicated, every time.
/// </summary>
/// <remarks>
/// CI runs 3 points on small data. <c>MIGRATION_FAULT_POINTS</c> sets the number of points (bench/faults/run.sh runs
/// the long version), <c>MIGRATION_FAULT_SEED</c> replays a sequence, <c>MIGRATION_FAULT_REPORT</c> names a file that
/// receives one tab-separated line per point.
/// </remarks>
[Collection(ResilienceCollection.Name)]
public sealed class KillNineTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private const int Accounts = 24_000;
    private const int Ledger = 8_000;

    [Fact]
    public async Task KillNine_RandomPoints_ResumesWithNoRowLostOrDuplicated()
    {
        var points = int.TryParse(Environment.GetEnvironmentVariable("MIGRATION_FAULT_POINTS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 3;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MIGRATION_FAULT_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? s
            : Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"seed {seed}, {points} points");
        var report = Environment.GetEnvironmentVariable("MIGRATION_FAULT_REPORT");
        var failures = new List<string>();

        await using var server = await ServerProcess.StartAsync();
        for (var i = 0; i < points; i++)
        {
            var kind = (i % 4) switch { 0 => "execution", 1 => "discovery", 2 => "execution", _ => "validation" };
            var scenario = await Scenario.CreateAsync(postgres, $"kill{i}", Accounts, Ledger);
            var (where, outcome) = await InjectAsync(server, scenario, kind, random);
            var (lost, duplicated, equal) = outcome == MigrationPhase.Completed ? await scenario.CompareAsync() : (-1L, -1L, false);
            var survived = outcome == MigrationPhase.Completed && lost == 0 && duplicated == 0 && equal;
            var line = string.Join('\t', i + 1, kind, where, outcome, survived ? "survived" : "FAILED", lost, duplicated);
            output.WriteLine(line);
            if (report is not null)
            {
                await File.AppendAllTextAsync(report, line + "\n");
            }

            if (!survived)
            {
                failures.Add(line + "\n" + server.Tail(80));
            }
        }

        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n", failures));
    }

    /// <summary>Runs one migration, kills the server at a random point of <paramref name="kind"/>, restarts it, waits for the end.</summary>
    private static async Task<(string Where, MigrationPhase Outcome)> InjectAsync(ServerProcess server, Scenario scenario, string kind, Random random)
    {
        var request = scenario.Request(pageSize: 800, streams: 2);
        string? id = null;
        string where;
        using (var channel = GrpcChannel.ForAddress(server.Address))
        {
            var client = Scenario.Client(channel);
            if (kind == "discovery")
            {
                // Kill while the catalogs are read and the plan is made (CreateMigration has not returned).
                var delay = random.Next(20, 400);
                var create = client.CreateMigrationAsync(request).ResponseAsync;
                await Task.WhenAny(create, Task.Delay(delay));
                where = create.IsCompleted ? $"after create ({delay} ms)" : $"during create ({delay} ms)";
                await server.KillAsync();
                await server.RestartAsync();
            }
            else
            {
                id = await Scenario.CreateAsync(client, request);
                await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
                if (kind == "execution")
                {
                    var threshold = random.Next(Accounts / 20, (Accounts + Ledger) * 8 / 10);
                    var rows = await WaitFor.ConditionAsync(() => Faults.RowsCommittedAsync(scenario.Target), r => r >= threshold, Timeout, "committed pages");
                    where = $"{rows} rows committed";
                }
                else
                {
                    var phase = await WaitFor.ConditionAsync(
                        async () => (await client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase,
                        p => p is MigrationPhase.Validation or MigrationPhase.Completed or MigrationPhase.Failed,
                        Timeout,
                        "validation");
                    where = phase == MigrationPhase.Validation ? "validating" : $"{phase} before the kill";
                }

                await server.KillAsync();
                await server.RestartAsync();
            }
        }

        using var after = GrpcChannel.ForAddress(server.Address);
        var resumed = Scenario.Client(after);
        if (id is null)
        {
            // The client retries its create: it attaches to the migration if it was saved, or creates it again.
            id = (await resumed.CreateMigrationAsync(request)).Migration.Id;
            var current = (await resumed.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
            if (current.Phase == MigrationPhase.AwaitingApproval)
            {
                await resumed.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
            }
        }

        var end = await Scenario.WaitForEndAsync(resumed, id, Timeout);
        return (where, end.Phase);
    }
}
