using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// Ways of asking for "safely returning to the previous state" on the completed shop migration: each is proposed
/// (what it removes, what it keeps, the source never touched) and waits for a "yes"; a "no" or a new question drops it,
/// and nothing changes.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class RollbackPhrasingTests(GuidanceFixture fixture)
{
    [Theory]
    [InlineData("roll it back")]
    [InlineData("undo the migration")]
    [InlineData("put everything back as it was")]
    [InlineData("please revert everything")]
    [InlineData("can you reverse the migration?")]
    [InlineData("take us back to the previous state")]
    [InlineData("go back to how it was before")]
    [InlineData("rollback")]
    public async Task Ask_RollbackPhrasing_ProposesSafeReturnAndChangesNothing(string phrasing)
    {
        var chat = new Chat(fixture.Guidance, fixture.CompletedId, user: "olga");

        var proposal = await chat.AskAsync(phrasing);
        var declined = await chat.AskAsync("no");

        Assert.Equal("rollback", proposal.Intent);
        Assert.Equal(GuidanceAction.Rollback, proposal.PendingAction?.Action);
        Assert.Contains("Safely returning to the previous state", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("the 10,709 records copied so far", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("source database is not touched", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("only an administrator", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("did not safely return to the previous state", declined.Text, StringComparison.Ordinal);
        Assert.Null(declined.Action);
        var migration = (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = fixture.CompletedId })).Migration;
        Assert.Equal(MigrationPhase.Completed, migration.Phase);
    }
}
