namespace Migration.Core.Migrations;

public enum WritePath
{
    /// <summary>Binary COPY streamed from source to target, page by page (identity mapping, matching types).</summary>
    PassThrough,

    /// <summary>Rows read, mapped and written with linq2db BulkCopy (ProviderSpecific binary COPY).</summary>
    Mapped,
}
