namespace Migration.Guidance.Language;

/// <summary>The seed's glossary: technical words and what we call them, explained in plain words.</summary>
internal static class Glossary
{
    public sealed record Entry(string Term, string Plain, string Explanation, IReadOnlyList<string> Aliases);

    public static IReadOnlyList<Entry> Entries { get; } =
    [
        new("junction table", "connection table",
            "A connection table links records of two other tables — for example which products are in which order. It holds little more than the two links, so it is copied after both tables it connects.",
            ["junction table", "junction tables", "join table", "link table", "junction", "connection table", "associative table", "bridge table"]),
        new("foreign key", "connection rule",
            "A connection rule says a record must point to a record that exists in another table — every order must belong to an existing customer. That is why parents are copied before the records that point to them.",
            ["foreign key", "foreign keys", "fk", "fks", "connection rule", "connection rules", "constraint", "constraints", "relationship"]),
        new("rollback", "safely returning to the previous state",
            "Safely returning to the previous state means undoing a change so things are as they were before. Your source database is never changed by the migration, so it is always the safe previous state.",
            ["rollback", "roll back", "rolling back", "rolled back"]),
        new("orphan", "data that lost its connection",
            "Data that lost its connection is a record that points to something that no longer exists — an order whose customer was deleted. The final check counts them, and they are reported, never silently dropped.",
            ["orphan", "orphans", "orphaned", "orphan rows", "orphaned rows", "orphan records"]),
        new("primary key", "record id",
            "The record id is the value that identifies each record uniquely (like a customer number). The copy walks through each table in record-id order, so it always knows exactly where it is.",
            ["primary key", "primary keys", "pk", "record id"]),
        new("batch", "page",
            "A page is a group of records copied and saved together. Its size adapts: faster pages make the next one bigger, slower ones smaller. Each saved page is never copied again, even after a restart.",
            ["batch", "batches", "page", "pages", "batch size", "chunk", "chunks"]),
        new("checkpoint", "saved point",
            "A saved point records how far a table has been copied, in the same step as the copied records. After any interruption the copy continues from there — nothing is lost and nothing is copied twice.",
            ["checkpoint", "checkpoints", "saved point"]),
        new("checksum", "content fingerprint",
            "A content fingerprint is a number computed from every value in a table. If the old and the new table give the same fingerprint, their contents are identical.",
            ["checksum", "checksums", "hash", "fingerprint"]),
        new("catalog table", "reference list",
            "A reference list is a small table of fixed values, like countries or product categories. It is copied in one go.",
            ["catalog table", "catalog tables", "lookup table", "reference table", "reference list"]),
        new("transactional table", "business records",
            "Business records are the everyday data — customers, orders, invoices. They are copied page by page.",
            ["transactional table", "transactional tables", "transactional"]),
        new("wave", "round",
            "A round is a group of tables copied at the same time because none of them points to another one still waiting. Round 1 holds the tables nothing else must come before.",
            ["wave", "waves", "round"]),
        new("quarantine", "set aside",
            "A record is set aside when it cannot be copied as it is (for example it breaks a rule of the new database). It is kept with the reason, so nothing disappears silently.",
            ["quarantine", "quarantined", "set aside"]),
        new("schema", "database layout",
            "The database layout is the list of tables and their columns. The migration reads the layout of both databases and plans from it.",
            ["schema", "schemas", "database layout"]),
        new("mapping", "column mapping",
            "The column mapping says where each old column goes in the new database and whether its values are converted on the way.",
            ["mapping", "mappings", "column mapping"]),
        new("validation", "final check",
            "The final check compares the old and new data: the number of records, the content fingerprint of every table, and data that lost its connection.",
            ["validation", "validate", "verification"]),
        new("throughput", "speed",
            "Speed is how many records are copied per second.",
            ["throughput", "rows per second", "rows/s"]),
    ];

    /// <summary>The entry whose alias occurs in the (normalized) text, longest alias first.</summary>
    public static Entry? Find(string normalized)
    {
        Entry? best = null;
        var bestLength = 0;
        foreach (var entry in Entries)
        {
            foreach (var alias in entry.Aliases)
            {
                if (alias.Length > bestLength && TextMatch.ContainsPhrase(normalized, alias))
                {
                    best = entry;
                    bestLength = alias.Length;
                }
            }
        }

        return best;
    }
}
