namespace Migration.Postgres.Recovery;

/// <summary>Backups and recovery (configuration section "Recovery").</summary>
public sealed class RecoveryOptions
{
    public const string SectionName = "Recovery";

    /// <summary>Take a pg_dump backup of the target tables a migration changes before it writes (default true).</summary>
    public bool BackupBeforeWrite { get; set; } = true;

    /// <summary>Where backups go (archive + manifest per backup); relative paths are under the working directory.</summary>
    public string BackupDirectory { get; set; } = ".data/backups";

    /// <summary>Restore-test every backup right after it is taken (default true).</summary>
    public bool TestRestoreAfterBackup { get; set; } = true;

    /// <summary>Retention: keep at most this many backups (0 = no count limit).</summary>
    public int KeepBackups { get; set; } = 20;

    /// <summary>Retention: delete backups older than this many days (0 = no age limit; seed: 30 days).</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Directory of pg_dump and pg_restore; empty = PATH, then the newest /usr/lib/postgresql/*/bin.</summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>Problems with the options, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(BackupDirectory))
        {
            problems.Add("Recovery:BackupDirectory must not be empty.");
        }

        if (KeepBackups < 0)
        {
            problems.Add($"Recovery:KeepBackups must not be negative; it is {KeepBackups}.");
        }

        if (RetentionDays < 0)
        {
            problems.Add($"Recovery:RetentionDays must not be negative; it is {RetentionDays}.");
        }

        if (!string.IsNullOrWhiteSpace(PostgresBinDirectory) && !Directory.Exists(PostgresBinDirectory))
        {
            problems.Add($"Recovery:PostgresBinDirectory names a directory that does not exist: {PostgresBinDirectory}.");
        }

        return problems;
    }
}
