using System.Text;

namespace Migration.Core.Mapping;

/// <summary>
/// The rules a mapping spec's SQL (a column expression, a row filter) must follow before it is sent anywhere: one
/// expression over the source row and nothing else. The server wraps it (<c>SELECT (expr) FROM t</c>,
/// <c>WHERE (filter)</c>), so it may not close that wrapper (unbalanced parentheses), end the statement (<c>;</c>),
/// hide the rest (<c>--</c>, <c>/*</c>), hold a query (<c>SELECT</c>, <c>WITH</c>, <c>VALUES</c>, <c>TABLE</c>,
/// <c>UNION</c>, …), quote with dollars, or call a function that waits, changes state, reads files, reaches other
/// databases or runs SQL given as text (<see cref="ForbiddenFunctions"/>). String literals and quoted identifiers are
/// skipped, so <c>'a;b -- c'</c> is fine. Functions the source database defines itself are the owner's code and are
/// not judged here; PostgreSQL still parses every expression (read only, no row read) before a run.
/// </summary>
public static class SqlExpressionGuard
{
    /// <summary>Functions (by name, any schema) an expression may not call.</summary>
    public static IReadOnlySet<string> ForbiddenFunctions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "pg_sleep", "pg_sleep_for", "pg_sleep_until",
        "nextval", "setval", "set_config", "pg_notify", "txid_current", "pg_current_xact_id",
        "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal",
        "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_file_write", "pg_logical_emit_message",
        "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
        "table_to_xml", "table_to_xml_and_xmlschema", "schema_to_xml", "database_to_xml", "ts_stat", "dblink",
    };

    /// <summary>Name prefixes of function families an expression may not call (dblink_exec, lo_import, pg_advisory_lock, …).</summary>
    public static IReadOnlyList<string> ForbiddenPrefixes { get; } =
        ["dblink", "lo_", "pg_advisory", "pg_try_advisory", "pg_create_", "pg_drop_", "pg_replication_", "pg_promote", "pg_import_"];

    private static readonly HashSet<string> QueryWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "with", "values", "table", "union", "intersect", "except", "insert", "update", "delete", "merge", "into",
        "returning", "copy", "drop", "create", "alter", "truncate", "grant", "revoke", "execute", "call", "do", "lock",
        "notify", "listen", "vacuum", "analyze", "prepare", "deallocate", "declare", "fetch", "commit", "rollback",
    };

    /// <summary>
    /// The table with its refused SQL left out (filter null, expression null; positions kept), so that SQL which failed
    /// <see cref="Check"/> is never sent to a database, not even to be parsed.
    /// </summary>
    public static TableMap WithoutRefusedSql(TableMap table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table with
        {
            Filter = table.Filter is { } filter && Check(filter, "row filter") is not null ? null : table.Filter,
            Columns = [.. table.Columns.Select(c => c.Expression is { } e && Check(e, "expression") is not null ? c with { Expression = null } : c)],
        };
    }

    /// <summary>Why <paramref name="sql"/> is refused, or null when it is one plain expression.</summary>
    /// <param name="what">"expression" or "row filter", for the message.</param>
    public static string? Check(string sql, string what)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var code = new StringBuilder(sql.Length);
        var depth = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            switch (c)
            {
                case '\'' or '"':
                    var end = ClosingQuote(sql, i, c);
                    if (end < 0)
                    {
                        return $"The {what} has an unterminated {(c == '\'' ? "string" : "quoted name")}.";
                    }

                    code.Append(c == '\'' ? " '' " : " \"\" ");
                    i = end;
                    continue;
                case '$' when i == 0 || !char.IsLetterOrDigit(sql[i - 1]) && sql[i - 1] != '_':
                    return $"The {what} may not use dollar quoting or parameters ($); write strings in single quotes.";
                case ';':
                    return $"The {what} must be one SQL expression without ';'.";
                case '-' when next == '-':
                case '/' when next == '*':
                    return $"The {what} may not contain comments (-- or /*).";
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth < 0)
                    {
                        return $"The {what} closes a parenthesis it did not open.";
                    }

                    break;
            }

            code.Append(c);
        }

        if (depth != 0)
        {
            return $"The {what} leaves {depth} parenthesis(es) open.";
        }

        var words = Words(code.ToString());
        for (var w = 0; w < words.Count; w++)
        {
            var (word, followedByParen) = words[w];
            if (QueryWords.Contains(word))
            {
                return $"The {what} may not contain a query or statement (\"{word.ToUpperInvariant()}\"); it is one expression over the source row's columns " +
                       $"(a column named {word} is written in double quotes: \"{word}\").";
            }

            if (followedByParen && (ForbiddenFunctions.Contains(word) || ForbiddenPrefixes.Any(p => word.StartsWith(p, StringComparison.OrdinalIgnoreCase))))
            {
                return $"The {what} may not call {word}(): it waits, changes state, reads files, reaches another database or runs SQL given as text.";
            }
        }

        return null;
    }

    /// <summary>The index of the quote closing the one at <paramref name="start"/> (doubled quotes and E'' escapes skipped), or -1.</summary>
    private static int ClosingQuote(string sql, int start, char quote)
    {
        var escapes = quote == '\'' && start > 0 && (sql[start - 1] is 'e' or 'E') && (start < 2 || !char.IsLetterOrDigit(sql[start - 2]));
        for (var i = start + 1; i < sql.Length; i++)
        {
            if (escapes && sql[i] == '\\')
            {
                i++;
                continue;
            }

            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return -1;
    }

    /// <summary>The bare words of the code (literals already blanked), each with whether a '(' follows it.</summary>
    private static List<(string Word, bool FollowedByParen)> Words(string code)
    {
        var words = new List<(string, bool)>();
        for (var i = 0; i < code.Length;)
        {
            if (!char.IsLetter(code[i]) && code[i] != '_')
            {
                i++;
                continue;
            }

            var start = i;
            while (i < code.Length && (char.IsLetterOrDigit(code[i]) || code[i] is '_' or '$'))
            {
                i++;
            }

            var after = i;
            while (after < code.Length && char.IsWhiteSpace(code[after]))
            {
                after++;
            }

            words.Add((code[start..i], after < code.Length && code[after] == '('));
        }

        return words;
    }
}
