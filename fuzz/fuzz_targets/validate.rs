//! Fuzzes `tandem_sql::validate`. The first byte picks the dialect; the rest is the SQL (as
//! lossy UTF-8). Whatever the input, validation must not panic; a rejection must name at
//! least one violation, and its tier-0 fixes must apply (or fail cleanly) and the fixed text
//! validate without panicking; an accepted statement's normalised text must validate to
//! itself, parse back to one statement that prints as the same text, and re-parse to the same
//! syntax tree.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use tandem_core::{Catalog, Column, Dialect, Table, TableName};
use tandem_sql::{Policy, apply_fix, validate};

/// Spider's `concert_singer` and `pets_1`, the schemas the seed queries use most.
fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let table = |name: &str, columns: &[(&str, &str)]| {
            Table::new(TableName::new(name), columns.iter().map(|(c, t)| Column::new(*c, *t)).collect())
        };
        Catalog::new(vec![
            table("stadium", &[("Stadium_ID", "int"), ("Location", "text"), ("Name", "text"), ("Capacity", "int")]),
            table(
                "singer",
                &[("Singer_ID", "int"), ("Name", "text"), ("Country", "text"), ("Song_Name", "text"), ("Age", "int")],
            ),
            table(
                "concert",
                &[("concert_ID", "int"), ("concert_Name", "text"), ("Stadium_ID", "text"), ("Year", "text")],
            ),
            table("singer_in_concert", &[("concert_ID", "int"), ("Singer_ID", "text")]),
            table(
                "Student",
                &[("StuID", "int"), ("LName", "text"), ("Fname", "text"), ("Age", "int"), ("Sex", "text")],
            ),
            table("Has_Pet", &[("StuID", "int"), ("PetID", "int")]),
            table("Pets", &[("PetID", "int"), ("PetType", "text"), ("pet_age", "int"), ("weight", "real")]),
            table("Orders", &[("OrderID", "int"), ("order_date", "date"), ("paid", "boolean")]),
        ])
    })
}

fn parse(dialect: Dialect, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, sqlparser::parser::ParserError> {
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

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let dialect = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql][usize::from(selector % 3)];
    let sql = String::from_utf8_lossy(rest);
    let policy = Policy::new(dialect);
    match validate(&sql, &policy, catalog()) {
        Ok(valid) => {
            let normalised = valid.as_str();
            match validate(normalised, &policy, catalog()) {
                Ok(again) => assert_eq!(again.as_str(), normalised, "not a fixpoint: {sql:?}"),
                Err(rejection) => panic!("{dialect}: {sql:?} -> {normalised:?} is rejected: {rejection}"),
            }
            let statements = parse(dialect, normalised)
                .unwrap_or_else(|error| panic!("{dialect}: {normalised:?} does not parse: {error}"));
            assert_eq!(statements.len(), 1, "{normalised:?}");
            let printed: String = statements.iter().map(ToString::to_string).collect();
            assert_eq!(printed, normalised, "{dialect}: the tree does not print as the normalised text");
            let reparsed = parse(dialect, &printed).unwrap_or_else(|error| panic!("{printed:?}: {error}"));
            assert_eq!(reparsed, statements, "{dialect}: {printed:?} re-parses to another tree");
        }
        Err(rejection) => {
            assert!(!rejection.violations.is_empty(), "an empty rejection for {sql:?}");
            for fix in rejection.violations.iter().filter_map(|v| v.fix.as_ref()) {
                if let Ok(fixed) = apply_fix(&sql, fix) {
                    let _ = validate(&fixed, &policy, catalog());
                }
            }
        }
    }
});
