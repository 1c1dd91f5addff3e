namespace Migration.Core.Planning;

public sealed record PlanProblem(PlanProblemSeverity Severity, string? Table, string? Column, string Message);
