using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Migration.Cli;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using Npgsql;

namespace Migration.Server.Tests.Security;

/// <summary>
/// A migration whose database login has a distinctive password: the password appears nowhere the server writes or
/// returns — log lines, events, responses, errors, audit records, metrics, health, CLI output, the control schema.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RedactionTests(PostgresServer postgres, ServerFixture fixture)
{
    [Fact]
    public async Task Migration_DistinctivePassword_AppearsInNoOutput()
    {
        var password = "Zebra-Quasar-" + Guid.NewGuid().ToString("N")[..12];
        var role = "redact_" + Guid.NewGuid().ToString("N")[..8];
        await PostgresServer.ExecuteAsync(postgres.AdminConnectionString, $"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}'");
        var sourceAdmin = await postgres.CreateDatabaseAsync("redact_src");
        var targetAdmin = await postgres.CreateDatabaseAsync("redact_tgt");
        await PostgresServer.ExecuteAsync(sourceAdmin, """
            CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL);
            INSERT INTO accounts SELECT g, 'owner ' || g FROM generate_series(1, 800) g;
            """);
        var source = WithLogin(sourceAdmin, role, password);
        var target = WithLogin(targetAdmin, role, password);
        var seen = new StringBuilder();

        // A whole migration through the API, watched to the end.
        var (migration, events) = await MigrationRun.RunAsync(fixture.Server.Client, MigrationRun.Request(source, target));
        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        foreach (var e in events)
        {
            seen.AppendLine(JsonFormatter.Default.Format(e));
        }

        seen.AppendLine(JsonFormatter.Default.Format(migration));
        seen.AppendLine(JsonFormatter.Default.Format(await fixture.Server.Client.GetPlanAsync(new GetPlanRequest { MigrationId = migration.Id })));
        var operations = new OperationsService.OperationsServiceClient(fixture.Server.Channel);
        seen.AppendLine(JsonFormatter.Default.Format(await operations.GetMetricsAsync(new GetMetricsRequest { MigrationId = migration.Id })));
        seen.AppendLine(JsonFormatter.Default.Format(await operations.ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = migration.Id })));

        // Failures that carry the password: a wrong database name, an unreachable port, a refused login, a malformed string.
        foreach (var bad in new[]
                 {
                     WithLogin(sourceAdmin, role, password).Replace("redact_src", "no_such_db", StringComparison.Ordinal),
                     $"Host=127.0.0.1;Port=1;Database=x;Username={role};Password={password}",
                     WithLogin(sourceAdmin, "nobody_" + role, password),
                     $"Host=127.0.0.1;Database=x;Password={password};Unknown Keyword=1",
                 })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() =>
                fixture.Server.Client.CreateMigrationAsync(MigrationRun.Request(bad, target)).ResponseAsync);
            seen.AppendLine(error.Status.Detail).AppendLine(error.Trailers.ToString());
        }

        // The CLI's human and JSON output of the same migration.
        foreach (var args in new[] { new[] { "status", migration.Id }, ["status", migration.Id, "--json"], ["list", "--json"] })
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            await CliApp.RunAsync([.. args, "--server", fixture.Server.Address], stdout, stderr, CancellationToken.None);
            seen.AppendLine(stdout.ToString()).AppendLine(stderr.ToString());
        }

        using (var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        {
            seen.AppendLine(await http.GetStringAsync(new Uri(fixture.Server.Address + "/healthz")));
        }

        // Every row of the control schema in the target (checkpoints, control rows, audit log).
        await using (var connection = new NpgsqlConnection(targetAdmin))
        {
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'migration_control'", connection))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            Assert.Contains("audit_log", tables);
            foreach (var table in tables)
            {
                await using var rows = new NpgsqlCommand($"SELECT t::text FROM migration_control.{table} t", connection);
                await using var reader = await rows.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    seen.AppendLine(reader.GetString(0));
                }
            }
        }

        var logs = string.Join('\n', fixture.Server.Logs.Lines);
        Assert.Contains(role, seen.ToString(), StringComparison.Ordinal); // the scan does see the connections' other parts
        Assert.DoesNotContain(password, seen.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(password, logs, StringComparison.Ordinal);
    }

    private static string WithLogin(string connectionString, string user, string password) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = user, Password = password }.ConnectionString;
}
