namespace Migration.Core.Planning;

/// <summary>Tables that can be loaded at the same time: all their parents are in earlier waves.</summary>
public sealed record PlanWave(int Number, IReadOnlyList<TablePlan> Tables);
