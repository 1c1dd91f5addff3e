using Migration.Core.Agents;
using Migration.Core.Execution;

namespace Migration.Agents.Abstractions;

/// <summary>A range-copy activation's state, with its result or error once it has one, and the silo it runs on.</summary>
[GenerateSerializer]
public sealed record RangeRunStatus(
    [property: Id(0)] RangeRunState State,
    [property: Id(1)] RangeCopyResult? Result,
    [property: Id(2)] ErrorContext? Error,
    [property: Id(3)] string Silo);
