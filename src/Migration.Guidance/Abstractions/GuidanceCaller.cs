namespace Migration.Guidance.Abstractions;

/// <summary>Who is talking: the user name given with the request (or the authenticated name) and their roles.</summary>
public sealed record GuidanceCaller(string User, IReadOnlyList<string> Roles)
{
    public static GuidanceCaller Anonymous(string? user) => new(string.IsNullOrWhiteSpace(user) ? "anonymous" : user.Trim(), []);
}
