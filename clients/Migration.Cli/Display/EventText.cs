using System.Text;
using Migration.Contracts.V1;

namespace Migration.Cli.Display;

/// <summary>One-line descriptions of event payloads, shared by the live view and the plain writer.</summary>
internal static class EventText
{
    /// <summary>"copy (agent execution, batch b-12, 500 rows): message [23505 on orders_pkey] detail; options: retry, skip".</summary>
    public static string Describe(ErrorContext error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = new StringBuilder();
        var where = new List<string>();
        if (!string.IsNullOrEmpty(error.Agent))
        {
            where.Add("agent " + error.Agent);
        }

        if (!string.IsNullOrEmpty(error.BatchId))
        {
            where.Add("batch " + error.BatchId);
        }

        if (error.AffectedRecords > 0)
        {
            where.Add(ProgressFormat.Count(error.AffectedRecords) + " rows");
        }

        if (!string.IsNullOrEmpty(error.Operation))
        {
            text.Append(error.Operation);
        }

        if (where.Count > 0)
        {
            text.Append(text.Length > 0 ? " (" : "(").Append(string.Join(", ", where)).Append(')');
        }

        if (text.Length > 0)
        {
            text.Append(": ");
        }

        text.Append(string.IsNullOrEmpty(error.Message) ? "unknown error" : error.Message);
        if (!string.IsNullOrEmpty(error.SqlState) || !string.IsNullOrEmpty(error.Constraint))
        {
            text.Append(" [").Append(error.SqlState);
            if (!string.IsNullOrEmpty(error.Constraint))
            {
                text.Append(string.IsNullOrEmpty(error.SqlState) ? string.Empty : " ").Append("on ").Append(error.Constraint);
            }

            text.Append(']');
        }

        if (!string.IsNullOrEmpty(error.Detail))
        {
            text.Append(' ').Append(error.Detail);
        }

        if (error.RecoveryOptions.Count > 0)
        {
            text.Append("; options: ").Append(string.Join(", ", error.RecoveryOptions));
        }

        return text.ToString();
    }
}
