using Migration.Cli;
using Migration.Cli.Commands;
using Migration.Contracts.V1;

namespace Migration.UnitTests.Cli;

public sealed class RunArgumentsTests
{
    [Fact]
    public void ToRequest_ConnectionStringAndName_BecomeTheMatchingSpecs()
    {
        var request = Parse("run --source Host=db1;Database=shop;Password=secret --target modern");

        Assert.Equal(ConnectionSpec.KindOneofCase.ConnectionString, request.Source.KindCase);
        Assert.Equal("Host=db1;Database=shop;Password=secret", request.Source.ConnectionString);
        Assert.Equal(ConnectionSpec.KindOneofCase.Name, request.Target.KindCase);
        Assert.Equal("modern", request.Target.Name);
        Assert.Equal("tester", request.RequestedBy);
    }

    [Fact]
    public void ToRequest_AllOptions_MapToTheMigrationOptions()
    {
        var request = Parse(
            "run --source legacy --target modern --include-schema sales --include-schema hr --exclude-schema audit " +
            "--include-table sales.orders --exclude-table sales.tmp --batch-size 5000 --max-batch-size 50000 " +
            "--max-concurrent-batches 4 --fk-mode keep --force-mapped sales.orders --force-mapped hr.staff " +
            "--description \"nightly copy\" --yes");

        var options = request.Options;
        Assert.Equal(["sales", "hr"], options.IncludeSchemas);
        Assert.Equal(["audit"], options.ExcludeSchemas);
        Assert.Equal(["sales.orders"], options.IncludeTables);
        Assert.Equal(["sales.tmp"], options.ExcludeTables);
        Assert.Equal(5000, options.Batch.BaseBatchSize);
        Assert.Equal(50000, options.Batch.MaxBatchSize);
        Assert.Equal(4, options.MaxConcurrentBatches);
        Assert.Equal(ForeignKeyMode.Keep, options.ForeignKeyMode);
        Assert.Equal(["sales.orders", "hr.staff"], options.ForceMappedTables);
        Assert.Equal("nightly copy", request.Description);
    }

    [Fact]
    public void ToRequest_NoOptionalOptions_LeavesServerDefaults()
    {
        var request = Parse("run --source a --target b");

        Assert.Null(request.Options.Batch);
        Assert.Equal(0, request.Options.MaxConcurrentBatches);
        Assert.Equal(ForeignKeyMode.Unspecified, request.Options.ForeignKeyMode);
        Assert.Empty(request.Options.IncludeSchemas);
        Assert.Equal(string.Empty, request.Description);
    }

    [Fact]
    public void ToRequest_FkModeRecreate_MapsToRecreateAfterLoad() =>
        Assert.Equal(ForeignKeyMode.RecreateAfterLoad, Parse("plan --source a --target b --fk-mode recreate").Options.ForeignKeyMode);

    [Theory]
    [InlineData("run --source a --target b --batch-size 0", "--batch-size")]
    [InlineData("run --source a --target b --max-concurrent-batches -1", "--max-concurrent-batches")]
    [InlineData("run --source a --target b --batch-size 1000 --max-batch-size 10", "--max-batch-size")]
    [InlineData("run --source \"two words\" --target b", "--source")]
    [InlineData("run --source a --target \" \"", "--target")]
    public void ToRequest_BadValue_IsAUsageError(string commandLine, string option)
    {
        var error = Assert.Throws<CliException>(() => Parse(commandLine));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=localhost", ConnectionSpec.KindOneofCase.ConnectionString)]
    [InlineData("  Host=x;Port=5432  ", ConnectionSpec.KindOneofCase.ConnectionString)]
    [InlineData("legacy_db", ConnectionSpec.KindOneofCase.Name)]
    public void ConnectionSpecParser_Value_ChoosesByEqualsSign(string value, ConnectionSpec.KindOneofCase expected)
    {
        var spec = ConnectionSpecParser.Parse(value, "--source");

        Assert.Equal(expected, spec.KindCase);
        Assert.Equal(value.Trim(), expected == ConnectionSpec.KindOneofCase.Name ? spec.Name : spec.ConnectionString);
    }

    [Theory]
    [InlineData("execution", MigrationPhase.Execution)]
    [InlineData("awaiting-approval", MigrationPhase.AwaitingApproval)]
    [InlineData("RolledBack", MigrationPhase.RolledBack)]
    [InlineData("MIGRATION_PHASE_COMPLETED", MigrationPhase.Completed)]
    public void ParsePhase_Spellings_AreAccepted(string value, MigrationPhase expected) =>
        Assert.Equal(expected, ListCommand.ParsePhase(value));

    [Theory]
    [InlineData("finished")]
    [InlineData("3")]
    [InlineData("unspecified")]
    public void ParsePhase_Unknown_IsAUsageError(string value) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => ListCommand.ParsePhase(value)).ExitCode);

    private static CreateMigrationRequest Parse(string commandLine)
    {
        var environment = new CliEnvironment(TextWriter.Null, TextWriter.Null, TextReader.Null) { UserName = "tester" };
        var root = CliApp.BuildRootCommand(environment);
        var parseResult = root.Parse(commandLine);
        Assert.Empty(parseResult.Errors);
        var options = parseResult.CommandResult.Command switch
        {
            RunCommand run => run.RequestOptions,
            PlanCommand plan => plan.RequestOptions,
            var other => throw new InvalidOperationException($"not a create command: {other.Name}"),
        };
        return options.ToRequest(parseResult, environment.UserName);
    }
}
