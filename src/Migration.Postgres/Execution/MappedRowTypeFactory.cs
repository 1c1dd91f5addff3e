using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using LinqToDB.Mapping;

namespace Migration.Postgres.Execution;

/// <summary>
/// Emits, once per distinct target table shape, a <see cref="MappedRow"/> subclass whose properties are the target
/// columns (<c>[Column(Name, DbType)]</c>), each a getter over one slot of <see cref="MappedRow.Values"/>.
/// linq2db maps it like a compile-time entity class.
/// </summary>
internal sealed class MappedRowTypeFactory
{
    private static readonly ConstructorInfo ColumnAttributeConstructor = typeof(ColumnAttribute).GetConstructor(Type.EmptyTypes)!;
    private static readonly PropertyInfo[] ColumnAttributeProperties =
    [
        typeof(ColumnAttribute).GetProperty(nameof(ColumnAttribute.Name))!,
        typeof(ColumnAttribute).GetProperty(nameof(ColumnAttribute.DbType))!,
        typeof(ColumnAttribute).GetProperty(nameof(ColumnAttribute.CanBeNull))!,
    ];

    private static readonly MethodInfo ValuesGetter = typeof(MappedRow).GetProperty(nameof(MappedRow.Values))!.GetMethod!;

    private readonly ModuleBuilder _module;
    private readonly ConcurrentDictionary<string, Type> _types = new(StringComparer.Ordinal);
    private readonly Lock _emitLock = new();
    private int _sequence;

    public MappedRowTypeFactory()
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"Migration.Postgres.MappedRows.{Guid.NewGuid():N}"), AssemblyBuilderAccess.Run);
        _module = assembly.DefineDynamicModule("MappedRows");
    }

    public Type GetRowType(IReadOnlyList<MappedColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var key = string.Join('\u001f', columns.Select(c => $"{c.Name}\u001e{c.DataTypeName}"));
        if (_types.TryGetValue(key, out var existing))
        {
            return existing;
        }

        lock (_emitLock)
        {
            return _types.GetOrAdd(key, _ => Emit(columns));
        }
    }

    private Type Emit(IReadOnlyList<MappedColumn> columns)
    {
        var type = _module.DefineType(
            $"MappedRow{Interlocked.Increment(ref _sequence)}",
            TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class,
            typeof(MappedRow));
        type.DefineDefaultConstructor(MethodAttributes.Public);

        for (var i = 0; i < columns.Count; i++)
        {
            var property = type.DefineProperty($"C{i}", PropertyAttributes.None, typeof(object), null);
            var getter = type.DefineMethod(
                $"get_C{i}",
                MethodAttributes.Public | MethodAttributes.SpecialName | MethodAttributes.HideBySig,
                typeof(object),
                Type.EmptyTypes);
            var il = getter.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, ValuesGetter);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelem_Ref);
            il.Emit(OpCodes.Ret);
            property.SetGetMethod(getter);

            var setter = type.DefineMethod(
                $"set_C{i}",
                MethodAttributes.Public | MethodAttributes.SpecialName | MethodAttributes.HideBySig,
                null,
                [typeof(object)]);
            il = setter.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, ValuesGetter);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Stelem_Ref);
            il.Emit(OpCodes.Ret);
            property.SetSetMethod(setter);

            property.SetCustomAttribute(new CustomAttributeBuilder(
                ColumnAttributeConstructor,
                [],
                ColumnAttributeProperties,
                [columns[i].Name, columns[i].DataTypeName, true]));
        }

        return type.CreateType();
    }
}
