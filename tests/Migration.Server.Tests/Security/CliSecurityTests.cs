using System.Text.Json;
using Migration.Cli;
using Migration.Cli.Commands;
using Migration.Server.Security;

namespace Migration.Server.Tests.Security;

/// <summary>The CLI against a server with authentication on: credentials from options and environment, the audit verb.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class CliSecurityTests(SecuredServerFixture fixture)
{
    [Fact]
    public async Task List_NoCredentials_FailsSayingHowToAuthenticate()
    {
        var (exit, _, stderr) = await RunCliAsync(new Dictionary<string, string?>(), "list");

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("Unauthenticated", stderr, StringComparison.Ordinal);
        Assert.Contains("--api-key", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ApiKeyOption_Succeeds()
    {
        var (exit, _, stderr) = await RunCliAsync(new Dictionary<string, string?>(), "list", "--api-key", fixture.Keys["viewer"]);

        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public async Task List_ApiKeyAndTokenFromEnvironment_Succeed()
    {
        var byKey = await RunCliAsync(new Dictionary<string, string?> { [ClientCredentials.ApiKeyVariable] = fixture.Keys["viewer"] }, "list");
        var byToken = await RunCliAsync(new Dictionary<string, string?>
        {
            [ClientCredentials.TokenVariable] = fixture.Token("dana", [MigrationRoles.Viewer]),
        }, "list");

        Assert.True(byKey.Exit == 0, byKey.Stderr);
        Assert.True(byToken.Exit == 0, byToken.Stderr);
    }

    [Fact]
    public async Task List_KeyAndTokenTogether_UsageError()
    {
        var (exit, _, stderr) = await RunCliAsync(new Dictionary<string, string?>(), "list", "--api-key", "a", "--token", "b");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("not both", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_AdminJson_ListsRefusedCallsOfTheServerTrail()
    {
        await RunCliAsync(new Dictionary<string, string?>(), "pause", "mig-cli-denied", "--api-key", fixture.Keys["viewer"]);

        var (exit, stdout, stderr) = await RunCliAsync(new Dictionary<string, string?>(), "audit", "--json", "--limit", "1000",
            "--api-key", fixture.Keys["admin"]);

        Assert.True(exit == 0, stderr);
        var records = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(records, r => r.GetRawText().Contains("PermissionDenied", StringComparison.Ordinal)
                                      && r.GetRawText().Contains("api-key:viewer", StringComparison.Ordinal)
                                      && r.GetRawText().Contains("PauseMigration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_Viewer_Fails()
    {
        var (exit, _, stderr) = await RunCliAsync(new Dictionary<string, string?>(), "audit", "--api-key", fixture.Keys["viewer"]);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("PermissionDenied", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyNew_PrintsAKeyWhoseHashTheServerAccepts()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["api-key", "new", "--name", "ci", "--roles", "operator,approver", "--json"], stdout, stderr, CancellationToken.None);

        Assert.True(exit == 0, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        var key = json.RootElement.GetProperty("key").GetString()!;
        var hash = json.RootElement.GetProperty("hash").GetString()!;
        Assert.Equal(ApiKeyHash.Compute(key), hash);
        Assert.Equal(ApiKeyCommand.Hash(key), hash);
        Assert.True(ApiKeyHash.IsWellFormed(hash));
        Assert.True(key.Length >= 40);
    }

    [Fact]
    public async Task ApiKeyNew_UnknownRole_UsageError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["api-key", "new", "--name", "ci", "--roles", "superuser"], stdout, stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("superuser", stderr.ToString(), StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(IReadOnlyDictionary<string, string?> variables, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new CliEnvironment(stdout, stderr, TextReader.Null)
        {
            GetEnvironmentVariable = name => variables.TryGetValue(name, out var value) ? value : null,
        };
        var exit = await CliApp.RunAsync([.. args, "--server", fixture.Server.Address], environment, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
