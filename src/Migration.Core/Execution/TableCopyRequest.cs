using Migration.Core.Migrations;
using Migration.Core.Planning;

namespace Migration.Core.Execution;

/// <summary>Everything the copy engine needs to move one table.</summary>
public sealed record TableCopyRequest(
    string MigrationId,
    string SourceConnectionString,
    string TargetConnectionString,
    TablePlan Table,
    IReadOnlyList<string> SourceColumns,
    BatchSettings Batch,
    string ControlSchema,
    bool ValidateBatches);
