using System.Globalization;
using System.Text.Json;
using Migration.Core.Recovery;
using Migration.Core.Serialization;

namespace Migration.Postgres.Recovery;

/// <summary>
/// The backup directory: per backup an archive (<c>ID.dump</c>, pg_dump custom format; <c>ID.dump.enc</c> when an
/// encryption key is configured: the same archive encrypted in authenticated chunks) and a manifest
/// (<c>ID.json</c>: the <see cref="BackupInfo"/> with every table's baseline). The manifest is written last, so a
/// backup without one is incomplete and ignored.
/// </summary>
internal sealed class BackupStore(RecoveryOptions options)
{
    public string Directory => Path.GetFullPath(options.BackupDirectory);

    /// <summary>Where a new archive goes: <c>ID.dump</c>, or <c>ID.dump.enc</c> when it is encrypted.</summary>
    public string ArchivePath(string backupId, bool encrypted) => Path.Combine(Directory, backupId + (encrypted ? ".dump.enc" : ".dump"));

    /// <summary>The archive of a backup as its manifest names it.</summary>
    public string ArchivePath(BackupInfo backup) => Path.Combine(Directory, Path.GetFileName(backup.FileName));

    public static string NewId(string migrationId, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{Sanitize(migrationId)}-{at:yyyyMMdd'T'HHmmssfff'Z'}");

    public async Task SaveAsync(BackupInfo backup, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, backup.BackupId + ".json");
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, backup, MigrationJson.Options, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public async Task<BackupInfo?> FindAsync(string backupId, CancellationToken cancellationToken)
    {
        if (Sanitize(backupId) != backupId)
        {
            return null;
        }

        var path = Path.Combine(Directory, backupId + ".json");
        return File.Exists(path) ? await ReadAsync(path, cancellationToken) : null;
    }

    public async Task<IReadOnlyList<BackupInfo>> ListAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var backups = new List<BackupInfo>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            if (await ReadAsync(path, cancellationToken) is { } backup)
            {
                backups.Add(backup);
            }
        }

        return backups.OrderByDescending(b => b.CreatedAt).ToList();
    }

    public void Delete(BackupInfo backup)
    {
        File.Delete(Path.Combine(Directory, backup.BackupId + ".json"));
        File.Delete(ArchivePath(backup.BackupId, encrypted: false));
        File.Delete(ArchivePath(backup.BackupId, encrypted: true));
    }

    private static async Task<BackupInfo?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<BackupInfo>(stream, MigrationJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Sanitize(string text) =>
        new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
