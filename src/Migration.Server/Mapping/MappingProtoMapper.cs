using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Proto = Migration.Contracts.V1;

namespace Migration.Server.Mapping;

/// <summary>
/// Maps the mapping specification between the domain (Core) and the public contract. Converting a request's spec
/// collects every malformed field (empty or unparsable names) with its JSON path instead of stopping at the first.
/// </summary>
public static class MappingProtoMapper
{
    public static Proto.MappingSpec ToProto(this MappingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var result = new Proto.MappingSpec { Version = spec.Version, IncludeUnlistedTables = spec.IncludeUnlistedTables };
        result.Tables.AddRange(spec.Tables.Select(ToProto));
        return result;
    }

    public static Proto.MappingIssue ToProto(this MappingIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return new Proto.MappingIssue
        {
            Severity = issue.Severity switch
            {
                MappingIssueSeverity.Error => Proto.MappingIssueSeverity.Error,
                MappingIssueSeverity.Warning => Proto.MappingIssueSeverity.Warning,
                _ => Proto.MappingIssueSeverity.Info,
            },
            Path = issue.Path,
            Message = issue.Message,
            Kind = issue.Kind,
        };
    }

    /// <summary>The domain spec, or the malformed fields (path, problem) when some cannot be read.</summary>
    public static (MappingSpec? Spec, IReadOnlyList<(string Field, string Description)> Violations) ToDomain(this Proto.MappingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var violations = new List<(string, string)>();
        var tables = new List<TableMap>();
        for (var i = 0; i < spec.Tables.Count; i++)
        {
            tables.Add(ToDomain(spec.Tables[i], $"tables[{i}]", violations));
        }

        var result = new MappingSpec(tables)
        {
            Version = spec.Version == 0 ? MappingSpec.CurrentVersion : spec.Version,
            IncludeUnlistedTables = spec.IncludeUnlistedTables,
        };
        return (violations.Count == 0 ? result : null, violations);
    }

    private static Proto.TableMap ToProto(TableMap table)
    {
        var result = new Proto.TableMap
        {
            Source = table.Source.ToString(),
            Target = table.Target.ToString(),
            Filter = table.Filter ?? "",
            Reason = table.Reason ?? "",
        };
        if (table.Confidence is { } confidence)
        {
            result.Confidence = confidence;
        }

        if (table.Key is { } key)
        {
            result.Key = new Proto.KeyMap
            {
                Strategy = key.Strategy == KeyStrategy.Keep ? Proto.KeyStrategy.Keep : Proto.KeyStrategy.NewUuid,
                SourceColumn = key.SourceColumn ?? "",
                TargetColumn = key.TargetColumn,
                LegacyIdColumn = key.LegacyIdColumn ?? "",
                EntityType = key.EntityType ?? "",
            };
        }

        result.Lookups.AddRange(table.Lookups.Select(l => new Proto.LookupMerge
        {
            Name = l.Name, SourceColumn = l.SourceColumn, Table = l.Table.ToString(), ValueColumn = l.ValueColumn, KeyColumn = l.KeyColumn ?? "",
        }));
        result.Columns.AddRange(table.Columns.Select(ToProto));
        result.References.AddRange(table.References.Select(r => new Proto.ReferenceMap
        {
            SourceColumn = r.SourceColumn, TargetColumn = r.TargetColumn, EntityType = r.EntityType, OnOrphan = ToProto(r.OnOrphan),
        }));
        foreach (var polymorphic in table.PolymorphicReferences)
        {
            var map = new Proto.PolymorphicReferenceMap
            {
                TypeColumn = polymorphic.TypeColumn,
                IdColumn = polymorphic.IdColumn,
                TargetColumn = polymorphic.TargetColumn ?? "",
                TypeTargetColumn = polymorphic.TypeTargetColumn ?? "",
                OnOrphan = ToProto(polymorphic.OnOrphan),
            };
            map.Types_.AddRange(polymorphic.Types.Select(t => new Proto.PolymorphicTarget { TypeValue = t.TypeValue, EntityType = t.EntityType, TargetColumn = t.TargetColumn ?? "" }));
            result.PolymorphicReferences.Add(map);
        }

        if (table.Leftovers is { } leftovers)
        {
            result.Leftovers = new Proto.LeftoverMap { TargetColumn = leftovers.TargetColumn, AllUnmapped = leftovers.AllUnmapped };
            result.Leftovers.Columns.AddRange(leftovers.Columns);
        }

        if (table.Duplicates is { } duplicates)
        {
            result.Duplicates = new Proto.DuplicateRule
            {
                Policy = duplicates.Policy switch
                {
                    DuplicatePolicy.Skip => Proto.DuplicatePolicy.Skip,
                    DuplicatePolicy.KeepFirst => Proto.DuplicatePolicy.KeepFirst,
                    DuplicatePolicy.Update => Proto.DuplicatePolicy.Update,
                    _ => Proto.DuplicatePolicy.Fail,
                },
            };
            result.Duplicates.Columns.AddRange(duplicates.Columns);
        }

        return result;
    }

    private static Proto.ColumnMap ToProto(ColumnMap column)
    {
        var result = new Proto.ColumnMap
        {
            Target = column.Target,
            Source = column.Source ?? "",
            Transform = column.Transform switch
            {
                ColumnTransform.Cast => Proto.ColumnTransform.Cast,
                ColumnTransform.ValueMap => Proto.ColumnTransform.ValueMap,
                ColumnTransform.Expression => Proto.ColumnTransform.Expression,
                ColumnTransform.Concat => Proto.ColumnTransform.Concat,
                ColumnTransform.Split => Proto.ColumnTransform.Split,
                _ => Proto.ColumnTransform.Copy,
            },
            CastType = column.CastType ?? "",
            OnCastFailure = column.OnCastFailure switch
            {
                CastFailurePolicy.Reject => Proto.CastFailurePolicy.Reject,
                CastFailurePolicy.Null => Proto.CastFailurePolicy.Null,
                CastFailurePolicy.Default => Proto.CastFailurePolicy.Default,
                _ => Proto.CastFailurePolicy.Unspecified,
            },
            Else = column.Else switch
            {
                ValueMapElse.Null => Proto.ValueMapElse.Null,
                ValueMapElse.Default => Proto.ValueMapElse.Default,
                ValueMapElse.Keep => Proto.ValueMapElse.Keep,
                _ => Proto.ValueMapElse.Reject,
            },
            Expression = column.Expression ?? "",
            Part = column.Part,
            Reason = column.Reason ?? "",
        };
        if (column.DefaultValue is not null)
        {
            result.DefaultValue = column.DefaultValue;
        }

        if (column.Separator is not null)
        {
            result.Separator = column.Separator;
        }

        if (column.Confidence is { } confidence)
        {
            result.Confidence = confidence;
        }

        result.Columns.AddRange(column.Columns);
        if (column.Values is not null)
        {
            foreach (var (from, to) in column.Values)
            {
                var entry = new Proto.ValueMapEntry { From = from };
                if (to is not null)
                {
                    entry.To = to;
                }

                result.Values.Add(entry);
            }
        }

        return result;
    }

    private static TableMap ToDomain(Proto.TableMap table, string path, List<(string, string)> violations)
    {
        var source = Name(table.Source, $"{path}.source", violations);
        var target = Name(table.Target, $"{path}.target", violations);
        var lookups = new List<LookupMerge>();
        for (var j = 0; j < table.Lookups.Count; j++)
        {
            var l = table.Lookups[j];
            lookups.Add(new LookupMerge(l.Name, l.SourceColumn, Name(l.Table, $"{path}.lookups[{j}].table", violations), l.ValueColumn)
            {
                KeyColumn = Empty(l.KeyColumn),
            });
        }

        var columns = new List<ColumnMap>();
        for (var j = 0; j < table.Columns.Count; j++)
        {
            columns.Add(ToDomain(table.Columns[j], $"{path}.columns[{j}]", violations));
        }

        return new TableMap(source, target)
        {
            Filter = Empty(table.Filter),
            Key = table.Key is { } key
                ? new KeyMap
                {
                    Strategy = key.Strategy == Proto.KeyStrategy.Keep ? KeyStrategy.Keep : KeyStrategy.NewUuid,
                    SourceColumn = Empty(key.SourceColumn),
                    TargetColumn = Empty(key.TargetColumn) ?? "id",
                    LegacyIdColumn = Empty(key.LegacyIdColumn),
                    EntityType = Empty(key.EntityType),
                }
                : null,
            Lookups = lookups,
            Columns = columns,
            References = table.References.Select(r => new ReferenceMap(r.SourceColumn, r.TargetColumn, r.EntityType) { OnOrphan = ToDomain(r.OnOrphan) }).ToList(),
            PolymorphicReferences = table.PolymorphicReferences.Select(p => new PolymorphicReferenceMap(p.TypeColumn, p.IdColumn)
            {
                Types = p.Types_.Select(t => new PolymorphicTarget(t.TypeValue, t.EntityType) { TargetColumn = Empty(t.TargetColumn) }).ToList(),
                TargetColumn = Empty(p.TargetColumn),
                TypeTargetColumn = Empty(p.TypeTargetColumn),
                OnOrphan = ToDomain(p.OnOrphan),
            }).ToList(),
            Leftovers = table.Leftovers is { } leftovers
                ? new LeftoverMap(leftovers.TargetColumn) { Columns = [.. leftovers.Columns], AllUnmapped = leftovers.AllUnmapped }
                : null,
            Duplicates = table.Duplicates is { } duplicates
                ? new DuplicateRule([.. duplicates.Columns], duplicates.Policy switch
                {
                    Proto.DuplicatePolicy.Skip => DuplicatePolicy.Skip,
                    Proto.DuplicatePolicy.KeepFirst => DuplicatePolicy.KeepFirst,
                    Proto.DuplicatePolicy.Update => DuplicatePolicy.Update,
                    Proto.DuplicatePolicy.Fail => DuplicatePolicy.Fail,
                    _ => Invalid(DuplicatePolicy.Fail, $"{path}.duplicates.policy", "choose skip, keep_first, update or fail", violations),
                })
                : null,
            Confidence = table.HasConfidence ? table.Confidence : null,
            Reason = Empty(table.Reason),
        };
    }

    private static ColumnMap ToDomain(Proto.ColumnMap column, string path, List<(string, string)> violations)
    {
        Dictionary<string, string?>? values = null;
        if (column.Values.Count > 0)
        {
            values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var entry in column.Values)
            {
                if (!values.TryAdd(entry.From, entry.HasTo ? entry.To : null))
                {
                    violations.Add(($"{path}.values[\"{entry.From}\"]", "the value is listed twice"));
                }
            }
        }

        return new ColumnMap(column.Target)
        {
            Source = Empty(column.Source),
            Transform = column.Transform switch
            {
                Proto.ColumnTransform.Cast => ColumnTransform.Cast,
                Proto.ColumnTransform.ValueMap => ColumnTransform.ValueMap,
                Proto.ColumnTransform.Expression => ColumnTransform.Expression,
                Proto.ColumnTransform.Concat => ColumnTransform.Concat,
                Proto.ColumnTransform.Split => ColumnTransform.Split,
                _ => ColumnTransform.Copy,
            },
            CastType = Empty(column.CastType),
            OnCastFailure = column.OnCastFailure switch
            {
                Proto.CastFailurePolicy.Reject => CastFailurePolicy.Reject,
                Proto.CastFailurePolicy.Null => CastFailurePolicy.Null,
                Proto.CastFailurePolicy.Default => CastFailurePolicy.Default,
                _ => null,
            },
            Values = values,
            Else = column.Else switch
            {
                Proto.ValueMapElse.Null => ValueMapElse.Null,
                Proto.ValueMapElse.Default => ValueMapElse.Default,
                Proto.ValueMapElse.Keep => ValueMapElse.Keep,
                _ => ValueMapElse.Reject,
            },
            DefaultValue = column.HasDefaultValue ? column.DefaultValue : null,
            Expression = Empty(column.Expression),
            Columns = [.. column.Columns],
            Separator = column.HasSeparator ? column.Separator : null,
            Part = column.Part,
            Confidence = column.HasConfidence ? column.Confidence : null,
            Reason = Empty(column.Reason),
        };
    }

    private static Proto.OrphanPolicy ToProto(OrphanPolicy policy) => policy switch
    {
        OrphanPolicy.SetNull => Proto.OrphanPolicy.SetNull,
        OrphanPolicy.Fail => Proto.OrphanPolicy.Fail,
        _ => Proto.OrphanPolicy.SkipAndList,
    };

    private static OrphanPolicy ToDomain(Proto.OrphanPolicy policy) => policy switch
    {
        Proto.OrphanPolicy.SetNull => OrphanPolicy.SetNull,
        Proto.OrphanPolicy.Fail => OrphanPolicy.Fail,
        _ => OrphanPolicy.SkipAndList,
    };

    private static string? Empty(string text) => string.IsNullOrEmpty(text) ? null : text;

    private static T Invalid<T>(T fallback, string field, string problem, List<(string, string)> violations)
    {
        violations.Add((field, problem));
        return fallback;
    }

    private static QualifiedName Name(string text, string field, List<(string, string)> violations)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            violations.Add((field, "a table name is required (\"schema.table\" or \"table\")"));
            return new QualifiedName("public", "?");
        }

        try
        {
            return QualifiedName.Parse(text);
        }
        catch (ArgumentException ex)
        {
            violations.Add((field, ex.Message));
            return new QualifiedName("public", "?");
        }
    }
}
