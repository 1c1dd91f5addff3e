using Migration.Agents.Hosting;
using Orleans.Runtime;

namespace Migration.Redis.Tests.Orleans;

public sealed class ProbeGrain(
    [PersistentState("probe", AgentRuntimeOptions.StorageName)] IPersistentState<ProbeState> state) : Grain, IProbeGrain, IRemindable
{
    public const string ReminderName = "probe-tick";

    public async Task SaveAsync(string value, Migration.Core.Agents.AgentMessage message)
    {
        state.State.Value = value;
        state.State.Message = message;
        await state.WriteStateAsync();
    }

    public Task<ProbeSnapshot> ReadAsync() => Task.FromResult(new ProbeSnapshot(state.State.Value, state.State.Message, state.State.Ticks));

    public async Task RegisterReminderAsync(TimeSpan dueTime) =>
        await this.RegisterOrUpdateReminder(ReminderName, dueTime, TimeSpan.FromMinutes(1));

    public async Task<bool> HasReminderAsync() => await this.GetReminder(ReminderName) is not null;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks++;
        await state.WriteStateAsync();
    }
}
