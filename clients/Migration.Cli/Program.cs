using Migration.Cli;

// Ctrl+C stops watching (the migration goes on on the server); a second Ctrl+C ends the process at once.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!interrupt.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupt.Cancel();
    }
};

return await CliApp.RunAsync(args, CliEnvironment.ForConsole(), interrupt.Token);
