using System.Diagnostics;

namespace Migration.Server.Telemetry;

/// <summary>
/// Process CPU and memory of this server instance: CPU as a fraction of all cores between two samples (the first
/// sample measures since the process started).
/// </summary>
public sealed class ProcessSampler(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private TimeSpan _lastCpu;
    private DateTimeOffset? _lastAt;

    public TimeSpan Uptime => clock.GetUtcNow() - _started;

    /// <summary>CPU used since the previous call, 0..1 of all cores.</summary>
    public double CpuFraction()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            var since = _lastAt ?? _started;
            var used = cpu - (_lastAt is null ? TimeSpan.Zero : _lastCpu);
            _lastCpu = cpu;
            _lastAt = now;
            var wall = (now - since).TotalSeconds * Environment.ProcessorCount;
            return wall <= 0 ? 0 : Math.Clamp(used.TotalSeconds / wall, 0, 1);
        }
    }

    /// <summary>Working set, managed heap and the memory available to the process (container limit or physical memory).</summary>
    public static (long WorkingSet, long GcHeap, long Limit) Memory()
    {
        var info = GC.GetGCMemoryInfo();
        return (Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: false), info.TotalAvailableMemoryBytes);
    }
}
