namespace Migration.Server.Audit;

/// <summary>
/// Writes every call of a gRPC method to the audit trail even when its policy is View (calls that need more than View
/// are audited anyway).
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class AuditedAttribute : Attribute;
