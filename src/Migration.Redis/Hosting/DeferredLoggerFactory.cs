using Microsoft.Extensions.Logging;

namespace Migration.Redis.Hosting;

/// <summary>
/// A logger factory for what runs before the host's logging exists (the embedded store starts while the host is being
/// built): entries are kept (up to a bound) until <see cref="Attach"/> hands over the host's factory, then replayed
/// there; later entries go straight through. After <see cref="Detach"/> (host stopping) entries are dropped.
/// </summary>
internal sealed class DeferredLoggerFactory : ILoggerFactory
{
    private const int MaxBufferedEntries = 512;

    private readonly Lock _gate = new();
    private readonly List<Action<ILoggerFactory>> _buffer = [];
    private ILoggerFactory? _target;
    private bool _closed;

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    /// <summary>Routes everything logged so far and from now on to <paramref name="target"/>.</summary>
    public void Attach(ILoggerFactory target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Action<ILoggerFactory>[] pending;
        lock (_gate)
        {
            if (_closed || _target is not null)
            {
                return;
            }

            _target = target;
            pending = [.. _buffer];
            _buffer.Clear();
        }

        foreach (var entry in pending)
        {
            entry(target);
        }
    }

    /// <summary>Stops forwarding (the target factory is about to be disposed).</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _target = null;
            _closed = true;
            _buffer.Clear();
        }
    }

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("Add logging providers to the host's logging builder.");

    public void Dispose() => Detach();

    internal ILoggerFactory? Target
    {
        get
        {
            lock (_gate)
            {
                return _target;
            }
        }
    }

    /// <summary>Buffers an entry while no target is attached; false when it should be written (or dropped) now.</summary>
    internal bool TryBuffer(Action<ILoggerFactory> entry)
    {
        lock (_gate)
        {
            if (_target is not null || _closed)
            {
                return false;
            }

            if (_buffer.Count < MaxBufferedEntries)
            {
                _buffer.Add(entry);
            }

            return true;
        }
    }
}
