namespace Migration.Redis;

/// <summary>
/// The key layout. Per-migration keys carry the id as a hash tag ("{id}") so that one migration's keys share a slot.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix => prefix;

    /// <summary>Sorted set: score = sequence, member = "sequence|event JSON".</summary>
    public string Events(string migrationId) => Migration(migrationId, "events");

    /// <summary>Pub/sub channel: the new sequence after every append.</summary>
    public string EventChannel(string migrationId) => Migration(migrationId, "events:appended");

    /// <summary>List of agent messages (JSON), oldest first.</summary>
    public string Messages(string migrationId) => Migration(migrationId, "memory:messages");

    /// <summary>Hash: "agent:key" → value.</summary>
    public string Facts(string migrationId) => Migration(migrationId, "memory:facts");

    /// <summary>List of decision records (JSON), oldest first.</summary>
    public string Decisions(string migrationId) => Migration(migrationId, "decisions");

    /// <summary>Sorted set of every migration id, score = creation time (Unix milliseconds).</summary>
    public string Migrations => prefix + "registry:all";

    /// <summary>Set of the ids not finished yet.</summary>
    public string Unfinished => prefix + "registry:unfinished";

    /// <summary>Hash: source/target pair key → id of its unfinished migration.</summary>
    public string Pairs => prefix + "registry:pairs";

    private string Migration(string migrationId, string suffix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(migrationId);
        return $"{prefix}{{{migrationId}}}:{suffix}";
    }
}
