using System.Globalization;
using System.Text.Json;
using Migration.Core.Catalog;
using Migration.Core.Planning;

namespace Migration.Core.Mapping;

/// <summary>
/// The Data Mapping agent's suggestion, deterministic (no model needed): pairs tables by name (prefixes such as
/// <c>dispatch_</c> stripped, plural/singular, abbreviations) and shared columns; gives a table new uuid keys when its
/// target key is a uuid and its source key an integer (keeping the legacy id where the target has a column for it);
/// turns foreign keys into references, FKs to small lookup tables into lookup merges, content-type pairs into
/// polymorphic references; pairs columns by name and type, with value maps onto enums from sampled values; folds
/// what is left into the target's JSON column. Every part carries a confidence and a reason; parts below the
/// threshold are left out of the spec and asked as decisions.
/// </summary>
public static class MappingSuggester
{
    public const double DefaultThreshold = 0.7;

    /// <summary>Below this a candidate is not worth asking about.</summary>
    private const double AskFloor = 0.35;

    public static MappingSuggestion Suggest(DatabaseCatalog source, DatabaseCatalog target, SourceSamples? samples = null, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        return new Suggester(source, target, samples ?? SourceSamples.None, threshold).Run();
    }

    private sealed class Suggester(DatabaseCatalog source, DatabaseCatalog target, SourceSamples samples, double threshold)
    {
        private readonly string? _sourcePrefix = NameMatcher.CommonPrefix(source.Tables.Select(t => t.Name.Name));
        private readonly string? _targetPrefix = NameMatcher.CommonPrefix(target.Tables.Select(t => t.Name.Name));
        private readonly List<DecisionRequest> _decisions = [];
        private readonly Dictionary<QualifiedName, (TableInfo Target, double Score, string Reason)> _pairs = [];
        private readonly HashSet<QualifiedName> _consumed = [];

        public MappingSuggestion Run()
        {
            PairTables();
            var maps = new List<TableMap>();
            foreach (var (sourceName, pair) in _pairs.OrderBy(p => p.Key))
            {
                maps.Add(MapTable(source.FindTable(sourceName)!, pair.Target, pair.Score, pair.Reason));
            }

            foreach (var unpaired in source.Tables.Where(t => !_pairs.ContainsKey(t.Name) && !_consumed.Contains(t.Name) && t.PartitionParent is null).OrderBy(t => t.Name))
            {
                _decisions.Add(new DecisionRequest($"mapping-source-{unpaired.Name}",
                    $"No target table was found for the source table {unpaired.Name} ({unpaired.Rows:N0} rows). Leave it out?",
                    [
                        new DecisionOption("leave-out", "Leave it out", "Its rows are not migrated.", "Its data is not in the target.", true),
                        new DecisionOption("map-manually", "Map it by hand", "Add an entry for it to the specification.", "None.", false),
                    ],
                    "Data of this table is not migrated unless it is mapped.", "Leave it out, unless its data is needed."));
            }

            foreach (var missing in target.Tables.Where(t => _pairs.Values.All(p => p.Target.Name != t.Name)).OrderBy(t => t.Name))
            {
                _decisions.Add(new DecisionRequest($"mapping-target-{missing.Name}",
                    $"No source table was found for the target table {missing.Name}. Leave it empty?",
                    [
                        new DecisionOption("leave-empty", "Leave it empty", "Nothing is written to it.", "The table stays empty.", true),
                        new DecisionOption("map-manually", "Map it by hand", "Add an entry naming its source table.", "None.", false),
                    ],
                    "The migration only fills tables that have a source.", "Leave it empty, unless a source table holds its data."));
            }

            return new MappingSuggestion(new MappingSpec(maps), _decisions, threshold);
        }

        private void PairTables()
        {
            var candidates = new List<(TableInfo Source, TableInfo Target, double Score, string Reason)>();
            foreach (var s in source.Tables.Where(t => t.PartitionParent is null))
            {
                var sName = NameMatcher.StripPrefix(s.Name.Name, _sourcePrefix);
                foreach (var t in target.Tables.Where(t => t.PartitionParent is null))
                {
                    var tName = NameMatcher.StripPrefix(t.Name.Name, _targetPrefix);
                    var name = NameMatcher.Similarity(sName, tName);
                    if (name < 0.3)
                    {
                        continue;
                    }

                    var overlap = ColumnOverlap(s, t);
                    var score = name >= 0.99 ? 0.9 + (0.1 * overlap) : (0.7 * name) + (0.3 * overlap);
                    var reason = name >= 0.99
                        ? $"same name once the prefix is removed ({sName} = {tName}); {overlap:P0} of the target's columns have a namesake"
                        : $"similar names ({sName} ~ {tName}, {name:0.00}); {overlap:P0} of the target's columns have a namesake";
                    candidates.Add((s, t, score, reason));
                }
            }

            var usedTargets = new HashSet<QualifiedName>();
            foreach (var candidate in candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Source.Name).ThenBy(c => c.Target.Name))
            {
                if (_pairs.ContainsKey(candidate.Source.Name) || usedTargets.Contains(candidate.Target.Name))
                {
                    continue;
                }

                if (candidate.Score >= threshold)
                {
                    _pairs[candidate.Source.Name] = (candidate.Target, Math.Round(candidate.Score, 2), candidate.Reason);
                    usedTargets.Add(candidate.Target.Name);
                }
                else if (candidate.Score >= AskFloor + 0.15)
                {
                    _decisions.Add(new DecisionRequest($"mapping-table-{candidate.Source.Name}-{candidate.Target.Name}",
                        $"Is {candidate.Source.Name} the source of {candidate.Target.Name}? ({candidate.Reason}; confidence {candidate.Score:0.00})",
                        [
                            new DecisionOption("map", "Yes, map it", $"Add {candidate.Source.Name} → {candidate.Target.Name} to the specification.", "Wrong data in the target if they are unrelated.", false),
                            new DecisionOption("leave-out", "No", "Leave the pair out.", "None.", true),
                        ],
                        "Only a guess from the names; nothing is mapped until you say so.", "Check the two tables' columns before mapping them."));
                }
            }
        }

        private static double ColumnOverlap(TableInfo s, TableInfo t)
        {
            var targetColumns = t.Columns.Where(c => !c.IsGenerated).ToList();
            if (targetColumns.Count == 0)
            {
                return 0;
            }

            var matched = targetColumns.Count(tc => s.Columns.Any(sc => NameMatcher.Similarity(sc.Name, tc.Name) >= 0.7));
            return (double)matched / targetColumns.Count;
        }

        private TableMap MapTable(TableInfo s, TableInfo t, double score, string reason)
        {
            var filledTargets = new HashSet<string>(StringComparer.Ordinal);
            var usedSources = new HashSet<string>(StringComparer.Ordinal);
            var key = SuggestKey(s, t);
            if (key is { Strategy: KeyStrategy.NewUuid })
            {
                filledTargets.Add(key.TargetColumn);
                usedSources.Add(key.SourceColumn ?? s.PrimaryKey!.Columns[0]);
                if (key.LegacyIdColumn is not null)
                {
                    filledTargets.Add(key.LegacyIdColumn);
                }
            }

            var references = new List<ReferenceMap>();
            var lookups = new List<LookupMerge>();
            var columns = new List<ColumnMap>();
            var polymorphic = new List<PolymorphicReferenceMap>();
            foreach (var fk in s.ForeignKeys.Where(f => f.Columns.Count == 1))
            {
                var column = fk.Columns[0];
                if (_pairs.TryGetValue(fk.ReferencedTable, out var parent))
                {
                    if (SuggestReference(s, t, fk, parent.Target) is { } reference)
                    {
                        references.Add(reference);
                        filledTargets.Add(reference.TargetColumn);
                        usedSources.Add(column);
                    }

                    continue;
                }

                if (source.FindTable(fk.ReferencedTable) is not { } referenced)
                {
                    continue;
                }

                if (SuggestPolymorphic(s, t, fk, referenced, filledTargets) is { } poly)
                {
                    polymorphic.Add(poly);
                    _consumed.Add(referenced.Name);
                    usedSources.Add(poly.TypeColumn);
                    usedSources.Add(poly.IdColumn);
                    foreach (var written in poly.TargetColumns())
                    {
                        filledTargets.Add(written);
                    }

                    continue;
                }

                if (SuggestLookup(s, t, fk, referenced, filledTargets) is { } lookup)
                {
                    lookups.Add(lookup.Lookup);
                    _consumed.Add(referenced.Name);
                    usedSources.Add(column);
                    if (lookup.Column is { } mapped)
                    {
                        columns.Add(mapped);
                        filledTargets.Add(mapped.Target);
                    }
                }
            }

            var json = t.Columns.Where(c => PostgresTypes.Categorize(c.DataType, target) == TypeCategory.Json && !filledTargets.Contains(c.Name)).ToList();
            columns.AddRange(SuggestColumns(s, t, filledTargets, usedSources, json));
            LeftoverMap? leftovers = null;
            var leftoverColumn = json.Where(c => !filledTargets.Contains(c.Name))
                .OrderByDescending(c => IsLeftoverName(c.Name)).ThenBy(c => c.Ordinal).FirstOrDefault();
            if (leftoverColumn is not null)
            {
                leftovers = new LeftoverMap(leftoverColumn.Name) { AllUnmapped = true };
                filledTargets.Add(leftoverColumn.Name);
            }

            var map = new TableMap(s.Name, t.Name)
            {
                Key = key,
                Lookups = lookups,
                Columns = columns,
                References = references,
                PolymorphicReferences = polymorphic,
                Leftovers = leftovers,
                Confidence = score,
                Reason = reason,
            };

            foreach (var required in t.Columns.Where(c => !c.IsNullable && c.DefaultExpression is null && c.Identity is null && !c.IsGenerated && !filledTargets.Contains(c.Name)))
            {
                _decisions.Add(new DecisionRequest($"mapping-required-{t.Name}-{required.Name}",
                    $"The target column {t.Name}.{required.Name} ({required.DataType}) is required, but no source column was found for it. What should fill it?",
                    [
                        new DecisionOption("default", "A fixed default value", "Set defaultValue for it in the specification.", "Every row gets the same value.", false),
                        new DecisionOption("map-manually", "Name its source", "Add a column entry naming the source column or an expression.", "None.", true),
                        new DecisionOption("change-target", "Change the target", "Make the column nullable or give it a default in the target schema.", "Changes the target schema.", false),
                    ],
                    "The migration cannot start while a required column has nothing to fill it.", "Name its source column."));
            }

            return map;
        }

        private KeyMap? SuggestKey(TableInfo s, TableInfo t)
        {
            if (t.PrimaryKey is not { Columns.Count: 1 } targetKey || s.PrimaryKey is not { Columns.Count: 1 } sourceKey)
            {
                return null;
            }

            var targetColumn = t.FindColumn(targetKey.Columns[0])!;
            var sourceColumn = s.FindColumn(sourceKey.Columns[0])!;
            if (PostgresTypes.Categorize(targetColumn.DataType, target) != TypeCategory.Uuid
                || PostgresTypes.Categorize(sourceColumn.DataType, source) == TypeCategory.Uuid)
            {
                return null;
            }

            var legacy = t.Columns.FirstOrDefault(c => c.Name != targetColumn.Name && IsLegacyIdName(c.Name, t)
                && (PostgresTypes.IsSafeAssignment(sourceColumn.DataType, c.DataType, source, target) || PostgresTypes.Categorize(c.DataType, target) == TypeCategory.Text));
            return new KeyMap
            {
                SourceColumn = sourceColumn.Name == "id" ? null : sourceColumn.Name,
                TargetColumn = targetColumn.Name,
                LegacyIdColumn = legacy?.Name,
            };
        }

        private static bool IsLegacyIdName(string name, TableInfo t)
        {
            var words = NameMatcher.Words(name);
            return words.Count >= 2 && words[^1] == "id" && words.Any(w => w is "legacy" or "old" or "original" or "source" or "external")
                || name == $"legacy_{NameMatcher.Words(t.Name.Name).LastOrDefault()}_id";
        }

        private static bool IsLeftoverName(string name) =>
            NameMatcher.Words(name).Any(w => w is "metadata" or "meta" or "extra" or "attribute" or "legacy" or "propertie" or "property" or "detail" or "custom" or "data");

        private ReferenceMap? SuggestReference(TableInfo s, TableInfo t, ForeignKeyInfo fk, TableInfo parentTarget)
        {
            var column = fk.Columns[0];
            var entityType = parentTarget.Name.Name;
            var viaKey = t.ForeignKeys.FirstOrDefault(f => f.ReferencedTable == parentTarget.Name && f.Columns.Count == 1
                && f.Columns[0] != t.PrimaryKey?.Columns.FirstOrDefault());
            string? targetColumn = viaKey?.Columns[0];
            double confidence;
            string reason;
            if (targetColumn is not null)
            {
                confidence = 0.95;
                reason = $"the source key {fk.Name} and the target key {viaKey!.Name} connect the same tables";
            }
            else
            {
                var best = t.Columns
                    .Where(c => PostgresTypes.Categorize(c.DataType, target) == TypeCategory.Uuid && c.Name != t.PrimaryKey?.Columns.FirstOrDefault())
                    .Select(c => (Column: c, Score: NameMatcher.Similarity(column, c.Name)))
                    .OrderByDescending(c => c.Score).FirstOrDefault();
                if (best.Column is null || best.Score < 0.5)
                {
                    return null;
                }

                targetColumn = best.Column.Name;
                confidence = Math.Round(0.9 * best.Score, 2);
                reason = $"the foreign key {column} points at {fk.ReferencedTable}, migrated as {parentTarget.Name}; the uuid column {targetColumn} has the same name";
            }

            if (confidence < threshold)
            {
                AskColumn(t, targetColumn, $"the new id of the {entityType} that {s.Name}.{column} points at", confidence, reason);
                return null;
            }

            return new ReferenceMap(column, targetColumn, entityType);
        }

        private PolymorphicReferenceMap? SuggestPolymorphic(TableInfo s, TableInfo t, ForeignKeyInfo fk, TableInfo referenced, HashSet<string> filledTargets)
        {
            var model = referenced.FindColumn("model") ?? referenced.Columns.FirstOrDefault(c => NameMatcher.Words(c.Name).Contains("model"));
            var typeWords = NameMatcher.Words(fk.Columns[0]);
            if (model is null && !typeWords.Contains("type"))
            {
                return null;
            }

            var idColumn = s.Columns.FirstOrDefault(c => c.Name != fk.Columns[0] && NameMatcher.Words(c.Name) is var w && w.Count >= 2 && w[^1] == "id"
                && w.Any(x => x is "object" or "entity" or "target" or "subject" or "content" or "item" or "record"));
            if (idColumn is null)
            {
                return null;
            }

            var targetColumn = t.Columns.FirstOrDefault(c => !filledTargets.Contains(c.Name) && PostgresTypes.Categorize(c.DataType, target) == TypeCategory.Uuid
                && c.Name != t.PrimaryKey?.Columns.FirstOrDefault()
                && NameMatcher.Words(c.Name).Any(x => x is "object" or "entity" or "target" or "subject" or "content" or "item" or "record" or "related"));
            if (targetColumn is null)
            {
                return null;
            }

            var typeTarget = t.Columns.FirstOrDefault(c => !filledTargets.Contains(c.Name) && PostgresTypes.Categorize(c.DataType, target) == TypeCategory.Text
                && NameMatcher.Words(c.Name).Contains("type"));
            var types = new List<PolymorphicTarget>();
            if (model is not null && samples.Rows.TryGetValue(referenced.Name, out var rows) && referenced.PrimaryKey is { Columns.Count: 1 } pk)
            {
                var idIndex = referenced.Columns.ToList().FindIndex(c => c.Name == pk.Columns[0]);
                var modelIndex = referenced.Columns.ToList().IndexOf(model);
                foreach (var row in rows)
                {
                    if (row[idIndex] is not { } id || row[modelIndex] is not { } modelName)
                    {
                        continue;
                    }

                    var match = _pairs.Values.Select(p => (p.Target, Score: NameMatcher.Similarity(modelName, NameMatcher.StripPrefix(p.Target.Name.Name, _targetPrefix))))
                        .OrderByDescending(p => p.Score).FirstOrDefault();
                    if (match.Target is not null && match.Score >= 0.9)
                    {
                        types.Add(new PolymorphicTarget(id, match.Target.Name.Name));
                    }
                }
            }

            var reference = new PolymorphicReferenceMap(fk.Columns[0], idColumn.Name)
            {
                Types = types.OrderBy(p => p.TypeValue, StringComparer.Ordinal).ToList(),
                TargetColumn = targetColumn.Name,
                TypeTargetColumn = typeTarget?.Name,
            };
            if (types.Count == 0)
            {
                AskColumn(t, targetColumn.Name, $"the new id of whatever {s.Name}.{fk.Columns[0]} + {idColumn.Name} point at (no content types were sampled to tell which tables)", 0.5,
                    "looks like a polymorphic reference (a type column and an object id)");
                return null;
            }

            return reference;
        }

        private (LookupMerge Lookup, ColumnMap? Column)? SuggestLookup(TableInfo s, TableInfo t, ForeignKeyInfo fk, TableInfo referenced, HashSet<string> filledTargets)
        {
            if (referenced.Columns.Count > 4 || referenced.PrimaryKey is not { Columns.Count: 1 } pk || pk.Columns[0] != fk.ReferencedColumns[0])
            {
                return null;
            }

            var valueColumn = referenced.Columns.Where(c => c.Name != pk.Columns[0] && PostgresTypes.Categorize(c.DataType, source) == TypeCategory.Text)
                .OrderByDescending(c => NameMatcher.Words(c.Name).Any(w => w is "name" or "label" or "title" or "code")).FirstOrDefault();
            if (valueColumn is null)
            {
                return null;
            }

            var baseWords = NameMatcher.Words(fk.Columns[0]).Where(w => w != "id").ToList();
            var tableWords = NameMatcher.Words(NameMatcher.StripPrefix(referenced.Name.Name, _sourcePrefix));
            var best = t.Columns.Where(c => !filledTargets.Contains(c.Name) && !c.IsGenerated)
                .Select(c => (Column: c, Score: Math.Max(NameMatcher.Similarity(baseWords, NameMatcher.Words(c.Name)), NameMatcher.Similarity(tableWords, NameMatcher.Words(c.Name)))))
                .OrderByDescending(c => c.Score).FirstOrDefault();
            if (best.Column is null || best.Score < 0.7)
            {
                return null;
            }

            var name = string.Join("_", baseWords.Append(valueColumn.Name));
            var lookup = new LookupMerge(name, fk.Columns[0], referenced.Name, valueColumn.Name);
            var reason = $"{fk.Columns[0]} points at the small table {referenced.Name}; its {valueColumn.Name} is joined in";
            var targetEnum = PostgresTypes.FindEnum(best.Column.DataType, target);
            ColumnMap column;
            double confidence;
            if (targetEnum is not null)
            {
                var values = LookupValues(referenced, valueColumn);
                var (map, matched, why) = ValueMatcher.Match(values, targetEnum.Labels);
                confidence = Math.Round(best.Score * matched, 2);
                column = new ColumnMap(best.Column.Name)
                {
                    Source = name,
                    Transform = ColumnTransform.ValueMap,
                    Values = map,
                    Confidence = confidence,
                    Reason = $"{reason}; {why}",
                };
            }
            else if (PostgresTypes.IsSafeAssignment(valueColumn.DataType, best.Column.DataType, source, target))
            {
                confidence = Math.Round(best.Score * 0.9, 2);
                column = new ColumnMap(best.Column.Name) { Source = name, Confidence = confidence, Reason = reason };
            }
            else
            {
                return null;
            }

            if (confidence < threshold)
            {
                AskColumn(t, best.Column.Name, Json(column), confidence, column.Reason!);
                return (lookup, null);
            }

            return (lookup, column);
        }

        private List<string> LookupValues(TableInfo referenced, ColumnInfo valueColumn)
        {
            if (samples.Rows.TryGetValue(referenced.Name, out var rows))
            {
                var index = referenced.Columns.ToList().IndexOf(valueColumn);
                return rows.Select(r => r[index]).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            }

            return samples.Find(referenced.Name, valueColumn.Name)?.Values.ToList() ?? [];
        }

        private List<ColumnMap> SuggestColumns(TableInfo s, TableInfo t, HashSet<string> filledTargets, HashSet<string> usedSources, List<ColumnInfo> json)
        {
            var sourceTableWords = NameMatcher.Words(NameMatcher.StripPrefix(s.Name.Name, _sourcePrefix));
            var targetTableWords = NameMatcher.Words(NameMatcher.StripPrefix(t.Name.Name, _targetPrefix));
            var candidates = new List<(ColumnInfo Source, ColumnInfo Target, ColumnMap Map, double Confidence, double Name)>();
            foreach (var tc in t.Columns.Where(c => !c.IsGenerated && !filledTargets.Contains(c.Name) && !json.Contains(c)))
            {
                foreach (var sc in s.Columns.Where(c => !c.IsGenerated && !usedSources.Contains(c.Name)))
                {
                    var name = Math.Max(NameMatcher.Similarity(sc.Name, tc.Name),
                        NameMatcher.Similarity(Without(NameMatcher.Words(sc.Name), sourceTableWords), Without(NameMatcher.Words(tc.Name), targetTableWords)));
                    if (name < 0.5)
                    {
                        continue;
                    }

                    if (Transform(s, sc, tc) is not { } proposal)
                    {
                        continue;
                    }

                    var confidence = Math.Round(name * proposal.Factor, 2);
                    var nameReason = name >= 0.99 ? $"same name ({sc.Name})" : $"similar name ({sc.Name} ~ {tc.Name}, {name:0.00})";
                    candidates.Add((sc, tc, proposal.Map with { Confidence = confidence, Reason = $"{nameReason}; {proposal.Reason}" }, confidence, name));
                }
            }

            var result = new List<ColumnMap>();
            var asked = new HashSet<string>(StringComparer.Ordinal);
            foreach (var candidate in candidates.OrderByDescending(c => c.Confidence).ThenByDescending(c => c.Name).ThenBy(c => c.Target.Ordinal).ThenBy(c => c.Source.Ordinal))
            {
                if (filledTargets.Contains(candidate.Target.Name) || usedSources.Contains(candidate.Source.Name))
                {
                    continue;
                }

                if (candidate.Confidence >= threshold)
                {
                    result.Add(candidate.Map);
                    filledTargets.Add(candidate.Target.Name);
                    usedSources.Add(candidate.Source.Name);
                }
                else if (candidate.Confidence >= AskFloor && asked.Add(candidate.Target.Name))
                {
                    AskColumn(t, candidate.Target.Name, Json(candidate.Map), candidate.Confidence, candidate.Map.Reason!);
                }
            }

            return result.OrderBy(c => t.FindColumn(c.Target)!.Ordinal).ToList();
        }

        private (ColumnMap Map, double Factor, string Reason)? Transform(TableInfo s, ColumnInfo sc, ColumnInfo tc)
        {
            var copy = new ColumnMap(tc.Name) { Source = sc.Name };
            if (PostgresTypes.IsSafeAssignment(sc.DataType, tc.DataType, source, target))
            {
                return (copy, 1, sc.DataType == tc.DataType ? $"same type ({sc.DataType})" : $"{sc.DataType} fits {tc.DataType}");
            }

            var from = PostgresTypes.Categorize(sc.DataType, source);
            var to = PostgresTypes.Categorize(tc.DataType, target);
            if (PostgresTypes.FindEnum(tc.DataType, target) is { } targetEnum && from is TypeCategory.Text or TypeCategory.Integer or TypeCategory.Enum)
            {
                var values = samples.Find(s.Name, sc.Name) is { HasMore: false } sampled ? sampled.Values : [];
                if (from == TypeCategory.Enum && PostgresTypes.FindEnum(sc.DataType, source) is { } sourceEnum)
                {
                    values = sourceEnum.Labels;
                }

                var (map, matched, why) = ValueMatcher.Match(values, targetEnum.Labels);
                return values.Count == 0
                    ? (copy with { Transform = ColumnTransform.ValueMap, Values = map }, 0.5, $"{tc.DataType} is an enum and no values were sampled to map")
                    : (copy with { Transform = ColumnTransform.ValueMap, Values = map }, matched, why);
            }

            if (from == to && PostgresTypes.IsNarrowing(sc.DataType, tc.DataType))
            {
                return (copy with { Transform = ColumnTransform.Cast, OnCastFailure = CastFailurePolicy.Reject }, 0.85,
                    $"{sc.DataType} narrowed to {tc.DataType}; values that do not fit are rejected for review");
            }

            if (to == TypeCategory.Text)
            {
                return (copy with { Transform = ColumnTransform.Cast }, 0.9, $"{sc.DataType} written as text");
            }

            if (from == TypeCategory.Integer && to == TypeCategory.Boolean)
            {
                return (copy with { Transform = ColumnTransform.Cast, OnCastFailure = CastFailurePolicy.Reject }, 0.8, "0/1 integer read as a boolean");
            }

            if (from == TypeCategory.Text && to is TypeCategory.Integer or TypeCategory.Decimal or TypeCategory.Date or TypeCategory.Timestamp or TypeCategory.Boolean or TypeCategory.Uuid)
            {
                return (copy with { Transform = ColumnTransform.Cast, OnCastFailure = CastFailurePolicy.Reject }, 0.6,
                    $"text parsed as {tc.DataType}; values that do not parse are rejected for review");
            }

            if ((from, to) is (TypeCategory.Decimal, TypeCategory.Integer) or (TypeCategory.Timestamp, TypeCategory.Date) or (TypeCategory.Integer, TypeCategory.Decimal))
            {
                return (copy with { Transform = ColumnTransform.Cast, OnCastFailure = CastFailurePolicy.Reject }, 0.8, $"{sc.DataType} cast to {tc.DataType}");
            }

            return null;
        }

        private void AskColumn(TableInfo t, string column, string proposal, double confidence, string reason) =>
            _decisions.Add(new DecisionRequest($"mapping-column-{t.Name}-{column}",
                $"Not sure how to fill {t.Name}.{column} (confidence {confidence.ToString("0.00", CultureInfo.InvariantCulture)}: {reason}). The best guess is: {proposal}. Use it?",
                [
                    new DecisionOption("use", "Use the guess", "Add it to the specification as proposed.", "Wrong values in this column if the guess is wrong.", confidence >= 0.5),
                    new DecisionOption("leave-empty", "Leave the column out", "The column gets its default or NULL.", "The column stays empty.", confidence < 0.5),
                    new DecisionOption("map-manually", "Map it by hand", "Write the column's entry yourself.", "None.", false),
                ],
                "Uncertain parts are asked, never guessed: the suggestion leaves this column out until you decide.",
                confidence >= 0.5 ? "Check the guess and use it." : "Map it by hand."));

        private static IReadOnlyList<string> Without(IReadOnlyList<string> words, IReadOnlyList<string> remove)
        {
            var rest = words.Where(w => !remove.Contains(w, StringComparer.Ordinal)).ToList();
            return rest.Count == 0 ? words : rest;
        }

        private static string Json(ColumnMap column) =>
            JsonSerializer.Serialize(column with { Confidence = null, Reason = null }, MappingSpecJson.Options).Replace("\n", " ", StringComparison.Ordinal).Replace("  ", "", StringComparison.Ordinal);
    }
}
