namespace Migration.Core.Execution;

/// <summary>Why a row was set aside: the target's error (SQLSTATE, constraint, column, message, detail).</summary>
public sealed record QuarantineReason(string Message, string? SqlState, string? Constraint, string? Column, string? Detail);
