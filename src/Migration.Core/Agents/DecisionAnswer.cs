using Migration.Core.Migrations;

namespace Migration.Core.Agents;

/// <summary>The result of answering a pending decision: what was recorded and the migration afterwards.</summary>
public sealed record DecisionAnswer(DecisionRecord Record, MigrationSnapshot Migration);
