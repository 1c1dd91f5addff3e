using Microsoft.Extensions.Logging;

namespace Migration.Redis.Hosting;

/// <summary>A logger of <see cref="DeferredLoggerFactory"/>: writes to the attached factory's logger of the same category.</summary>
internal sealed class DeferredLogger(DeferredLoggerFactory factory, string categoryName) : ILogger
{
    private ILogger? _inner;
    private ILoggerFactory? _innerFactory;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Inner()?.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel)
    {
        var inner = Inner();
        return inner is null ? logLevel >= LogLevel.Information : inner.IsEnabled(logLevel);
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var inner = Inner();
        if (inner is not null)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        if (logLevel < LogLevel.Information)
        {
            return;
        }

        // The state may be a pooled or mutable object: keep the formatted text.
        var message = formatter(state, exception);
        var category = categoryName;
        factory.TryBuffer(target => target.CreateLogger(category).Log(logLevel, eventId, message, exception, static (m, _) => m));
    }

    private ILogger? Inner()
    {
        var target = factory.Target;
        if (target is null)
        {
            return null;
        }

        if (!ReferenceEquals(target, _innerFactory))
        {
            _inner = target.CreateLogger(categoryName);
            _innerFactory = target;
        }

        return _inner;
    }
}
