//! Tier-0 fixes (each result re-validates) and the repair route of every violation class.

use tandem_core::Dialect::{self, Mysql, Postgres, Sqlite};
use tandem_core::{RepairTier, TableName};
use tandem_sql::{PlanFilter, Policy, Scope, apply_fixes, repair_with_rules, validate};

use crate::support::{catalog, check, outcome, pets};

/// Repairs `sql` with tier-0 fixes only and returns the validated result.
fn repaired(dialect: Dialect, sql: &str) -> String {
    let policy = Policy::new(dialect).with_max_rows(100);
    let rejection = validate(sql, &policy, &catalog()).expect_err("expected a rejection");
    assert_eq!(rejection.repair_tier(), RepairTier::Rules, "{sql}: {rejection}");
    let repair = repair_with_rules(sql, &policy, &catalog());
    assert!(!repair.applied.is_empty());
    match repair.outcome {
        Ok(valid) => valid.as_str().to_owned(),
        Err(again) => panic!("{dialect}: fixed `{}` still fails: {again}", repair.sql),
    }
}

#[test]
fn dialect_mappings_rewrite_and_revalidate() {
    for (dialect, sql, expect) in [
        (
            Sqlite,
            "SELECT YEAR(Year) FROM concert",
            "SELECT CAST(strftime('%Y', Year) AS INTEGER) FROM concert LIMIT 100",
        ),
        (
            Sqlite,
            "SELECT Name FROM singer WHERE MONTH(Age) = 3",
            "SELECT Name FROM singer WHERE CAST(strftime('%m', Age) AS INTEGER) = 3 LIMIT 100",
        ),
        (
            Postgres,
            "SELECT year(order_date) FROM \"Orders\"",
            "SELECT EXTRACT(YEAR FROM order_date) FROM \"Orders\" LIMIT 100",
        ),
        (
            Postgres,
            "SELECT strftime('%Y', order_date) FROM \"Orders\"",
            "SELECT EXTRACT(YEAR FROM order_date) FROM \"Orders\" LIMIT 100",
        ),
        (Mysql, "SELECT strftime('%m', order_date) FROM Orders", "SELECT MONTH(order_date) FROM Orders LIMIT 100"),
        (
            Sqlite,
            "SELECT Name FROM singer WHERE Name ILIKE '%jo%'",
            "SELECT Name FROM singer WHERE Name LIKE '%jo%' LIMIT 100",
        ),
        (
            Mysql,
            "SELECT Name FROM singer WHERE (Name) NOT ILIKE 'a%'",
            "SELECT Name FROM singer WHERE (Name) NOT LIKE 'a%' LIMIT 100",
        ),
        (
            Mysql,
            "SELECT Name || ' (' || Country || ')' FROM singer",
            "SELECT CONCAT(Name, ' (', Country, ')') FROM singer LIMIT 100",
        ),
        (
            Sqlite,
            "SELECT DATE_ADD(Year, INTERVAL 3 DAY) FROM concert",
            "SELECT datetime(Year, '+3 days') FROM concert LIMIT 100",
        ),
        (
            Sqlite,
            "SELECT Year + INTERVAL '1 month' FROM concert",
            "SELECT datetime(Year, '+1 months') FROM concert LIMIT 100",
        ),
        (
            Postgres,
            "SELECT DATE_SUB(order_date, INTERVAL '2 days') FROM \"Orders\"",
            "SELECT (order_date - INTERVAL '2 days') FROM \"Orders\" LIMIT 100",
        ),
        (
            Sqlite,
            "SELECT DATEDIFF(Year, '2020-01-01') FROM concert",
            "SELECT CAST(julianday(Year) - julianday('2020-01-01') AS INTEGER) FROM concert LIMIT 100",
        ),
        (
            Sqlite,
            "SELECT Name FROM singer WHERE Age < NOW()",
            "SELECT Name FROM singer WHERE Age < datetime('now') LIMIT 100",
        ),
        (
            Sqlite,
            "SELECT TOP 3 Name FROM singer ORDER BY Age DESC",
            "SELECT Name FROM singer ORDER BY Age DESC LIMIT 3",
        ),
        (Postgres, "SELECT TOP 5 \"Name\" FROM singer;", "SELECT \"Name\" FROM singer LIMIT 5"),
        (
            Postgres,
            "SELECT \"OrderID\" FROM \"Orders\" o WHERE o.paid = 1",
            "SELECT \"OrderID\" FROM \"Orders\" o WHERE o.paid = true LIMIT 100",
        ),
    ] {
        assert_eq!(repaired(dialect, sql), expect, "{dialect}: {sql}");
    }
}

#[test]
fn name_fixes_revalidate() {
    for (dialect, sql, expect) in [
        (Sqlite, "SELECT nmae, contry FROM singers", "SELECT Name, Country FROM singer LIMIT 100"),
        (Sqlite, "SELECT singer.Name FROM singer AS s", "SELECT s.Name FROM singer AS s LIMIT 100"),
        (Postgres, "SELECT OrderID, paid FROM Orders", "SELECT \"OrderID\", paid FROM \"Orders\" LIMIT 100"),
        (
            Sqlite,
            "SELECT Singer_ID FROM singer AS a JOIN singer_in_concert AS b ON a.Singer_ID = b.Singer_ID",
            "SELECT a.Singer_ID FROM singer AS a JOIN singer_in_concert AS b ON a.Singer_ID = b.Singer_ID LIMIT 100",
        ),
    ] {
        assert_eq!(repaired(dialect, sql), expect, "{dialect}: {sql}");
    }
}

#[test]
fn reserved_words_used_as_names_are_quoted() {
    let catalog = tandem_core::Catalog::new(vec![tandem_core::Table::new(
        TableName::new("sales"),
        vec![tandem_core::Column::new("order", "int"), tandem_core::Column::new("amount", "real")],
    )]);
    for (dialect, expect) in [
        (Sqlite, "SELECT \"order\", amount FROM sales LIMIT 100"),
        (Mysql, "SELECT `order`, amount FROM sales LIMIT 100"),
    ] {
        let policy = Policy::new(dialect).with_max_rows(100);
        let sql = "SELECT order, amount FROM sales";
        let rejection = validate(sql, &policy, &catalog).unwrap_err();
        assert_eq!(rejection.repair_tier(), RepairTier::Rules, "{rejection}");
        let fixed = apply_fixes(sql, rejection.fixes()).unwrap();
        assert_eq!(validate(&fixed, &policy, &catalog).unwrap().as_str(), expect);
    }
}

#[test]
fn every_class_routes_to_its_tier() {
    let scope =
        Scope { tables: vec![TableName::new("singer")], filters: vec![PlanFilter::new(Some("Country"), "France")] };
    let tier = |dialect: Dialect, sql: &str, policy: Option<Policy>| {
        let policy = policy.unwrap_or_else(|| Policy::new(dialect));
        match validate(sql, &policy, &catalog()) {
            Ok(valid) => valid.warnings().iter().map(|w| w.repair_tier()).max_by_key(|t| *t as u8),
            Err(rejection) => Some(rejection.repair_tier()),
        }
    };
    for (dialect, sql, expect) in [
        // Tier 0: a deterministic fix exists.
        (Sqlite, "SELECT nmae FROM singer", RepairTier::Rules),
        (Sqlite, "SELECT YEAR(Year) FROM concert", RepairTier::Rules),
        (Postgres, "SELECT OrderID FROM \"Orders\"", RepairTier::Rules),
        // Tier 1: syntax, unknown names without a unique match, ambiguity without a join key.
        (Sqlite, "SELEC Name FROM singer", RepairTier::Small),
        (Sqlite, "SELECT xyz FROM singer", RepairTier::Small),
        (Sqlite, "SELECT Name FROM nothing_like_it", RepairTier::Small),
        (Sqlite, "SELECT Name FROM singer, stadium", RepairTier::Small),
        (Sqlite, &format!("SELECT {}1{}", "(".repeat(100), ")".repeat(100)), RepairTier::Small),
        (Sqlite, "SELECT Name FROM singer LIMIT (SELECT 1)", RepairTier::Small),
        (Postgres, "SELECT \"OrderID\" FROM \"Orders\" WHERE \"OrderID\" = 'first'", RepairTier::Small),
        (Postgres, "SELECT paid FROM \"Orders\" WHERE paid <> 0", RepairTier::Rules),
        // Mixed-up aliases: requalified by rules.
        (
            Sqlite,
            "SELECT T1.Name FROM singer_in_concert AS T1 JOIN singer AS T2 ON T1.Singer_ID = T2.Singer_ID",
            RepairTier::Rules,
        ),
        // A missing join is a logic error: tier 2.
        (Sqlite, "SELECT T1.Name FROM singer_in_concert AS T1", RepairTier::Large),
        // Policy: never retried.
        (Sqlite, "DELETE FROM singer", RepairTier::NotRetryable),
        (Postgres, "SELECT pg_sleep(1)", RepairTier::NotRetryable),
        (Sqlite, "SELECT 1; SELECT 2", RepairTier::NotRetryable),
    ] {
        assert_eq!(tier(dialect, sql, None), Some(expect), "{dialect}: {sql}");
    }
    // Tier 2: plan conformance, as warnings on SQL that may still run.
    let planned = Some(Policy::new(Sqlite).with_scope(scope.clone()));
    assert_eq!(tier(Sqlite, "SELECT Name FROM singer WHERE Country = 'France'", planned.clone()), None);
    assert_eq!(
        tier(Sqlite, "SELECT Name FROM singer WHERE Country = 'Spain'", planned.clone()),
        Some(RepairTier::Large)
    );
    assert_eq!(
        tier(Sqlite, "SELECT s.Name FROM singer s JOIN stadium t ON 1 WHERE Country LIKE '%france%'", planned),
        Some(RepairTier::Large)
    );
}

#[test]
fn plan_conformance_reports_warnings() {
    let scope =
        Scope { tables: vec![TableName::new("singer")], filters: vec![PlanFilter::new(Some("Country"), "France")] };
    let policy = Policy::new(Sqlite).with_max_rows(100).with_scope(scope);
    check(Sqlite, "SELECT Name FROM singer", "ok SELECT Name FROM singer LIMIT 100");
    assert_eq!(
        outcome(
            Sqlite,
            "SELECT T1.Name FROM singer T1 JOIN stadium T2 ON T1.Name = T2.Name WHERE Country = \"France\"",
            Some(policy.clone())
        ),
        "ok SELECT T1.Name FROM singer T1 JOIN stadium T2 ON T1.Name = T2.Name WHERE Country = 'France' LIMIT 100 warn table_outside_plan"
    );
    assert_eq!(
        outcome(Sqlite, "SELECT Name FROM singer", Some(policy)),
        "ok SELECT Name FROM singer LIMIT 100 warn missing_plan_filter"
    );
}

#[test]
fn a_missing_join_that_one_foreign_key_settles_is_a_rules_fix() {
    let policy = Policy::new(Sqlite).with_max_rows(100);
    let catalog = pets();
    for (sql, expect) in [
        // The model joined two of the three tables and read the third one's column through a
        // wrong alias: the join is added and the qualifier follows it, everywhere it is used.
        (
            "SELECT T1.Fname FROM Student AS T1 JOIN Has_Pet AS T2 ON T1.StuID = T2.StuID WHERE T2.PetType = 'cat' OR T2.PetType = 'dog'",
            "SELECT T1.Fname FROM Student AS T1 JOIN Has_Pet AS T2 ON T1.StuID = T2.StuID JOIN Pets AS T3 ON T3.PetID = T2.PetID WHERE T3.PetType = 'cat' OR T3.PetType = 'dog' LIMIT 100",
        ),
        // Unaliased and unqualified: the table joins under its own name.
        (
            "SELECT count(*) FROM Has_Pet WHERE PetType = 'dog'",
            "SELECT count(*) FROM Has_Pet JOIN Pets ON Pets.PetID = Has_Pet.PetID WHERE PetType = 'dog' LIMIT 100",
        ),
        // Parenthesised ON, and the key pointing the other way (Has_Pet → Student).
        (
            "SELECT avg(T.Age) FROM Has_Pet AS T JOIN Pets AS P ON (P.PetID = T.PetID) WHERE P.PetType = 'cat'",
            "SELECT avg(T1.Age) FROM Has_Pet AS T JOIN Pets AS P ON (P.PetID = T.PetID) JOIN Student AS T1 ON T1.StuID = T.StuID WHERE P.PetType = 'cat' LIMIT 100",
        ),
    ] {
        let rejection = validate(sql, &policy, &catalog).expect_err(sql);
        assert_eq!(rejection.repair_tier(), RepairTier::Rules, "{sql}: {rejection}");
        let repair = repair_with_rules(sql, &policy, &catalog);
        match repair.outcome {
            Ok(valid) => assert_eq!(valid.as_str(), expect),
            Err(again) => panic!("fixed `{}` still fails: {again}", repair.sql),
        }
    }
    // Two ways to reach the column's table (a self-join) are no rules fix: a model decides
    // which one the question means. Nor is a comma-separated FROM, where an appended JOIN
    // would bind to the last item only.
    for sql in [
        "SELECT T1.Fname FROM Has_Pet AS T1 JOIN Has_Pet AS T2 ON T1.PetID = T2.PetID",
        "SELECT Fname FROM Pets AS a, Has_Pet AS b WHERE a.PetID = b.PetID",
    ] {
        let rejection = validate(sql, &policy, &catalog).expect_err(sql);
        assert_eq!(rejection.repair_tier(), RepairTier::Large, "{sql}: {rejection}");
    }
    // With a plan, only its tables are joined: Student outside the plan stays a missing join
    // (the agent widens the plan with it).
    let scope = Scope { tables: vec![TableName::new("Has_Pet"), TableName::new("Pets")], filters: vec![] };
    let planned = Policy::new(Sqlite).with_max_rows(100).with_scope(scope);
    let rejection = validate("SELECT T1.Fname FROM Has_Pet AS T1", &planned, &catalog).expect_err("no Fname");
    assert_eq!(rejection.repair_tier(), RepairTier::Large, "{rejection}");
}

#[test]
fn a_table_several_schemas_share_is_qualified_with_the_plans_one() {
    use tandem_core::{Catalog, Column, Table};
    let singer = |schema: &str| {
        Table::new(TableName::qualified(schema, "singer"), vec![Column::new("Name", "text"), Column::new("Age", "int")])
    };
    let catalog = Catalog::new(vec![singer("concert_singer"), singer("singer")]);
    let sql = "SELECT singer.Name FROM singer WHERE Age > 30";
    let unplanned = Policy::new(Sqlite).with_max_rows(100);
    let rejection = validate(sql, &unplanned, &catalog).expect_err("ambiguous without a plan");
    assert_eq!(rejection.repair_tier(), RepairTier::Small, "{rejection}");
    let scope = Scope { tables: vec![TableName::qualified("concert_singer", "singer")], filters: vec![] };
    let planned = Policy::new(Sqlite).with_max_rows(100).with_scope(scope);
    let repair = repair_with_rules(sql, &planned, &catalog);
    match repair.outcome {
        Ok(valid) => {
            assert_eq!(valid.as_str(), "SELECT singer.Name FROM concert_singer.singer WHERE Age > 30 LIMIT 100");
        }
        Err(again) => panic!("fixed `{}` still fails: {again}", repair.sql),
    }
}
