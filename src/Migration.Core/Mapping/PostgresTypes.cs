using System.Globalization;
using Migration.Core.Catalog;

namespace Migration.Core.Mapping;

/// <summary>
/// What the mapping needs to know about PostgreSQL types as <c>format_type</c> prints them: their family, their
/// width, whether a value of one can always be stored in another, and the labels of an enum type of a catalog.
/// </summary>
public static class PostgresTypes
{
    public static TypeCategory Categorize(string dataType, DatabaseCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        var type = BaseName(dataType);
        if (dataType.EndsWith("[]", StringComparison.Ordinal))
        {
            return TypeCategory.Array;
        }

        switch (type)
        {
            case "smallint" or "integer" or "bigint" or "int" or "int2" or "int4" or "int8" or "serial" or "bigserial":
                return TypeCategory.Integer;
            case "numeric" or "decimal" or "real" or "double precision" or "money" or "float4" or "float8":
                return TypeCategory.Decimal;
            case "text" or "character varying" or "varchar" or "character" or "char" or "bpchar" or "name" or "citext" or "\"char\"":
                return TypeCategory.Text;
            case "boolean" or "bool":
                return TypeCategory.Boolean;
            case "uuid":
                return TypeCategory.Uuid;
            case "date":
                return TypeCategory.Date;
            case "time without time zone" or "time with time zone" or "time" or "interval":
                return TypeCategory.Time;
            case "timestamp without time zone" or "timestamp with time zone" or "timestamp" or "timestamptz":
                return TypeCategory.Timestamp;
            case "json" or "jsonb":
                return TypeCategory.Json;
            case "bytea":
                return TypeCategory.Binary;
        }

        if (catalog is not null && FindEnum(dataType, catalog) is not null)
        {
            return TypeCategory.Enum;
        }

        if (catalog?.Domains.FirstOrDefault(d => SameTypeName(d.Name, dataType)) is { } domain)
        {
            return Categorize(domain.BaseType, catalog);
        }

        return TypeCategory.Other;
    }

    /// <summary>The enum type of <paramref name="catalog"/> named <paramref name="dataType"/> (qualified or not), if any.</summary>
    public static EnumTypeInfo? FindEnum(string dataType, DatabaseCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Enums.FirstOrDefault(e => SameTypeName(e.Name, dataType));
    }

    /// <summary>
    /// Whether every value of <paramref name="source"/> is stored unchanged in <paramref name="target"/> by PostgreSQL's
    /// assignment rules (same type, wider integer, wider/unbounded text, integer into numeric, ...).
    /// </summary>
    public static bool IsSafeAssignment(string source, string target, DatabaseCatalog sourceCatalog, DatabaseCatalog targetCatalog)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (string.Equals(source, target, StringComparison.Ordinal))
        {
            return Categorize(source, sourceCatalog) != TypeCategory.Enum || FindEnum(target, targetCatalog) is not null;
        }

        var from = Categorize(source, sourceCatalog);
        var to = Categorize(target, targetCatalog);
        return (from, to) switch
        {
            (TypeCategory.Integer, TypeCategory.Integer) => IntegerWidth(BaseName(source)) <= IntegerWidth(BaseName(target)),
            (TypeCategory.Integer, TypeCategory.Decimal) => !IsNarrowNumeric(target, 19),
            (TypeCategory.Decimal, TypeCategory.Decimal) => !IsNarrowing(source, target),
            (TypeCategory.Text, TypeCategory.Text) => !IsNarrowing(source, target),
            (_, TypeCategory.Text) => from != TypeCategory.Binary && Length(target) is null,
            (TypeCategory.Date, TypeCategory.Timestamp) => true,
            (TypeCategory.Timestamp, TypeCategory.Timestamp) => true,
            (TypeCategory.Json, TypeCategory.Json) => true,
            (TypeCategory.Boolean, TypeCategory.Boolean) or (TypeCategory.Uuid, TypeCategory.Uuid) or (TypeCategory.Binary, TypeCategory.Binary) => true,
            (TypeCategory.Time, TypeCategory.Time) => string.Equals(BaseName(source), BaseName(target), StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>
    /// Whether a cast between the two types can fail or lose information for some values of the source: parsing text
    /// into a number/date/uuid/boolean/enum, a narrower integer, numeric or varchar, timestamp → date, decimal → integer.
    /// </summary>
    public static bool CastCanFail(string source, string target, DatabaseCatalog sourceCatalog, DatabaseCatalog targetCatalog)
    {
        var from = Categorize(source, sourceCatalog);
        var to = Categorize(target, targetCatalog);
        if (to == TypeCategory.Text && !IsNarrowing(source, target))
        {
            return false;
        }

        return !IsSafeAssignment(source, target, sourceCatalog, targetCatalog) && !(from == TypeCategory.Integer && to == TypeCategory.Boolean);
    }

    /// <summary>Whether a cast between types of the same family keeps fewer digits or characters (bigint → integer, varchar(100) → varchar(20)).</summary>
    public static bool IsNarrowing(string source, string target)
    {
        var from = BaseName(source);
        var to = BaseName(target);
        var fromInt = IntegerWidth(from);
        var toInt = IntegerWidth(to);
        if (fromInt > 0 && toInt > 0)
        {
            return fromInt > toInt;
        }

        var fromLength = Length(source);
        var toLength = Length(target);
        if (IsTextName(from) && IsTextName(to))
        {
            return toLength is not null && (fromLength is null || fromLength > toLength);
        }

        if (from is "numeric" or "decimal" && to is "numeric" or "decimal")
        {
            var (fp, fs) = Precision(source);
            var (tp, ts) = Precision(target);
            return tp is not null && (fp is null || fp - fs > tp - ts || fs > ts);
        }

        return (from, to) switch
        {
            ("double precision", "real") => true,
            ("double precision" or "real" or "numeric" or "decimal", _) when toInt > 0 => true,
            _ => false,
        };
    }

    /// <summary>The type name without its modifiers: <c>character varying(20)</c> → <c>character varying</c>.</summary>
    public static string BaseName(string dataType)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        var paren = dataType.IndexOf('(', StringComparison.Ordinal);
        var name = paren < 0 ? dataType : dataType[..paren] + dataType[(dataType.IndexOf(')', paren) + 1)..];
        return name.Trim().ToLowerInvariant() switch
        {
            "pg_catalog.text" => "text",
            var other => other,
        };
    }

    private static bool IsNarrowNumeric(string target, int digits)
    {
        var (p, s) = Precision(target);
        return p is not null && p - s < digits;
    }

    private static bool IsTextName(string name) => name is "text" or "character varying" or "varchar" or "character" or "char" or "bpchar" or "citext";

    private static int IntegerWidth(string name) => name switch
    {
        "smallint" or "int2" => 2,
        "integer" or "int" or "int4" or "serial" => 4,
        "bigint" or "int8" or "bigserial" => 8,
        _ => 0,
    };

    private static int? Length(string dataType)
    {
        var open = dataType.IndexOf('(', StringComparison.Ordinal);
        var close = dataType.IndexOf(')', StringComparison.Ordinal);
        return open > 0 && close > open && int.TryParse(dataType[(open + 1)..close], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static (int? Precision, int Scale) Precision(string dataType)
    {
        var open = dataType.IndexOf('(', StringComparison.Ordinal);
        var close = dataType.IndexOf(')', StringComparison.Ordinal);
        if (open < 0 || close < open)
        {
            return (null, 0);
        }

        var parts = dataType[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries);
        var precision = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var scale = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        return (precision, scale);
    }

    private static bool SameTypeName(QualifiedName name, string dataType)
    {
        var unquoted = dataType.Replace("\"", "", StringComparison.Ordinal);
        return unquoted == name.ToString() || unquoted == name.Name;
    }
}
