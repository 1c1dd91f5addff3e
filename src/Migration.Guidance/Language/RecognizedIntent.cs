namespace Migration.Guidance.Language;

/// <summary>
/// A recognized message: the intent and the entities found in it (a table, a point in time, a glossary term, a
/// decision option, a number). <paramref name="FollowUp"/> is true when the intent came from the conversation context.
/// </summary>
public sealed record RecognizedIntent(
    Intent Intent,
    string? Table = null,
    DateTimeOffset? Since = null,
    string? Term = null,
    string? OptionHint = null,
    int? Number = null,
    bool FollowUp = false);
