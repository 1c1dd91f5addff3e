using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Migration.Server.Security;

/// <summary>
/// Counts the streaming calls open on this server, in all and per caller, against
/// <see cref="SecurityOptions.MaxOpenStreams"/> and <see cref="SecurityOptions.MaxOpenStreamsPerCaller"/>: a flood of
/// watch or chat streams is refused with RESOURCE_EXHAUSTED instead of growing the server's memory without bound.
/// </summary>
public sealed class OpenStreams(IOptions<SecurityOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _perCaller = new(StringComparer.Ordinal);
    private int _total;

    public int Total => Volatile.Read(ref _total);

    /// <summary>Takes a slot for <paramref name="caller"/>, or returns why none is free (and takes nothing).</summary>
    public bool TryEnter(string caller, out string refusal)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var limits = options.Value;
        if (Interlocked.Increment(ref _total) > limits.MaxOpenStreams)
        {
            Interlocked.Decrement(ref _total);
            refusal = $"The server has {limits.MaxOpenStreams} streams open, its limit (Security:MaxOpenStreams); close one or retry later.";
            return false;
        }

        if (_perCaller.AddOrUpdate(caller, 1, (_, open) => open + 1) > limits.MaxOpenStreamsPerCaller)
        {
            Leave(caller);
            refusal = $"You have {limits.MaxOpenStreamsPerCaller} streams open, the limit per caller (Security:MaxOpenStreamsPerCaller); close one first.";
            return false;
        }

        refusal = string.Empty;
        return true;
    }

    public void Leave(string caller)
    {
        Interlocked.Decrement(ref _total);
        // Remove the entry when it drops to zero, so the map holds only callers with open streams.
        while (_perCaller.TryGetValue(caller, out var open))
        {
            if (open <= 1 ? _perCaller.TryRemove(KeyValuePair.Create(caller, open)) : _perCaller.TryUpdate(caller, open - 1, open))
            {
                return;
            }
        }
    }
}
