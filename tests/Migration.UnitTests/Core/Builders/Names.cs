using Migration.Core.Catalog;

namespace Migration.UnitTests.Core.Builders;

public static class Names
{
    /// <summary>Shorthand for <see cref="QualifiedName.Parse"/>: <c>Q("a")</c> is <c>public.a</c>.</summary>
    public static QualifiedName Q(string name) => QualifiedName.Parse(name);

    public static IReadOnlyList<string> Render(IEnumerable<IEnumerable<QualifiedName>> waves) =>
        waves.Select(w => string.Join(",", w.Select(t => t.Schema == "public" ? t.Name : t.ToString()))).ToList();
}
