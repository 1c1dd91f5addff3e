namespace Migration.Testing;

/// <summary>Whether a Docker engine answers here (Testcontainers needs one; the project's CI machines have none).</summary>
public static class DockerAvailability
{
    public static bool IsAvailable() =>
        File.Exists("/var/run/docker.sock") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"));
}
