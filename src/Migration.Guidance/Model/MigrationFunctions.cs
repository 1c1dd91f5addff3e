using System.ComponentModel;
using System.Text;
using Microsoft.SemanticKernel;
using Migration.Guidance.Answers;
using Migration.Guidance.Deterministic;
using Migration.Guidance.Facts;
using Migration.Guidance.Language;

namespace Migration.Guidance.Model;

/// <summary>
/// The Semantic Kernel plugin the model calls (automatic function calling): each function returns the grounded answer
/// of the deterministic engine over the same live facts, so every figure the model words comes from live state.
/// Actions can only be proposed: the user confirms them in the next message and the assistant carries them out.
/// </summary>
internal sealed class MigrationFunctions(MigrationFacts facts, DeterministicEngine engine)
{
    private readonly List<GuidanceFigure> _figures = [];
    private readonly List<string> _sources = [];

    public ProposedAction? Proposal { get; private set; }

    public string? LastIntent { get; private set; }

    public string? LastTable { get; private set; }

    public IReadOnlyList<GuidanceFigure> Figures => _figures;

    public IReadOnlyList<string> Sources => _sources;

    public IReadOnlyList<string> Calls => _calls;

    private readonly List<string> _calls = [];

    [KernelFunction("get_status"), Description("Overall progress: phase, records copied of total, percent, speed, time left, per-table progress, pending decisions.")]
    public Task<string> GetStatusAsync(CancellationToken cancellationToken) => RunAsync("get_status", Intent.Status, null, cancellationToken);

    [KernelFunction("get_table_status"), Description("Progress of one table: records copied of total, percent, speed, time left.")]
    public Task<string> GetTableStatusAsync([Description("Table name as the user said it, e.g. 'customers'")] string table, CancellationToken cancellationToken) =>
        RunAsync("get_table_status", Intent.TableStatus, table, cancellationToken);

    [KernelFunction("get_eta"), Description("When the migration (or one table) will be done, from the measured speed.")]
    public Task<string> GetEtaAsync([Description("Optional table name; empty for the whole migration")] string? table, CancellationToken cancellationToken) =>
        RunAsync("get_eta", Intent.Eta, table, cancellationToken);

    [KernelFunction("explain_slowness"), Description("Why a table is slow: its speed, page times and size compared with the other tables, page size changes, retries.")]
    public Task<string> ExplainSlownessAsync([Description("Optional table name")] string? table, CancellationToken cancellationToken) =>
        RunAsync("explain_slowness", Intent.WhySlow, table, cancellationToken);

    [KernelFunction("get_plan"), Description("The migration plan: rounds of tables, why this order, connection rules set aside.")]
    public Task<string> GetPlanAsync(CancellationToken cancellationToken) => RunAsync("get_plan", Intent.Plan, null, cancellationToken);

    [KernelFunction("get_next_step"), Description("What happens next.")]
    public Task<string> GetNextStepAsync(CancellationToken cancellationToken) => RunAsync("get_next_step", Intent.Next, null, cancellationToken);

    [KernelFunction("get_problems"), Description("Records that had problems: set-aside (quarantined) records with reasons, errors, warnings, final-check differences.")]
    public Task<string> GetProblemsAsync([Description("Optional table name")] string? table, CancellationToken cancellationToken) =>
        RunAsync("get_problems", Intent.Problems, table, cancellationToken);

    [KernelFunction("get_pending_decisions"), Description("Decisions waiting for the user, with options, risk and recommendation.")]
    public Task<string> GetPendingDecisionsAsync(CancellationToken cancellationToken) =>
        RunAsync("get_pending_decisions", Intent.PendingDecisions, null, cancellationToken);

    [KernelFunction("get_decision_history"), Description("What was decided earlier, by whom, when and why.")]
    public Task<string> GetDecisionHistoryAsync(CancellationToken cancellationToken) => RunAsync("get_decision_history", Intent.History, null, cancellationToken);

    [KernelFunction("get_changes_since"), Description("What changed in the last N minutes.")]
    public Task<string> GetChangesSinceAsync([Description("Minutes to look back")] int minutes, CancellationToken cancellationToken) =>
        RunAsync("get_changes_since", Intent.ChangesSince, null, cancellationToken, facts.Now - TimeSpan.FromMinutes(Math.Clamp(minutes, 1, 60 * 24 * 30)));

    [KernelFunction("explain_mapping"), Description("How a table's columns map onto the new database.")]
    public Task<string> ExplainMappingAsync([Description("Table name")] string table, CancellationToken cancellationToken) =>
        RunAsync("explain_mapping", Intent.Mapping, table, cancellationToken);

    [KernelFunction("explain_term"), Description("Plain-language meaning of a technical term (junction table, foreign key, rollback, orphan, batch, checkpoint, ...).")]
    public Task<string> ExplainTermAsync([Description("The term")] string term, CancellationToken cancellationToken)
    {
        var entry = Glossary.Find(TextMatch.Normalize(term ?? ""));
        return RunAsync("explain_term", Intent.Glossary, null, cancellationToken, term: entry?.Term);
    }

    [KernelFunction("explain_error_handling"), Description("What happens if something goes wrong (the escalation levels).")]
    public Task<string> ExplainErrorHandlingAsync(CancellationToken cancellationToken) =>
        RunAsync("explain_error_handling", Intent.WhatIfWrong, null, cancellationToken);

    [KernelFunction("is_data_safe"), Description("Whether the user's data is safe, and why.")]
    public Task<string> IsDataSafeAsync(CancellationToken cancellationToken) => RunAsync("is_data_safe", Intent.DataSafe, null, cancellationToken);

    [KernelFunction("propose_action"), Description(
        "Proposes pause, resume, approve, cancel or rollback (safely returning to the previous state: removes what the migration wrote to the new database). " +
        "It does NOT carry it out: the user must reply yes to confirm, and the user's role is checked then.")]
    public async Task<string> ProposeActionAsync([Description("One of: pause, resume, approve, cancel, rollback")] string action, CancellationToken cancellationToken)
    {
        var intent = (action ?? "").Trim().ToLowerInvariant() switch
        {
            "pause" => Intent.Pause,
            "resume" => Intent.Resume,
            "approve" => Intent.Approve,
            "cancel" => Intent.Cancel,
            "rollback" or "roll back" or "undo" => Intent.Rollback,
            _ => Intent.Unknown,
        };
        if (intent == Intent.Unknown)
        {
            return "Unknown action; use pause, resume, approve, cancel or rollback.";
        }

        _calls.Add("propose_action");
        var answer = await engine.AnswerAsync(new RecognizedIntent(intent), facts, cancellationToken);
        Proposal = answer.PendingAction ?? Proposal;
        LastIntent = answer.Intent;
        return answer.PendingAction is null
            ? answer.Text
            : $"Proposed, not done. Ask the user to confirm with yes: {answer.PendingAction.Description}.";
    }

    private async Task<string> RunAsync(string name, Intent intent, string? table, CancellationToken cancellationToken, DateTimeOffset? since = null, string? term = null)
    {
        _calls.Add(name);
        var resolved = string.IsNullOrWhiteSpace(table) ? null : TableResolver.Resolve(TextMatch.Normalize(table), facts.TableNames);
        if (!string.IsNullOrWhiteSpace(table) && resolved is null)
        {
            return $"There is no table called '{table}' in this migration. Tables: {string.Join(", ", facts.TableNames)}.";
        }

        var answer = await engine.AnswerAsync(new RecognizedIntent(intent, resolved, since, term), facts, cancellationToken);
        LastIntent = answer.Intent;
        LastTable = answer.SubjectTable ?? LastTable;
        _figures.AddRange(answer.Figures);
        foreach (var source in answer.Sources.Where(s => !_sources.Contains(s)))
        {
            _sources.Add(source);
        }

        var text = new StringBuilder(answer.Text);
        foreach (var figure in answer.Figures)
        {
            text.Append('\n').Append(figure.Label).Append(": ").Append(figure.Display);
        }

        return text.ToString();
    }
}
