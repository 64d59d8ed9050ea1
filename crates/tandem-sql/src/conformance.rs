//! Plan conformance: the SQL should read only the confirmed plan's tables and mention every
//! filter value the plan holds. Findings are warnings for the large model, never blocks: the
//! SQL is still safe to run.

use std::ops::ControlFlow;

use sqlparser::ast::{Query, Value, ValueWithSpan, Visit, Visitor};
use tandem_core::TableName;

use crate::policy::{PlanFilter, Scope};
use crate::violation::{Violation, ViolationCode};

/// Conformance warnings for `query` (already normalised), which reads `tables`.
pub(crate) fn check(query: &Query, scope: &Scope, tables: &[TableName]) -> Vec<Violation> {
    let mut violations = Vec::new();
    let planned: Vec<String> = scope.tables.iter().map(ToString::to_string).collect();
    for table in tables {
        let inside = scope.tables.iter().any(|s| {
            s.name.eq_ignore_ascii_case(&table.name)
                && match (&s.schema, &table.schema) {
                    (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                    _ => true,
                }
        });
        if !inside {
            let message = format!("table `{table}` is not in the confirmed plan ({})", planned.join(", "));
            violations
                .push(Violation::new(ViolationCode::TableOutsidePlan, message, None).with_suggestions(planned.clone()));
        }
    }
    let mut literals = Literals::default();
    let _ = query.visit(&mut literals);
    for filter in &scope.filters {
        if !literals.0.iter().any(|literal| mentions(literal, filter)) {
            let column = filter.column.as_deref().map(|c| format!(" on `{c}`")).unwrap_or_default();
            let message = format!("the plan filters{column} by `{}`, but the SQL never mentions it", filter.literal);
            violations.push(Violation::new(ViolationCode::MissingPlanFilter, message, None));
        }
    }
    violations
}

/// Whether a literal of the SQL carries the filter's value: equal ignoring case and
/// surrounding space, equal as numbers, or inside a LIKE pattern.
fn mentions(literal: &str, filter: &PlanFilter) -> bool {
    let (literal, wanted) = (literal.trim(), filter.literal.trim());
    if literal.eq_ignore_ascii_case(wanted) || literal.to_lowercase() == wanted.to_lowercase() {
        return true;
    }
    if let (Ok(a), Ok(b)) = (literal.parse::<f64>(), wanted.parse::<f64>()) {
        return a == b;
    }
    let pattern = literal.contains(['%', '_']);
    pattern && !wanted.is_empty() && literal.to_lowercase().contains(&wanted.to_lowercase())
}

/// Every string and number literal, as text.
#[derive(Default)]
struct Literals(Vec<String>);

impl Visitor for Literals {
    type Break = ();

    fn pre_visit_value(&mut self, value: &ValueWithSpan) -> ControlFlow<()> {
        match &value.value {
            Value::Number(n, _) => self.0.push(n.clone()),
            other => self.0.extend(other.clone().into_string()),
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_value_counts_when_equal_numeric_or_in_a_pattern() {
        let filter = |v: &str| PlanFilter::new(Some("country"), v);
        assert!(mentions("France", &filter("france")));
        assert!(mentions("2.0", &filter("2")));
        assert!(mentions("%fran%", &filter("Fran")));
        assert!(!mentions("Germany", &filter("France")));
        assert!(!mentions("Frances", &filter("France")), "only patterns match by containment");
    }
}
