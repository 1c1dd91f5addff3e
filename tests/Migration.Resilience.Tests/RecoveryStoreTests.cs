using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Migration.Core.Catalog;
using Migration.Core.Recovery;
using Migration.Core.Security;
using Migration.Postgres.Recovery;
using Migration.Testing;

namespace Migration.Resilience.Tests;

/// <summary>
/// The recovery machinery on a real PostgreSQL, without a server: the recovery point with a pg_dump of tables that
/// hold rows, its restore test, a rollback of rows written since (verified), a restore, retention, and the
/// execution lease that lets one session at a time run a migration.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class RecoveryStoreTests(PostgresServer postgres) : IDisposable
{
    private readonly string _backups = Path.Combine(Path.GetTempPath(), "migration-backups-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_backups))
        {
            Directory.Delete(_backups, recursive: true);
        }
    }

    [Fact]
    public async Task CaptureRollbackRestore_TableWithRows_BackupRestoresAndRollbackReturnsBaseline()
    {
        var target = await postgres.CreateDatabaseAsync("recovery_store");
        await PostgresServer.ExecuteAsync(target, """
            CREATE TYPE mood AS ENUM ('calm', 'angry');
            CREATE TABLE items (id serial PRIMARY KEY, name text, mood mood, data jsonb, price numeric(10,2));
            INSERT INTO items (name, mood, data, price)
                SELECT 'item ' || g, CASE WHEN g % 2 = 0 THEN 'calm' ELSE 'angry' END::mood, jsonb_build_object('g', g), g / 7.0
                FROM generate_series(1, 5000) g;
            CREATE TABLE log (line text);
            """);
        var recovery = Create(keep: 2);
        var tables = new[] { new QualifiedName("public", "items"), new QualifiedName("public", "log"), new QualifiedName("public", "created_later") };
        var point = await recovery.CaptureAsync(new RecoveryPointRequest("m1", target, "migration_control", tables));

        Assert.NotNull(point.Backup);
        Assert.True(point.Backup!.SizeBytes > 0);
        Assert.True(point.Backup.LastRestoreTest?.Passed, string.Join("; ", point.Backup.LastRestoreTest?.Issues ?? []));
        Assert.Equal(5000L, point.Backup.LastRestoreTest!.RowsRestored);
        Assert.False(point.Tables.Single(t => t.Table == "public.created_later").Existed);
        var again = await recovery.CaptureAsync(new RecoveryPointRequest("m1", target, "migration_control", tables));
        Assert.Equal(point.BaselineTransactionId, again.BaselineTransactionId); // captured once

        // "The migration" writes: rows into both tables, a table of its own.
        await PostgresServer.ExecuteAsync(target, """
            INSERT INTO items (name, mood) SELECT 'new ' || g, 'calm' FROM generate_series(1, 700) g;
            INSERT INTO log SELECT 'line ' || g FROM generate_series(1, 300) g;
            CREATE TABLE created_later (id int); INSERT INTO created_later VALUES (1), (2);
            """);
        var rollback = await recovery.RollbackAsync(new RollbackRequest("m1", target, "migration_control", tables,
            tables.Select(t => t.ToString()).ToList(), WholeMigration: true, [], "tests", "test"));
        Assert.True(rollback.Verified, rollback.Summary);
        Assert.Equal(700L + 300 + 2, rollback.RowsRemoved);
        Assert.Equal(5000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
        Assert.False(await PostgresServer.ScalarAsync<bool>(target, "SELECT to_regclass('public.created_later') IS NOT NULL"));

        // Restore: the table is damaged after the rollback; the backup puts it back exactly.
        await PostgresServer.ExecuteAsync(target, "DELETE FROM items WHERE id % 3 = 0; UPDATE items SET name = 'x' WHERE id < 10;");
        var restored = await recovery.RestoreAsync(point.Backup.BackupId, target, []);
        Assert.True(restored.Passed, string.Join("; ", restored.Issues));
        Assert.Equal(5000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
        Assert.Equal("item 1", await PostgresServer.ScalarAsync<string>(target, "SELECT name FROM items WHERE id = 1"));
    }

    [Fact]
    public async Task CaptureRestore_WithEncryptionKey_ArchiveEncryptedRestoresAndRefusesTampering()
    {
        var target = await postgres.CreateDatabaseAsync("recovery_enc");
        const string Marker = "Quasar-Lagoon";
        await PostgresServer.ExecuteAsync(target, $"""
            CREATE TABLE accounts (id serial PRIMARY KEY, holder text, balance numeric(12,2));
            INSERT INTO accounts (holder, balance) SELECT '{Marker} ' || g, g * 1.5 FROM generate_series(1, 3000) g;
            """);
        var protector = new PayloadProtector(new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(32) }, "k1");
        var recovery = Create(keep: 2, protector: protector);
        var tables = new[] { new QualifiedName("public", "accounts") };
        var point = await recovery.CaptureAsync(new RecoveryPointRequest("enc", target, "migration_control", tables));

        Assert.NotNull(point.Backup);
        Assert.EndsWith(".dump.enc", point.Backup!.FileName, StringComparison.Ordinal);
        var archive = Path.Combine(_backups, point.Backup.FileName);
        Assert.DoesNotContain(Marker, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(archive)), StringComparison.Ordinal);
        Assert.True(point.Backup.LastRestoreTest?.Passed, string.Join("; ", point.Backup.LastRestoreTest?.Issues ?? []));
        Assert.Equal(3000L, point.Backup.LastRestoreTest!.RowsRestored);

        await PostgresServer.ExecuteAsync(target, "DELETE FROM accounts WHERE id > 1000; UPDATE accounts SET holder = 'x' WHERE id = 1;");
        var restored = await recovery.RestoreAsync(point.Backup.BackupId, target, []);
        Assert.True(restored.Passed, string.Join("; ", restored.Issues));
        Assert.Equal(3000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM accounts"));
        Assert.Equal(Marker + " 1", await PostgresServer.ScalarAsync<string>(target, "SELECT holder FROM accounts WHERE id = 1"));

        // Without the key the archive cannot be read; a changed byte or a cut archive is refused, and nothing changes.
        await PostgresServer.ExecuteAsync(target, "DELETE FROM accounts WHERE id > 2000");
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => Create(keep: 2).RestoreAsync(point.Backup.BackupId, target, []));
        var bytes = await File.ReadAllBytesAsync(archive);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(archive, bytes);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => recovery.RestoreAsync(point.Backup.BackupId, target, []));
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(archive, bytes[..(bytes.Length - 200)]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => recovery.RestoreAsync(point.Backup.BackupId, target, []));
        Assert.Equal(2000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM accounts"));
    }

    [Fact]
    public async Task RollbackAsync_RowsChangedBeforeTheRecoveryPointEditedLater_RefusedAndNothingChanged()
    {
        var target = await postgres.CreateDatabaseAsync("recovery_refuse");
        await PostgresServer.ExecuteAsync(target, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' FROM generate_series(1, 100) g;");
        var recovery = Create(keep: 5, backups: false);
        var tables = new[] { new QualifiedName("public", "t") };
        await recovery.CaptureAsync(new RecoveryPointRequest("m2", target, "migration_control", tables));
        await PostgresServer.ExecuteAsync(target, "INSERT INTO t VALUES (101, 'new'); UPDATE t SET v = 'edited' WHERE id = 5;");

        // The edited row is "written since" too: removing it would lose a row the baseline has, so the check fails.
        var rollback = await recovery.RollbackAsync(new RollbackRequest("m2", target, "migration_control", tables, ["public.t"], true, [], "tests", "test"));
        Assert.False(rollback.Verified);
        Assert.Equal(101L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM t"));
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.recovery_log WHERE NOT verified"));
    }

    [Fact]
    public async Task ApplyRetentionAsync_MoreBackupsThanKept_OldestDeleted()
    {
        var target = await postgres.CreateDatabaseAsync("recovery_retention");
        await PostgresServer.ExecuteAsync(target, "CREATE TABLE t (id int); INSERT INTO t VALUES (1);");
        var recovery = Create(keep: 2);
        foreach (var id in new[] { "r1", "r2", "r3" })
        {
            await recovery.CaptureAsync(new RecoveryPointRequest(id, target, "migration_control", [new QualifiedName("public", "t")]));
        }

        var left = await recovery.ListBackupsAsync(null);
        Assert.Equal(["r3", "r2"], left.Select(b => b.MigrationId).ToArray());
        Assert.Equal(2, Directory.GetFiles(_backups, "*.dump").Length);
    }

    [Fact]
    public async Task TryAcquireAsync_HeldBySession_SecondRefusedUntilReleased()
    {
        var target = await postgres.CreateDatabaseAsync("recovery_lease");
        var leases = new PostgresExecutionLeases();
        var first = await leases.TryAcquireAsync(target, "lease-1");
        Assert.NotNull(first);
        Assert.Null(await leases.TryAcquireAsync(target, "lease-1"));
        Assert.NotNull(await leases.DescribeHolderAsync(target, "lease-1"));
        await using (var other = await leases.TryAcquireAsync(target, "lease-2"))
        {
            Assert.NotNull(other); // another migration is independent
        }

        Assert.True(await first!.IsHeldAsync());
        await first.DisposeAsync();
        Assert.Null(await leases.DescribeHolderAsync(target, "lease-1"));
        await using var second = await leases.TryAcquireAsync(target, "lease-1");
        Assert.NotNull(second);
    }

    private PostgresMigrationRecovery Create(int keep, bool backups = true, PayloadProtector? protector = null) => new(
        Options.Create(new RecoveryOptions { BackupDirectory = _backups, KeepBackups = keep, BackupBeforeWrite = backups }),
        TimeProvider.System,
        NullLogger<PostgresMigrationRecovery>.Instance,
        protector);
}
