namespace Migration.Server.Tests.Infrastructure;

public static class TestData
{
    /// <summary>The shared rich source schema (tests/Migration.Testing/Sql), copied next to the test assembly.</summary>
    public static string RichSchemaPath => Path.Combine(AppContext.BaseDirectory, "Sql", "rich-schema.sql");
}
