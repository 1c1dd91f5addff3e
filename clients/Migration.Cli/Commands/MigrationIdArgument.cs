using System.CommandLine;

namespace Migration.Cli.Commands;

internal static class MigrationIdArgument
{
    public static Argument<string> Create() => new("ID") { Description = "The migration's id (see: migration list)" };

    public static string Value(ParseResult parseResult, Argument<string> argument)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var id = parseResult.GetValue(argument)?.Trim();
        return string.IsNullOrEmpty(id) ? throw CliException.Usage("a migration ID is needed") : id;
    }
}
