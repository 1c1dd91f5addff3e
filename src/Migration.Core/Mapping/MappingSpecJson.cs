using System.Text.Json;
using System.Text.Json.Serialization;
using Migration.Core.Serialization;

namespace Migration.Core.Mapping;

/// <summary>
/// The JSON file format of a <see cref="MappingSpec"/>: <see cref="MigrationJson.Options"/> (camelCase) with enums
/// written camelCase (read in any case), nulls and suggestion-free defaults left out when writing, indented, and
/// non-nullable members required when reading.
/// </summary>
public static class MappingSpecJson
{
    /// <summary>Options for spec files (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(MappingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return JsonSerializer.Serialize(spec, Options);
    }

    /// <summary>Reads a spec; a malformed document throws <see cref="MappingSpecFormatException"/> with the JSON path.</summary>
    public static MappingSpec Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<MappingSpec>(json, Options)
                ?? throw new MappingSpecFormatException("$", "The mapping specification is empty (null).");
        }
        catch (JsonException ex)
        {
            var path = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path;
            throw new MappingSpecFormatException(path, ex.Message, ex);
        }
    }

    public static async Task<MappingSpec> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Deserialize(text);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(MigrationJson.Options)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };
        options.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly();
        return options;
    }
}
