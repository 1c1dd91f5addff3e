using System.Text;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Guidance.Abstractions;
using Migration.Guidance.Answers;
using Migration.Guidance.Facts;
using Migration.Guidance.Language;
using static Migration.Guidance.Language.Wording;

namespace Migration.Guidance.Deterministic;

/// <summary>
/// The always-available engine: recognized intent + live facts → a templated answer in business language. Every
/// figure comes from the facts (and the answer says which); when a figure is not known the answer says so and how to
/// find out. Actions are only proposed here; the assistant confirms and carries them out.
/// </summary>
public sealed class DeterministicEngine(IMigrationGateway gateway)
{
    private const string LiveProgress = "live progress of the migration";
    private const string PlanSource = "the approved migration plan";
    private const string HistorySource = "decision history";

    public async Task<GuidanceAnswer> AnswerAsync(RecognizedIntent intent, MigrationFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(facts);
        var answer = intent.Intent switch
        {
            Intent.Greeting => Greeting(facts),
            Intent.Help => Help(facts),
            Intent.Status => Status(facts),
            Intent.TableStatus => intent.Table is null ? Status(facts) : TableStatus(facts, intent.Table),
            Intent.Eta => Eta(facts, intent.Table),
            Intent.WhySlow => WhySlow(facts, intent.Table),
            Intent.WhatIfWrong => WhatIfWrong(facts),
            Intent.Glossary => Term(intent.Term),
            Intent.Plan => Plan(facts),
            Intent.Next => Next(facts),
            Intent.Problems => await ProblemsAsync(facts, intent.Table, cancellationToken),
            Intent.Pause => Pause(facts),
            Intent.Resume => Resume(facts),
            Intent.Approve => Approve(facts),
            Intent.Rollback => Rollback(facts),
            Intent.Cancel => Cancel(facts),
            Intent.PendingDecisions => Pending(facts),
            Intent.AnswerDecision => AnswerInWords(facts, intent.OptionHint ?? ""),
            Intent.History => History(facts),
            Intent.ChangesSince => Changes(facts, intent.Since ?? facts.Now - TimeSpan.FromMinutes(10)),
            Intent.Mapping => Mapping(facts, intent.Table),
            Intent.DataSafe => DataSafe(facts),
            Intent.Confirm => new GuidanceAnswer("There is nothing waiting for a yes right now. Ask me to pause, resume, approve or roll back, and I will confirm with you first.", "confirm"),
            Intent.Decline => new GuidanceAnswer("All right, nothing was changed.", "decline"),
            _ => Unknown(facts),
        };
        return answer with
        {
            SubjectTable = answer.SubjectTable ?? intent.Table,
            Decisions = answer.Decisions.Count > 0 ? answer.Decisions : facts.Pending,
        };
    }

    private static GuidanceAnswer Greeting(MigrationFacts facts)
    {
        var status = Status(facts);
        return status with { Text = "Hello! " + status.Text, Intent = "greeting" };
    }

    private static GuidanceAnswer Help(MigrationFacts facts) => new(
        "I can tell you how far the migration is (overall or per table), when it will be done, why a table is slow, what the plan is and why in this order, " +
        "what happens next, what happens if something goes wrong, which records had problems, what was decided and by whom, what changed since a time, " +
        "how a table's columns are mapped, whether your data is safe, and what a term means. I can also pause, resume, approve or cancel, and safely return to the previous state — I always ask you to confirm first.",
        "help")
    {
        Suggestions = Suggest(facts),
    };

    private static GuidanceAnswer Status(MigrationFacts facts)
    {
        var m = facts.Migration;
        var text = new StringBuilder();
        var figures = new List<GuidanceFigure>();
        switch (m.Phase)
        {
            case MigrationPhase.AwaitingApproval when !m.Approved:
                text.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"The migration is {Phase(m.Phase)}. The plan covers {m.Tables.Count} tables with about {Number(m.Plan?.EstimatedRows ?? 0)} records");
                text.Append(m.Plan is { } plan && plan.EstimatedDuration > TimeSpan.Zero ? $", estimated at about {Duration(plan.EstimatedDuration)} of copying." : ".");
                break;
            case MigrationPhase.AwaitingApproval:
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"The plan was approved by {m.ApprovedBy}; the copy has not started yet.");
                break;
            case MigrationPhase.Completed:
                text.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"The migration is finished: all {Number(m.RowsCopied)} records in {m.Tables.Count} tables were copied");
                if (m.StartedAt is { } s && m.CompletedAt is { } c)
                {
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $" in {Duration(c - s)} (completed at {Time(c)})");
                }

                text.Append(". ");
                text.Append(m.Validation is { } v ? FinalCheck(v) : "");
                break;
            default:
                text.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"The migration is {Phase(m.Phase)}. Migrated {Number(m.RowsCopied)} of {Number(m.RowsTotal)} records ({Percent(m.RowsCopied, m.RowsTotal)})");
                text.Append(m.EstimatedRemaining is { } eta && m.Phase == MigrationPhase.Execution ? $" — about {Duration(eta)} left." : ".");
                var done = m.Tables.Count(t => t.Status == Core.Migrations.TableStatus.Completed);
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $" {done} of {m.Tables.Count} tables are done.");
                var running = m.Tables.Where(t => t.Status == Core.Migrations.TableStatus.Running).Select(t => Table(t.Table)).ToList();
                if (running.Count > 0)
                {
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $" Copying now: {Join(running)}.");
                }

                if (m.Phase == MigrationPhase.Failed && m.ErrorMessage is { } error)
                {
                    text.Append(" The problem: ").Append(error);
                }

                break;
        }

        figures.Add(new GuidanceFigure("records copied", $"{Number(m.RowsCopied)} of {Number(m.RowsTotal)}", m.RowsCopied, "rows"));
        figures.Add(new GuidanceFigure("progress", Percent(m.RowsCopied, m.RowsTotal), m.RowsTotal == 0 ? 0 : 100.0 * m.RowsCopied / m.RowsTotal, "percent"));
        if (m.RowsPerSecond > 0)
        {
            figures.Add(new GuidanceFigure("speed", $"{Rate(m.RowsPerSecond)} records per second", m.RowsPerSecond, "rows/s"));
        }

        if (facts.Pending.Count > 0)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" {facts.Pending.Count} decision(s) wait for you: {facts.Pending[0].Request.Question}");
        }

        return new GuidanceAnswer(text.ToString().Trim(), "status")
        {
            Figures = figures,
            Table = ProgressTable(m),
            Sources = [LiveProgress],
            Suggestions = Suggest(facts),
        };
    }

    private static GuidanceTableData ProgressTable(MigrationSnapshot m) => new(
        ["table", "status", "copied", "of", "progress", "speed (rows/s)"],
        [.. m.Tables.Select(t => (IReadOnlyList<string>)[Table(t.Table), t.Status.ToString().ToLowerInvariant(), Number(t.RowsCopied), Number(t.RowsTotal),
            Percent(t.RowsCopied, t.RowsTotal), t.RowsPerSecond > 0 ? Rate(t.RowsPerSecond) : "-"])]);

    private static GuidanceAnswer TableStatus(MigrationFacts facts, string table)
    {
        var t = facts.Table(table)!;
        var name = Table(table);
        var text = t.Status switch
        {
            Core.Migrations.TableStatus.Completed => $"All {Number(t.RowsCopied)} {name} are migrated" +
                (t.StartedAt is { } s && t.CompletedAt is { } c ? $", in {Duration(c - s)}." : "."),
            Core.Migrations.TableStatus.Running => $"Migrated {Number(t.RowsCopied)} of {Number(t.RowsTotal)} {name} ({Percent(t.RowsCopied, t.RowsTotal)})" +
                (t.EstimatedRemaining is { } eta ? $" — about {Duration(eta)} left." : "."),
            Core.Migrations.TableStatus.Failed => $"Copying {name} stopped after {Number(t.RowsCopied)} of {Number(t.RowsTotal)} records: {t.Error}",
            _ => $"{name} has not started yet: it is in round {t.Wave} of the plan, with about {Number(t.RowsTotal)} records.",
        };
        var completed = facts.Payloads<TableCompletedPayload>().LastOrDefault(p => p.Table == table);
        var figures = new List<GuidanceFigure> { new("records copied", $"{Number(t.RowsCopied)} of {Number(t.RowsTotal)}", t.RowsCopied, "rows") };
        if (t.RowsPerSecond > 0 || completed is not null)
        {
            var rate = t.RowsPerSecond > 0 ? t.RowsPerSecond : completed!.RowsPerSecond;
            figures.Add(new GuidanceFigure("speed", $"{Rate(rate)} records per second", rate, "rows/s"));
        }

        return new GuidanceAnswer(char.ToUpperInvariant(text[0]) + text[1..], "table_status")
        {
            Figures = figures,
            Sources = [LiveProgress],
            SubjectTable = table,
            Suggestions = [$"Why is {name} slow?", $"How is {name} mapped?", "What happens next?"],
        };
    }

    private static GuidanceAnswer Eta(MigrationFacts facts, string? table)
    {
        var m = facts.Migration;
        if (table is not null && facts.Table(table) is { } t)
        {
            var name = Table(table);
            var text = t.Status switch
            {
                Core.Migrations.TableStatus.Completed => $"{name} is already done: all {Number(t.RowsCopied)} records are migrated.",
                Core.Migrations.TableStatus.Running when t.EstimatedRemaining is { } eta =>
                    $"Migrated {Number(t.RowsCopied)} of {Number(t.RowsTotal)} {name} ({Percent(t.RowsCopied, t.RowsTotal)}) — about {Duration(eta)} left at the current {Rate(t.RowsPerSecond)} records per second.",
                Core.Migrations.TableStatus.Running => $"{name} has just started; I need a few finished pages to measure its speed before I can say how long it takes. Ask again in a moment.",
                _ => $"{name} has not started, so I cannot measure it yet. The plan estimated {Duration(m.Plan?.Tables.FirstOrDefault(p => p.Table.ToString() == table)?.EstimatedDuration ?? TimeSpan.Zero)} for it (an estimate from its size, not a measurement).",
            };
            return new GuidanceAnswer(char.ToUpperInvariant(text[0]) + text[1..], "eta") { Sources = [LiveProgress], SubjectTable = table };
        }

        string answer;
        var figures = new List<GuidanceFigure>();
        switch (m.Phase)
        {
            case MigrationPhase.Completed when m.CompletedAt is { } done:
                answer = $"It is already done: it completed at {Time(done)}" + (m.StartedAt is { } s ? $" after {Duration(done - s)}." : ".");
                break;
            case MigrationPhase.Execution when m.EstimatedRemaining is { } eta:
                answer = $"Migrated {Number(m.RowsCopied)} of {Number(m.RowsTotal)} records ({Percent(m.RowsCopied, m.RowsTotal)}) — about {Duration(eta)} left at the current {Rate(m.RowsPerSecond)} records per second, then the final check.";
                figures.Add(new GuidanceFigure("time left", Duration(eta), eta.TotalSeconds, "seconds"));
                break;
            case MigrationPhase.Execution:
                answer = "The copy has just started; I need a few finished pages to measure the speed. Ask again in a moment.";
                break;
            case MigrationPhase.Validation:
                answer = "All records are copied; the final check is running now. It reads every table once more, so it takes a fraction of the copy time.";
                break;
            case MigrationPhase.AwaitingApproval when m.Plan is { } plan:
                answer = $"It has not started. The plan estimates about {Duration(plan.EstimatedDuration)} for {Number(plan.EstimatedRows)} records once it starts — an estimate from table sizes; I will measure the real speed as soon as it runs.";
                figures.Add(new GuidanceFigure("estimated duration", Duration(plan.EstimatedDuration), plan.EstimatedDuration.TotalSeconds, "seconds"));
                break;
            case MigrationPhase.Paused:
                answer = $"It is paused at {Number(m.RowsCopied)} of {Number(m.RowsTotal)} records, so there is no finish time until it is resumed.";
                break;
            default:
                answer = $"It is {Phase(m.Phase)}, so I cannot give a finish time.";
                break;
        }

        return new GuidanceAnswer(answer, "eta") { Figures = figures, Sources = [LiveProgress] };
    }

    private static GuidanceAnswer WhySlow(MigrationFacts facts, string? table)
    {
        var m = facts.Migration;
        var rates = TableRates(facts);
        table ??= m.Tables.Where(t => t.Status == Core.Migrations.TableStatus.Running).OrderBy(t => t.RowsPerSecond).Select(t => t.Table).FirstOrDefault()
            ?? rates.OrderBy(r => r.Value).Select(r => r.Key).FirstOrDefault();
        if (table is null || facts.Table(table) is not { } t)
        {
            return new GuidanceAnswer("Nothing has been copied yet, so there is no speed to compare. Once the copy runs I can compare each table's speed, page times and size.", "why_slow")
            {
                Sources = [LiveProgress],
            };
        }

        var name = Table(table);
        if (!rates.TryGetValue(table, out var rate))
        {
            return new GuidanceAnswer($"{name} has not been copied yet, so I have no speed for it. It is in round {t.Wave} of the plan with about {Number(t.RowsTotal)} records.", "why_slow")
            {
                Sources = [LiveProgress],
                SubjectTable = table,
            };
        }

        var others = rates.Where(r => r.Key != table).ToList();
        var reasons = new List<string>();
        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(name[0])}{name[1..]} is copied at {Rate(rate)} records per second");
        if (others.Count > 0)
        {
            var average = others.Average(o => o.Value);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $", against {Rate(average)} on average for the other tables");
            if (rate >= average * 0.8)
            {
                reasons.Add("it is not actually slower than the others");
            }
        }

        text.Append('.');
        var sizes = m.Tables.Where(x => x.Table != table).Select(x => x.RowsTotal).DefaultIfEmpty(0).ToList();
        if (sizes.Count > 0 && t.RowsTotal > sizes.Average() * 2)
        {
            reasons.Add($"it is simply bigger: {Number(t.RowsTotal)} records against {Number((long)sizes.Average())} on average, so it takes longer even at the same speed");
        }

        if (t.AverageBatchDuration > TimeSpan.Zero)
        {
            reasons.Add($"its pages take {Seconds(t.AverageBatchDuration)} on average (last one {Seconds(t.LastBatchDuration)}), with pages of {Number(t.CurrentBatchSize)} records now");
        }

        if (t.BatchSizeAdjustments > 0)
        {
            reasons.Add($"the page size was adjusted {t.BatchSizeAdjustments} time(s) to keep each page near the target time");
        }

        if (t.WritePath == WritePath.Mapped)
        {
            reasons.Add("its values are converted column by column on the way, which costs more than copying them as they are");
        }

        var plan = m.Plan?.Tables.FirstOrDefault(p => p.Table.ToString() == table);
        if (plan is not null && plan.DependsOn.Count > 0 && m.Plan!.ForeignKeyMode == ForeignKeyMode.Keep)
        {
            reasons.Add("its connection rules stay switched on during the load, so each record is checked against its parent as it arrives");
        }

        var problems = facts.Events.Count(e => e.Payload is WarningPayload w && w.Table == table
            || e.Payload is ErrorPayload error && error.Error.Message.Contains(table, StringComparison.Ordinal));
        reasons.Add(problems > 0 ? $"{problems} warning(s) or error(s) were reported for it (retries show up there)" : "no retries or errors were reported for it");
        text.Append(" What I see: ").Append(string.Join("; ", reasons)).Append('.');
        text.Append(" I do not measure database locks; if you suspect one, a database administrator can look at the waiting sessions in the target (pg_stat_activity).");
        var figures = new List<GuidanceFigure>
        {
            new("speed", $"{Rate(rate)} records per second", rate, "rows/s"),
            new("records", Number(t.RowsTotal), t.RowsTotal, "rows"),
            new("average page time", Seconds(t.AverageBatchDuration), t.AverageBatchDuration.TotalSeconds, "seconds"),
        };
        return new GuidanceAnswer(text.ToString(), "why_slow")
        {
            Figures = figures,
            Sources = [LiveProgress, $"event log up to #{facts.LastSequence}"],
            SubjectTable = table,
            Table = new GuidanceTableData(["table", "records", "speed (rows/s)"],
                [.. rates.OrderBy(r => r.Value).Select(r => (IReadOnlyList<string>)[Table(r.Key), Number(facts.Table(r.Key)?.RowsTotal ?? 0), Rate(r.Value)])]),
        };
    }

    /// <summary>Measured speed per table: live for running tables, from the completion event for finished ones.</summary>
    private static Dictionary<string, double> TableRates(MigrationFacts facts)
    {
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var completed in facts.Payloads<TableCompletedPayload>())
        {
            if (completed.RowsPerSecond > 0)
            {
                rates[completed.Table] = completed.RowsPerSecond;
            }
            else if (completed.Duration > TimeSpan.Zero && completed.Rows > 0)
            {
                rates[completed.Table] = completed.Rows / completed.Duration.TotalSeconds;
            }
        }

        foreach (var t in facts.Migration.Tables.Where(t => t.RowsPerSecond > 0))
        {
            rates[t.Table] = t.RowsPerSecond;
        }

        return rates;
    }

    private static GuidanceAnswer WhatIfWrong(MigrationFacts facts) => new(
        "If something goes wrong, it is handled in four steps, from small to big. " +
        "1) The agent that hit the problem fixes it itself: it retries after a short wait, makes its pages smaller, or sets a single bad record aside with the reason. " +
        "2) If that does not help, the coordinator tries another way (a different order or strategy). " +
        "3) If a person has to choose, it stops safely and asks you, with the options, the risk of each and a recommendation — it never guesses, and nothing more is written while it waits. " +
        "4) As a last resort it stops cleanly and keeps a full record, so it can be safely returned to the previous state. " +
        "Every saved page stays saved: after any interruption the copy continues where it stopped, and nothing is copied twice. Your source database is only read, never changed." +
        (facts.Migration.Phase == MigrationPhase.Failed ? $" Right now it has stopped: {facts.Migration.ErrorMessage}" : ""),
        "what_if_wrong")
    {
        Sources = ["how the migration handles errors (escalation levels)"],
        Suggestions = ["Is my data safe?", "How many records had problems?"],
    };

    private static GuidanceAnswer Term(string? term)
    {
        var entry = Glossary.Entries.FirstOrDefault(e => e.Term == term);
        return entry is null
            ? new GuidanceAnswer("I do not know that term. Try: connection table, connection rule, data that lost its connection, page, saved point, content fingerprint.", "glossary")
            : new GuidanceAnswer($"A {entry.Term} — we call it \"{entry.Plain}\". {entry.Explanation}", "glossary") { Sources = ["glossary"] };
    }

    private static GuidanceAnswer Plan(MigrationFacts facts)
    {
        var plan = facts.Migration.Plan;
        if (plan is null)
        {
            return new GuidanceAnswer($"There is no plan yet: the migration is {Phase(facts.Migration.Phase)}.", "plan");
        }

        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"The plan copies {plan.Tables.Count()} tables with about {Number(plan.EstimatedRows)} records in {plan.Waves.Count} round(s). ");
        foreach (var wave in plan.Waves)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"Round {wave.Number}: {Join([.. wave.Tables.Select(t => $"{Table(t.Table.ToString())} ({Class(t.Class)})")])}. ");
        }

        var streams = Math.Max(1, plan.MaxConcurrentBatches).ToString(Culture);
        text.Append(plan.Tables.Any(t => t.ChecksForeignKeysDuringLoad)
            ? "Why this order: where the target checks connection rules while loading, the tables others point to (their parents) come first, " +
              "so every connection rule is satisfied when a record arrives — a record is only loaded after the records it refers to. " +
              $"Everything else starts as soon as one of the {streams} copy streams is free, largest first. "
            : "Why this order: the rounds follow the connection rules between the tables, the tables others point to (their parents) first, " +
              "but here every connection rule is added (and checked) " +
              $"after all records are loaded, so the order cannot break one: the largest tables start first, {streams} copy streams at a time, " +
              "and a large table is split into ranges copied side by side. ");
        foreach (var deferred in plan.DeferredConstraints.Take(5))
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"The connection rule {deferred.Name} on {Table(deferred.Table.ToString())} is set aside during the load and re-created (and re-checked) afterwards: {deferred.Reason}. ");
        }

        var dependents = plan.Tables.Where(t => t.ChecksForeignKeysDuringLoad && t.DependsOn.Count > 0).Take(4)
            .Select(t => $"{Table(t.Table.ToString())} waits for {Join([.. t.DependsOn.Select(d => Table(d.ToString()))])}").ToList();
        if (dependents.Count > 0)
        {
            text.Append("For example: ").Append(string.Join("; ", dependents)).Append(". ");
        }

        text.Append(facts.Migration.Approved ? $"It was approved by {facts.Migration.ApprovedBy}." : "It is waiting for your approval; nothing is written before that.");
        return new GuidanceAnswer(text.ToString().Trim(), "plan")
        {
            Sources = [facts.Migration.Approved ? PlanSource : "the proposed migration plan"],
            Table = new GuidanceTableData(["round", "table", "kind", "records (estimated)", "how"],
                [.. plan.Tables.Select(t => (IReadOnlyList<string>)[t.Wave.ToString(Culture), Table(t.Table.ToString()), Class(t.Class), Number(t.EstimatedRows), Path(t.WritePath)])]),
            Suggestions = facts.Migration.Approved ? ["What happens next?", "How far along are we?"] : ["Go ahead", "What is a connection table?"],
        };
    }

    private static GuidanceAnswer Next(MigrationFacts facts)
    {
        var m = facts.Migration;
        string text;
        switch (m.Phase)
        {
            case MigrationPhase.AwaitingApproval when !m.Approved:
                text = "Next, the plan needs your approval. After that the tables are copied round by round, each page checked and saved, then everything is compared with the source.";
                break;
            case MigrationPhase.AwaitingApproval:
                text = "The plan is approved; next the copy has to be started.";
                break;
            case MigrationPhase.Execution:
                var running = m.Tables.Where(t => t.Status == Core.Migrations.TableStatus.Running).Select(t => Table(t.Table)).ToList();
                var pending = m.Tables.Where(t => t.Status == Core.Migrations.TableStatus.Pending).OrderBy(t => t.Wave).Select(t => Table(t.Table)).Take(4).ToList();
                text = (running.Count > 0 ? $"Now copying {Join(running)}. " : "") +
                       (pending.Count > 0 ? $"Next up: {Join(pending)}. " : "These are the last tables. ") +
                       "When all are copied, the connection rules and indexes are put back and the final check compares every table with the source.";
                break;
            case MigrationPhase.Validation:
                text = "The final check is running: record counts, content fingerprints and data that lost its connection, table by table. If it all matches, the migration is complete.";
                break;
            case MigrationPhase.Paused:
                text = "It is paused. Next it needs to be resumed; it will continue from the last saved page.";
                break;
            case MigrationPhase.Failed:
                text = $"It stopped because of a problem: {m.ErrorMessage} Next, the cause should be fixed and the migration resumed — it continues from the last saved page.";
                break;
            case MigrationPhase.Completed:
                text = "Nothing more: the migration is complete and checked. Your applications can now be pointed at the new database.";
                break;
            default:
                text = $"It is {Phase(m.Phase)}.";
                break;
        }

        return new GuidanceAnswer(text, "next") { Sources = [LiveProgress] };
    }

    private async Task<GuidanceAnswer> ProblemsAsync(MigrationFacts facts, string? table, CancellationToken cancellationToken)
    {
        var quarantine = await gateway.GetQuarantineAsync(facts.Migration.Id, cancellationToken);
        var errors = facts.Payloads<ErrorPayload>().Select(e => e.Error).ToList();
        var warnings = facts.Payloads<WarningPayload>().ToList();
        var failedTables = facts.Migration.Tables.Where(t => t.Status == Core.Migrations.TableStatus.Failed).ToList();
        var validationIssues = facts.Migration.Validation?.Tables.Where(t => !t.Passed).ToList() ?? [];
        var orphans = facts.Migration.Validation?.Tables.Sum(t => t.OrphanRows) ?? 0;
        if (table is not null)
        {
            quarantine = [.. quarantine.Where(q => q.Table == table)];
            warnings = [.. warnings.Where(w => w.Table == table)];
            failedTables = [.. failedTables.Where(t => t.Table == table)];
            validationIssues = [.. validationIssues.Where(v => v.Table == table)];
        }

        var setAside = quarantine.Sum(q => q.Rows);
        var text = new StringBuilder();
        if (setAside == 0 && errors.Count == 0 && failedTables.Count == 0 && validationIssues.Count == 0 && orphans == 0)
        {
            text.Append(table is null ? "No records had problems: " : $"No records of {Table(table)} had problems: ");
            text.Append("no record was set aside, no error was reported");
            text.Append(facts.Migration.Validation is { Passed: true } ? ", and the final check found every table identical with no data that lost its connection." : ".");
        }
        else
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Number(setAside)} record(s) were set aside");
            if (quarantine.Count > 0)
            {
                text.Append(": ").Append(string.Join("; ", quarantine.Take(5).Select(q => $"{Number(q.Rows)} in {Table(q.Table)} because {q.Reason}{Which(q)}")));
                if (quarantine.Count > 5)
                {
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $"; and {quarantine.Count - 5} more reason(s)");
                }
            }

            text.Append('.');
            if (setAside > 0)
            {
                text.Append(" They are kept for review, not lost: list every one with its details with `migration quarantine " + facts.Migration.Id + "`.");
            }
            if (errors.Count > 0)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $" {errors.Count} error(s) were reported; the last: {errors[^1].Message}");
            }

            foreach (var failed in failedTables)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $" Copying {Table(failed.Table)} stopped: {failed.Error}");
            }

            foreach (var issue in validationIssues)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $" The final check found a difference in {Table(issue.Table)}: {string.Join(", ", issue.Issues)}.");
            }

            if (orphans > 0)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $" {Number(orphans)} record(s) are data that lost its connection.");
            }
        }

        if (warnings.Count > 0)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" {warnings.Count} warning(s) were noted; the last: {warnings[^1].Message}");
        }

        return new GuidanceAnswer(text.ToString().Trim(), "problems")
        {
            Figures = [new GuidanceFigure("records set aside", Number(setAside), setAside, "rows"), new GuidanceFigure("errors", Number(errors.Count), errors.Count, "errors")],
            Sources = ["the set-aside records in the target's control schema", $"event log up to #{facts.LastSequence}", "the final check"],
            Table = quarantine.Count == 0 ? null : new GuidanceTableData(["table", "reason", "records", "which (keys)"],
                [.. quarantine.Select(q => (IReadOnlyList<string>)[Table(q.Table), q.Reason, Number(q.Rows), string.Join("; ", q.Keys)])]),
            SubjectTable = table,
        };
    }

    /// <summary>Which records: their keys (the first few), else an example of their content.</summary>
    private static string Which(QuarantineSummary summary)
    {
        if (summary.Keys.Count == 0 || summary.Keys.All(string.IsNullOrEmpty))
        {
            return summary.Example is null ? "" : $" (e.g. {summary.Example})";
        }

        var shown = summary.Keys.Where(k => !string.IsNullOrEmpty(k)).ToList();
        return $" ({(shown.Count == 1 ? "key" : "keys")} {string.Join("; ", shown)}{(summary.Rows > shown.Count ? $" and {Number(summary.Rows - shown.Count)} more" : "")})";
    }

    private static GuidanceAnswer Pause(MigrationFacts facts) =>
        StopForMissingParents(facts) ?? (facts.Migration.Phase is MigrationPhase.Execution or MigrationPhase.Validation
            ? Propose(GuidanceActionKind.Pause, $"pause the migration at {Number(facts.Migration.RowsCopied)} of {Number(facts.Migration.RowsTotal)} records (it can be resumed from the last saved page)", "pause")
            : new GuidanceAnswer($"There is nothing to pause: the migration is {Phase(facts.Migration.Phase)}.", "pause"));

    /// <summary>"Stop" while a missing-parents decision waits answers it with its "stop the migration" option.</summary>
    private static GuidanceAnswer? StopForMissingParents(MigrationFacts facts) =>
        facts.Pending.FirstOrDefault(p => p.Gate == DecisionGate.MissingParents) is { } parents
        && parents.Request.Options.FirstOrDefault(o => o.Id == Core.Planning.MissingParents.StopOption) is { } stop
            ? Propose(GuidanceActionKind.AnswerDecision, $"answer \"{parents.Request.Question}\" with \"{stop.Title}\" (nothing more is written)", "answer_decision",
                parents.Request.Id, stop.Id)
            : null;

    private static GuidanceAnswer Resume(MigrationFacts facts)
    {
        var m = facts.Migration;
        if (facts.Pending.FirstOrDefault(p => p.Gate is DecisionGate.MigrationError or DecisionGate.Orphans) is { } failure)
        {
            return Propose(GuidanceActionKind.AnswerDecision, "continue the migration from its last saved page (make sure the cause of the stop is fixed)", "resume",
                failure.Request.Id, "resume");
        }

        return m.Phase == MigrationPhase.Paused
            ? Propose(GuidanceActionKind.Resume, $"resume the migration from the last saved page ({Number(m.RowsCopied)} of {Number(m.RowsTotal)} records are done)", "resume")
            : new GuidanceAnswer($"There is nothing to resume: the migration is {Phase(m.Phase)}.", "resume");
    }

    private static GuidanceAnswer Approve(MigrationFacts facts)
    {
        var m = facts.Migration;
        if (facts.Pending.FirstOrDefault(p => p.Gate == DecisionGate.PlanApproval) is { } approval)
        {
            return Propose(GuidanceActionKind.ApprovePlan,
                $"approve the plan and start copying now ({m.Tables.Count} tables, about {Number(m.Plan?.EstimatedRows ?? 0)} records)", "approve",
                approval.Request.Id, "approve-and-start");
        }

        return new GuidanceAnswer(m.Approved ? $"The plan is already approved (by {m.ApprovedBy}); the migration is {Phase(m.Phase)}." :
            $"There is no plan waiting for approval: the migration is {Phase(m.Phase)}.", "approve");
    }

    /// <summary>
    /// "Safely returning to the previous state": proposes the level-4 rollback of the whole migration (carried out,
    /// after a "yes" and the admin check, by the orchestrator), saying in plain words what it removes and what it keeps.
    /// </summary>
    private static GuidanceAnswer Rollback(MigrationFacts facts)
    {
        var m = facts.Migration;
        const string Always = "Safely returning to the previous state: your source database is never changed, so it always stays as it was and your applications can keep using it. ";
        if (m.Phase == MigrationPhase.RolledBack)
        {
            return new GuidanceAnswer(Always + "This migration has already been safely returned to the previous state: what it had written to the new database was removed" +
                (m.ErrorMessage is { Length: > 0 } why ? $" ({why})" : ".") + " A new migration can be started when you are ready.", "rollback")
            {
                Sources = [LiveProgress],
            };
        }

        if (m.StartedAt is null || m.Plan is null)
        {
            return new GuidanceAnswer(Always + "Nothing has been written to the new database yet, so there is nothing to undo." +
                (m.Phase.IsTerminal() ? "" : " If you do not want this migration at all, ask me to cancel it."), "rollback")
            {
                Sources = [LiveProgress],
            };
        }

        var created = m.Plan.Tables.Where(t => t.CreateInTarget).Select(t => Table(t.Mapping.Target.ToString())).ToList();
        var existing = m.Plan.Tables.Where(t => !t.CreateInTarget).Select(t => Table(t.Mapping.Target.ToString())).ToList();
        var removes = new StringBuilder();
        removes.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"{(m.Phase is MigrationPhase.Execution or MigrationPhase.Validation ? "stop the copy and " : "")}remove everything this migration wrote to the new database — the {Number(m.RowsCopied)} records copied so far");
        if (created.Count > 0)
        {
            removes.Append(System.Globalization.CultureInfo.InvariantCulture, $", the tables it created there ({Join(created)})");
        }

        removes.Append(", its saved points and its record of old and new ids — then check that every table");
        removes.Append(existing.Count > 0 ? $" that was already there ({Join(existing)}) has exactly the records and content it had before the migration" : " is back to its state before the migration");
        removes.Append(". Your source database is not touched, and nothing that was in the new database before the migration is removed. " +
                       "If the check finds any difference, nothing is removed at all. Afterwards this migration is over (a new one can be started); only an administrator may do this");
        var proposal = Propose(GuidanceActionKind.Rollback, "safely return to the previous state (" + removes + ")", "rollback");
        return proposal with
        {
            Text = Always + proposal.Text,
            Sources = [LiveProgress, PlanSource],
            Figures = [new GuidanceFigure("records to remove", Number(m.RowsCopied), m.RowsCopied, "rows")],
        };
    }

    private static GuidanceAnswer Cancel(MigrationFacts facts)
    {
        var m = facts.Migration;
        return StopForMissingParents(facts) ?? (m.Phase.IsTerminal()
            ? new GuidanceAnswer($"It cannot be cancelled: the migration is {Phase(m.Phase)}.", "cancel")
            : Propose(GuidanceActionKind.Cancel,
                $"cancel the migration for good at {Number(m.RowsCopied)} of {Number(m.RowsTotal)} records (records already copied stay in the new database; the source is untouched)",
                "cancel"));
    }

    private static GuidanceAnswer Propose(GuidanceActionKind kind, string description, string intent, string? decisionId = null, string? optionId = null) =>
        new($"To be sure: shall I {description}? Reply \"yes\" to go ahead or \"no\" to leave everything as it is.", intent)
        {
            PendingAction = new ProposedAction(kind, description, decisionId, optionId),
            Suggestions = ["yes", "no"],
        };

    private static GuidanceAnswer Pending(MigrationFacts facts)
    {
        if (facts.Pending.Count == 0)
        {
            return new GuidanceAnswer($"Nothing is waiting for you. The migration is {Phase(facts.Migration.Phase)}.", "pending_decisions") { Sources = ["pending decisions"] };
        }

        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{facts.Pending.Count} decision(s) wait for you. ");
        foreach (var pending in facts.Pending)
        {
            var request = pending.Request;
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{request.Question} Options: ");
            text.Append(string.Join("; ", request.Options.Select((o, i) => $"{i + 1}) {o.Title}{(o.Recommended ? " (recommended)" : "")} — risk: {o.Risk}")));
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $". Risk: {request.RiskAssessment} I recommend: {request.Recommendation} ");
        }

        text.Append("Nothing is written while a decision waits; nothing is guessed.");
        return new GuidanceAnswer(text.ToString().Trim(), "pending_decisions")
        {
            Decisions = facts.Pending,
            Sources = ["pending decisions"],
            Suggestions = ["Go ahead", "What is a connection rule?"],
        };
    }

    /// <summary>A decision answered in words: "keep the rules", "set them aside", "the recommended one", "option 2".</summary>
    private static GuidanceAnswer AnswerInWords(MigrationFacts facts, string hint)
    {
        if (facts.Pending.Count == 0)
        {
            return new GuidanceAnswer("No decision is waiting right now, so there is nothing to answer.", "answer_decision");
        }

        foreach (var pending in facts.Pending)
        {
            var option = MatchOption(pending.Request, hint);
            if (option is not null)
            {
                return Propose(GuidanceActionKind.AnswerDecision, $"answer \"{pending.Request.Question}\" with \"{option.Title}\"", "answer_decision",
                    pending.Request.Id, option.Id);
            }
        }

        if (hint.Contains("parents first", StringComparison.Ordinal))
        {
            return new GuidanceAnswer("That is already how the plan works: parents are always copied before the records that point to them. " +
                "Nothing waits on that choice; the open decisions are: " + string.Join(" ", facts.Pending.Select(p => p.Request.Question)), "answer_decision");
        }

        return new GuidanceAnswer("I could not match that to an option. The open decisions are: " +
            string.Join(" ", facts.Pending.Select(p => $"{p.Request.Question} (options: {string.Join(", ", p.Request.Options.Select(o => o.Title))})")), "answer_decision");
    }

    private static DecisionOption? MatchOption(DecisionRequest request, string hint)
    {
        var options = request.Options;
        if (hint.Contains("recommend", StringComparison.Ordinal))
        {
            return options.FirstOrDefault(o => o.Recommended);
        }

        if (Core.Planning.MissingParents.IsMissingParentsDecision(request.Id))
        {
            string? parents = hint switch
            {
                _ when hint.Contains("placeholder", StringComparison.Ordinal) || hint.Contains("stand-in", StringComparison.Ordinal)
                    || hint.Contains("stand in", StringComparison.Ordinal) => Core.Planning.MissingParents.PlaceholdersOption,
                _ when hint.Contains("parent", StringComparison.Ordinal) || hint.Contains("tables they point to", StringComparison.Ordinal)
                    || hint.Contains("missing table", StringComparison.Ordinal) => Core.Planning.MissingParents.ParentsFirstOption,
                _ when hint.StartsWith("skip", StringComparison.Ordinal) || hint.EndsWith(" out", StringComparison.Ordinal) => Core.Planning.MissingParents.SkipOption,
                _ when hint.Contains("stop", StringComparison.Ordinal) => Core.Planning.MissingParents.StopOption,
                _ => null,
            };
            if (parents is not null)
            {
                return options.FirstOrDefault(o => o.Id == parents);
            }
        }

        var ordinal = hint switch
        {
            _ when hint.Contains("first", StringComparison.Ordinal) && !hint.Contains("parents", StringComparison.Ordinal) || hint.EndsWith(" one", StringComparison.Ordinal) || hint.EndsWith(" 1", StringComparison.Ordinal) => 0,
            _ when hint.Contains("second", StringComparison.Ordinal) || hint.EndsWith(" two", StringComparison.Ordinal) || hint.EndsWith(" 2", StringComparison.Ordinal) => 1,
            _ when hint.Contains("third", StringComparison.Ordinal) || hint.EndsWith(" three", StringComparison.Ordinal) || hint.EndsWith(" 3", StringComparison.Ordinal) => 2,
            _ => -1,
        };
        if (ordinal >= 0)
        {
            return ordinal < options.Count ? options[ordinal] : null;
        }

        string? id = hint switch
        {
            _ when hint.StartsWith("keep", StringComparison.Ordinal) => "keep",
            _ when hint.Contains("aside", StringComparison.Ordinal) || hint.Contains("create", StringComparison.Ordinal) => "recreate",
            _ when hint.StartsWith("reject", StringComparison.Ordinal) => "reject",
            _ when hint.Contains("later", StringComparison.Ordinal) || hint.Contains("approve only", StringComparison.Ordinal) => "approve",
            _ when hint.StartsWith("skip", StringComparison.Ordinal) => "skip",
            _ when hint.StartsWith("adapt", StringComparison.Ordinal) => Core.Mapping.MappingMismatches.AdaptOption,
            _ when hint.StartsWith("change", StringComparison.Ordinal) => Core.Mapping.MappingMismatches.ChangeTargetOption,
            _ => null,
        };
        return options.FirstOrDefault(o => o.Id == id);
    }

    private static GuidanceAnswer History(MigrationFacts facts)
    {
        if (facts.History.Count == 0)
        {
            return new GuidanceAnswer("Nothing has been decided yet.", "history") { Sources = [HistorySource] };
        }

        var lines = facts.History.Select(d =>
            $"{Time(d.DecidedAt)}: {d.Question} → {d.Answer}, by {d.DecidedBy}{(string.IsNullOrWhiteSpace(d.Reason) ? "" : $" (\"{d.Reason}\")")}").ToList();
        var approval = facts.History.LastOrDefault(d => d.Id == DecisionIds.PlanApproval);
        var text = (approval is null ? "The plan has not been approved yet. " : $"The plan was approved by {approval.DecidedBy} at {Time(approval.DecidedAt)}. ") +
                   $"Everything decided so far ({facts.History.Count}): " + string.Join("; ", lines) + ".";
        return new GuidanceAnswer(text, "history")
        {
            Sources = [HistorySource],
            Table = new GuidanceTableData(["when", "question", "answer", "who", "why"],
                [.. facts.History.Select(d => (IReadOnlyList<string>)[Time(d.DecidedAt), d.Question, d.Answer, d.DecidedBy, d.Reason])]),
        };
    }

    private static GuidanceAnswer Changes(MigrationFacts facts, DateTimeOffset since)
    {
        var events = facts.Events.Where(e => e.OccurredAt >= since).ToList();
        var from = since == DateTimeOffset.MinValue ? "since the start" : $"since {Time(since)}";
        if (events.Count == 0)
        {
            return new GuidanceAnswer($"Nothing has changed {from}. The migration is {Phase(facts.Migration.Phase)}.", "changes_since")
            {
                Sources = [$"event log up to #{facts.LastSequence}"],
            };
        }

        var parts = new List<string>();
        foreach (var phase in events.Select(e => e.Payload).OfType<PhaseChangedPayload>())
        {
            parts.Add($"it went from {Phase(phase.From)} to {Phase(phase.To)}");
        }

        var batches = events.Select(e => e.Payload).OfType<BatchCompletedPayload>().ToList();
        if (batches.Count > 0)
        {
            parts.Add($"{Number(batches.Sum(b => b.Rows))} records were copied in {Number(batches.Count)} pages");
        }

        var completed = events.Select(e => e.Payload).OfType<TableCompletedPayload>().Select(t => Table(t.Table)).ToList();
        if (completed.Count > 0)
        {
            parts.Add($"{Join(completed)} finished");
        }

        var warnings = events.Count(e => e.Payload is WarningPayload);
        var errors = events.Count(e => e.Payload is ErrorPayload);
        if (warnings + errors > 0)
        {
            parts.Add($"{warnings} warning(s) and {errors} error(s) were reported");
        }

        if (events.Any(e => e.Payload is ValidationResultPayload))
        {
            parts.Add("the final check ran: " + events.Select(e => e.Payload).OfType<ValidationResultPayload>().Last().Report.Summary);
        }

        var decided = facts.History.Where(d => d.DecidedAt >= since).Select(d => $"{d.DecidedBy} answered \"{d.Question}\" with {d.Answer}").ToList();
        parts.AddRange(decided);
        var text = $"{char.ToUpperInvariant(from[0])}{from[1..]}: " + string.Join("; ", parts) + ".";
        return new GuidanceAnswer(text, "changes_since")
        {
            Figures = [new GuidanceFigure("events", Number(events.Count), events.Count, "events")],
            Sources = [$"event log #{events[0].Sequence} to #{events[^1].Sequence}", HistorySource],
        };
    }

    private static GuidanceAnswer Mapping(MigrationFacts facts, string? table)
    {
        var plan = facts.Migration.Plan;
        if (plan is null)
        {
            return new GuidanceAnswer("There is no mapping yet: the plan is not ready.", "mapping");
        }

        if (table is null || plan.Tables.FirstOrDefault(t => t.Table.ToString() == table) is not { } tablePlan)
        {
            var identity = plan.Tables.Count(t => t.Mapping.IsIdentity);
            return new GuidanceAnswer($"Which table? {identity} of {plan.Tables.Count()} tables are copied exactly as they are (same columns and types); " +
                $"the tables are {Join([.. plan.Tables.Select(t => Table(t.Table.ToString()))])}. Ask for example \"how is {Table(plan.Tables.First().Table.ToString())} mapped?\"",
                "mapping") { Sources = [PlanSource] };
        }

        var mapping = tablePlan.Mapping;
        var name = Table(table);
        var changed = mapping.Columns.Where(c => !c.IsIdentity).ToList();
        var text = $"{char.ToUpperInvariant(name[0])}{name[1..]} goes to {mapping.Target} with {mapping.Columns.Count} columns; it is {Path(tablePlan.WritePath)}. " +
                   (changed.Count == 0
                       ? "Every column keeps its name and type."
                       : $"{changed.Count} column(s) change: " + string.Join("; ", changed.Select(c => $"{c.SourceColumn} ({c.SourceType}) → {c.TargetColumn} ({c.TargetType})")) + ".") +
                   (tablePlan.CreateInTarget ? " The table does not exist in the new database yet; it is created from the old one's layout." : "") +
                   $" Pages are cut by {tablePlan.PagingDescription}.";
        return new GuidanceAnswer(text, "mapping")
        {
            Sources = [PlanSource],
            SubjectTable = table,
            Table = new GuidanceTableData(["old column", "old type", "new column", "new type"],
                [.. mapping.Columns.Select(c => (IReadOnlyList<string>)[c.SourceColumn, c.SourceType, c.TargetColumn, c.TargetType])]),
        };
    }

    private static GuidanceAnswer DataSafe(MigrationFacts facts)
    {
        var m = facts.Migration;
        var text = new StringBuilder("Yes. Your source database is only read, never changed. ");
        text.Append("Every page of records is written and saved in one step together with its saved point, and counted in the new database before it is saved; " +
                    "after an interruption the copy continues from the last saved point, so nothing is lost and nothing is copied twice. ");
        text.Append("At the end every table is compared with the source: record counts, content fingerprints and data that lost its connection. A difference fails the migration loudly. ");
        if (m.Validation is { } v)
        {
            text.Append("Final check: ").Append(FinalCheck(v));
        }
        else if (m.StartedAt is null)
        {
            text.Append("Right now nothing has been written to the new database: it waits for the plan to be approved.");
        }

        return new GuidanceAnswer(text.ToString().Trim(), "data_safe") { Sources = [LiveProgress, "how the copy saves and checks its work"] };
    }

    private static string FinalCheck(Core.Validation.ValidationReport report) => report.Passed
        ? $"The final check passed: all {report.Tables.Count} tables have the same number of records and identical content fingerprints, with no data that lost its connection."
        : $"The final check found differences: {report.Summary}";

    private static GuidanceAnswer Unknown(MigrationFacts facts) => new(
        "I am not sure what you mean. I can answer questions about progress, time left, speed, the plan, problems, decisions and what changed, " +
        "explain terms, and pause, resume or approve (after you confirm). " + $"Right now the migration is {Phase(facts.Migration.Phase)}.",
        "unknown")
    {
        Suggestions = Suggest(facts),
    };

    private static IReadOnlyList<string> Suggest(MigrationFacts facts) => facts.Migration.Phase switch
    {
        MigrationPhase.AwaitingApproval when facts.Pending.Count > 0 => ["What is the plan?", "Is my data safe?", "Go ahead"],
        MigrationPhase.Execution => ["When will it be done?", "Why is it slow?", "What happens if something goes wrong?"],
        MigrationPhase.Completed => ["How many records had problems?", "What was decided earlier?", "Is my data safe?"],
        MigrationPhase.Failed => ["What went wrong?", "What do you need from me?"],
        _ => ["How far along are we?", "What is the plan?"],
    };
}
