//! Shared fixtures: a small concert catalog and a compact rendering of validation outcomes.

use tandem_core::{Catalog, Column, Dialect, Table, TableName};
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
