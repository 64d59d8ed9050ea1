//! Identifier quoting: when a name must be quoted for the dialect, and how.

use tandem_core::{Dialect, TableName};

/// Words that every one of tandem's engines reserves (or reserves in common modes), so an
/// identifier spelled like one must be quoted. Deliberately short: quoting a non-reserved
/// keyword is harmless, but the list only needs the words models actually trip over.
const RESERVED: &[&str] = &[
    "all",
    "alter",
    "and",
    "any",
    "as",
    "asc",
    "between",
    "both",
    "by",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "delete",
    "desc",
    "distinct",
    "drop",
    "else",
    "end",
    "except",
    "exists",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "in",
    "index",
    "inner",
    "insert",
    "intersect",
    "interval",
    "into",
    "is",
    "join",
    "key",
    "leading",
    "left",
    "like",
    "limit",
    "natural",
    "not",
    "null",
    "offset",
    "on",
    "or",
    "order",
    "outer",
    "over",
    "partition",
    "primary",
    "range",
    "references",
    "right",
    "rows",
    "select",
    "set",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "values",
    "when",
    "where",
    "window",
    "with",
];

/// Words that none of tandem's engines accepts as a bare name (SQLite lets many keywords,
/// such as `range`, `key` or `rows`, fall back to identifiers, so those are not here).
const STRICT: &[&str] = &[
    "all",
    "alter",
    "and",
    "as",
    "between",
    "by",
    "case",
    "check",
    "collate",
    "constraint",
    "create",
    "default",
    "delete",
    "distinct",
    "drop",
    "else",
    "except",
    "exists",
    "foreign",
    "from",
    "group",
    "having",
    "in",
    "index",
    "insert",
    "intersect",
    "into",
    "is",
    "join",
    "limit",
    "not",
    "null",
    "on",
    "or",
    "order",
    "primary",
    "references",
    "select",
    "set",
    "table",
    "then",
    "to",
    "union",
    "unique",
    "update",
    "using",
    "values",
    "when",
    "where",
    "with",
];

/// Whether no engine accepts `word` unquoted as a name: the parser may still have taken it as
/// one, and the database will not.
pub(crate) fn is_strictly_reserved(word: &str) -> bool {
    STRICT.contains(&word.to_ascii_lowercase().as_str())
}

/// Whether `word` is reserved on some of tandem's engines (then a fix quotes it).
pub(crate) fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word.to_ascii_lowercase().as_str())
}

/// `name` as the dialect must spell it to mean exactly that identifier: bare when it is a
/// plain, unreserved word (lowercase on PostgreSQL, which folds bare names to lowercase),
/// otherwise quoted with the dialect's identifier quote, doubling embedded quotes.
pub(crate) fn quote(name: &str, dialect: Dialect) -> String {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !(dialect == Dialect::Postgres && name.chars().any(|c| c.is_ascii_uppercase()))
        && !is_reserved(name);
    if plain { name.to_owned() } else { quote_always(name, dialect) }
}

/// `table` as SQL must spell it to mean exactly that object (schema-qualified when it has one).
pub(crate) fn spelled(table: &TableName, dialect: Dialect) -> String {
    match &table.schema {
        Some(schema) => format!("{}.{}", quote(schema, dialect), quote(&table.name, dialect)),
        None => quote(&table.name, dialect),
    }
}

/// `name` quoted with the dialect's identifier quote, whatever it looks like.
pub(crate) fn quote_always(name: &str, dialect: Dialect) -> String {
    let q = if dialect == Dialect::Mysql { '`' } else { '"' };
    let escaped = name.replace(q, &format!("{q}{q}"));
    format!("{q}{escaped}{q}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        use Dialect::*;
        for (name, dialect, expect) in [
            ("singer_id", Postgres, "singer_id"),
            ("Singer_ID", Sqlite, "Singer_ID"),
            ("Singer_ID", Postgres, "\"Singer_ID\""),
            ("order", Sqlite, "\"order\""),
            ("order", Mysql, "`order`"),
            ("first name", Mysql, "`first name`"),
            ("a\"b", Postgres, "\"a\"\"b\""),
            ("1st", Sqlite, "\"1st\""),
        ] {
            assert_eq!(quote(name, dialect), expect, "{name} {dialect}");
        }
    }
}
