namespace Migration.Core.Catalog;

/// <summary>An installed extension: its name, the schema its objects live in, and its version.</summary>
public sealed record ExtensionInfo(string Name, string Schema, string Version);
