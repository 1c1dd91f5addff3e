using Microsoft.Extensions.Logging;

namespace Migration.Redis.Hosting;

/// <summary>
/// Puts every category of a library under one prefix ("Garnet.GarnetServer", "Garnet.TsavoriteKV [main]", …), so
/// that its logging is filtered with one "Logging:LogLevel:Garnet" setting.
/// </summary>
internal sealed class PrefixedLoggerFactory(ILoggerFactory inner, string prefix) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => inner.CreateLogger(prefix + categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the caller.
    }
}
