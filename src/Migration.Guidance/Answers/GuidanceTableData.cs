namespace Migration.Guidance.Answers;

/// <summary>A small table an answer carries (e.g. progress per table).</summary>
public sealed record GuidanceTableData(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
