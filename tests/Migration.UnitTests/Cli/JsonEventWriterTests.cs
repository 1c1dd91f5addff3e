using System.Text.Json;
using Migration.Cli.Output;
using Migration.Cli.Watching;
using Migration.Contracts.V1;

namespace Migration.UnitTests.Cli;

public sealed class JsonEventWriterTests
{
    [Fact]
    public void OnEvent_Event_IsOneLineWithTypeAndProtoFieldNames()
    {
        using var output = new StringWriter();
        var writer = new JsonEventWriter(output);

        writer.OnEvent(Events.Batch(5, "public.a", 2000, 3000));

        var text = output.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("event", root.GetProperty("type").GetString());
        var migrationEvent = root.GetProperty("event");
        Assert.Equal("m1", migrationEvent.GetProperty("migration_id").GetString());
        Assert.Equal("5", migrationEvent.GetProperty("sequence").GetString());
        var batch = migrationEvent.GetProperty("batch_completed");
        Assert.Equal("2000", batch.GetProperty("table_rows_copied").GetString());
        Assert.False(batch.GetProperty("validated").GetBoolean());
    }

    [Fact]
    public void WriteResult_Outcome_HasExitCodeAndPhaseName()
    {
        using var output = new StringWriter();

        new JsonEventWriter(output).WriteResult(1, "migration m1 failed", "m1", MigrationPhase.Failed, 17);

        using var json = JsonDocument.Parse(output.ToString());
        var result = json.RootElement.GetProperty("result");
        Assert.Equal("result", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(1, result.GetProperty("exit_code").GetInt32());
        Assert.Equal("MIGRATION_PHASE_FAILED", result.GetProperty("phase").GetString());
        Assert.Equal(17, result.GetProperty("last_sequence").GetInt64());
    }

    [Fact]
    public void OnConnectionLost_Interruption_IsAReconnectingLine()
    {
        using var output = new StringWriter();

        new JsonEventWriter(output).OnConnectionLost(new WatchInterruption(3, TimeSpan.FromSeconds(2), 9, "Unavailable: gone"));

        using var json = JsonDocument.Parse(output.ToString());
        var line = json.RootElement.GetProperty("reconnecting");
        Assert.Equal(2000, line.GetProperty("delay_ms").GetInt64());
        Assert.Equal(9, line.GetProperty("after_sequence").GetInt64());
    }
}
