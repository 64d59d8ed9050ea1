//! A plan's transform section: grounded in the request's own words, settled against the
//! catalog, and turned into the `TransformSpec` the validator holds the SQL to.

use tandem_core::{Catalog, Dialect, Table, TableKind, TableName};
use tandem_sql::{Expectations, TransformSpec, WriteKind, check_transform_spec};

use crate::check::{plan_name, resolve_table};
use crate::plan::{Plan, PlanExpectations, TargetKind, TransformPlan, WriteMode};

/// Words that can follow "table" without naming it ("a table with …", "the table of …").
const NOT_NAMES: [&str; 22] = [
    "with",
    "of",
    "for",
    "from",
    "that",
    "which",
    "in",
    "to",
    "the",
    "a",
    "an",
    "showing",
    "holding",
    "listing",
    "containing",
    "per",
    "by",
    "and",
    "on",
    "where",
    "named",
    "called",
];

/// Sets what the request states outright over what the small model wrote: a target the request
/// names ("a table customers_per_country", "into the sales_summary table") and a write mode
/// its verb makes plain ("upsert", "insert … into", "replace"). Each override is noted.
pub(crate) fn ground(plan: &mut Plan, request: &str) {
    let words: Vec<String> = request
        .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '.')
        .map(|w| w.trim_matches('.').to_owned())
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let named = named_target(&words, &lower);
    let mode = stated_mode(&lower);
    let view = lower.iter().any(|w| w == "view") && !lower.iter().any(|w| w == "table");
    let Some(transform) = plan.transform.as_mut() else { return };
    let mut notes = Vec::new();
    if let Some(named) = named
        && !named.eq_ignore_ascii_case(&transform.target)
    {
        if !transform.target.trim().is_empty() {
            notes.push(format!("the request names the target `{named}` (the planner wrote `{}`)", transform.target));
        }
        transform.target = named;
    }
    if let Some(mode) = mode
        && mode != transform.write
    {
        notes.push(format!("the request asks for {mode} (the planner wrote {})", transform.write));
        transform.write = mode;
    }
    if view {
        transform.target_kind = TargetKind::View;
    }
    // A transform writes data: a filter narrows what is written, so it must come from the
    // request, never from the planner's guess at typical values.
    let stated = |value: &str| {
        value
            .split(',')
            .map(|v| v.trim().trim_matches(['\'', '"', '(', ')', '%']).trim().to_lowercase())
            .filter(|v| !v.is_empty())
            .any(|v| request.to_lowercase().contains(&v))
    };
    let (kept, invented): (Vec<_>, Vec<_>) =
        std::mem::take(&mut plan.filters).into_iter().partition(|f| !f.op.has_literal() || stated(&f.value));
    plan.filters = kept;
    for filter in invented {
        notes.push(format!(
            "dropped the filter {} {:?} {}: the request does not ask for it",
            filter.column, filter.op, filter.value
        ));
    }
    plan.assumptions.extend(notes);
}

/// The identifier after "table"/"view" (skipping "named"/"called"), or before "table" in
/// "into the X table".
fn named_target(words: &[String], lower: &[String]) -> Option<String> {
    let identifier = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            && !NOT_NAMES.contains(&w.to_lowercase().as_str())
    };
    for (i, word) in lower.iter().enumerate() {
        if word == "table" || word == "view" {
            let mut j = i + 1;
            while lower.get(j).is_some_and(|w| matches!(w.as_str(), "named" | "called")) {
                j += 1;
            }
            if let Some(next) = words.get(j)
                && identifier(next)
                && (next.contains('_') || j > i + 1)
            {
                return Some(next.clone());
            }
            // "into the orders_archive table": the word before.
            if i >= 1
                && let Some(before) = words.get(i - 1)
                && identifier(before)
                && before.contains('_')
            {
                return Some(before.clone());
            }
        }
        if word == "into"
            && let Some(next) = words.get(i + 1)
            && identifier(next)
            && next.contains('_')
        {
            return Some(next.clone());
        }
    }
    None
}

fn stated_mode(lower: &[String]) -> Option<WriteMode> {
    let has = |w: &str| lower.iter().any(|x| x == w);
    if has("upsert") || has("merge") {
        Some(WriteMode::Upsert)
    } else if has("replace") || has("rebuild") || has("refresh") {
        Some(WriteMode::Replace)
    } else if has("insert") || has("append") || (has("add") && has("into")) {
        Some(WriteMode::InsertSelect)
    } else if ["create", "build", "make", "materialize", "materialise"].iter().any(|w| has(w)) {
        Some(WriteMode::CreateAsSelect)
    } else {
        None
    }
}

/// Settles a planner's transform section against the catalog, noting each decision in the
/// plan's assumptions: the target is never also a source, a missing target of an insert or
/// upsert is created instead, an upsert without a key takes the target's primary key, and
/// expectation columns an existing target lacks are dropped.
pub(crate) fn settle(plan: &mut Plan, catalog: &Catalog) {
    let Some(transform) = plan.transform.as_mut() else { return };
    let mut notes = Vec::new();
    transform.target = transform.target.trim().trim_matches(['"', '`', '\'']).to_owned();
    let existing = resolve_table(catalog, &transform.target);
    if let Some(table) = existing {
        transform.target = plan_name(&table.name);
        if table.kind == TableKind::View {
            transform.target_kind = TargetKind::View;
        }
    }
    let target = transform.target.clone();
    let before = plan.tables.len();
    plan.tables.retain(|t| !t.eq_ignore_ascii_case(&target));
    if plan.tables.len() < before {
        notes.push(format!("`{target}` is the target, so it is not read as a source"));
    }
    match (transform.write, existing) {
        (WriteMode::InsertSelect | WriteMode::Upsert, None) if !target.is_empty() => {
            notes.push(format!("`{target}` does not exist yet, so the transform creates it"));
            transform.write = WriteMode::CreateAsSelect;
            transform.key.clear();
        }
        (WriteMode::Upsert, Some(table)) if transform.key.is_empty() && !table.primary_key.is_empty() => {
            transform.key = table.primary_key.clone();
            notes.push(format!(
                "the upsert matches rows on `{target}`'s primary key ({})",
                table.primary_key.join(", ")
            ));
        }
        _ => {}
    }
    if transform.write != WriteMode::Upsert {
        transform.key.clear();
    }
    tidy_expectations(&mut transform.expect);
    if let Some(table) = existing.filter(|_| matches!(transform.write, WriteMode::InsertSelect | WriteMode::Upsert)) {
        let known = |c: &String| table.column(c).is_some();
        let dropped: Vec<String> = transform
            .expect
            .not_null
            .iter()
            .chain(transform.expect.unique.iter().flatten())
            .filter(|c| !known(c))
            .cloned()
            .collect();
        if !dropped.is_empty() {
            notes.push(format!("dropped expectations on columns `{target}` does not have: {}", dropped.join(", ")));
            transform.expect.not_null.retain(known);
            transform.expect.unique.retain(|key| key.iter().all(known));
        }
    }
    for note in notes {
        if !plan.assumptions.contains(&note) {
            plan.assumptions.push(note);
        }
    }
}

fn tidy_expectations(expect: &mut PlanExpectations) {
    let trim = |c: &mut String| *c = c.trim().to_owned();
    expect.not_null.iter_mut().for_each(trim);
    expect.not_null.retain(|c| !c.is_empty());
    expect.not_null.dedup();
    for key in &mut expect.unique {
        key.iter_mut().for_each(trim);
        key.retain(|c| !c.is_empty());
    }
    expect.unique.retain(|key| !key.is_empty());
    expect.unique.dedup();
}

/// The declaration the transform's SQL is validated against, in catalog spelling.
pub fn spec_for(transform: &TransformPlan, sources: &[String], catalog: &Catalog) -> TransformSpec {
    let existing = resolve_table(catalog, &transform.target);
    let target = match existing {
        Some(table) => table.name.clone(),
        None => written_name(&transform.target),
    };
    let write = match transform.write {
        WriteMode::CreateAsSelect => WriteKind::CreateAsSelect,
        WriteMode::InsertSelect => WriteKind::InsertSelect,
        WriteMode::Upsert => WriteKind::Upsert { key: transform.key.clone() },
        WriteMode::Replace => WriteKind::Replace,
    };
    let sources = sources
        .iter()
        .map(|s| resolve_table(catalog, s).map_or_else(|| written_name(s), |t: &Table| t.name.clone()))
        .collect();
    let mut expect = Expectations::default();
    for key in &transform.expect.unique {
        expect = expect.unique(key.iter().cloned());
    }
    expect = expect.not_null(transform.expect.not_null.iter().cloned());
    if transform.expect.min_rows.is_some() || transform.expect.max_rows.is_some() {
        expect = expect.rows(transform.expect.min_rows, transform.expect.max_rows);
    }
    // A create means a new target: one that exists is the catalog's clash to report.
    let exists = existing.is_some() && transform.write != WriteMode::CreateAsSelect;
    let mut spec = TransformSpec::new(target, write, sources).expecting(expect).exists(exists);
    if transform.target_kind == TargetKind::View {
        spec = spec.view();
    }
    spec
}

fn written_name(written: &str) -> TableName {
    let written = written.trim().trim_matches(['"', '`']);
    match written.split_once('.') {
        Some((schema, name)) => TableName::qualified(schema, name),
        None => TableName::new(written),
    }
}

/// What stops a transform plan from being confirmed, in words for the person; empty when it
/// can run. A query plan has none.
pub fn transform_problems(plan: &Plan, catalog: &Catalog, dialect: Dialect) -> Vec<String> {
    let Some(transform) = &plan.transform else { return Vec::new() };
    let mut problems = Vec::new();
    let target = transform.target.trim();
    if target.is_empty() {
        problems.push("name the table or view to write (edit: target NAME)".to_owned());
        return problems;
    }
    if !target.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') {
        problems.push(format!("`{target}` is not a plain table name: use letters, digits and underscores"));
    }
    if plan.tables.is_empty() {
        problems.push("the transform reads no table: add its sources".to_owned());
    }
    let spec = spec_for(transform, &plan.tables, catalog);
    problems.extend(check_transform_spec(&spec, catalog, dialect).into_iter().map(|v| {
        if v.suggestions.is_empty() {
            v.message
        } else {
            format!("{} (did you mean {}?)", v.message, v.suggestions.join(", "))
        }
    }));
    problems
}

#[cfg(test)]
mod tests {
    use tandem_core::Column;

    use super::*;

    fn catalog() -> Catalog {
        let mut summary =
            Table::new(TableName::new("sales_summary"), vec![Column::new("day", "text"), Column::new("total", "int")]);
        summary.primary_key = vec!["day".into()];
        Catalog::new(vec![Table::new(TableName::new("orders"), vec![Column::new("day", "text")]), summary])
    }

    fn plan(target: &str, write: WriteMode) -> Plan {
        let mut plan = Plan::new();
        plan.tables = vec!["orders".into()];
        plan.transform = Some(TransformPlan {
            target: target.into(),
            target_kind: TargetKind::Table,
            write,
            key: Vec::new(),
            expect: PlanExpectations::default(),
        });
        plan
    }

    #[test]
    fn the_request_names_the_target_and_the_mode() {
        let mut p = plan("summary", WriteMode::CreateAsSelect);
        ground(&mut p, "Create a table customers_per_country with the number of customers per country");
        assert_eq!(p.transform.as_ref().map(|t| t.target.as_str()), Some("customers_per_country"));
        let mut p = plan("x", WriteMode::CreateAsSelect);
        ground(&mut p, "Insert yesterday's orders into the sales_summary table");
        let t = p.transform.clone().unwrap();
        assert_eq!((t.target.as_str(), t.write), ("sales_summary", WriteMode::InsertSelect));
        let mut p = plan("daily_totals", WriteMode::CreateAsSelect);
        ground(&mut p, "Build a table with daily totals");
        assert_eq!(p.transform.map(|t| t.target), Some("daily_totals".to_owned()), "no name stated: kept");
    }

    #[test]
    fn filters_the_request_never_states_are_dropped() {
        use crate::plan::{ColumnRef, Filter, FilterOp};
        let filter =
            |value: &str| Filter { column: ColumnRef::new("orders", "status"), op: FilterOp::In, value: value.into() };
        let mut p = plan("t", WriteMode::CreateAsSelect);
        p.filters = vec![filter("Closed"), filter("'paid', 'open'")];
        ground(&mut p, "Create a table t of the paid orders per day");
        assert_eq!(p.filters, vec![filter("'paid', 'open'")]);
        assert!(p.assumptions.iter().any(|a| a.contains("Closed")), "{:?}", p.assumptions);
    }

    #[test]
    fn settling_fixes_what_the_catalog_decides() {
        let mut p = plan("new_table", WriteMode::InsertSelect);
        p.tables.push("new_table".into());
        settle(&mut p, &catalog());
        assert_eq!(p.transform.as_ref().map(|t| t.write), Some(WriteMode::CreateAsSelect));
        assert_eq!(p.tables, ["orders"]);
        assert_eq!(p.assumptions.len(), 2, "{:?}", p.assumptions);
        let mut p = plan("SALES_SUMMARY", WriteMode::Upsert);
        p.transform.as_mut().unwrap().expect.not_null = vec!["total".into(), "nope".into()];
        settle(&mut p, &catalog());
        let t = p.transform.clone().unwrap();
        assert_eq!((t.target.as_str(), t.key.as_slice()), ("sales_summary", ["day".to_owned()].as_slice()));
        assert_eq!(t.expect.not_null, ["total"]);
        assert!(
            transform_problems(&p, &catalog(), Dialect::Sqlite).is_empty(),
            "{:?}",
            transform_problems(&p, &catalog(), Dialect::Sqlite)
        );
    }

    #[test]
    fn problems_say_what_blocks_confirmation() {
        let catalog = catalog();
        assert!(
            transform_problems(&plan("", WriteMode::CreateAsSelect), &catalog, Dialect::Sqlite)[0].contains("name")
        );
        let exists = transform_problems(&plan("sales_summary", WriteMode::CreateAsSelect), &catalog, Dialect::Sqlite);
        assert!(exists.iter().any(|p| p.contains("already exists")), "{exists:?}");
        let bad = transform_problems(&plan("a b; drop", WriteMode::CreateAsSelect), &catalog, Dialect::Sqlite);
        assert!(bad.iter().any(|p| p.contains("plain table name")), "{bad:?}");
        assert!(transform_problems(&plan("daily", WriteMode::CreateAsSelect), &catalog, Dialect::Sqlite).is_empty());
        assert!(transform_problems(&Plan::new(), &catalog, Dialect::Sqlite).is_empty());
    }
}
