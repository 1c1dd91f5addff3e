using Migration.Core.Validation;

namespace Migration.Core.Events;

public sealed record ValidationResultPayload(ValidationReport Report) : EventPayload;
