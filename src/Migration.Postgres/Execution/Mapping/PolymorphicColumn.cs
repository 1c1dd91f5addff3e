using Npgsql;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// A column of a polymorphic reference: the new id when the row points at one of <paramref name="entities"/> (null:
/// any entity, the shared column), or the entity type name (<paramref name="typeName"/>).
/// </summary>
internal sealed class PolymorphicColumn(string name, string dataTypeName, int reference, IReadOnlySet<string>? entities, bool typeName)
    : SpecTargetColumn(name, dataTypeName)
{
    public override object? Value(NpgsqlDataReader reader, SpecRow row)
    {
        var entity = row.PolymorphicEntity[reference];
        if (entity is null)
        {
            return null;
        }

        if (typeName)
        {
            return entity;
        }

        return entities is null || entities.Contains(entity) ? row.PolymorphicIds[reference] : null;
    }
}
