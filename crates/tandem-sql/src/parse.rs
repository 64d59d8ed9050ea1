//! Tokenising and parsing for the policy's dialect, with the length and recursion limits.

use sqlparser::ast::Statement;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};
use tandem_core::Dialect;

use crate::policy::Policy;
use crate::span::{LineIndex, Span};
use crate::violation::{Violation, ViolationCode};

static SQLITE: SQLiteDialect = SQLiteDialect {};
static POSTGRES: PostgreSqlDialect = PostgreSqlDialect {};
static MYSQL: MySqlDialect = MySqlDialect {};

/// The sqlparser dialect for a tandem dialect.
pub(crate) fn parser_dialect(dialect: Dialect) -> &'static dyn sqlparser::dialect::Dialect {
    match dialect {
        Dialect::Sqlite => &SQLITE,
        Dialect::Postgres => &POSTGRES,
        Dialect::Mysql => &MYSQL,
    }
}

/// The SQL text with its tokens (comments and whitespace included) and a line index, shared
/// by every check that needs to point into the source.
#[derive(Debug)]
pub(crate) struct Source<'a> {
    pub(crate) sql: &'a str,
    pub(crate) tokens: Vec<TokenWithSpan>,
    pub(crate) lines: LineIndex,
    /// The byte offset where each token starts, computed once: spans are looked up by
    /// binary search, so that placing a node costs its own size, not the input's.
    token_starts: Vec<usize>,
}

impl Source<'_> {
    /// The byte span of a sqlparser span, if it can be placed.
    pub(crate) fn span(&self, span: sqlparser::tokenizer::Span) -> Option<Span> {
        self.lines.span(span)
    }

    /// The byte span of the token at `index`.
    pub(crate) fn token_span(&self, index: usize) -> Option<Span> {
        self.tokens.get(index).and_then(|t| self.span(t.span))
    }

    /// The full source extent of a node whose sqlparser span may stop short of its
    /// parentheses (a function call's span ends at its last argument): the smallest
    /// superset of `span` whose parentheses balance.
    pub(crate) fn extent(&self, span: sqlparser::tokenizer::Span) -> Option<Span> {
        let span = self.span(span)?;
        let first = self.token_starts.partition_point(|&s| s < span.start);
        let last = self.token_starts.partition_point(|&s| s < span.end).checked_sub(1)?;
        if first > last {
            return None;
        }
        let (mut depth, mut lowest) = (0_i64, 0_i64);
        for token in self.tokens.get(first..=last)? {
            depth += paren(&token.token);
            lowest = lowest.min(depth);
        }
        // Unmatched `)` inside: walk left to their `(`; unmatched `(`: walk right to their `)`.
        let mut start = first;
        let mut need = -lowest;
        while need > 0 {
            start = start.checked_sub(1)?;
            need -= paren(&self.tokens.get(start)?.token);
        }
        let mut end = last;
        let mut need = depth - lowest;
        while need > 0 {
            end += 1;
            need += paren(&self.tokens.get(end)?.token);
        }
        let start = self.token_span(start)?.start;
        let end = self.token_span(end)?.end;
        Some(Span::new(start.min(span.start), end.max(span.end)))
    }

    /// Like [`Self::extent`], and also the argument list that follows a function name when
    /// the node's own span stops at the name (`NOW()`).
    pub(crate) fn call_extent(&self, span: sqlparser::tokenizer::Span) -> Option<Span> {
        let extent = self.extent(span)?;
        let from = self.token_starts.partition_point(|&s| s < extent.end);
        let next = self.tokens.iter().enumerate().skip(from).find(|(_, t)| !matches!(t.token, Token::Whitespace(_)));
        let Some((open, token)) = next else { return Some(extent) };
        if token.token != Token::LParen {
            return Some(extent);
        }
        let mut depth = 0_i64;
        for (i, token) in self.tokens.iter().enumerate().skip(open) {
            depth += paren(&token.token);
            if depth == 0 {
                return Some(Span::new(extent.start, self.token_span(i)?.end));
            }
        }
        None
    }

    /// The exact source text of `span`.
    pub(crate) fn text(&self, span: Span) -> Option<&str> {
        span.slice(self.sql)
    }
}

/// +1 for `(`, -1 for `)`.
fn paren(token: &Token) -> i64 {
    match token {
        Token::LParen => 1,
        Token::RParen => -1,
        _ => 0,
    }
}

/// Why parsing failed: the violations, and the token the parser stopped at when known.
#[derive(Debug)]
pub(crate) struct ParseFailure {
    pub(crate) violations: Vec<Violation>,
    pub(crate) at_token: Option<usize>,
}

/// Tokenises `sql`. A tokenizer error (an unterminated string, say) is a syntax error.
pub(crate) fn tokenize<'a>(sql: &'a str, policy: &Policy) -> Result<Source<'a>, Box<Violation>> {
    if sql.len() > policy.max_sql_bytes {
        return Err(Box::new(Violation::new(
            ViolationCode::TooLong,
            format!("the SQL is {} bytes long; the limit is {}", sql.len(), policy.max_sql_bytes),
            None,
        )));
    }
    let lines = LineIndex::new(sql);
    match Tokenizer::new(parser_dialect(policy.dialect), sql).tokenize_with_location() {
        Ok(tokens) => {
            // Tokens come in source order; one the index cannot place keeps its predecessor's
            // offset, so the list stays sorted.
            let mut token_starts = Vec::with_capacity(tokens.len());
            for token in &tokens {
                let previous = token_starts.last().copied().unwrap_or(0);
                token_starts.push(lines.offset(token.span.start).unwrap_or(previous).max(previous));
            }
            Ok(Source { sql, tokens, lines, token_starts })
        }
        Err(error) => {
            let at = lines.offset(error.location).map(|start| Span::new(start, start));
            Err(Box::new(Violation::new(ViolationCode::SyntaxError, error.message, at)))
        }
    }
}

/// Parses every statement of `source`, under the policy's recursion limit.
pub(crate) fn parse(source: &Source<'_>, policy: &Policy) -> Result<Vec<Statement>, ParseFailure> {
    let mut parser = Parser::new(parser_dialect(policy.dialect))
        .with_recursion_limit(policy.max_depth)
        .with_tokens_with_locations(source.tokens.clone());
    match parser.parse_statements() {
        Ok(statements) if statements.is_empty() => Err(ParseFailure {
            violations: vec![Violation::new(ViolationCode::EmptyStatement, "there is no SQL statement", None)],
            at_token: None,
        }),
        Ok(statements) => Ok(statements),
        Err(ParserError::RecursionLimitExceeded) => Err(ParseFailure {
            violations: vec![Violation::new(
                ViolationCode::TooDeep,
                format!("the SQL nests deeper than the limit of {} levels", policy.max_depth),
                None,
            )],
            at_token: None,
        }),
        Err(error @ (ParserError::ParserError(_) | ParserError::TokenizerError(_))) => {
            let at_token = stop_token(source, parser.index());
            let span = at_token.and_then(|i| source.token_span(i));
            Err(ParseFailure {
                violations: vec![Violation::new(ViolationCode::SyntaxError, error.to_string(), span)],
                at_token,
            })
        }
    }
}

/// The token the parser complained about: usually the next meaningful one at its position
/// (it peeks before failing), or the last one when it ran into the end of the input.
fn stop_token(source: &Source<'_>, index: usize) -> Option<usize> {
    let meaningful = |t: &TokenWithSpan| !matches!(t.token, Token::Whitespace(_) | Token::EOF);
    let upto = index.min(source.tokens.len());
    let after = source.tokens.get(upto..)?.iter().position(meaningful).map(|i| i + upto);
    after.or_else(|| source.tokens.iter().rposition(meaningful))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(sql: &str) -> (ViolationCode, Option<String>) {
        let policy = Policy::new(Dialect::Sqlite);
        let source = tokenize(sql, &policy).unwrap();
        let failure = parse(&source, &policy).unwrap_err();
        let span = failure.violations[0].span.and_then(|s| s.slice(sql)).map(str::to_owned);
        (failure.violations[0].code, span)
    }

    #[test]
    fn syntax_errors_point_at_the_offending_token() {
        assert_eq!(failure("SELECT a FROM t WHERE"), (ViolationCode::SyntaxError, Some("WHERE".into())));
        assert_eq!(failure("SELECT a b c FROM t"), (ViolationCode::SyntaxError, Some("c".into())));
        assert_eq!(failure("  "), (ViolationCode::EmptyStatement, None));
        assert_eq!(failure(&format!("SELECT {}1{}", "(".repeat(200), ")".repeat(200))).0, ViolationCode::TooDeep);
    }

    #[test]
    fn tokenizer_errors_and_length_are_violations() {
        let policy = Policy::new(Dialect::Postgres);
        assert_eq!(tokenize("SELECT 'open", &policy).unwrap_err().code, ViolationCode::SyntaxError);
        let long = format!("SELECT {}", "1,".repeat(policy.max_sql_bytes));
        assert_eq!(tokenize(&long, &policy).unwrap_err().code, ViolationCode::TooLong);
    }
}
