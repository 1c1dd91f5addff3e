using System.Text;
using Migration.Contracts.V1;

namespace Migration.Cli.Rendering;

/// <summary>Words for the contract's enums, as a person reads them.</summary>
internal static class DisplayNames
{
    public static string Of(MigrationPhase phase) => phase switch
    {
        MigrationPhase.Unspecified => "unknown",
        _ => Words(phase.ToString()),
    };

    public static string Of(TableClass tableClass) => tableClass switch
    {
        TableClass.Unspecified => "-",
        _ => Words(tableClass.ToString()),
    };

    public static string Of(WritePath path) => path switch
    {
        WritePath.PassThrough => "pass-through",
        WritePath.Mapped => "mapped",
        _ => "-",
    };

    public static string Of(TableStatus status) => status switch
    {
        TableStatus.Unspecified => "-",
        _ => Words(status.ToString()),
    };

    public static string Of(ForeignKeyMode mode) => mode switch
    {
        ForeignKeyMode.Keep => "keep during the load",
        ForeignKeyMode.RecreateAfterLoad => "re-create after the load",
        _ => "recommended",
    };

    public static string Of(PlanProblem.Types.Severity severity) => severity switch
    {
        PlanProblem.Types.Severity.Info => "info",
        PlanProblem.Types.Severity.Warning => "warning",
        PlanProblem.Types.Severity.Blocking => "BLOCKING",
        _ => "-",
    };

    /// <summary>"AwaitingApproval" → "awaiting approval".</summary>
    private static string Words(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
