using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Migrations;

namespace Migration.Guidance.Facts;

/// <summary>The live state an answer is built from: the migration, its pending decisions, events and decision history.</summary>
public sealed record MigrationFacts(
    MigrationSnapshot Migration,
    IReadOnlyList<PendingDecision> Pending,
    IReadOnlyList<MigrationEvent> Events,
    IReadOnlyList<DecisionRecord> History,
    DateTimeOffset Now)
{
    public IReadOnlyList<string> TableNames => [.. Migration.Tables.Select(t => t.Table)];

    public TableProgressSnapshot? Table(string? name) => name is null ? null : Migration.Tables.FirstOrDefault(t => t.Table == name);

    public IEnumerable<T> Payloads<T>() where T : EventPayload => Events.Select(e => e.Payload).OfType<T>();

    public long LastSequence => Events.Count == 0 ? 0 : Events[^1].Sequence;
}
