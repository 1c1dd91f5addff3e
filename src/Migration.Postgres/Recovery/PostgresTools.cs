using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Migration.Postgres.Recovery;

/// <summary>
/// Runs pg_dump and pg_restore. The connection goes through libpq environment variables (PGHOST, PGPASSWORD...), so
/// the password is never on a command line, in a log or in an exception message.
/// </summary>
internal sealed class PostgresTools(RecoveryOptions options)
{
    public string Find(string program)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.PostgresBinDirectory))
        {
            candidates.Add(Path.Combine(options.PostgresBinDirectory, program));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin", program)));
        }

        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{program} was not found (looked in Recovery:PostgresBinDirectory, PATH and /usr/lib/postgresql/*/bin).");
    }

    /// <summary>Runs a tool to completion; throws with its standard error (no secrets: they are in the environment only).</summary>
    public async Task RunAsync(string program, IEnumerable<string> arguments, string connectionString, CancellationToken cancellationToken)
    {
        using var process = Start(program, arguments, connectionString, redirectOutput: false);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await WaitAsync(process, cancellationToken);
        var stderr = await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed (exit {process.ExitCode}): {Trim(stderr)}");
        }
    }

    /// <summary>
    /// Starts a tool whose standard output the caller reads (pg_restore -f -, pg_dump to stdout) and, with
    /// <paramref name="redirectInput"/>, whose standard input it writes (pg_restore of an archive it decrypts).
    /// </summary>
    public Process Start(string program, IEnumerable<string> arguments, string connectionString, bool redirectOutput, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(Find(program))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            StandardOutputEncoding = redirectOutput ? Encoding.UTF8 : null,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        info.Environment["PGHOST"] = builder.Host ?? "localhost";
        info.Environment["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture);
        info.Environment["PGUSER"] = builder.Username ?? "";
        info.Environment["PGDATABASE"] = builder.Database ?? builder.Username ?? "postgres";
        info.Environment["PGPASSWORD"] = builder.Password ?? "";
        info.Environment["PGSSLMODE"] = builder.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        info.Environment["PGAPPNAME"] = "Migration.Grpc backup";
        info.Environment["PGCONNECT_TIMEOUT"] = "15";
        return Process.Start(info) ?? throw new InvalidOperationException($"{program} could not be started.");
    }

    public static async Task WaitAsync(Process process, CancellationToken cancellationToken)
    {
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static string Trim(string text)
    {
        text = text.Trim();
        return text.Length > 2000 ? text[..2000] + "…" : text;
    }
}
