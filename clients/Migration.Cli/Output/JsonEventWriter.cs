using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Migration.Cli.Watching;
using Migration.Contracts.V1;

namespace Migration.Cli.Output;

/// <summary>
/// The --json output: newline-delimited JSON, one object per line, <c>{"type": T, T: {...}}</c>, where the inner
/// object is the proto message in its canonical JSON form with the proto's own (snake_case) field names.
/// Types: created, plan, migration, event, reconnecting, validation, result.
/// </summary>
internal sealed class JsonEventWriter(TextWriter output) : IWatchObserver
{
    private static readonly JsonFormatter Formatter = new(
        JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithFormatDefaultValues(true));

    private static readonly EnumDescriptor PhaseDescriptor =
        MigrationReflection.Descriptor.EnumTypes.Single(e => e.ClrType == typeof(MigrationPhase));

    public void Write(string type, IMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(message);
        WriteLine(type, writer => writer.WriteRawValue(Formatter.Format(message), skipInputValidation: true));
    }

    public void OnSnapshot(MigrationInfo migration) => Write("migration", migration);

    public void OnEvent(MigrationEvent migrationEvent) => Write("event", migrationEvent);

    public void OnConnectionLost(WatchInterruption interruption)
    {
        ArgumentNullException.ThrowIfNull(interruption);
        WriteLine("reconnecting", writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("attempt", interruption.Attempt);
            writer.WriteNumber("delay_ms", (long)interruption.Delay.TotalMilliseconds);
            writer.WriteNumber("after_sequence", interruption.AfterSequence);
            writer.WriteString("reason", interruption.Reason);
            writer.WriteEndObject();
        });
    }

    /// <summary>The last line of a command: what it ended with and why.</summary>
    public void WriteResult(int exitCode, string message, string? migrationId = null, MigrationPhase? phase = null, long? lastSequence = null)
    {
        WriteLine("result", writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("exit_code", exitCode);
            writer.WriteString("message", message);
            if (!string.IsNullOrEmpty(migrationId))
            {
                writer.WriteString("migration_id", migrationId);
            }

            if (phase is { } value)
            {
                writer.WriteString("phase", PhaseName(value));
            }

            if (lastSequence is { } sequence)
            {
                writer.WriteNumber("last_sequence", sequence);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>The proto name of a phase: "MIGRATION_PHASE_COMPLETED".</summary>
    public static string PhaseName(MigrationPhase phase) =>
        PhaseDescriptor.FindValueByNumber((int)phase)?.Name ?? ((int)phase).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void WriteLine(string type, Action<Utf8JsonWriter> writeValue)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName(type);
            writeValue(writer);
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Flush();
    }
}
