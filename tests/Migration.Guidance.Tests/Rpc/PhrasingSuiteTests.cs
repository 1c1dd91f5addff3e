using System.Globalization;
using Migration.Guidance.Tests.Infrastructure;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// The phrasing suite: many ways of asking each question, through the Ask RPC of a real server, answered from a
/// real completed migration of the shop (1,569 customers, 3,000 orders, 6,000 order items, 120 products, 20 countries).
/// Every expected fragment is a figure or wording taken from that real state or from the glossary.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class PhrasingSuiteTests(GuidanceFixture fixture)
{
    private const long AllRows = 20 + SourceDatabase.Customers + 120 + SourceDatabase.Orders + SourceDatabase.OrderItems;

    public static TheoryData<string, string, string[]> Phrasings() => new()
    {
        // overall status
        { "How far along are we?", "status", ["finished", N(AllRows), "5 tables"] },
        { "what's the status", "status", ["finished", N(AllRows)] },
        { "How is it going?", "status", ["finished"] },
        { "Give me an overview of the progress", "status", ["finished", N(AllRows)] },
        // per table status, with fuzzy names
        { "How are the customers doing?", "table_status", ["All 1,569 customers are migrated"] },
        { "status of costumers", "table_status", ["1,569 customers"] },
        { "how many orders have been copied?", "table_status", ["3,000 orders"] },
        { "progress on order items", "table_status", ["6,000 order items"] },
        // ETA
        { "When will it be done?", "eta", ["already done", "completed at"] },
        { "how long is left?", "eta", ["already done"] },
        { "ETA?", "eta", ["already done"] },
        { "when will customers be finished", "eta", ["customers is already done", "1,569"] },
        // why slow
        { "Why is orders taking so long?", "why_slow", ["Orders is copied at", "records per second", "locks"] },
        { "why is the order items table so slow", "why_slow", ["Order items is copied at", "6,000"] },
        { "what's the bottleneck?", "why_slow", ["records per second"] },
        // what if something goes wrong
        { "What happens if something goes wrong?", "what_if_wrong", ["four steps", "never guesses", "nothing is copied twice"] },
        { "what if the server crashes?", "what_if_wrong", ["four steps", "saved page"] },
        { "what's plan B in case of an error?", "what_if_wrong", ["four steps"] },
        // glossary
        { "What is a junction table?", "glossary", ["connection table"] },
        { "what does foreign key mean", "glossary", ["connection rule"] },
        { "explain rollback", "glossary", ["safely returning to the previous state"] },
        { "what's an orphan?", "glossary", ["data that lost its connection"] },
        { "define checkpoint", "glossary", ["saved point"] },
        // plan and order
        { "What is the plan?", "plan", ["5 tables", "round", "approved by alice"] },
        { "why this order?", "plan", ["parents", "connection rule"] },
        { "which tables go first?", "plan", ["Round 1", "countries"] },
        // next
        { "What happens next?", "next", ["complete"] },
        { "what's next", "next", ["complete"] },
        // problems
        { "How many records had problems?", "problems", ["No records had problems", "final check"] },
        { "were there any errors?", "problems", ["no error was reported"] },
        { "which rows were quarantined and why?", "problems", ["no record was set aside"] },
        // history
        { "What was decided earlier and by whom?", "history", ["alice", "approved"] },
        { "who approved the plan?", "history", ["approved by alice", "checked the plan with finance"] },
        // changes since a time
        { "What changed since the start?", "changes_since", ["since the start", "finished", N(AllRows)] },
        { "what happened in the last 2 days?", "changes_since", ["finished"] },
        // mapping
        { "Explain the mapping of customers", "mapping", ["Customers goes to public.customers", "5 columns", "keeps its name and type"] },
        { "how are the columns of orders mapped?", "mapping", ["Orders goes to public.orders"] },
        // data safe
        { "Is my data safe?", "data_safe", ["Yes", "only read", "final check passed"] },
        { "will I lose anything?", "data_safe", ["nothing is lost"] },
        // actions on a finished migration: nothing changes
        { "pause it", "pause", ["nothing to pause"] },
        { "please resume", "resume", ["nothing to resume"] },
        { "cancel the migration", "cancel", ["cannot be cancelled"] },
        { "roll back everything", "rollback", ["safely returning to the previous state"] },
        // decisions
        { "Do you need anything from me?", "pending_decisions", ["Nothing is waiting for you"] },
        // help, greeting, unknown
        { "what can you do?", "help", ["how far the migration is"] },
        { "hello", "greeting", ["Hello", "finished"] },
        { "purple elephants dancing", "unknown", ["not sure what you mean"] },
    };

    [Theory]
    [MemberData(nameof(Phrasings))]
    public async Task Ask_Phrasing_AnswersTheIntentFromLiveState(string phrasing, string intent, string[] fragments)
    {
        var reply = await new Chat(fixture.Guidance, fixture.CompletedId).AskAsync(phrasing);

        Assert.Equal(intent, reply.Intent);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, reply.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Phrasings_Suite_HasAtLeastFortyPhrasings() => Assert.True(Phrasings().Count >= 40, $"{Phrasings().Count} phrasings");

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
