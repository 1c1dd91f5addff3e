using System.Text.Json;
using System.Text.Json.Serialization;
using Migration.Core.Catalog;

namespace Migration.Core.Mapping;

/// <summary>
/// Writes a <see cref="QualifiedName"/> as <c>"schema.table"</c>; reads that, a bare <c>"table"</c> (schema
/// <c>public</c>) or the object form <c>{"schema": ..., "name": ...}</c>.
/// </summary>
public sealed class QualifiedNameJsonConverter : JsonConverter<QualifiedName>
{
    public override QualifiedName? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString();
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new JsonException("A table name must not be empty.");
            }

            try
            {
                return QualifiedName.Parse(text);
            }
            catch (ArgumentException ex)
            {
                throw new JsonException(ex.Message, ex);
            }
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            string? schema = null;
            string? name = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var property = reader.GetString();
                reader.Read();
                if (string.Equals(property, "schema", StringComparison.OrdinalIgnoreCase))
                {
                    schema = reader.GetString();
                }
                else if (string.Equals(property, "name", StringComparison.OrdinalIgnoreCase))
                {
                    name = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            if (string.IsNullOrEmpty(name))
            {
                throw new JsonException("A table name object needs a \"name\".");
            }

            return new QualifiedName(string.IsNullOrEmpty(schema) ? "public" : schema, name);
        }

        throw new JsonException("A table name is a string \"schema.table\".");
    }

    public override void Write(Utf8JsonWriter writer, QualifiedName value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.ToString());
    }
}
