//! Execution accuracy as Spider scores it: a prediction is correct when its result equals a
//! gold query's result as a multiset of rows — as a sequence only when the gold query orders
//! its outermost result — with numbers compared by value (`1` equals `1.0`, a boolean equals
//! 0 or 1) and, as the test-suite evaluation allows, the columns in any order. A question with
//! several gold queries is correct when any of them matches.

use std::collections::HashMap;

use sqlparser::ast::Statement;
use sqlparser::dialect::{GenericDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use tandem_exec::{Rows, Value};

/// A value reduced to what the comparison looks at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Null,
    Int(i64),
    /// A non-integral number, to 12 significant digits (summation order must not matter).
    Float(String),
    Text(String),
    Bytes(Vec<u8>),
}

fn key(value: &Value) -> Key {
    match value {
        Value::Null => Key::Null,
        Value::Bool(b) => Key::Int(i64::from(*b)),
        Value::Int(i) => Key::Int(*i),
        Value::Float(f) => float_key(*f),
        Value::Text(t) => Key::Text(t.clone()),
        Value::Bytes(b) => Key::Bytes(b.clone()),
    }
}

#[expect(clippy::cast_possible_truncation, reason = "only integral values inside i64's range are cast")]
fn float_key(f: f64) -> Key {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        Key::Int(f as i64)
    } else {
        Key::Float(format!("{f:.11e}"))
    }
}

/// Whether the outermost query of `gold_sql` has an ORDER BY (so row order counts).
pub fn gold_orders(gold_sql: &str) -> bool {
    let parsed =
        Parser::parse_sql(&SQLiteDialect {}, gold_sql).or_else(|_| Parser::parse_sql(&GenericDialect {}, gold_sql));
    match parsed.as_deref() {
        Ok([Statement::Query(query)]) => query.order_by.is_some(),
        _ => gold_sql.to_ascii_lowercase().contains("order by"),
    }
}

/// Whether `predicted` equals `gold` (see the module docs); `ordered` when the gold orders.
pub fn results_match(predicted: &Rows, gold: &Rows, ordered: bool) -> bool {
    let n_columns = gold.columns.len().max(gold.rows.first().map_or(0, Vec::len));
    let width = |rows: &Rows| rows.columns.len().max(rows.rows.first().map_or(0, Vec::len));
    if predicted.rows.len() != gold.rows.len() || width(predicted) != n_columns {
        return false;
    }
    let to_keys = |rows: &Rows| -> Vec<Vec<Key>> { rows.rows.iter().map(|r| r.iter().map(key).collect()).collect() };
    let (pred, gold) = (to_keys(predicted), to_keys(gold));
    if pred.iter().chain(&gold).any(|row| row.len() != n_columns) {
        return false;
    }
    // Columns of the prediction that could stand for each gold column: same values (in the
    // same order when ordered, else as multisets).
    let column = |rows: &[Vec<Key>], c: usize, sort: bool| {
        let mut values: Vec<Key> = rows.iter().filter_map(|r| r.get(c).cloned()).collect();
        if sort {
            values.sort();
        }
        values
    };
    let candidates: Vec<Vec<usize>> = (0..n_columns)
        .map(|g| {
            let want = column(&gold, g, !ordered);
            (0..n_columns).filter(|&p| column(&pred, p, !ordered) == want).collect()
        })
        .collect();
    let gold_rows = if ordered { None } else { Some(multiset(gold.iter().cloned())) };
    let mut assignment = Vec::with_capacity(n_columns);
    let mut used = vec![false; n_columns];
    let mut budget = 10_000u32;
    search(&candidates, &mut assignment, &mut used, &mut budget, &mut |perm| {
        let permuted = pred.iter().map(|row| perm.iter().filter_map(|&p| row.get(p).cloned()).collect::<Vec<Key>>());
        match &gold_rows {
            None => permuted.eq(gold.iter().cloned()),
            Some(want) => &multiset(permuted) == want,
        }
    })
}

fn multiset(rows: impl Iterator<Item = Vec<Key>>) -> HashMap<Vec<Key>, usize> {
    let mut counts = HashMap::new();
    for row in rows {
        *counts.entry(row).or_insert(0) += 1;
    }
    counts
}

/// Tries column assignments (gold column `i` ← prediction column `assignment[i]`) depth
/// first until `accept` takes one or the budget of complete tries runs out.
fn search(
    candidates: &[Vec<usize>],
    assignment: &mut Vec<usize>,
    used: &mut [bool],
    budget: &mut u32,
    accept: &mut dyn FnMut(&[usize]) -> bool,
) -> bool {
    let Some(options) = candidates.get(assignment.len()) else {
        *budget = budget.saturating_sub(1);
        return accept(assignment);
    };
    for &p in options {
        if *budget == 0 {
            return false;
        }
        if used.get(p).copied().unwrap_or(true) {
            continue;
        }
        used[p] = true;
        assignment.push(p);
        if search(candidates, assignment, used, budget, accept) {
            return true;
        }
        assignment.pop();
        used[p] = false;
    }
    false
}

#[cfg(test)]
mod tests {
    use tandem_exec::ColumnMeta;

    use super::*;

    fn rows(data: &[&[Value]]) -> Rows {
        let width = data.first().map_or(0, |r| r.len());
        Rows {
            columns: (0..width).map(|i| ColumnMeta { name: format!("c{i}"), type_name: String::new() }).collect(),
            rows: data.iter().map(|r| r.to_vec()).collect(),
            truncated: false,
        }
    }

    use Value::{Float, Int, Null, Text};

    #[test]
    fn order_counts_only_when_the_gold_orders() {
        let a = rows(&[&[Int(1)], &[Int(2)]]);
        let b = rows(&[&[Int(2)], &[Int(1)]]);
        assert!(results_match(&a, &b, false));
        assert!(!results_match(&a, &b, true));
        assert!(results_match(&a, &a, true));
        assert!(gold_orders("SELECT name FROM singer ORDER BY age DESC"));
        assert!(!gold_orders("SELECT name FROM (SELECT name FROM singer ORDER BY age) AS t"));
        assert!(!gold_orders("SELECT count(*) FROM singer"));
    }

    #[test]
    fn numbers_by_value_and_multisets_by_count() {
        assert!(results_match(&rows(&[&[Int(1)]]), &rows(&[&[Float(1.0)]]), false));
        assert!(results_match(&rows(&[&[Value::Bool(true)]]), &rows(&[&[Int(1)]]), false));
        assert!(!results_match(&rows(&[&[Text("1".into())]]), &rows(&[&[Int(1)]]), false));
        assert!(results_match(&rows(&[&[Float(0.1 + 0.2)]]), &rows(&[&[Float(0.3)]]), false));
        let twice = rows(&[&[Int(1)], &[Int(1)], &[Int(2)]]);
        let once = rows(&[&[Int(1)], &[Int(2)], &[Int(2)]]);
        assert!(!results_match(&twice, &once, false), "duplicates count");
        assert!(!results_match(&rows(&[&[Null]]), &rows(&[]), false));
        assert!(results_match(&rows(&[]), &rows(&[]), false));
    }

    #[test]
    fn columns_may_come_in_any_order_but_rows_stay_whole() {
        let gold = rows(&[&[Text("a".into()), Int(1)], &[Text("b".into()), Int(2)]]);
        let swapped = rows(&[&[Int(2), Text("b".into())], &[Int(1), Text("a".into())]]);
        assert!(results_match(&swapped, &gold, false));
        let mixed = rows(&[&[Int(2), Text("a".into())], &[Int(1), Text("b".into())]]);
        assert!(!results_match(&mixed, &gold, false), "the pairs differ");
        assert!(!results_match(&rows(&[&[Text("a".into())], &[Text("b".into())]]), &gold, false), "width differs");
    }
}
