using System.Security.Cryptography;
using System.Text;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using Npgsql;

namespace Migration.Server.Tests.Security;

/// <summary>
/// With an encryption key configured, a migration's state (its connection strings among it) and its conversations are
/// encrypted before they reach the embedded store's append-only file on disk, and a restarted server reads them back.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class StateEncryptionTests(PostgresServer postgres)
{
    // A word only the chat question carries (no table or event has it).
    private const string Question = "quixotic-marmalade-comet";

    [Fact]
    public async Task GrainState_WithEncryptionKey_NoPasswordOnDiskAndReadBackAfterRestart()
    {
        var password = "Orca-Nebula-" + Guid.NewGuid().ToString("N")[..12];
        var role = "enc_" + Guid.NewGuid().ToString("N")[..8];
        await PostgresServer.ExecuteAsync(postgres.AdminConnectionString, $"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}'");
        var source = await postgres.CreateDatabaseAsync("enc_src");
        var target = await postgres.CreateDatabaseAsync("enc_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 20)");
        var store = Path.Combine(Path.GetTempPath(), "migration-state-encryption", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Embedded:DataDirectory"] = store,
            ["Security:Encryption:Keys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Security:Encryption:ActiveKey"] = "k1",
        };
        try
        {
            string id;
            string conversation;
            await using (var server = await InProcessServer.StartAsync(settings))
            {
                var created = await server.Client.CreateMigrationAsync(MigrationRun.Request(WithLogin(source, role, password), WithLogin(target, role, password)));
                id = created.Migration.Id;
                Assert.Equal(MigrationPhase.AwaitingApproval, created.Migration.Phase);
                var asked = await new GuidanceService.GuidanceServiceClient(server.Channel)
                    .AskAsync(new AskRequest { MigrationId = id, Text = $"what does {Question} mean?" });
                conversation = asked.ConversationId;
            }

            var onDisk = ReadAll(store);
            Assert.Contains(id, onDisk, StringComparison.Ordinal); // the scan reads the store's files
            Assert.DoesNotContain(password, onDisk, StringComparison.Ordinal);
            Assert.DoesNotContain(Question, onDisk, StringComparison.Ordinal);

            await using (var restarted = await InProcessServer.StartAsync(settings))
            {
                var migration = (await restarted.Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
                Assert.Equal(MigrationPhase.AwaitingApproval, migration.Phase);
                var turns = (await new GuidanceService.GuidanceServiceClient(restarted.Channel)
                    .GetConversationAsync(new GetConversationRequest { ConversationId = conversation })).Turns;
                Assert.Contains(turns, t => t.Text.Contains(Question, StringComparison.Ordinal));
                Assert.Single((await restarted.Client.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan.Waves.SelectMany(w => w.Tables));
            }
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task EventsAndAgentMemory_WithEncryptionKey_NotReadableOnDiskAndReadBackAfterRestart()
    {
        // A table name that only events, agent messages, facts and decisions carry (grain ids use the migration id).
        var table = "orca_ledger_" + Guid.NewGuid().ToString("N")[..10];
        var source = await postgres.CreateDatabaseAsync("enc_ev_src");
        var target = await postgres.CreateDatabaseAsync("enc_ev_tgt");
        await PostgresServer.ExecuteAsync(source, $"CREATE TABLE {table} (id int PRIMARY KEY, note text); INSERT INTO {table} SELECT g, 'n' || g FROM generate_series(1, 50) g");
        var store = Path.Combine(Path.GetTempPath(), "migration-state-encryption", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Embedded:DataDirectory"] = store,
            ["Security:Encryption:Keys:k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Security:Encryption:ActiveKey"] = "k1",
        };
        try
        {
            string id;
            await using (var server = await InProcessServer.StartAsync(settings))
            {
                var (migration, events) = await MigrationRun.RunAsync(server.Client, MigrationRun.Request(source, target));
                Assert.Equal(MigrationPhase.Completed, migration.Phase);
                Assert.Contains(events, e => e.ToString().Contains(table, StringComparison.Ordinal));
                id = migration.Id;
            }

            var onDisk = ReadAll(store);
            Assert.Contains(id, onDisk, StringComparison.Ordinal);
            Assert.DoesNotContain(table, onDisk, StringComparison.Ordinal);

            await using (var restarted = await InProcessServer.StartAsync(settings))
            {
                var replayed = await MigrationRun.WatchToEndAsync(restarted.Client, id, 0, TimeSpan.FromMinutes(1));
                MigrationRun.AssertContiguous(replayed);
                Assert.Contains(replayed, e => e.TableCompleted?.Table.EndsWith(table, StringComparison.Ordinal) == true);
                var decisions = await new GuidanceService.GuidanceServiceClient(restarted.Channel)
                    .GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id });
                Assert.NotEmpty(decisions.Decisions);
            }
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    private static string ReadAll(string directory)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            text.Append(reader.ReadToEnd()).Append('\n');
        }

        return text.ToString();
    }

    private static string WithLogin(string connectionString, string user, string password) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = user, Password = password }.ConnectionString;
}
