using Migration.Core.Agents;
using Migration.Redis.Tests.Infrastructure;
using Migration.Testing;
using Orleans;
using Xunit.Abstractions;

namespace Migration.Redis.Tests.Orleans;

/// <summary>
/// The agent runtime on both stores: grain state and a reminder written by one host are there for the next host on
/// the same store (the embedded store through its append-only file).
/// </summary>
public abstract class AgentRuntimeTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    protected string Root { get; } = TestDirectories.Create("agents");

    public void Dispose()
    {
        TestDirectories.Delete(Root);
        GC.SuppressFinalize(this);
    }

    /// <summary>Settings of one host; the same for both hosts of a test except the ports.</summary>
    protected abstract Dictionary<string, string?> Settings();

    [Fact]
    public async Task AddMigrationAgentRuntime_StateAndReminderWritten_NextHostReadsStateAndReminderFires()
    {
        var key = Guid.NewGuid().ToString("N");
        var message = AgentMessage.Create("corr", AgentId.Orchestrator, AgentId.Planning, AgentMessageType.TaskDelegation,
            "{\"plan\":true}", MessagePriority.Critical, requiresResponse: true, timeout: TimeSpan.FromSeconds(5));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {what}");
        var first = TestHosts.Build(Root, WithFreePorts(Settings()), withAgents: true);
        await first.StartAsync();
        Step("first host started");
        try
        {
            var grain = first.Get<IGrainFactory>().GetGrain<IProbeGrain>(key);
            await grain.SaveAsync("persisted", message);
            await grain.RegisterReminderAsync(TimeSpan.FromSeconds(15));
            Assert.True(await grain.HasReminderAsync());
            Assert.Equal(0, (await grain.ReadAsync()).Ticks);
            Step("state written, reminder registered");
        }
        finally
        {
            await TestHosts.StopAsync(first);
            Step("first host stopped");
        }

        var second = TestHosts.Build(Root, WithFreePorts(Settings()), withAgents: true);
        await second.StartAsync();
        Step("second host started");
        try
        {
            var grain = second.Get<IGrainFactory>().GetGrain<IProbeGrain>(key);
            var snapshot = await grain.ReadAsync();
            Assert.Equal("persisted", snapshot.Value);
            Assert.Equal(message, snapshot.Message);
            Assert.True(await grain.HasReminderAsync());

            // The reminder registered on the first host fires on this one.
            Step("state read back");
            await WaitFor.ConditionAsync(async () => (await grain.ReadAsync()).Ticks, ticks => ticks >= 1, Patience, "the reminder to fire");
            Step("reminder fired");
        }
        finally
        {
            await TestHosts.StopAsync(second);
            Step("second host stopped");
        }
    }

    private static Dictionary<string, string?> WithFreePorts(Dictionary<string, string?> settings)
    {
        settings["Orleans:SiloPort"] = "0";
        settings["Orleans:GatewayPort"] = "0";
        return settings;
    }
}
