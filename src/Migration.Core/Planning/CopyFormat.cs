namespace Migration.Core.Planning;

/// <summary>
/// The COPY format of the pass-through path. Binary is fastest, but binary arrays and composites carry the type
/// OIDs of the source database, which differ in the target for user-defined types (enum arrays, composite columns):
/// such tables are copied in text format, which carries labels instead.
/// </summary>
public enum CopyFormat
{
    Binary,
    Text,
}
