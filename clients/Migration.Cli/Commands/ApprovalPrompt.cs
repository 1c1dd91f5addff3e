using System.Globalization;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>
/// Asks a person on standard input: "Approve this plan? [y/N]" and a decision's options. End of input (no terminal,
/// stdin closed) is reported as null so the caller refuses instead of guessing.
/// </summary>
internal sealed class ApprovalPrompt(TextReader input, TextWriter prompts)
{
    private const int MaxTries = 3;

    /// <summary>True for y/yes, false for anything else (including an empty answer), null at end of input.</summary>
    public async Task<bool?> ConfirmAsync(string question, CancellationToken cancellationToken)
    {
        await prompts.WriteAsync(question);
        await prompts.FlushAsync(cancellationToken);
        var line = await ReadLineAsync(cancellationToken);
        return ParseYesNo(line);
    }

    /// <summary>The chosen option of <paramref name="decision"/>: a number, or Enter for the recommended one; null at end of input.</summary>
    public async Task<DecisionOption?> ChooseAsync(Decision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Options.Count == 0)
        {
            throw new CliException($"decision '{decision.Id}' has no options to choose from");
        }

        var recommended = decision.Options.ToList().FindIndex(o => o.Recommended);
        var hint = recommended >= 0 ? $", Enter = {recommended + 1}" : string.Empty;
        for (var i = 0; i < MaxTries; i++)
        {
            await prompts.WriteAsync($"Your choice for the decision above [1-{decision.Options.Count}{hint}]: ");
            await prompts.FlushAsync(cancellationToken);
            var line = await ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return null;
            }

            if (ParseChoice(line, decision) is { } option)
            {
                return option;
            }

            await prompts.WriteLineAsync($"Please answer a number from 1 to {decision.Options.Count}.");
        }

        throw new CliException(ExitCodes.ApprovalRefused, $"no valid answer to \"{decision.Question}\"; nothing was written");
    }

    /// <summary>y/yes (any case) = true; null stays null (end of input); anything else = false.</summary>
    public static bool? ParseYesNo(string? line) => line is null
        ? null
        : line.Trim().ToLowerInvariant() is "y" or "yes";

    /// <summary>"2" → the second option; "" → the recommended one (null if none); an option id works too.</summary>
    public static DecisionOption? ParseChoice(string line, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(decision);
        var text = line.Trim();
        if (text.Length == 0)
        {
            return decision.Options.FirstOrDefault(o => o.Recommended);
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= 1 && number <= decision.Options.Count)
        {
            return decision.Options[number - 1];
        }

        return decision.Options.FirstOrDefault(o => string.Equals(o.Id, text, StringComparison.OrdinalIgnoreCase));
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        // Console.In does not observe cancellation while it blocks; Ctrl+C must still end the wait.
        var line = await Task.Run(input.ReadLine, CancellationToken.None).WaitAsync(cancellationToken);
        if (line is null)
        {
            // End of input: end the prompt's line so what follows does not run on after it.
            await prompts.WriteLineAsync();
        }

        return line;
    }
}
