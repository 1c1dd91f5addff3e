using System.Text.Json;
using Migration.Cli;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests;

/// <summary>The CLI, run in-process, against the real server: exit codes are the contract scripts rely on.</summary>
[Collection(ServerCollection.Name)]
public sealed class CliEndToEndTests(PostgresServer postgres, ServerFixture fixture)
{
    [Fact]
    public async Task Run_Yes_Json_CompletesAndExitsZero()
    {
        var source = await postgres.CreateDatabaseAsync("cli_ok_src");
        var target = await postgres.CreateDatabaseAsync("cli_ok_tgt");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers (id), total numeric(10,2));
            INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 500) g;
            INSERT INTO orders SELECT g, 1 + g % 500, g / 7.0 FROM generate_series(1, 5000) g;
            """);

        var (exit, stdout, stderr) = await RunCliAsync("run", "--source", source, "--target", target, "--yes", "--json");

        Assert.True(exit == 0, $"exit {exit}: {stderr}\n{stdout}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        Assert.Contains(lines, l => l.Contains("\"batch_completed\"", StringComparison.Ordinal));
        Assert.Equal(5000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task Run_TargetRowAlteredDuringLoad_ValidationFailsAndExitIsNonZero()
    {
        var source = await postgres.CreateDatabaseAsync("cli_tamper_src");
        var target = await postgres.CreateDatabaseAsync("cli_tamper_tgt");
        const string schema = "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);";
        await PostgresServer.ExecuteAsync(source, schema + "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 3000) g;");
        // The target silently rewrites one row as it is loaded: counts match, content does not.
        await PostgresServer.ExecuteAsync(target, schema + """
            CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.id = 1234 THEN NEW.name := 'tampered'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER items_tamper BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION tamper();
            """);

        var (exit, stdout, stderr) = await RunCliAsync("run", "--source", source, "--target", target, "--yes");

        Assert.NotEqual(0, exit);
        Assert.Contains("FAIL", stdout + stderr, StringComparison.OrdinalIgnoreCase);
        var migrations = await fixture.Server.Client.ListMigrationsAsync(new ListMigrationsRequest());
        var failed = migrations.Migrations.Single(m => m.Target.Contains(new Npgsql.NpgsqlConnectionStringBuilder(target).Database!, StringComparison.Ordinal));
        Assert.Equal(MigrationPhase.Failed, failed.Phase);
        Assert.Contains(failed.Validation.Tables, t => !t.Passed && t.Issues.Any(i => i.Contains("checksum", StringComparison.OrdinalIgnoreCase)));

        var (validateExit, _, _) = await RunCliAsync("validate", failed.Id);
        Assert.NotEqual(0, validateExit);
    }

    [Fact]
    public async Task Status_UnknownId_ExitsWithUsageCode()
    {
        var (exit, _, stderr) = await RunCliAsync("status", "mig-unknown");

        Assert.Equal(2, exit);
        Assert.Contains("mig-unknown", stderr, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var exit = await CliApp.RunAsync(["--server", fixture.Server.Address, "--no-color", .. args], stdout, stderr, timeout.Token);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
