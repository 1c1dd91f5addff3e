using System.CommandLine;
using System.Globalization;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration mapping suggest|show|validate|set`: the mapping specification of a schema-changing migration (JSON file).
/// suggest proposes one from both databases; show prints a migration's; validate checks a file against the databases
/// (exit 1 when it has errors); set replaces a migration's spec before it starts (the plan is made again).
/// </summary>
internal sealed class MappingCommand : Command
{
    public MappingCommand(GlobalOptions globals, CliEnvironment environment)
        : base("mapping", "Mapping specification of a schema-changing migration: suggest, show, validate, set")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Subcommands.Add(Suggest(globals, environment));
        Subcommands.Add(Show(globals, environment));
        Subcommands.Add(Validate(globals, environment));
        Subcommands.Add(Set(globals, environment));
    }

    private static Option<string?> SourceOption() => new("--source") { Description = "Source database: a connection string or a configured connection name" };

    private static Option<string?> TargetOption() => new("--target") { Description = "Target database: a connection string or a configured connection name" };

    private static Option<string?> MigrationOption() => new("--migration") { Description = "Use this migration's databases instead of --source/--target" };

    private static Option<FileInfo> FileOption(bool required) => new("--file", "-f") { Description = "The mapping specification (JSON file)", Required = required };

    private static Command Suggest(GlobalOptions globals, CliEnvironment environment)
    {
        var source = SourceOption();
        var target = TargetOption();
        var migration = MigrationOption();
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the suggested spec to this file (default: print it)" };
        var threshold = new Option<double>("--threshold") { Description = "Confidence below which a part is asked instead of guessed (default 0.7)" };
        var command = new Command("suggest", "Propose a mapping spec from both databases (names, types, foreign keys, sampled values)");
        command.Options.Add(source);
        command.Options.Add(target);
        command.Options.Add(migration);
        command.Options.Add(output);
        command.Options.Add(threshold);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, globals, environment, async (context, ct) =>
        {
            var request = new SuggestMappingRequest { Threshold = parseResult.GetValue(threshold) };
            Databases(parseResult, migration, source, target, id => request.MigrationId = id, (s, t) => (request.Source, request.Target) = (s, t));
            var response = await Client(context).SuggestMappingAsync(request, cancellationToken: ct);
            if (context.Json is { } json)
            {
                json.Write("mapping_suggestion", response);
                return ExitCodes.Success;
            }

            if (parseResult.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, response.SpecJson, ct);
                context.Console.MarkupLine($"Suggested spec written to [bold]{Markup.Escape(file.FullName)}[/] ({response.Spec.Tables.Count} table(s)).");
            }
            else
            {
                context.Console.WriteLine(response.SpecJson);
            }

            RenderConfidence(context.Console, response.Spec);
            RenderIssues(context.Console, response.Issues);
            if (response.Decisions.Count > 0)
            {
                context.Console.WriteLine();
                context.Console.MarkupLine($"[bold]{response.Decisions.Count} part(s) need your decision[/] [grey](left out of the spec, not guessed)[/]");
                foreach (var decision in response.Decisions)
                {
                    context.Console.MarkupLine($"[yellow]•[/] {Markup.Escape(decision.Question)}");
                }
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Show(GlobalOptions globals, CliEnvironment environment)
    {
        var id = MigrationIdArgument.Create();
        var command = new Command("show", "Print a migration's mapping spec (JSON)");
        command.Arguments.Add(id);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, globals, environment, async (context, ct) =>
        {
            var migrationId = MigrationIdArgument.Value(parseResult, id);
            var response = await Client(context).GetMappingAsync(new GetMappingRequest { MigrationId = migrationId }, cancellationToken: ct);
            if (context.Json is { } json)
            {
                json.Write("mapping", response);
            }
            else if (response.Spec is null)
            {
                context.Console.WriteLine($"Migration {migrationId} has no mapping spec: it copies tables as they are.");
            }
            else
            {
                context.Console.WriteLine(response.SpecJson);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Validate(GlobalOptions globals, CliEnvironment environment)
    {
        var file = FileOption(required: true);
        var source = SourceOption();
        var target = TargetOption();
        var migration = MigrationOption();
        var command = new Command("validate", "Check a mapping spec file against the databases; exit 1 when it has errors");
        command.Options.Add(file);
        command.Options.Add(source);
        command.Options.Add(target);
        command.Options.Add(migration);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, globals, environment, async (context, ct) =>
        {
            var request = new ValidateMappingRequest { SpecJson = await ReadAsync(parseResult.GetValue(file)!, ct) };
            Databases(parseResult, migration, source, target, id => request.MigrationId = id, (s, t) => (request.Source, request.Target) = (s, t));
            var response = await Client(context).ValidateMappingAsync(request, cancellationToken: ct);
            if (context.Json is { } json)
            {
                json.Write("mapping_validation", response);
            }
            else
            {
                RenderIssues(context.Console, response.Issues);
            }

            var errors = response.Issues.Count(i => i.Severity == MappingIssueSeverity.Error);
            if (!response.Valid)
            {
                return context.Fail(ExitCodes.Failed, $"the mapping spec has {errors} error(s)");
            }

            context.Json?.WriteResult(ExitCodes.Success, "the mapping spec is valid");
            if (!context.IsJson)
            {
                context.Console.MarkupLine("[green]The mapping spec is valid.[/]");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Set(GlobalOptions globals, CliEnvironment environment)
    {
        var id = MigrationIdArgument.Create();
        var file = FileOption(required: true);
        var command = new Command("set", "Replace the mapping spec of a migration that has not started; the plan is made again");
        command.Arguments.Add(id);
        command.Options.Add(file);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, globals, environment, async (context, ct) =>
        {
            var migrationId = MigrationIdArgument.Value(parseResult, id);
            var response = await Client(context).UpdateMappingAsync(new UpdateMappingRequest
            {
                MigrationId = migrationId,
                SpecJson = await ReadAsync(parseResult.GetValue(file)!, ct),
                UpdatedBy = context.Environment.UserName,
            }, cancellationToken: ct);
            RenderIssues(context.Console, response.Issues.Where(i => i.Severity != MappingIssueSeverity.Info));
            if (response.Plan is { } plan)
            {
                MigrationFlow.ShowPlan(context, plan);
            }

            context.Json?.WriteResult(ExitCodes.Success, $"mapping spec of {migrationId} replaced; approve the new plan", migrationId);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static MappingService.MappingServiceClient Client(CommandContext context) => new(context.Invoker);

    private static void Databases(ParseResult parseResult, Option<string?> migration, Option<string?> source, Option<string?> target,
        Action<string> useMigration, Action<ConnectionSpec, ConnectionSpec> useDatabases)
    {
        if (parseResult.GetValue(migration) is { Length: > 0 } id)
        {
            useMigration(id);
            return;
        }

        useDatabases(ConnectionSpecParser.Parse(parseResult.GetValue(source), "--source"), ConnectionSpecParser.Parse(parseResult.GetValue(target), "--target"));
    }

    private static async Task<string> ReadAsync(FileInfo file, CancellationToken cancellationToken) =>
        file.Exists ? await File.ReadAllTextAsync(file.FullName, cancellationToken) : throw CliException.Usage($"--file: no file {file.FullName}");

    private static void RenderConfidence(IAnsiConsole console, MappingSpec spec)
    {
        if (spec.Tables.Count == 0)
        {
            return;
        }

        console.WriteLine();
        var table = new Spectre.Console.Table().Border(TableBorder.Rounded).AddColumns("source → target", "confidence", "columns", "why");
        foreach (var map in spec.Tables)
        {
            table.AddRow(new Text($"{map.Source} → {map.Target}"),
                new Text(map.HasConfidence ? map.Confidence.ToString("0.00", CultureInfo.InvariantCulture) : ""),
                new Text((map.Columns.Count + map.References.Count + map.PolymorphicReferences.Count).ToString(CultureInfo.InvariantCulture)),
                new Text(map.Reason));
        }

        console.Write(table);
    }

    private static void RenderIssues(IAnsiConsole console, IEnumerable<MappingIssue> issues)
    {
        var list = issues.ToList();
        if (list.Count == 0)
        {
            return;
        }

        console.WriteLine();
        var table = new Spectre.Console.Table().Border(TableBorder.Rounded).AddColumns("severity", "field", "problem");
        foreach (var issue in list.OrderByDescending(i => i.Severity))
        {
            var color = issue.Severity switch
            {
                MappingIssueSeverity.Error => "red",
                MappingIssueSeverity.Warning => "yellow",
                _ => "grey",
            };
            table.AddRow(new Markup($"[{color}]{issue.Severity.ToString().ToLowerInvariant()}[/]"), new Text(issue.Path), new Text(issue.Message));
        }

        console.Write(table);
    }
}
