//! Shared fixtures: a small concert catalog and a compact rendering of validation outcomes.

use tandem_core::{Catalog, Column, Dialect, ForeignKey, Table, TableName};
use tandem_sql::{Policy, Rejection, apply_fix, validate};

/// Spider's `concert_singer`, trimmed, plus a mixed-case table for quoting rules.
pub fn catalog() -> Catalog {
    let table = |name: &str, columns: &[(&str, &str)]| {
        Table::new(TableName::new(name), columns.iter().map(|(c, t)| Column::new(*c, *t)).collect())
    };
    Catalog::new(vec![
        table("stadium", &[("Stadium_ID", "int"), ("Location", "text"), ("Name", "text"), ("Capacity", "int")]),
        table(
            "singer",
            &[("Singer_ID", "int"), ("Name", "text"), ("Country", "text"), ("Song_Name", "text"), ("Age", "int")],
        ),
        table("concert", &[("concert_ID", "int"), ("concert_Name", "text"), ("Stadium_ID", "text"), ("Year", "text")]),
        table("singer_in_concert", &[("concert_ID", "int"), ("Singer_ID", "text")]),
        table("Orders", &[("OrderID", "int"), ("order_date", "date"), ("paid", "boolean")]),
    ])
}

/// `ok <normalised sql>` (plus ` warn <code>` per warning), or one line per violation:
/// `<code> `<text at span>` [suggestions] fix=<sql after the fix>`.
pub fn outcome(dialect: Dialect, sql: &str, policy: Option<Policy>) -> String {
    let policy = policy.unwrap_or_else(|| Policy::new(dialect).with_max_rows(100));
    match validate(sql, &policy, &catalog()) {
        Ok(valid) => {
            let warnings: String = valid.warnings().iter().map(|w| format!(" warn {}", w.code)).collect();
            format!("ok {}{warnings}", valid.as_str())
        }
        Err(rejection) => render(sql, &rejection),
    }
}

pub fn render(sql: &str, rejection: &Rejection) -> String {
    let lines: Vec<String> = rejection
        .violations
        .iter()
        .map(|v| {
            let mut line = v.code.to_string();
            if let Some(text) = v.span.and_then(|s| s.slice(sql)) {
                line.push_str(&format!(" `{text}`"));
            }
            if !v.suggestions.is_empty() {
                line.push_str(&format!(" {:?}", v.suggestions));
            }
            if let Some(fix) = &v.fix {
                match apply_fix(sql, fix) {
                    Ok(fixed) => line.push_str(&format!(" fix={fixed}")),
                    Err(e) => line.push_str(&format!(" fix-error={e}")),
                }
            }
            line
        })
        .collect();
    lines.join("\n")
}

/// Data-driven check of one dialect's outcomes.
pub fn check(dialect: Dialect, sql: &str, expect: &str) {
    assert_eq!(outcome(dialect, sql, None), expect, "\n{dialect}: {sql}");
}

/// Spider's `pets_1`, trimmed: `Has_Pet` is the bridge between students and pets.
pub fn pets() -> Catalog {
    let table = |name: &str, columns: &[&str]| {
        Table::new(TableName::new(name), columns.iter().map(|c| Column::new(*c, "int")).collect())
    };
    let key = |column: &str, table: &str| ForeignKey {
        columns: vec![column.to_owned()],
        referenced_table: TableName::new(table),
        referenced_columns: vec![column.to_owned()],
    };
    let mut has_pet = table("Has_Pet", &["StuID", "PetID"]);
    has_pet.foreign_keys = vec![key("StuID", "Student"), key("PetID", "Pets")];
    Catalog::new(vec![
        table("Student", &["StuID", "LName", "Fname", "Age"]),
        has_pet,
        table("Pets", &["PetID", "PetType", "pet_age", "weight"]),
    ])
}
