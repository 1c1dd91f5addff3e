namespace Migration.Redis.Tests.Infrastructure;

/// <summary>Temporary directories for data written by a test (embedded store data, host content roots).</summary>
public static class TestDirectories
{
    public static string Create(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "migration-redis-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
