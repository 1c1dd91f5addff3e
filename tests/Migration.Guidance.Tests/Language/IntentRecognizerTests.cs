using Migration.Guidance.Language;

namespace Migration.Guidance.Tests.Language;

/// <summary>Intent recognition and entity resolution on their own (no IO).</summary>
public sealed class IntentRecognizerTests
{
    private static readonly string[] Tables = ["public.countries", "public.customers", "public.orders", "public.order_items", "sales.products"];
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("how are the costumers doing", "public.customers")]
    [InlineData("status of customer", "public.customers")]
    [InlineData("progress on order items", "public.order_items")]
    [InlineData("how is order_items going", "public.order_items")]
    [InlineData("and orders?", "public.orders")]
    [InlineData("what about the prodcts", "sales.products")]
    [InlineData("how is sales.products", "sales.products")]
    public void Recognize_TableNameSpelledLoosely_ResolvesTheTable(string message, string table) =>
        Assert.Equal(table, IntentRecognizer.Recognize(message, Tables, null, null, Now).Table);

    [Theory]
    [InlineData("why this order?")]
    [InlineData("in what order are tables loaded")]
    public void Recognize_WordOrder_IsNotTheOrdersTable(string message)
    {
        var recognized = IntentRecognizer.Recognize(message, Tables, null, null, Now);
        Assert.Null(recognized.Table);
        Assert.Equal(Intent.Plan, recognized.Intent);
    }

    [Theory]
    [InlineData("what changed in the last 5 minutes", 5 * 60)]
    [InlineData("what happened in the past hour", 3600)]
    [InlineData("anything new since 11:30", 30 * 60)]
    [InlineData("what changed 20 minutes ago", 20 * 60)]
    [InlineData("what happened in the last half an hour", 30 * 60)]
    public void Recognize_TimeExpression_ResolvesSince(string message, int secondsAgo)
    {
        var recognized = IntentRecognizer.Recognize(message, Tables, null, null, Now);
        Assert.Equal(Intent.ChangesSince, recognized.Intent);
        Assert.Equal(Now - TimeSpan.FromSeconds(secondsAgo), recognized.Since);
    }

    [Fact]
    public void Recognize_ClockTimeLaterThanNow_MeansYesterday() =>
        Assert.Equal(Now.Date.AddDays(-1).AddHours(18), IntentRecognizer.Recognize("what changed since 18:00", Tables, null, null, Now).Since!.Value.UtcDateTime);

    [Fact]
    public void Recognize_TableOnlyFollowUp_KeepsThePreviousIntent()
    {
        var recognized = IntentRecognizer.Recognize("and orders?", Tables, nameof(Intent.WhySlow), "public.customers", Now);
        Assert.Equal(Intent.WhySlow, recognized.Intent);
        Assert.Equal("public.orders", recognized.Table);
        Assert.True(recognized.FollowUp);
    }

    [Fact]
    public void Recognize_ItFollowUp_UsesThePreviousTable()
    {
        var recognized = IntentRecognizer.Recognize("why is it so slow?", Tables, nameof(Intent.TableStatus), "public.orders", Now);
        Assert.Equal(Intent.WhySlow, recognized.Intent);
        Assert.Equal("public.orders", recognized.Table);
    }

    [Theory]
    [InlineData("yes", Intent.Confirm)]
    [InlineData("Yes please", Intent.Confirm)]
    [InlineData("no", Intent.Decline)]
    [InlineData("never mind", Intent.Decline)]
    [InlineData("go ahead", Intent.Approve)]
    [InlineData("looks good, let's go", Intent.Approve)]
    [InlineData("keep the rules", Intent.AnswerDecision)]
    [InlineData("set them aside", Intent.AnswerDecision)]
    [InlineData("take the recommended option", Intent.AnswerDecision)]
    [InlineData("hold on, stop it", Intent.Pause)]
    [InlineData("stop it for good", Intent.Cancel)]
    [InlineData("carry on", Intent.Resume)]
    [InlineData("roll it back", Intent.Rollback)]
    [InlineData("undo the migration", Intent.Rollback)]
    [InlineData("put everything back as it was", Intent.Rollback)]
    [InlineData("take everything back to the previous state", Intent.Rollback)]
    [InlineData("clean it up and go back to how it was", Intent.Rollback)]
    [InlineData("adapt the data", Intent.AnswerDecision)]
    [InlineData("change the target", Intent.AnswerDecision)]
    [InlineData("how many rows were set aside?", Intent.Problems)]
    [InlineData("what went wrong?", Intent.Problems)]
    [InlineData("what if it goes wrong?", Intent.WhatIfWrong)]
    public void Recognize_ActionsAndAnswers_AreRecognized(string message, Intent intent) =>
        Assert.Equal(intent, IntentRecognizer.Recognize(message, Tables, null, null, Now).Intent);
}
