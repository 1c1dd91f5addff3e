namespace Migration.Guidance;

/// <summary>
/// The optional language model: an OpenAI-compatible chat-completions endpoint, a model name and a key. Read from
/// <c>Guidance:Model:Endpoint/Name/ApiKey</c> or the environment (GUIDANCE_MODEL_ENDPOINT, GUIDANCE_MODEL_NAME,
/// GUIDANCE_MODEL_API_KEY). The key is never logged or returned. Without an endpoint and name only the
/// deterministic engine answers.
/// </summary>
public sealed class GuidanceModelOptions
{
    public Uri? Endpoint { get; set; }

    public string? Name { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>A model answer that takes longer falls back to the deterministic engine.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    public bool IsConfigured => Endpoint is not null && !string.IsNullOrWhiteSpace(Name);

    /// <summary>The key is redacted so the options can be logged or shown.</summary>
    public override string ToString() => $"{Name} at {Endpoint} (key {(string.IsNullOrEmpty(ApiKey) ? "not set" : "set")})";
}
