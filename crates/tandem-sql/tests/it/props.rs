//! Properties: `validate` never panics, on arbitrary text or on mutated real queries, and
//! what it accepts is a fixpoint (its normalised text validates to itself).

use proptest::prelude::*;
use tandem_core::Dialect;
use tandem_sql::{Policy, validate};

use crate::support::catalog;

const SEEDS: &[&str] = &[
    "SELECT T1.Name, count(*) FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.Singer_ID GROUP BY T1.Name HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 3",
    "WITH a AS (SELECT Country, avg(Age) AS x FROM singer GROUP BY Country) SELECT * FROM a WHERE x > (SELECT avg(Age) FROM singer)",
    "SELECT Name FROM singer WHERE Singer_ID NOT IN (SELECT Singer_ID FROM singer_in_concert) UNION SELECT Name FROM stadium",
    "SELECT Name, rank() OVER (PARTITION BY Country ORDER BY Age) FROM singer WHERE Country = \"France\" AND Age BETWEEN 20 AND 30",
    "SELECT CASE WHEN Age > 30 THEN 'a' ELSE 'b' END, CAST(Age AS TEXT) FROM singer s WHERE EXISTS (SELECT 1 FROM concert c WHERE c.Stadium_ID = s.Singer_ID)",
    "SELECT 1; DROP TABLE singer",
    "SELECT load_extension('x') FROM singer",
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

fn fixpoint(dialect: Dialect, sql: &str) -> Result<(), TestCaseError> {
    let policy = Policy::new(dialect);
    if let Ok(valid) = validate(sql, &policy, &catalog()) {
        let again = validate(valid.as_str(), &policy, &catalog());
        prop_assert!(again.is_ok(), "{sql}\n→ {}\n→ {:?}", valid.as_str(), again.err().map(|r| r.to_string()));
        if let Ok(again) = again {
            prop_assert_eq!(again.as_str(), valid.as_str());
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
}
