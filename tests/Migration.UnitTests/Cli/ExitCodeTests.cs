using Grpc.Core;
using Migration.Cli;
using Migration.Cli.Commands;
using Migration.Cli.Watching;
using Migration.Contracts.V1;

namespace Migration.UnitTests.Cli;

public sealed class ExitCodeTests
{
    private static readonly Uri Server = new("http://127.0.0.1:5080");

    [Theory]
    [InlineData(StatusCode.InvalidArgument, 2)]
    [InlineData(StatusCode.FailedPrecondition, 2)]
    [InlineData(StatusCode.NotFound, 2)]
    [InlineData(StatusCode.Unavailable, 4)]
    [InlineData(StatusCode.Internal, 1)]
    [InlineData(StatusCode.DeadlineExceeded, 1)]
    [InlineData(StatusCode.PermissionDenied, 1)]
    public void FromStatusCode_ServerStatus_MapsToExitCode(StatusCode code, int expected) =>
        Assert.Equal(expected, ExitCodes.FromStatusCode(code));

    [Theory]
    [InlineData(MigrationPhase.Failed, 1)]
    [InlineData(MigrationPhase.RolledBack, 1)]
    [InlineData(MigrationPhase.Cancelled, 5)]
    [InlineData(MigrationPhase.Paused, 5)]
    public void FromPhase_EndPhase_MapsToExitCode(MigrationPhase phase, int expected) =>
        Assert.Equal(expected, MigrationOutcome.FromPhase(phase, null, "m1").ExitCode);

    [Fact]
    public void FromPhase_CompletedAndValidationPassed_IsTheOnlySuccess()
    {
        var outcome = MigrationOutcome.FromPhase(MigrationPhase.Completed, new ValidationReport { Passed = true }, "m1");

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Succeeded);
    }

    [Fact]
    public void FromPhase_CompletedButValidationFailed_FailsNamingTheTables()
    {
        var report = new ValidationReport
        {
            Passed = false,
            Tables = { new TableValidation { Table = "public.a", Passed = true }, new TableValidation { Table = "public.b", Passed = false } },
        };

        var outcome = MigrationOutcome.FromPhase(MigrationPhase.Completed, report, "m1");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("migration m1 completed but validation FAILED: public.b", outcome.Message);
    }

    [Fact]
    public void FromPhase_CompletedWithoutReport_Fails() =>
        Assert.Equal(1, MigrationOutcome.FromPhase(MigrationPhase.Completed, null, "m1").ExitCode);

    [Fact]
    public void FromPhase_Failed_CarriesTheServerError() =>
        Assert.Equal("migration m1 failed: duplicate key in public.a",
            MigrationOutcome.FromPhase(MigrationPhase.Failed, null, "m1", "duplicate key in public.a").Message);

    [Fact]
    public void From_ServerLost_IsUnreachableAndTellsHowToReattach()
    {
        var outcome = MigrationOutcome.From(
            new WatchResult(WatchStopReason.ServerLost, MigrationPhase.Execution, 42, null, "Unavailable: refused"),
            "m1", Server, ReconnectPolicy.Default);

        Assert.Equal(4, outcome.ExitCode);
        Assert.Contains("for 2m00s (Unavailable: refused)", outcome.Message, StringComparison.Ordinal);
        Assert.EndsWith("re-attach with: migration watch m1 --from 42", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_Interrupted_IsCancelledAndTellsHowToReattach()
    {
        var outcome = MigrationOutcome.From(
            new WatchResult(WatchStopReason.Interrupted, MigrationPhase.Execution, 7, null), "m1", Server, ReconnectPolicy.Default);

        Assert.Equal(5, outcome.ExitCode);
        Assert.EndsWith("migration watch m1 --from 7", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DelayFor_Attempts_DoubleUpToTheCap()
    {
        var policy = ReconnectPolicy.Default;

        Assert.Equal([0.5, 1, 2, 4, 5, 5], Enumerable.Range(1, 6).Select(a => policy.DelayFor(a).TotalSeconds));
    }
}
