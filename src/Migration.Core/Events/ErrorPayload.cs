using Migration.Core.Agents;

namespace Migration.Core.Events;

public sealed record ErrorPayload(ErrorContext Error) : EventPayload;
