//! The last wall inside the validator: the text handed to the database must mean exactly what
//! was checked.
//!
//! The normalised text is printed from the checked syntax tree, and sqlparser's printer does
//! not always write back what it read: it leaves a quote that follows a backslash unescaped
//! (`'\''` reads as one string on PostgreSQL but prints as `'\'`, which PostgreSQL ends early,
//! so whatever follows inside the literal would run as SQL), and it never re-escapes the
//! backslashes that MySQL's strings use as escapes. So the printed text is parsed once more,
//! and it must give back the very tree that was validated; otherwise the statement is refused
//! rather than run as something no check has seen.

use sqlparser::ast::Statement;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Tokenizer;

use crate::parse::parser_dialect;
use crate::policy::Policy;
use crate::violation::{Violation, ViolationCode};

/// Head-room over the policy's recursion limit: the row cap may add a level that the original
/// text did not have.
const EXTRA_DEPTH: usize = 8;

/// Marks of text the printer may have written unfaithfully. Its known inexactness is in quoted
/// strings and identifiers: a quote inside is doubled unless it follows a backslash or another
/// quote, and backslashes are never escaped, so a literal whose printed form holds neither a
/// backslash nor a doubled quote is exactly what was read. Comment markers and dollar quotes
/// are the other ways text could hide code. Text with none of these (2 of Spider's 9,693 gold
/// queries have one) skips the second parse, which would otherwise add about half again to
/// the validation time.
const SUSPECT: &[&str] = &["\\", "''", "\"\"", "``", "--", "/*", "#", "$"];

/// `None` when `text` parses, for the policy's dialect, to exactly one statement that `same`
/// accepts as the checked one, or holds none of the [`SUSPECT`] marks; otherwise the violation
/// that refuses it.
pub(crate) fn check(text: &str, policy: &Policy, same: impl FnOnce(&Statement) -> bool) -> Option<Violation> {
    if !SUSPECT.iter().any(|mark| text.contains(mark)) {
        return None;
    }
    let dialect = parser_dialect(policy.dialect);
    let reparsed = Tokenizer::new(dialect, text).tokenize_with_location().ok().and_then(|tokens| {
        Parser::new(dialect)
            .with_recursion_limit(policy.max_depth.saturating_add(EXTRA_DEPTH))
            .with_tokens_with_locations(tokens)
            .parse_statements()
            .ok()
    });
    match reparsed.as_deref() {
        Some([statement]) if same(statement) => None,
        _ => Some(Violation::new(
            ViolationCode::Unprintable,
            "the statement cannot be written back as SQL that means the same (a quote after a \
             backslash, or a backslash escape, inside a string literal); write the literal without them",
            None,
        )),
    }
}

#[cfg(test)]
mod tests {
    use tandem_core::{Catalog, Column, Dialect, Table, TableName};

    use crate::policy::Policy;
    use crate::validate::validate;

    fn catalog() -> Catalog {
        Catalog::new(vec![Table::new(TableName::new("t"), vec![Column::new("a", "text")])])
    }

    fn outcome(dialect: Dialect, sql: &str) -> Result<String, Vec<&'static str>> {
        validate(sql, &Policy::new(dialect), &catalog())
            .map(|valid| valid.as_str().to_owned())
            .map_err(|rejection| rejection.violations.iter().map(|v| v.code.as_str()).collect())
    }

    #[test]
    fn literals_the_printer_would_change_are_refused() {
        // Printed as `'\' , pg_sleep(10) --'`, PostgreSQL would call pg_sleep and comment out
        // the row cap.
        assert_eq!(outcome(Dialect::Postgres, r"SELECT '\'' , pg_sleep(10) --'"), Err(vec!["unprintable"]));
        // Printed as `'\', ', SLEEP(10), '`, MySQL would call SLEEP.
        assert_eq!(outcome(Dialect::Mysql, r"SELECT '\\', ', SLEEP(10), '"), Err(vec!["unprintable"]));
        assert_eq!(outcome(Dialect::Mysql, r"SELECT a FROM t WHERE a = 'x\\y'"), Err(vec!["unprintable"]));
        // Two quotes in a row inside a value print as one escaped quote.
        assert_eq!(outcome(Dialect::Postgres, "SELECT a FROM t WHERE a = 'x'''''"), Err(vec!["unprintable"]));
    }

    #[test]
    fn ordinary_literals_and_escapes_pass() {
        for (dialect, sql) in [
            (Dialect::Postgres, "SELECT a FROM t WHERE a = 'it''s'"),
            (Dialect::Postgres, r"SELECT a FROM t WHERE a = 'C:\dir'"),
            (Dialect::Postgres, r"SELECT E'a\\b', $$it's$$"),
            (Dialect::Mysql, r"SELECT a FROM t WHERE a LIKE 'x\_y' OR a = 'it\'s'"),
            (Dialect::Sqlite, "SELECT a FROM t WHERE a = \"it's\""),
            (Dialect::Sqlite, "SELECT - -1, 1 - -1"),
        ] {
            assert!(outcome(dialect, sql).is_ok(), "{dialect}: {sql}: {:?}", outcome(dialect, sql));
        }
    }
}
