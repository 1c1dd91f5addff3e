using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>
/// SQL safety: schema, table and column names with quotes, semicolons, unicode, reserved words and the full 63 bytes
/// migrate correctly on both write paths and cannot inject anything.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HostileIdentifierTests(PostgresServer postgres, ServerFixture fixture)
{
    [Fact]
    public async Task Run_HostileNames_CopiedExactlyAndNothingInjected()
    {
        var source = await postgres.CreateDatabaseAsync("hostile_ident_src");
        var target = await postgres.CreateDatabaseAsync("hostile_ident_tgt");
        var longName = new string('n', 63);
        await PostgresServer.ExecuteAsync(source, $"""
            CREATE SCHEMA "we""ird;schema";
            CREATE TABLE "we""ird;schema"."select" (
                "id" int PRIMARY KEY,
                "x""); DROP TABLE victim; --" text,
                "ñandú 数据" text,
                "order" int);
            CREATE TABLE public."{longName}" (id bigint PRIMARY KEY, "from" text);
            CREATE TABLE public."child'; DELETE FROM victim; --" (
                id int PRIMARY KEY,
                parent int REFERENCES "we""ird;schema"."select" (id));
            INSERT INTO "we""ird;schema"."select"
                SELECT g, 'v' || g || ''';--', 'ñ' || g, g FROM generate_series(1, 400) g;
            INSERT INTO public."{longName}" SELECT g, 'f' || g FROM generate_series(1, 300) g;
            INSERT INTO public."child'; DELETE FROM victim; --" SELECT g, 1 + g % 400 FROM generate_series(1, 500) g;
            """);
        await PostgresServer.ExecuteAsync(target, "CREATE TABLE victim (id int); INSERT INTO victim VALUES (1);");

        var request = MigrationRun.Request(source, target, o => o.ForceMappedTables.Add("public." + longName));
        var (migration, _) = await MigrationRun.RunAsync(fixture.Server.Client, request);

        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        Assert.True(migration.Validation.Passed, migration.Validation.Summary);
        Assert.Equal(1, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM victim"));
        Assert.Equal(400, await PostgresServer.ScalarAsync<long>(target,
            "SELECT count(*) FROM \"we\"\"ird;schema\".\"select\" WHERE \"x\"\"); DROP TABLE victim; --\" LIKE 'v%'';--' AND \"ñandú 数据\" LIKE 'ñ%'"));
        Assert.Equal(300, await PostgresServer.ScalarAsync<long>(target, $"SELECT count(*) FROM public.\"{longName}\""));
        Assert.Equal(500, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM public.\"child'; DELETE FROM victim; --\""));
    }
}
