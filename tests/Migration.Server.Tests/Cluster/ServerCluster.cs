using System.Globalization;
using System.Text.Json;
using Migration.Testing;
using StackExchange.Redis;

namespace Migration.Server.Tests.Cluster;

/// <summary>
/// Several real server processes on this machine forming ONE Orleans cluster on a shared Redis (Redis clustering,
/// grain storage, reminders, events) under a cluster id, service id and key prefix of their own.
/// </summary>
public sealed class ServerCluster : IAsyncDisposable
{
    private const int ActiveStatus = 3; // Orleans SiloStatus.Active in the Redis membership table

    private readonly string _redis;

    private ServerCluster(string id, string redis, IReadOnlyList<ServerProcess> servers)
    {
        Id = id;
        _redis = redis;
        Servers = servers;
    }

    /// <summary>Cluster id, service id and the key prefix's middle part.</summary>
    public string Id { get; }

    public IReadOnlyList<ServerProcess> Servers { get; }

    public static async Task<ServerCluster> StartAsync(int count, string redis, string name)
    {
        var id = $"{name}-{Guid.NewGuid().ToString("N")[..8]}";
        var starts = Enumerable.Range(0, count).Select(_ =>
        {
            var options = new ServerProcessOptions { StartTimeout = TimeSpan.FromMinutes(4) };
            options.Environment["Redis__ConnectionString"] = redis;
            options.Environment["Redis__KeyPrefix"] = $"test:{id}:";
            options.Environment["Orleans__ClusterId"] = id;
            options.Environment["Orleans__ServiceId"] = id;
            options.Environment["Orleans__AdvertisedIPAddress"] = "127.0.0.1";
            return ServerProcess.StartAsync(options);
        }).ToList();

        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }

        var cluster = new ServerCluster(id, redis, starts.Select(s => s.Result).ToList());
        try
        {
            await cluster.WaitForActiveSilosAsync(count, TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException first)
        {
            // Seen once in CI (2 of 3 silos active after 2 minutes, every process up): say which server and what its
            // log and the membership table show, then start that server again, once.
            var stuck = await cluster.InactiveServersAsync();
            await Console.Error.WriteLineAsync(
                $"[cluster {id}] {first.Message}; restarting {string.Join(", ", stuck)}. Membership: {await cluster.MembershipAsync()}" +
                Environment.NewLine + string.Join(Environment.NewLine, stuck.Select(s => s.Tail(80))));
            try
            {
                foreach (var server in stuck)
                {
                    await server.RestartAsync();
                }

                await cluster.WaitForActiveSilosAsync(count, TimeSpan.FromMinutes(2));
            }
            catch (Exception again)
            {
                var detail = $"{again.Message}. Membership: {await cluster.MembershipAsync()}{Environment.NewLine}{cluster.Tails()}";
                await cluster.DisposeAsync();
                throw new TimeoutException(detail, again);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The servers whose silo is not listed as active in the membership table.</summary>
    private async Task<List<ServerProcess>> InactiveServersAsync()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis);
        var members = await connection.GetDatabase().HashGetAllAsync($"{Id}/members/{Id}");
        var active = members.Where(m => m.Value.ToString() is var v && v.StartsWith('{') && IsActive(v)).ToList();
        return Servers.Where(server => !active.Exists(m =>
            $"{m.Name}{m.Value}".Contains($":{server.SiloPort.ToString(CultureInfo.InvariantCulture)}:", StringComparison.Ordinal) ||
            m.Value.ToString().Contains($"\"{server.SiloPort.ToString(CultureInfo.InvariantCulture)}\"", StringComparison.Ordinal))).ToList();
    }

    /// <summary>The membership table's rows, for a failure message.</summary>
    private async Task<string> MembershipAsync()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis);
        var members = await connection.GetDatabase().HashGetAllAsync($"{Id}/members/{Id}");
        return string.Join(" | ", members.Select(m => $"{m.Name} = {m.Value}"));
    }

    private static bool IsActive(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("Status", out var status) && status.GetInt32() == ActiveStatus;
    }

    /// <summary>Waits until the membership table lists <paramref name="count"/> active silos.</summary>
    public async Task WaitForActiveSilosAsync(int count, TimeSpan timeout)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis);
        await WaitFor.ConditionAsync(async () => await ActiveSilosAsync(connection.GetDatabase()), n => n == count, timeout,
            $"{count} active silos in cluster {Id}");
    }

    /// <summary>The server whose silo port appears in a silo address such as "S127.0.0.1:41111:154842406".</summary>
    public ServerProcess? ServerOfSilo(string silo) =>
        Servers.FirstOrDefault(s => silo.Contains($":{s.SiloPort.ToString(CultureInfo.InvariantCulture)}:", StringComparison.Ordinal));

    public string Tails() => string.Join(Environment.NewLine, Servers.Select(s => s.Tail(120)));

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis);
        var database = connection.GetDatabase();
        foreach (var endpoint in connection.GetEndPoints())
        {
            await foreach (var key in connection.GetServer(endpoint).KeysAsync(pattern: $"*{Id}*"))
            {
                await database.KeyDeleteAsync(key);
            }
        }
    }

    private async Task<int> ActiveSilosAsync(IDatabase database)
    {
        var members = await database.HashGetAllAsync($"{Id}/members/{Id}");
        var active = 0;
        foreach (var member in members)
        {
            var value = member.Value.ToString();
            if (!value.StartsWith('{'))
            {
                continue; // the table's version entry
            }

            if (IsActive(value))
            {
                active++;
            }
        }

        return active;
    }
}
