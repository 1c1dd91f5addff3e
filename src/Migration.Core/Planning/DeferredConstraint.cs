using Migration.Core.Catalog;

namespace Migration.Core.Planning;

/// <summary>
/// A foreign key of the target that is set aside during the load and re-created (and so re-checked) afterwards:
/// because it closes a cycle, references its own table, or the user chose the faster load.
/// </summary>
public sealed record DeferredConstraint(QualifiedName Table, string Name, string Definition, IReadOnlyList<QualifiedName> Tables, string Reason);
