using System.ComponentModel.DataAnnotations;

namespace Migration.Guidance;

/// <summary>Configuration section <c>Guidance</c>.</summary>
public sealed class GuidanceOptions
{
    public const string Section = "Guidance";

    /// <summary>Longest accepted user message.</summary>
    [Range(1, 100_000)]
    public int MaxMessageLength { get; set; } = 2000;

    /// <summary>A conversation expires after this long without a new turn.</summary>
    public TimeSpan ConversationTtl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Turns kept per conversation (older ones are dropped).</summary>
    [Range(10, 100_000)]
    public int MaxTurns { get; set; } = 500;

    /// <summary>The optional language model (OpenAI-compatible chat completions).</summary>
    public GuidanceModelOptions Model { get; set; } = new();
}
