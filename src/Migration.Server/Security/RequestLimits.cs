using System.Text;
using Migration.Contracts.V1;

namespace Migration.Server.Security;

/// <summary>
/// Bounds on what a request may carry, checked before any work: list sizes, name and text lengths, enum values the
/// contract defines. Each breach is a field violation (INVALID_ARGUMENT with google.rpc.BadRequest).
/// </summary>
public static class RequestLimits
{
    /// <summary>Entries in one filter list (include/exclude schemas and tables, forced mapped tables).</summary>
    public const int MaxListEntries = 10_000;

    /// <summary>A "schema.table" name: two quoted 63-byte identifiers fit with room to spare.</summary>
    public const int MaxNameLength = 300;

    /// <summary>PostgreSQL identifiers are at most 63 bytes (longer ones are truncated, silently).</summary>
    public const int MaxIdentifierBytes = 63;

    /// <summary>Free text: descriptions, reasons, comments, names of people.</summary>
    public const int MaxTextLength = 4_000;

    public static List<(string Field, string Description)> Check(CreateMigrationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<(string, string)>();
        Text(problems, "description", request.Description);
        Text(problems, "requested_by", request.RequestedBy);
        if (request.Options is not { } options)
        {
            return problems;
        }

        Names(problems, "options.include_schemas", options.IncludeSchemas);
        Names(problems, "options.exclude_schemas", options.ExcludeSchemas);
        Names(problems, "options.include_tables", options.IncludeTables);
        Names(problems, "options.exclude_tables", options.ExcludeTables);
        Names(problems, "options.force_mapped_tables", options.ForceMappedTables);
        Defined(problems, "options.foreign_key_mode", options.ForeignKeyMode);
        if (options.ControlSchema.Length > 0 && (Encoding.UTF8.GetByteCount(options.ControlSchema) > MaxIdentifierBytes || string.IsNullOrWhiteSpace(options.ControlSchema)))
        {
            problems.Add(("options.control_schema", $"must be a name of 1 to {MaxIdentifierBytes} bytes"));
        }

        return problems;
    }

    public static void Text(List<(string Field, string Description)> problems, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (value is { Length: > MaxTextLength })
        {
            problems.Add((field, $"must be at most {MaxTextLength} characters (got {value.Length})"));
        }
    }

    public static void Defined<TEnum>(List<(string Field, string Description)> problems, string field, TEnum value)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (!Enum.IsDefined(value))
        {
            problems.Add((field, $"unknown value {Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)}; " +
                                 $"known: {string.Join(", ", Enum.GetNames<TEnum>())}"));
        }
    }

    private static void Names(List<(string Field, string Description)> problems, string field, IReadOnlyCollection<string> names)
    {
        if (names.Count > MaxListEntries)
        {
            problems.Add((field, $"must have at most {MaxListEntries} entries (got {names.Count})"));
            return;
        }

        var index = 0;
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add(($"{field}[{index}]", $"must be a non-empty name of at most {MaxNameLength} characters without NUL"));
                if (problems.Count >= 20)
                {
                    return;
                }
            }

            index++;
        }
    }
}
