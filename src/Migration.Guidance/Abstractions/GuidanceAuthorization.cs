namespace Migration.Guidance.Abstractions;

/// <summary>The outcome of a permission check: allowed, or denied with a reason the user can read.</summary>
public sealed record GuidanceAuthorization(bool Allowed, string? Reason)
{
    public static GuidanceAuthorization Allow { get; } = new(true, null);

    public static GuidanceAuthorization Deny(string reason) => new(false, reason);
}
