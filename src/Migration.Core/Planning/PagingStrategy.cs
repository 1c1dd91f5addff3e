namespace Migration.Core.Planning;

public enum PagingStrategy
{
    /// <summary>Pages cut on the key with a stable ORDER BY: <c>WHERE (k) &gt; (last) ORDER BY k LIMIT n</c>.</summary>
    Keyset,

    /// <summary>Tables without a usable key: pages are ranges of heap blocks (<c>ctid</c> range scans).</summary>
    CtidRange,
}
