using System.Net;
using Microsoft.Extensions.Options;

namespace Migration.Agents.Hosting;

/// <summary>Checks the "Orleans" section at start-up with messages that name the setting to fix.</summary>
public sealed class AgentRuntimeOptionsValidator : IValidateOptions<AgentRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("Orleans:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("Orleans:ServiceId must not be empty.");
        }

        if (options.SiloPort is < 0 or > 65535)
        {
            failures.Add($"Orleans:SiloPort must be between 0 (pick a free port) and 65535; it is {options.SiloPort}.");
        }

        if (options.GatewayPort is < 0 or > 65535)
        {
            failures.Add($"Orleans:GatewayPort must be between 0 (no gateway) and 65535; it is {options.GatewayPort}.");
        }

        if (options.GatewayPort != 0 && options.GatewayPort == options.SiloPort)
        {
            failures.Add($"Orleans:GatewayPort and Orleans:SiloPort must differ; both are {options.SiloPort}.");
        }

        if (!string.IsNullOrWhiteSpace(options.AdvertisedIPAddress) && !IPAddress.TryParse(options.AdvertisedIPAddress, out _))
        {
            failures.Add($"Orleans:AdvertisedIPAddress must be an IP address such as 10.0.0.5; it is \"{options.AdvertisedIPAddress}\".");
        }

        if (options.ProbeTimeout < TimeSpan.FromSeconds(1) || options.ProbeTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Orleans:ProbeTimeout must be between 00:00:01 and 00:05:00; it is {options.ProbeTimeout}.");
        }

        if (options.MissedProbesLimit is < 1 or > 10)
        {
            failures.Add($"Orleans:MissedProbesLimit must be between 1 and 10; it is {options.MissedProbesLimit}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
