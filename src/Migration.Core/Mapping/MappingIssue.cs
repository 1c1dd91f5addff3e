namespace Migration.Core.Mapping;

/// <summary>One finding about a mapping spec.</summary>
/// <param name="Path">The offending field, e.g. <c>tables[2].columns[5].source</c> (camelCase JSON names, 0-based).</param>
/// <param name="Message">What is wrong and how to fix it, in plain words.</param>
/// <param name="Kind">A stable short code (e.g. "unknown-column", "narrowing-cast") for programs and decisions.</param>
public sealed record MappingIssue(MappingIssueSeverity Severity, string Path, string Message, string Kind);
