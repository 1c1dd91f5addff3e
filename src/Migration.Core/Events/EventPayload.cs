using System.Text.Json.Serialization;

namespace Migration.Core.Events;

/// <summary>What happened; one derived record per event kind (seed: event-driven coordination).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(PhaseChangedPayload), "phase_changed")]
[JsonDerivedType(typeof(TableStartedPayload), "table_started")]
[JsonDerivedType(typeof(BatchCompletedPayload), "batch_completed")]
[JsonDerivedType(typeof(TableCompletedPayload), "table_completed")]
[JsonDerivedType(typeof(ValidationResultPayload), "validation_result")]
[JsonDerivedType(typeof(WarningPayload), "warning")]
[JsonDerivedType(typeof(ErrorPayload), "error")]
[JsonDerivedType(typeof(PlanReadyPayload), "plan_ready")]
public abstract record EventPayload;
