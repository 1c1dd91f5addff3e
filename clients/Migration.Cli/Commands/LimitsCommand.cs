using System.CommandLine;
using Migration.Cli.Rendering;
using Migration.Contracts.V1;
using Spectre.Console;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration limits ID [--max-concurrent-batches N] [--batch-size N] ... [--reason TEXT]`: without a limit, shows the
/// resource limits the migration runs under; with limits, changes them on a PAUSED migration (the resumed run uses
/// them). Operator role; audited.
/// </summary>
internal sealed class LimitsCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Option<int?> _maxConcurrent = new("--max-concurrent-batches") { Description = "Page streams copied at once (1..64)", HelpName = "N" };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = "Rows in a table's first page", HelpName = "ROWS" };
    private readonly Option<int?> _minBatchSize = new("--min-batch-size") { Description = "Smallest page", HelpName = "ROWS" };
    private readonly Option<int?> _maxBatchSize = new("--max-batch-size") { Description = "Largest page", HelpName = "ROWS" };
    private readonly Option<double?> _factor = new("--adjustment-factor") { Description = "How much a page grows or shrinks (0..1)", HelpName = "X" };
    private readonly Option<int?> _thresholdMs = new("--performance-threshold-ms") { Description = "A page slower than this shrinks the next", HelpName = "MS" };
    private readonly Option<bool?> _adaptive = new("--adaptive-batching") { Description = "Adapt page sizes (true) or keep them fixed (false)", HelpName = "true|false" };
    private readonly Option<int?> _memory = new("--memory-per-agent-mb") { Description = "Source MiB one page of a stream may carry (1..4096)", HelpName = "MIB" };
    private readonly Option<int?> _pool = new("--connection-pool-size") { Description = "Connections per server and database (1..200, at least the concurrency)", HelpName = "N" };
    private readonly Option<int?> _queue = new("--queue-max-size") { Description = "Page reports that may wait before the copy waits (1..100000)", HelpName = "N" };
    private readonly Option<string?> _reason = new("--reason") { Description = "Why (kept in the decision history)", HelpName = "TEXT" };

    public LimitsCommand(GlobalOptions globals, CliEnvironment environment)
        : base("limits", "Show a migration's resource limits, or change them while it is paused")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        foreach (var option in new Option[] { _maxConcurrent, _batchSize, _minBatchSize, _maxBatchSize, _factor, _thresholdMs, _adaptive, _memory, _pool, _queue, _reason })
        {
            Options.Add(option);
        }

        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var request = new UpdateResourceLimitsRequest { MigrationId = id, Reason = parseResult.GetValue(_reason) ?? string.Empty };
        var any = false;
        void Set<T>(Option<T?> option, Action<T> apply)
            where T : struct
        {
            if (parseResult.GetValue(option) is { } value)
            {
                apply(value);
                any = true;
            }
        }

        Set(_maxConcurrent, v => request.MaxConcurrentBatches = v);
        Set(_batchSize, v => request.BaseBatchSize = v);
        Set(_minBatchSize, v => request.MinBatchSize = v);
        Set(_maxBatchSize, v => request.MaxBatchSize = v);
        Set(_factor, v => request.AdjustmentFactor = v);
        Set(_thresholdMs, v => request.PerformanceThreshold = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(Math.Max(0, v))));
        Set(_adaptive, v => request.AdaptiveBatching = v);
        Set(_memory, v => request.MemoryPerAgentMb = v);
        Set(_pool, v => request.ConnectionPoolSize = v);
        Set(_queue, v => request.QueueMaxSize = v);

        ResourceLimits limits;
        string message;
        MigrationPhase? phase = null;
        if (!any)
        {
            var plan = (await context.Client.GetPlanAsync(new GetPlanRequest { MigrationId = id }, cancellationToken: cancellationToken)).Plan
                ?? throw new CliException($"migration {id} has no plan yet");
            limits = plan.ResourceLimits ?? throw new CliException($"the server did not report the resource limits of migration {id}");
            message = $"migration {id} runs under: {ResourceLimitsText.Describe(limits)}";
        }
        else
        {
            var response = await context.Client.UpdateResourceLimitsAsync(request, cancellationToken: cancellationToken);
            limits = response.ResourceLimits;
            phase = response.Migration?.Phase;
            message = $"migration {id} resource limits changed: {ResourceLimitsText.Describe(limits)}; resume it with: migration resume {id}";
        }

        if (context.Json is { } json)
        {
            json.Write("resource_limits", limits);
            json.WriteResult(ExitCodes.Success, message, id, phase);
        }
        else
        {
            context.Console.WriteLine(message);
        }

        return ExitCodes.Success;
    }
}
