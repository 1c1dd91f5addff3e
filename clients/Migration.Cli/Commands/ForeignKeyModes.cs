using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>The --fk-mode option (keep | recreate) and the plan's foreign key decision.</summary>
internal static class ForeignKeyModes
{
    /// <summary>The id of the plan's foreign key decision (the Planning agent's "foreign-key-mode").</summary>
    public const string DecisionId = "foreign-key-mode";

    public const string Keep = "keep";
    public const string Recreate = "recreate";

    public static Option<string?> CreateOption()
    {
        var option = new Option<string?>("--fk-mode")
        {
            Description = "Foreign keys on the target during the load: keep them on, or set them aside and recreate them after (default: the plan's recommendation)",
            HelpName = "keep|recreate",
        };
        option.AcceptOnlyFromAmong(Keep, Recreate);
        return option;
    }

    public static ForeignKeyMode Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => ForeignKeyMode.Unspecified,
        Keep => ForeignKeyMode.Keep,
        Recreate => ForeignKeyMode.RecreateAfterLoad,
        _ => throw CliException.Usage($"--fk-mode must be '{Keep}' or '{Recreate}', got '{value}'"),
    };

    /// <summary>True for the plan's pending question about foreign keys.</summary>
    public static bool IsPendingForeignKeyDecision(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return string.IsNullOrEmpty(decision.Answer)
               && (decision.Id == DecisionId || (decision.Options.Count > 0 && decision.Options.All(o => FromOptionId(o.Id) != ForeignKeyMode.Unspecified)));
    }

    /// <summary>The mode a decision option stands for ("keep", "recreate"; proto enum names are accepted too).</summary>
    public static ForeignKeyMode FromOptionId(string? id) => id?.Trim().ToLowerInvariant() switch
    {
        Keep or "foreign_key_mode_keep" => ForeignKeyMode.Keep,
        Recreate or "recreate_after_load" or "foreign_key_mode_recreate_after_load" => ForeignKeyMode.RecreateAfterLoad,
        _ => ForeignKeyMode.Unspecified,
    };
}
