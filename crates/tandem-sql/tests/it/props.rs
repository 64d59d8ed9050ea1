//! Properties: `validate` never panics, on arbitrary text or on mutated real queries; what it
//! accepts is a fixpoint (its normalised text validates to itself) and re-parses to the same
//! syntax tree (one statement, printed back as the same text); the fixes it offers apply or
//! fail cleanly. These run on the stable toolchain in every test run; `scripts/fuzz.sh` drives
//! the same properties with libFuzzer where a nightly toolchain is available.

use proptest::prelude::*;
use sqlparser::ast::Statement;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::{Parser, ParserError};
use tandem_core::Dialect;
use tandem_sql::{Policy, apply_fix, validate};

use crate::support::catalog;

const SEEDS: &[&str] = &[
    "SELECT T1.Name, count(*) FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.Singer_ID GROUP BY T1.Name HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 3",
    "WITH a AS (SELECT Country, avg(Age) AS x FROM singer GROUP BY Country) SELECT * FROM a WHERE x > (SELECT avg(Age) FROM singer)",
    "SELECT Name FROM singer WHERE Singer_ID NOT IN (SELECT Singer_ID FROM singer_in_concert) UNION SELECT Name FROM stadium",
    "SELECT Name, rank() OVER (PARTITION BY Country ORDER BY Age) FROM singer WHERE Country = \"France\" AND Age BETWEEN 20 AND 30",
    "SELECT CASE WHEN Age > 30 THEN 'a' ELSE 'b' END, CAST(Age AS TEXT) FROM singer s WHERE EXISTS (SELECT 1 FROM concert c WHERE c.Stadium_ID = s.Singer_ID)",
    "SELECT 1; DROP TABLE singer",
    "SELECT load_extension('x') FROM singer",
    "SELECT Name FROM singer WHERE Name = 'it''s' OR Name LIKE 'a\\_b' OR Name = E'x\\'",
    "SELECT Nmae, Agee FROM singr",
];

fn dialect() -> impl Strategy<Value = Dialect> {
    prop_oneof![Just(Dialect::Sqlite), Just(Dialect::Postgres), Just(Dialect::Mysql)]
}

/// A seed query with a few byte-level edits: deletions, duplications and inserted SQL
/// fragments, at char boundaries.
fn mutated() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("("),
        Just(")"),
        Just(";"),
        Just("'"),
        Just("\""),
        Just("`"),
        Just("--"),
        Just("/*"),
        Just("*/"),
        Just(" SELECT "),
        Just(" FROM "),
        Just(" WITH x AS ("),
        Just(" UNION "),
        Just(" JOIN t ON "),
        Just("."),
        Just(","),
        Just(" LIMIT "),
        Just(" OVER ("),
        Just("$$"),
        Just("\\"),
        Just("é"),
        Just("\u{0}"),
    ];
    (0..SEEDS.len(), prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, fragment), 1..6)).prop_map(
        |(seed, edits)| {
            let mut sql = SEEDS[seed].to_owned();
            for (at, kind, fragment) in edits {
                let boundaries: Vec<usize> = sql.char_indices().map(|(i, _)| i).chain([sql.len()]).collect();
                let i = boundaries[at.index(boundaries.len())];
                match kind {
                    0 => sql.insert_str(i, fragment),
                    1 => {
                        let end = boundaries.iter().copied().find(|&b| b > i + 3).unwrap_or(sql.len());
                        sql.replace_range(i..end, "");
                    }
                    _ => {
                        let piece = sql[i..].chars().take(8).collect::<String>();
                        sql.insert_str(i, &piece);
                    }
                }
            }
            sql
        },
    )
}

fn parse(dialect: Dialect, sql: &str) -> Result<Vec<Statement>, ParserError> {
    let parser_dialect: &dyn sqlparser::dialect::Dialect = match dialect {
        Dialect::Sqlite => &SQLiteDialect {},
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::Mysql => &MySqlDialect {},
    };
    Parser::new(parser_dialect)
        .with_recursion_limit(4 * Policy::DEFAULT_MAX_DEPTH)
        .try_with_sql(sql)?
        .parse_statements()
}

fn fixpoint(dialect: Dialect, sql: &str) -> Result<(), TestCaseError> {
    let policy = Policy::new(dialect);
    match validate(sql, &policy, &catalog()) {
        Ok(valid) => {
            let again = validate(valid.as_str(), &policy, &catalog());
            prop_assert!(again.is_ok(), "{sql}\n→ {}\n→ {:?}", valid.as_str(), again.err().map(|r| r.to_string()));
            if let Ok(again) = again {
                prop_assert_eq!(again.as_str(), valid.as_str());
            }
            // Accepted SQL re-parses to the same tree: one statement that prints as the
            // normalised text and parses again to itself.
            let tree = parse(dialect, valid.as_str());
            prop_assert!(tree.is_ok(), "{} does not parse: {:?}", valid.as_str(), tree.err());
            let tree = tree.unwrap_or_default();
            prop_assert_eq!(tree.len(), 1);
            let printed: String = tree.iter().map(ToString::to_string).collect();
            prop_assert_eq!(printed.as_str(), valid.as_str());
            prop_assert_eq!(parse(dialect, &printed).ok(), Some(tree));
        }
        Err(rejection) => {
            prop_assert!(!rejection.violations.is_empty());
            for fix in rejection.violations.iter().filter_map(|v| v.fix.as_ref()) {
                if let Ok(fixed) = apply_fix(sql, fix) {
                    let _ = validate(&fixed, &policy, &catalog());
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_text(dialect in dialect(), sql in ".{0,200}") {
        fixpoint(dialect, &sql)?;
    }

    #[test]
    fn never_panics_on_sql_shaped_text(dialect in dialect(), sql in "(SELECT|WITH|FROM|WHERE|\\(|\\)|,|;|'|\"|x|1|\\*|=| )*") {
        fixpoint(dialect, &sql)?;
    }

    #[test]
    fn never_panics_on_mutated_queries(dialect in dialect(), sql in mutated()) {
        fixpoint(dialect, &sql)?;
    }

    /// Literals full of quotes and backslashes, where the printer and the engines disagree most.
    #[test]
    fn literals_with_quotes_and_backslashes(dialect in dialect(), body in "[a-z '\\\\\"`,;()-]{0,24}", quote in "[\"']") {
        fixpoint(dialect, &format!("SELECT Name FROM singer WHERE Name = {quote}{body}{quote}"))?;
    }
}
