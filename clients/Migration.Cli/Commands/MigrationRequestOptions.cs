using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>The options of `run` and `plan` that describe a migration, and their translation into a CreateMigrationRequest.</summary>
internal sealed class MigrationRequestOptions
{
    public Option<string> Source { get; } = new("--source")
    {
        Description = "Source database: a connection string (Host=...;Database=...) or a connection name configured on the server",
        HelpName = "CONN",
        Required = true,
    };

    public Option<string> Target { get; } = new("--target")
    {
        Description = "Target database: a connection string or a configured connection name",
        HelpName = "CONN",
        Required = true,
    };

    public Option<string[]> IncludeSchemas { get; } = new("--include-schema")
    {
        Description = "Source schema to migrate (repeat for more; default: every non-system schema)",
        HelpName = "S",
    };

    public Option<string[]> ExcludeSchemas { get; } = new("--exclude-schema")
    {
        Description = "Source schema to leave out (repeatable)",
        HelpName = "S",
    };

    public Option<string[]> IncludeTables { get; } = new("--include-table")
    {
        Description = "Table to migrate, \"schema.table\" or \"table\" (repeatable; default: all)",
        HelpName = "T",
    };

    public Option<string[]> ExcludeTables { get; } = new("--exclude-table")
    {
        Description = "Table to leave out (repeatable)",
        HelpName = "T",
    };

    public Option<int?> BatchSize { get; } = new("--batch-size")
    {
        Description = "Rows in the first page of each table (default: chosen by the server)",
        HelpName = "N",
    };

    public Option<int?> MaxBatchSize { get; } = new("--max-batch-size")
    {
        Description = "Largest page the adaptive batch size may grow to",
        HelpName = "N",
    };

    public Option<int?> MaxConcurrentBatches { get; } = new("--max-concurrent-batches")
    {
        Description = "Pages copied at once across independent tables (default 2)",
        HelpName = "N",
    };

    public Option<string?> ForeignKeyMode { get; } = ForeignKeyModes.CreateOption();

    public Option<string[]> ForceMapped { get; } = new("--force-mapped")
    {
        Description = "Table (\"schema.table\") to copy through the mapped path even where pass-through would do (repeatable)",
        HelpName = "T",
    };

    public Option<FileInfo?> Mapping { get; } = new("--mapping")
    {
        Description = "Mapping specification (JSON file) of a schema-changing migration: renamed tables, transforms, new UUID keys, policies",
        HelpName = "FILE",
    };

    public Option<string?> Description { get; } = new("--description")
    {
        Description = "Free text kept with the migration (who asked, why)",
        HelpName = "TEXT",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        Option[] all =
        [
            Source, Target, IncludeSchemas, ExcludeSchemas, IncludeTables, ExcludeTables, BatchSize, MaxBatchSize,
            MaxConcurrentBatches, ForeignKeyMode, ForceMapped, Mapping, Description,
        ];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds the request; bad values end the command with the usage exit code.</summary>
    public CreateMigrationRequest ToRequest(ParseResult parseResult, string requestedBy)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var options = new MigrationOptions
        {
            ForeignKeyMode = ForeignKeyModes.Parse(parseResult.GetValue(ForeignKeyMode)),
        };
        options.IncludeSchemas.AddRange(Values(parseResult, IncludeSchemas));
        options.ExcludeSchemas.AddRange(Values(parseResult, ExcludeSchemas));
        options.IncludeTables.AddRange(Values(parseResult, IncludeTables));
        options.ExcludeTables.AddRange(Values(parseResult, ExcludeTables));
        options.ForceMappedTables.AddRange(Values(parseResult, ForceMapped));

        var batchSize = Positive(parseResult, BatchSize);
        var maxBatchSize = Positive(parseResult, MaxBatchSize);
        if (batchSize is { } first && maxBatchSize is { } max && max < first)
        {
            throw CliException.Usage($"--max-batch-size ({max}) must be at least --batch-size ({first})");
        }

        if (batchSize is not null || maxBatchSize is not null)
        {
            options.Batch = new BatchSettings { BaseBatchSize = batchSize ?? 0, MaxBatchSize = maxBatchSize ?? 0 };
        }

        options.MaxConcurrentBatches = Positive(parseResult, MaxConcurrentBatches) ?? 0;
        if (ReadMapping(parseResult) is { } mapping)
        {
            options.MappingJson = mapping; // validated by the server at creation (field violations on the spec's paths)
        }

        return new CreateMigrationRequest
        {
            Source = ConnectionSpecParser.Parse(parseResult.GetValue(Source), "--source"),
            Target = ConnectionSpecParser.Parse(parseResult.GetValue(Target), "--target"),
            Options = options,
            Description = parseResult.GetValue(Description)?.Trim() ?? string.Empty,
            RequestedBy = requestedBy ?? string.Empty,
        };
    }

    /// <summary>The mapping spec file's text, or null when none was given (a missing file is a usage error).</summary>
    public string? ReadMapping(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var file = parseResult.GetValue(Mapping);
        if (file is null)
        {
            return null;
        }

        return file.Exists ? File.ReadAllText(file.FullName) : throw CliException.Usage($"--mapping: no file {file.FullName}");
    }

    private static IEnumerable<string> Values(ParseResult parseResult, Option<string[]> option)
    {
        var values = parseResult.GetValue(option) ?? [];
        foreach (var value in values)
        {
            var text = value.Trim();
            if (text.Length == 0)
            {
                throw CliException.Usage($"{option.Name} needs a non-empty value");
            }

            yield return text;
        }
    }

    private static int? Positive(ParseResult parseResult, Option<int?> option)
    {
        var value = parseResult.GetValue(option);
        if (value is <= 0)
        {
            throw CliException.Usage($"{option.Name} must be a positive number, got {value}");
        }

        return value;
    }
}
