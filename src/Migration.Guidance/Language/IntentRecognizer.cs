using System.Globalization;
using System.Text.RegularExpressions;

namespace Migration.Guidance.Language;

/// <summary>
/// Intent recognition for the deterministic engine: ordered rules over the normalized message, entities resolved
/// against the migration's own tables, and the conversation's last intent and table for follow-ups ("and orders?").
/// </summary>
public static partial class IntentRecognizer
{
    private static readonly string[] IntentNames = Enum.GetNames<Intent>();

    /// <param name="tables">The migration's tables (schema.table).</param>
    /// <param name="lastIntent">The previous answer's intent name, for follow-ups.</param>
    /// <param name="lastTable">The previous answer's table, for follow-ups ("why is it slow?").</param>
    public static RecognizedIntent Recognize(string message, IReadOnlyCollection<string> tables, string? lastIntent, string? lastTable,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(tables);
        var text = TextMatch.Normalize(message);
        var table = TableResolver.Resolve(text, tables);
        var since = TimeResolver.Since(text, now);
        var number = NumberPattern().Match(text) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : (int?)null;
        var refersBack = ItPattern().IsMatch(text);
        var contextTable = table ?? (refersBack ? lastTable : null);
        var term = Glossary.Find(text);

        RecognizedIntent Make(Intent intent) => new(intent, contextTable, since, term?.Term, null, number);

        if (ConfirmPattern().IsMatch(text))
        {
            return Make(Intent.Confirm);
        }

        if (DeclinePattern().IsMatch(text))
        {
            return Make(Intent.Decline);
        }

        if (OptionWords().Match(text) is { Success: true } option)
        {
            return Make(Intent.AnswerDecision) with { OptionHint = option.Value.Trim() };
        }

        if (MapPattern().IsMatch(text) && (contextTable is not null || !GlossaryQuestion().IsMatch(text)))
        {
            return Make(Intent.Mapping) with { Table = contextTable ?? lastTable };
        }

        if (term is not null && GlossaryQuestion().IsMatch(text) && !HowMany().IsMatch(text))
        {
            return Make(Intent.Glossary);
        }

        if (HistoryPattern().IsMatch(text))
        {
            return Make(Intent.History);
        }

        if (WhatIfWrongPattern().IsMatch(text))
        {
            return Make(Intent.WhatIfWrong);
        }

        if (SafePattern().IsMatch(text))
        {
            return Make(Intent.DataSafe);
        }

        if (RollbackPattern().IsMatch(text))
        {
            return Make(Intent.Rollback);
        }

        if (CancelPattern().IsMatch(text))
        {
            return Make(Intent.Cancel);
        }

        if (PausePattern().IsMatch(text))
        {
            return Make(Intent.Pause);
        }

        if (ResumePattern().IsMatch(text))
        {
            return Make(Intent.Resume);
        }

        if (ApprovePattern().IsMatch(text))
        {
            return Make(Intent.Approve);
        }

        if (since is not null || ChangesPattern().IsMatch(text))
        {
            return Make(Intent.ChangesSince) with { Since = since ?? now - TimeSpan.FromMinutes(10) };
        }

        if (PendingPattern().IsMatch(text))
        {
            return Make(Intent.PendingDecisions);
        }

        if (SlowPattern().IsMatch(text))
        {
            return Make(Intent.WhySlow);
        }

        if (EtaPattern().IsMatch(text))
        {
            return Make(Intent.Eta);
        }

        if (ProblemsPattern().IsMatch(text))
        {
            return Make(Intent.Problems);
        }

        if (PlanPattern().IsMatch(text))
        {
            return Make(Intent.Plan);
        }

        if (NextPattern().IsMatch(text))
        {
            return Make(Intent.Next);
        }

        if (StatusPattern().IsMatch(text))
        {
            return Make(table is not null || (refersBack && lastTable is not null) ? Intent.TableStatus : Intent.Status);
        }

        if (term is not null)
        {
            return Make(Intent.Glossary);
        }

        if (HelpPattern().IsMatch(text))
        {
            return Make(Intent.Help);
        }

        if (GreetingPattern().IsMatch(text))
        {
            return Make(Intent.Greeting);
        }

        // A follow-up: only a table ("and orders?") or "what about it?" — the previous question about this table.
        if (table is not null || (refersBack && lastTable is not null))
        {
            var previous = ParseIntent(lastIntent);
            var intent = previous is Intent.TableStatus or Intent.Eta or Intent.WhySlow or Intent.Mapping or Intent.Problems
                ? previous
                : previous == Intent.Status ? Intent.TableStatus : Intent.TableStatus;
            return Make(intent) with { FollowUp = true };
        }

        return Make(Intent.Unknown);
    }

    public static Intent ParseIntent(string? name) =>
        name is not null && IntentNames.Contains(name, StringComparer.OrdinalIgnoreCase) ? Enum.Parse<Intent>(name, ignoreCase: true) : Intent.Unknown;

    [GeneratedRegex(@"^ (yes|yep|yeah|y|sure|ok|okay|confirm|confirmed|do it|please do|go|yes please|yes go ahead|yes do it|correct|affirmative|proceed)( please| now| go ahead| do it)? $", RegexOptions.CultureInvariant)]
    private static partial Regex ConfirmPattern();

    [GeneratedRegex(@"^ (no|nope|n|nah|don t|dont|do not|never mind|nevermind|forget it|not now|no thanks|no thank you)( [a-z ]{0,20})? $", RegexOptions.CultureInvariant)]
    private static partial Regex DeclinePattern();

    [GeneratedRegex(@" (skip (them|those|these|the (rows|records|children|orphans)|those (rows|records))|leave (them|those rows|those records) out|keep (them|those rows|those records) out|(migrate|copy|move|bring|load|add|include) (the )?(parents?|parent tables?|missing parents?|missing tables?|(the )?tables? they point to)( first| too| as well)?|parents? first|(create|add|make|use|insert) (the )?(placeholders?|stand ins?)( (records?|rows?|parents?|for \w+( \w+)?))?|placeholders? (parents?|records?|rows?)|keep (the |them|those |its |the connection )?(rules?|foreign keys?|them|constraints?)|set (them|the rules?|the connection rules?) aside|recreate (them|the rules?|afterwards)|re create (them|afterwards)|option (one|two|three|1|2|3)|(the )?(first|second|third) option|(the )?recommended (one|option)|what you recommend|your recommendation|take the recommendation|reject (the )?plan|approve (it )?but (start|don t start) later|approve only|start later|adapt (the )?(data|values|rows)|change (the )?target( schema)?) ", RegexOptions.CultureInvariant)]
    private static partial Regex OptionWords();

    [GeneratedRegex(@" (map|maps|mapping|mapped|columns?|fields?|transform\w*|convert\w*) ", RegexOptions.CultureInvariant)]
    private static partial Regex MapPattern();

    [GeneratedRegex(@" (what is|whats|what are|what does|what do|meaning|mean|means|define|definition|explain|tell me about|what s) ", RegexOptions.CultureInvariant)]
    private static partial Regex GlossaryQuestion();

    [GeneratedRegex(@" how many | count | number of ", RegexOptions.CultureInvariant)]
    private static partial Regex HowMany();

    [GeneratedRegex(@" (decided|decisions? (so far|history|made|earlier|before)|who (approved|started|created|chose|decided|answered)|history|earlier decisions?|previous decisions?|past decisions?|audit|approved by|what did (we|i|you) (decide|choose|pick)) ", RegexOptions.CultureInvariant)]
    private static partial Regex HistoryPattern();

    [GeneratedRegex(@" ((go|goes|going) wrong|something (fails|breaks|happens)|if (it|this|the migration|the copy|something|anything) (fails|crashes|breaks|stops|dies)|what if .*(fail|crash|break|die|power|network|outage|error)|what happens (if|when) .*(fail|crash|error|wrong|down|outage|break)|in case of (an )?(error|failure|crash|problem)|plan b|worst case|server (crashes|dies|goes down)) ", RegexOptions.CultureInvariant)]
    private static partial Regex WhatIfWrongPattern();

    [GeneratedRegex(@" (safe|safely|safety|lose|losing|loss|lost|corrupt\w*|damage\w*|harm\w*|destroy\w*|backup|intact|touch(ed|es)? my|change my (source|data|old)) ", RegexOptions.CultureInvariant)]
    private static partial Regex SafePattern();

    [GeneratedRegex(@" (roll ?(it |everything |this |the migration )?back|rolling back|undo|revert|restore|reverse|go back to (how|the way|before|the previous|the old)|put (it|everything|things|them) back|previous state|as it was before|back to (how it was|normal|the way it was)|take (it|everything) back|clean (it |everything )?up) ", RegexOptions.CultureInvariant)]
    private static partial Regex RollbackPattern();

    [GeneratedRegex(@" (cancel|abort|terminate|stop (it |the migration |everything |this )?for good|kill (it|the migration)|give up|call it off) ", RegexOptions.CultureInvariant)]
    private static partial Regex CancelPattern();

    [GeneratedRegex(@" (pause|hold on|hold it|halt|suspend|stop (it|the migration|copying|for now|for a moment|now)|put (it )?on hold|take a break|wait a (moment|minute|second)) ", RegexOptions.CultureInvariant)]
    private static partial Regex PausePattern();

    [GeneratedRegex(@" (resume|continue|carry on|unpause|un pause|keep going|pick up|restart|start again|get going again) ", RegexOptions.CultureInvariant)]
    private static partial Regex ResumePattern();

    [GeneratedRegex(@" (approve|approved|go ahead|looks good|sounds good|green light|proceed|let s go|lets go|start (it|the migration|copying|now)|begin|kick (it )?off|sign off|ok to start|you can start|i agree) ", RegexOptions.CultureInvariant)]
    private static partial Regex ApprovePattern();

    [GeneratedRegex(@" (what (has )?changed|what happened|anything new|recent(ly)?|latest news|news|updates?|since|meanwhile|while i was away) ", RegexOptions.CultureInvariant)]
    private static partial Regex ChangesPattern();

    [GeneratedRegex(@" (decisions?|decide|waiting (for|on) me|need (from|of) me|need me|need anything|anything from me|my (input|approval|answer|ok)|anything for me|what do you need|waiting for (my|an) (answer|approval|decision)|pending|questions? for me|do i need to do|should i do|must i do) ", RegexOptions.CultureInvariant)]
    private static partial Regex PendingPattern();

    [GeneratedRegex(@" (slow|slower|slowest|sluggish|bottleneck|taking (so|too|this) long|take (so|too) long|so long|stuck|crawl\w*|dragging|lagging|behind) ", RegexOptions.CultureInvariant)]
    private static partial Regex SlowPattern();

    [GeneratedRegex(@" (eta|how long|how much (longer|time)|when (will|does|is|should|can)|time (left|remaining)|remaining time|minutes left|hours left|finish(ed)? (by|at)|be (done|finished|ready)|done by|estimated (time|completion)|how soon) ", RegexOptions.CultureInvariant)]
    private static partial Regex EtaPattern();

    [GeneratedRegex(@" (problems?|errors?|fail(ed|ure|ures|ing)?|quarantin\w*|rejected|bad (rows|records|data)|issues?|went wrong|skipped|orphans?|broken|invalid|records? (had|with) (problems|issues|errors)|set aside|kept out) ", RegexOptions.CultureInvariant)]
    private static partial Regex ProblemsPattern();

    [GeneratedRegex(@" (plan|plans|planned|(this|that|what|which|the|in|same|right|loading|load) order(?! items? )|ordering|sequence|which tables? (go|goes|come|comes|are copied|is copied) first|first|waves?|rounds?|strategy|approach) ", RegexOptions.CultureInvariant)]
    private static partial Regex PlanPattern();

    [GeneratedRegex(@" (next|after (this|that)|what now|then what|coming up|upcoming|afterwards) ", RegexOptions.CultureInvariant)]
    private static partial Regex NextPattern();

    [GeneratedRegex(@" (status|progress|how far|how (is|are|s) (it|we|things|that|everything|the migration|the copy|\w+) (doing|going|coming along|getting on)|how is it going|hows it going|going|where are we|where do we stand|percent|percentage|done yet|finished yet|overview|how much|update me|report|summary|state|doing|complete|completed|copied|migrated|rows|records) ", RegexOptions.CultureInvariant)]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@" (help|what can you do|what can i ask|what do you know|how do i use|commands) ", RegexOptions.CultureInvariant)]
    private static partial Regex HelpPattern();

    [GeneratedRegex(@"^ (hi|hello|hey|good (morning|afternoon|evening)|greetings|howdy)\b", RegexOptions.CultureInvariant)]
    private static partial Regex GreetingPattern();

    [GeneratedRegex(@" (it|that|this one|that one|that table|this table|the same) ", RegexOptions.CultureInvariant)]
    private static partial Regex ItPattern();

    [GeneratedRegex(@" (\d{1,9}) ", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();
}
