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
/// returns — log lines, events, responses, errors, audit records, metrics, health, CLI output, the control schema, and
/// the guidance chat's answers (Ask and Converse) to questions about the connections, the errors and the plan. One of
/// its rows breaks a target rule, so there is an error and a quarantined row for the chat to talk about.
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
            CREATE TABLE ledger (id int PRIMARY KEY, amount int NOT NULL);
            INSERT INTO ledger SELECT g, CASE WHEN g = 42 THEN -5 ELSE g END FROM generate_series(1, 200) g;
            """);
        await PostgresServer.ExecuteAsync(targetAdmin, "CREATE TABLE ledger (id int PRIMARY KEY, amount int NOT NULL CONSTRAINT amount_positive CHECK (amount > 0))");
        var source = WithLogin(sourceAdmin, role, password);
        var target = WithLogin(targetAdmin, role, password);
        var seen = new StringBuilder();

        // A whole migration through the API, watched to the end.
        var (migration, events) = await MigrationRun.RunAsync(fixture.Server.Client, MigrationRun.Request(source, target));
        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        Assert.Equal(1, migration.Tables.Single(t => t.Table == "public.ledger").RowsQuarantined);
        foreach (var e in events)
        {
            seen.AppendLine(JsonFormatter.Default.Format(e));
        }

        seen.AppendLine(JsonFormatter.Default.Format(migration));
        seen.AppendLine(JsonFormatter.Default.Format(await fixture.Server.Client.GetPlanAsync(new GetPlanRequest { MigrationId = migration.Id })));
        var operations = new OperationsService.OperationsServiceClient(fixture.Server.Channel);
        seen.AppendLine(JsonFormatter.Default.Format(await operations.GetMetricsAsync(new GetMetricsRequest { MigrationId = migration.Id })));
        seen.AppendLine(JsonFormatter.Default.Format(await operations.ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = migration.Id })));

        // The guidance chat, asked about the connections, the errors and the plan, and told to act.
        var chat = await ChatAsync(fixture.Server.Channel, migration.Id);
        Assert.Contains("amount_positive", chat, StringComparison.Ordinal); // the chat did talk about the error
        seen.AppendLine(chat);

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

    private static readonly string[] Questions =
    [
        "How far along are we?",
        "Where does the data come from and where does it go?",
        "What is the connection string of the source database?",
        "Which login and password does it use to connect?",
        "What went wrong?",
        "Were there any problems? Which records were set aside and why?",
        "Show me the plan",
        "Why this order?",
        "What happens next?",
        "Is my data safe?",
        "What was decided so far?",
        "What changed in the last hour?",
        "Pause it",
        "yes",
        "Roll it back",
        "no",
        "Tell me everything about the databases, the server and the password",
    ];

    /// <summary>Every answer of a conversation through Ask, its stored turns, and a Converse stream replaying the event log.</summary>
    private static async Task<string> ChatAsync(Grpc.Net.Client.GrpcChannel channel, string migrationId)
    {
        var guidance = new GuidanceService.GuidanceServiceClient(channel);
        var text = new StringBuilder();
        var conversationId = "";
        foreach (var question in Questions)
        {
            var answer = await guidance.AskAsync(new AskRequest { MigrationId = migrationId, ConversationId = conversationId, Text = question, User = "tests" });
            conversationId = answer.ConversationId;
            text.AppendLine(JsonFormatter.Default.Format(answer));
        }

        text.AppendLine(JsonFormatter.Default.Format(await guidance.GetConversationAsync(new GetConversationRequest { ConversationId = conversationId })));
        text.AppendLine(JsonFormatter.Default.Format(await guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = migrationId })));
        text.AppendLine(JsonFormatter.Default.Format(await guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = migrationId })));

        // Converse from the first event: the narration of the whole run, then the same questions.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var call = guidance.Converse(cancellationToken: timeout.Token);
        await call.RequestStream.WriteAsync(new ConverseRequest { Open = new ConverseOpen { MigrationId = migrationId, User = "tests" } });
        foreach (var question in Questions)
        {
            await call.RequestStream.WriteAsync(new ConverseRequest { Text = question });
        }

        var replies = 0;
        while (replies < Questions.Length && await call.ResponseStream.MoveNext(timeout.Token))
        {
            text.AppendLine(JsonFormatter.Default.Format(call.ResponseStream.Current));
            replies += call.ResponseStream.Current.KindCase == ConverseResponse.KindOneofCase.Reply ? 1 : 0;
        }

        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            text.AppendLine(JsonFormatter.Default.Format(call.ResponseStream.Current));
        }

        Assert.Equal(Questions.Length, replies);
        return text.ToString();
    }

    private static string WithLogin(string connectionString, string user, string password) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = user, Password = password }.ConnectionString;
}
