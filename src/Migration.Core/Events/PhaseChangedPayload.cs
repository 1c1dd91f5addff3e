using Migration.Core.Migrations;

namespace Migration.Core.Events;

public sealed record PhaseChangedPayload(MigrationPhase From, MigrationPhase To, string Reason) : EventPayload;
