using Migration.Cli;
using Migration.Cli.Commands;
using Migration.Contracts.V1;

namespace Migration.UnitTests.Cli;

public sealed class ApprovalPromptTests
{
    private static readonly Decision ForeignKeys = new()
    {
        Id = ForeignKeyModes.DecisionId,
        Question = "Keep foreign keys during the load?",
        Options =
        {
            new DecisionOption { Id = "recreate", Title = "Set aside and re-create afterwards", Recommended = true },
            new DecisionOption { Id = "keep", Title = "Keep them during the load" },
        },
    };

    [Theory]
    [InlineData("y\n", true)]
    [InlineData("YES\n", true)]
    [InlineData("n\n", false)]
    [InlineData("\n", false)]
    [InlineData("sure\n", false)]
    [InlineData("", null)]
    public async Task ConfirmAsync_Answer_IsYesNoOrNobody(string input, bool? expected)
    {
        using var prompts = new StringWriter();
        var prompt = new ApprovalPrompt(new StringReader(input), prompts);

        Assert.Equal(expected, await prompt.ConfirmAsync("Approve this plan? [y/N] ", CancellationToken.None));
        Assert.Equal(expected is null ? "Approve this plan? [y/N] " + Environment.NewLine : "Approve this plan? [y/N] ", prompts.ToString());
    }

    [Theory]
    [InlineData("2\n", "keep")]
    [InlineData("\n", "recreate")]
    [InlineData("keep\n", "keep")]
    [InlineData("9\nx\n1\n", "recreate")]
    public async Task ChooseAsync_Answer_SelectsTheOption(string input, string expectedId)
    {
        using var prompts = new StringWriter();
        var option = await new ApprovalPrompt(new StringReader(input), prompts).ChooseAsync(ForeignKeys, CancellationToken.None);

        Assert.Equal(expectedId, option?.Id);
        Assert.Contains("[1-2, Enter = 1]", prompts.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChooseAsync_EndOfInput_IsNobody() =>
        Assert.Null(await new ApprovalPrompt(TextReader.Null, TextWriter.Null).ChooseAsync(ForeignKeys, CancellationToken.None));

    [Fact]
    public async Task ChooseAsync_ThreeBadAnswers_RefusesApproval()
    {
        var error = await Assert.ThrowsAsync<CliException>(() =>
            new ApprovalPrompt(new StringReader("7\n8\n9\n1\n"), TextWriter.Null).ChooseAsync(ForeignKeys, CancellationToken.None));

        Assert.Equal(ExitCodes.ApprovalRefused, error.ExitCode);
    }

    [Fact]
    public void ForeignKeyModes_DecisionOptions_MapToModes()
    {
        Assert.True(ForeignKeyModes.IsPendingForeignKeyDecision(ForeignKeys));
        Assert.False(ForeignKeyModes.IsPendingForeignKeyDecision(new Decision(ForeignKeys) { Answer = "keep" }));
        Assert.Equal(ForeignKeyMode.Keep, ForeignKeyModes.FromOptionId("keep"));
        Assert.Equal(ForeignKeyMode.RecreateAfterLoad, ForeignKeyModes.FromOptionId("recreate"));
        Assert.Equal(ForeignKeyMode.Unspecified, ForeignKeyModes.FromOptionId("something else"));
    }
}
