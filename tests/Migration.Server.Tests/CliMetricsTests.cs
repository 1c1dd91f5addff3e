using System.Text.Json;
using Migration.Cli;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests;

/// <summary>`migration metrics ID`: the live figures of GetMetrics, in words and as JSON, against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed class CliMetricsTests(PostgresServer postgres, ServerFixture fixture)
{
    [Fact]
    public async Task Metrics_CompletedMigration_FiguresInWordsAndJson()
    {
        var source = await postgres.CreateDatabaseAsync("cli_metrics_src");
        var target = await postgres.CreateDatabaseAsync("cli_metrics_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE meters (id int PRIMARY KEY, reading int); INSERT INTO meters SELECT g, g FROM generate_series(1, 1200) g");
        var (migration, _) = await MigrationRun.RunAsync(fixture.Server.Client, MigrationRun.Request(source, target));
        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");

        var (exit, stdout, stderr) = await RunCliAsync("metrics", migration.Id);
        var (jsonExit, json, jsonErrors) = await RunCliAsync("metrics", migration.Id, "--json");

        Assert.True(exit == 0, $"exit {exit}: {stderr}\n{stdout}");
        Assert.Contains(migration.Id, stdout, StringComparison.Ordinal);
        Assert.Contains("1,200 of 1,200 (100", stdout, StringComparison.Ordinal);
        Assert.Contains("public.meters", stdout, StringComparison.Ordinal);
        Assert.Contains("100% of the tables validated", stdout, StringComparison.Ordinal);
        Assert.Contains("server: ", stdout, StringComparison.Ordinal);
        Assert.Contains("  store: Healthy", stdout, StringComparison.Ordinal);
        Assert.True(jsonExit == 0, $"exit {jsonExit}: {jsonErrors}\n{json}");
        var lines = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList();
        var metrics = lines.Single(l => l.RootElement.GetProperty("type").GetString() == "metrics").RootElement.GetProperty("metrics");
        Assert.Equal(1200, long.Parse(metrics.GetProperty("migration").GetProperty("rows_copied").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1.0, metrics.GetProperty("migration").GetProperty("data_integrity_score").GetDouble());
        Assert.True(metrics.GetProperty("server").GetProperty("checks").GetArrayLength() >= 4);
        Assert.Equal(0, lines[^1].RootElement.GetProperty("result").GetProperty("exit_code").GetInt32());
        lines.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task Metrics_UnknownId_ExitsWithUsageCode()
    {
        var (exit, _, stderr) = await RunCliAsync("metrics", "mig-unknown");

        Assert.Equal(2, exit);
        Assert.Contains("mig-unknown", stderr, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exit = await CliApp.RunAsync(["--server", fixture.Server.Address, "--no-color", .. args], stdout, stderr, timeout.Token);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
