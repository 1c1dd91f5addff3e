using Migration.Core.Planning;

namespace Migration.Core.Events;

public sealed record PlanReadyPayload(MigrationPlan Plan) : EventPayload;
