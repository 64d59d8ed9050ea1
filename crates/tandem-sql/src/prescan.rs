//! A token-level look at SQL that did not parse, so that an attack the parser cannot read
//! (MySQL's `INTO OUTFILE`, a `VACUUM INTO` variant, a statement stacked after garbage) is still
//! reported with its policy code rather than as a mere syntax error that a model would retry.
//!
//! Tokens, not text: keywords inside comments and string literals do not count.

use sqlparser::tokenizer::{Token, TokenWithSpan};
use tandem_core::Dialect;

use crate::denylist::is_denied;
use crate::parse::Source;
use crate::violation::{Violation, ViolationCode};

/// Policy violations visible in the token stream.
pub(crate) fn scan(source: &Source<'_>, dialect: Dialect) -> Vec<Violation> {
    let tokens: Vec<(usize, &TokenWithSpan)> =
        source.tokens.iter().enumerate().filter(|(_, t)| !matches!(t.token, Token::Whitespace(_))).collect();
    let mut violations = Vec::new();
    let mut n_statements = 0;
    for segment in tokens.split(|(_, t)| t.token == Token::SemiColon) {
        let Some((index, word)) = segment.iter().find_map(|(i, t)| word(&t.token).map(|w| (*i, w))) else {
            continue;
        };
        n_statements += 1;
        if let Some((code, what)) = leading_keyword_class(&word) {
            violations.push(Violation::new(code, format!("`{word}` {what}"), source.token_span(index)));
        }
    }
    if n_statements > 1 {
        violations.push(Violation::new(
            ViolationCode::MultipleStatements,
            format!("found {n_statements} statements; exactly one query may run"),
            None,
        ));
    }
    for pair in tokens.windows(2) {
        let [(index, first), (_, second)] = pair else { continue };
        let (Some(first_word), second_token) = (word(&first.token), &second.token) else { continue };
        let second_word = word(second_token);
        let file_output = first_word == "INTO" && matches!(second_word.as_deref(), Some("OUTFILE" | "DUMPFILE"));
        if file_output || (first_word == "TO" && second_word.as_deref() == Some("PROGRAM")) {
            violations.push(Violation::new(
                ViolationCode::FileAccess,
                "the statement writes a server file or runs a program",
                source.token_span(*index),
            ));
        } else if first_word == "INTO" && starts_variable(second_token) {
            // MySQL's trailing `SELECT … INTO @var`, which the parser does not read.
            violations.push(Violation::new(
                ViolationCode::SelectInto,
                "`INTO @variable` assigns session variables; queries must only read",
                source.token_span(*index),
            ));
        } else if (first_word == "FOR" && matches!(second_word.as_deref(), Some("UPDATE" | "SHARE" | "NO" | "KEY")))
            || (first_word == "LOCK" && second_word.as_deref() == Some("IN"))
        {
            violations.push(Violation::new(
                ViolationCode::LockingClause,
                "the statement locks rows; queries run read-only",
                source.token_span(*index),
            ));
        } else if *second_token == Token::LParen && is_denied(dialect, &first_word) {
            violations.push(Violation::new(
                ViolationCode::DeniedFunction,
                format!("function `{}` is not allowed on {dialect}", first_word.to_ascii_lowercase()),
                source.token_span(*index),
            ));
        }
    }
    violations
}

/// A MySQL user variable (`@name`), as one word or as `@` before a word.
fn starts_variable(token: &Token) -> bool {
    match token {
        Token::Word(w) => w.quote_style.is_none() && w.value.starts_with('@'),
        Token::AtSign => true,
        _ => false,
    }
}

/// An unquoted word, uppercased.
fn word(token: &Token) -> Option<String> {
    match token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

/// The policy class of a statement's first keyword; `None` for query keywords and for words
/// that begin no statement at all (then the syntax error says enough).
fn leading_keyword_class(word: &str) -> Option<(ViolationCode, &'static str)> {
    let class = match word {
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "REPLACE" | "UPSERT" => {
            (ViolationCode::WriteStatement, "writes data")
        }
        "CREATE" | "ALTER" | "DROP" | "TRUNCATE" | "GRANT" | "REVOKE" | "RENAME" | "COMMENT" | "REINDEX" => {
            (ViolationCode::DdlStatement, "changes schema objects or privileges")
        }
        "BEGIN" | "COMMIT" | "ROLLBACK" | "START" | "END" | "SAVEPOINT" | "RELEASE" | "SET" | "RESET" | "PRAGMA"
        | "ATTACH" | "DETACH" | "VACUUM" | "ANALYZE" | "USE" | "LOCK" | "UNLOCK" | "DISCARD" | "LISTEN" | "NOTIFY"
        | "KILL" | "FLUSH" | "DECLARE" => (ViolationCode::SessionStatement, "controls the transaction or session"),
        "COPY" | "LOAD" | "HANDLER" => (ViolationCode::FileAccess, "reads or writes server files"),
        "EXPLAIN" | "SHOW" | "CALL" | "EXEC" | "EXECUTE" | "PREPARE" | "DO" | "DESCRIBE" | "DESC" => {
            (ViolationCode::UnsupportedStatement, "is not a plain query")
        }
        _ => return None,
    };
    Some(class)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tokenize;
    use crate::policy::Policy;

    fn codes(dialect: Dialect, sql: &str) -> Vec<&'static str> {
        let source = tokenize(sql, &Policy::new(dialect)).unwrap();
        let mut codes: Vec<_> = scan(&source, dialect).iter().map(|v| v.code.as_str()).collect();
        codes.sort_unstable();
        codes
    }

    #[test]
    fn finds_policy_violations_in_tokens_only() {
        use Dialect::*;
        for (dialect, sql, expect) in [
            (Mysql, "SELECT * FROM t INTO OUTFILE '/tmp/x'", vec!["file_access"]),
            (Mysql, "SELECT 1; DROP TABLE t", vec!["ddl_statement", "multiple_statements"]),
            (Sqlite, "SELECT 'DROP TABLE t; INTO OUTFILE' -- ; DELETE FROM t", vec![]),
            (Sqlite, "VACUUM INTO '/tmp/copy.db'", vec!["session_statement"]),
            (Sqlite, "SELECT writefile('/tmp/x', 'y') FROM", vec!["denied_function"]),
            (Postgres, "COPY (SELECT 1) TO PROGRAM 'id'", vec!["file_access", "file_access"]),
            (Mysql, "SELECT token FROM secret INTO @stolen", vec!["select_into"]),
            (Mysql, "SELECT * FROM t LOCK IN SHARE MODE", vec!["locking_clause"]),
            (Mysql, "SELECT 'INTO @x', 'LOCK IN' FROM t", vec![]),
        ] {
            assert_eq!(codes(dialect, sql), expect, "{dialect}: {sql}");
        }
    }
}
