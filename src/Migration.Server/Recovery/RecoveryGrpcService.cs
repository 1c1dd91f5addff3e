using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Migration.Agents.Abstractions;
using Migration.Contracts.V1;
using Migration.Core.Recovery;
using Migration.Server.Errors;
using Migration.Server.Mapping;
using Migration.Server.Security;
using Migration.Server.Services;

namespace Migration.Server.Recovery;

/// <summary>
/// The RecoveryService: rollback, backups, restore tests and restore. Every method needs the admin role
/// (<see cref="MigrationPolicies.Administer"/>) and is written to the audit trail.
/// </summary>
public sealed partial class RecoveryGrpcService(
    IGrainFactory grains,
    IMigrationRecovery recovery,
    ILogger<RecoveryGrpcService> logger) : RecoveryService.RecoveryServiceBase
{
    private const int MaxTables = 1000;

    [Authorize(Policy = MigrationPolicies.Administer)]
    public override async Task<RollbackMigrationResponse> RollbackMigration(RollbackMigrationRequest request, ServerCallContext context)
    {
        var problems = new List<(string Field, string Description)>();
        RequestLimits.Text(problems, "reason", request.Reason);
        RequestLimits.Text(problems, "requested_by", request.RequestedBy);
        if (request.Tables.Count > MaxTables)
        {
            problems.Add(("tables", $"at most {MaxTables} tables"));
        }

        if (request.Tables.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add(("tables", "must not contain empty names"));
        }

        if (problems.Count > 0)
        {
            throw RpcErrors.InvalidArgument("The request is out of bounds.", [.. problems]);
        }

        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        var by = CallerIdentity.Name(context, request.RequestedBy);
        var result = await grain.RollbackAsync(new RollbackCommand(by, request.Reason, request.Tables.Count > 0 ? request.Tables.ToList() : null, request.Retry));
        LogRollback(logger, request.MigrationId, by, result.Verified, result.RowsRemoved);
        var response = new RollbackMigrationResponse
        {
            Verified = result.Verified,
            RowsRemoved = result.RowsRemoved,
            MappingsRemoved = result.MappingsRemoved,
            CheckpointsRemoved = result.CheckpointsRemoved,
            Duration = Duration.FromTimeSpan(result.Duration),
            Summary = result.Summary,
            Migration = (await grain.GetAsync())!.ToProto(),
        };
        response.Tables.AddRange(result.Tables.Select(t => new TableRollbackResult
        {
            Table = t.Table,
            Action = t.Action,
            RowsRemoved = t.RowsRemoved,
            MatchesBaseline = t.MatchesBaseline,
            Issue = t.Issue ?? string.Empty,
        }));
        return response;
    }

    [Authorize(Policy = MigrationPolicies.Administer)]
    public override async Task<ListBackupsResponse> ListBackups(ListBackupsRequest request, ServerCallContext context)
    {
        var backups = await recovery.ListBackupsAsync(string.IsNullOrWhiteSpace(request.MigrationId) ? null : request.MigrationId, context.CancellationToken);
        var response = new ListBackupsResponse();
        response.Backups.AddRange(backups.Select(ToProto));
        return response;
    }

    [Authorize(Policy = MigrationPolicies.Administer)]
    public override async Task<TestRestoreResponse> TestRestore(TestRestoreRequest request, ServerCallContext context)
    {
        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        var backupId = await BackupIdAsync(request.MigrationId, request.BackupId, context.CancellationToken);
        var connections = await grain.GetConnectionsAsync() ?? throw RpcErrors.NotFound($"No migration with id '{request.MigrationId}'.");
        var result = await recovery.TestRestoreAsync(backupId, connections.TargetConnectionString, context.CancellationToken);
        return new TestRestoreResponse { BackupId = backupId, Result = ToProto(result) };
    }

    [Authorize(Policy = MigrationPolicies.Administer)]
    public override async Task<RestoreBackupResponse> RestoreBackup(RestoreBackupRequest request, ServerCallContext context)
    {
        var problems = new List<(string Field, string Description)>();
        RequestLimits.Text(problems, "reason", request.Reason);
        RequestLimits.Text(problems, "requested_by", request.RequestedBy);
        if (problems.Count > 0)
        {
            throw RpcErrors.InvalidArgument("The request is out of bounds.", [.. problems]);
        }

        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        var backupId = await BackupIdAsync(request.MigrationId, request.BackupId, context.CancellationToken);
        var by = CallerIdentity.Name(context, request.RequestedBy);
        var result = await grain.RestoreBackupAsync(backupId, by, request.Reason);
        LogRestore(logger, request.MigrationId, backupId, by, result.Passed);
        return new RestoreBackupResponse { BackupId = backupId, Result = ToProto(result), Migration = (await grain.GetAsync())!.ToProto() };
    }

    private async Task<string> BackupIdAsync(string migrationId, string backupId, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(backupId))
        {
            return backupId;
        }

        var backups = await recovery.ListBackupsAsync(migrationId, cancellationToken);
        return backups.Count > 0
            ? backups[0].BackupId
            : throw RpcErrors.FailedPrecondition($"Migration '{migrationId}' has no backup (it never wrote, or backups are off).");
    }

    private static Contracts.V1.Backup ToProto(BackupInfo backup)
    {
        var proto = new Contracts.V1.Backup
        {
            BackupId = backup.BackupId,
            MigrationId = backup.MigrationId,
            CreatedAt = Timestamp.FromDateTimeOffset(backup.CreatedAt),
            FileName = backup.FileName,
            SizeBytes = backup.SizeBytes,
            Duration = Duration.FromTimeSpan(backup.Duration),
        };
        proto.Tables.AddRange(backup.Tables.Select(t => new BackupTable { Table = t.Table, Existed = t.Existed, Rows = t.Rows, Checksum = t.Checksum }));
        if (backup.LastRestoreTest is { } test)
        {
            proto.LastRestoreTest = ToProto(test);
        }

        return proto;
    }

    private static RestoreTest ToProto(RestoreTestResult result)
    {
        var proto = new RestoreTest
        {
            Passed = result.Passed,
            TestedAt = Timestamp.FromDateTimeOffset(result.TestedAt),
            Duration = Duration.FromTimeSpan(result.Duration),
            RowsRestored = result.RowsRestored,
        };
        proto.Issues.AddRange(result.Issues);
        return proto;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollback of {MigrationId} by {RequestedBy}: verified {Verified}, {Rows} rows removed")]
    private static partial void LogRollback(ILogger logger, string migrationId, string requestedBy, bool verified, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restore of {MigrationId} from {BackupId} by {RequestedBy}: committed {Passed}")]
    private static partial void LogRestore(ILogger logger, string migrationId, string backupId, string requestedBy, bool passed);
}
