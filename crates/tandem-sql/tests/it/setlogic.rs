//! Set logic written as a row filter over the many side of a join.

use tandem_core::Dialect::Sqlite;
use tandem_core::{Catalog, Column, ForeignKey, Table, TableName};
use tandem_sql::{Policy, SetIntent, set_logic_findings, validate};

use crate::support::pets;

const ABSENCE: SetIntent = SetIntent { absence: true, both: false };
const BOTH: SetIntent = SetIntent { absence: false, both: true };

/// `pets()` plus Spider's `car_1` chain, where every step is a key the returned rows hold.
fn catalog() -> Catalog {
    let mut catalog = pets();
    let table = |name: &str, columns: &[&str], keys: &[(&str, &str)]| {
        let mut table = Table::new(TableName::new(name), columns.iter().map(|c| Column::new(*c, "text")).collect());
        table.foreign_keys = keys
            .iter()
            .map(|(column, referenced)| ForeignKey {
                columns: vec![(*column).to_owned()],
                referenced_table: TableName::new(*referenced),
                referenced_columns: vec![(*column).to_owned()],
            })
            .collect();
        table
    };
    catalog.tables.extend([
        table("countries", &["CountryId", "CountryName"], &[]),
        table("car_makers", &["Id", "Maker", "Country"], &[("Country", "countries")]),
        table("model_list", &["ModelId", "Maker", "Model"], &[("Maker", "car_makers")]),
        table("car_names", &["MakeId", "Model", "Make"], &[("Model", "model_list")]),
    ]);
    catalog
}

fn findings(sql: &str, intent: SetIntent) -> Vec<String> {
    let catalog = catalog();
    let valid = validate(sql, &Policy::new(Sqlite).with_max_rows(100), &catalog).expect("valid SQL");
    set_logic_findings(&valid, &catalog, intent)
}

const STUDENT_PETS: &str =
    "FROM Student AS T1 JOIN Has_Pet AS T2 ON T1.StuID = T2.StuID JOIN Pets AS T3 ON T3.PetID = T2.PetID";

#[test]
fn a_negative_filter_on_the_many_side_of_a_join_is_found_when_the_request_asks_for_absence() {
    for sql in [
        format!("SELECT T1.Fname {STUDENT_PETS} WHERE T3.PetType <> 'cat'"),
        format!("SELECT T1.Fname {STUDENT_PETS} WHERE T3.PetType != 'cat' AND T1.Age > 20"),
        format!("SELECT count(*) {STUDENT_PETS} WHERE PetType NOT LIKE 'cat'"),
        format!("SELECT DISTINCT T1.Age {STUDENT_PETS} WHERE T3.PetType NOT IN ('cat')"),
    ] {
        let found = findings(&sql, ABSENCE);
        assert_eq!(found.len(), 1, "{sql}: {found:?}");
        assert!(found[0].contains("one `Pets` row at a time") && found[0].contains("NOT IN"), "{}", found[0]);
        // The same SQL for a request that asks no such thing is left alone.
        assert!(findings(&sql, SetIntent::default()).is_empty());
        assert!(findings(&sql, BOTH).is_empty());
    }
}

#[test]
fn either_value_on_the_many_side_is_found_when_the_request_asks_for_both() {
    for sql in [
        format!("SELECT T1.Fname {STUDENT_PETS} WHERE T3.PetType IN ('cat', 'dog')"),
        format!("SELECT T1.Fname {STUDENT_PETS} WHERE (T3.PetType = 'cat' OR T3.PetType = 'dog')"),
    ] {
        let found = findings(&sql, BOTH);
        assert_eq!(found.len(), 1, "{sql}: {found:?}");
        assert!(found[0].contains("INTERSECT"), "{}", found[0]);
        assert!(findings(&sql, ABSENCE).is_empty());
    }
}

#[test]
fn set_operations_subqueries_and_one_value_per_row_are_left_alone() {
    for sql in [
        // Exclusion by subquery and intersection: already set logic.
        format!(
            "SELECT Fname FROM Student WHERE StuID NOT IN (SELECT T1.StuID {STUDENT_PETS} WHERE T3.PetType = 'cat')"
        ),
        format!(
            "SELECT T1.Fname {STUDENT_PETS} WHERE T3.PetType = 'cat' INTERSECT SELECT T1.Fname {STUDENT_PETS} WHERE T3.PetType = 'dog'"
        ),
        // The returned rows' own column.
        format!("SELECT T1.Fname {STUDENT_PETS} WHERE T1.Age <> 20"),
        // One table: a row filter is the answer.
        "SELECT PetID FROM Pets WHERE PetType <> 'cat'".to_owned(),
        // A car's maker's country: every step is a key the car holds, one value per car.
        "SELECT T1.Make FROM car_names AS T1 JOIN model_list AS T2 ON T1.Model = T2.Model \
         JOIN car_makers AS T3 ON T2.Maker = T3.Id JOIN countries AS T4 ON T3.Country = T4.CountryId \
         WHERE T4.CountryName <> 'usa'"
            .to_owned(),
    ] {
        assert!(findings(&sql, SetIntent { absence: true, both: true }).is_empty(), "{sql}");
    }
}

#[test]
fn the_many_side_is_read_from_the_returned_table_not_from_the_first_one() {
    // Countries returned, cars compared: one country has many makers, so "countries without
    // a `ford`" cannot be a row filter.
    let sql = "SELECT DISTINCT T4.CountryName FROM car_names AS T1 JOIN model_list AS T2 ON T1.Model = T2.Model \
               JOIN car_makers AS T3 ON T2.Maker = T3.Id JOIN countries AS T4 ON T3.Country = T4.CountryId \
               WHERE T1.Make <> 'ford'";
    let found = findings(sql, ABSENCE);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("a `countries` with several `car_names` rows"), "{}", found[0]);
}
