//! Text for people: the plan as a short readable summary, result tables, and the ledger in
//! words. Pure functions; `output` prints them.

use tandem_agent::session::{AnswerColumn, AnswerRecord, PreviewRecord};
use tandem_agent::{Ledger, Plan, TierLedger, TransformPlan};

/// The plan as a person reviews it, with numbered filters and open questions so edits can
/// name them.
pub fn plan(plan: &Plan) -> String {
    let mut out = String::new();
    let mut line = |label: &str, text: String| {
        if !text.is_empty() {
            out.push_str(&format!("  {label:<12} {text}\n"));
        }
    };
    if let Some(transform) = &plan.transform {
        line("writes", target(transform));
        let expect = &transform.expect;
        let unique = expect.unique.iter().map(|key| format!("unique ({})", key.join(", ")));
        let not_null = expect.not_null.iter().map(|c| format!("{c} not null"));
        let rows = match (expect.min_rows, expect.max_rows) {
            (None, None) => None,
            (min, max) => Some(format!(
                "rows {}..{}",
                min.map(|n| n.to_string()).unwrap_or_default(),
                max.map(|n| n.to_string()).unwrap_or_default()
            )),
        };
        line("expects", join(unique.chain(not_null).chain(rows)));
    }
    line(if plan.transform.is_some() { "reads" } else { "tables" }, plan.tables.join(", "));
    line("columns", join(plan.columns.iter().map(ToString::to_string)));
    line("joins", join(plan.joins.iter().map(ToString::to_string)));
    let filters: Vec<String> = plan
        .filters
        .iter()
        .enumerate()
        .map(|(i, f)| format!("[{}] {} {} {}", i + 1, f.column, op(f.op), f.value).trim_end().to_owned())
        .collect();
    line("filters", filters.join("; "));
    let measures = plan.measures.iter().map(|m| {
        let column = m.column.as_ref().map_or_else(|| "*".to_owned(), ToString::to_string);
        let aggregate = serde_json::to_value(m.aggregate).ok().and_then(|v| v.as_str().map(str::to_owned));
        let alias = m.alias.as_ref().map(|a| format!(" as {a}")).unwrap_or_default();
        format!("{}({column}){alias}", aggregate.unwrap_or_default())
    });
    line("measures", join(measures));
    line("group by", join(plan.group_by.iter().map(ToString::to_string)));
    line("grain", plan.grain.clone().unwrap_or_default());
    let order = plan.order_by.iter().map(|o| format!("{}{}", o.expr, if o.descending { " desc" } else { "" }));
    line("order by", join(order));
    line("limit", plan.limit.map(|l| l.to_string()).unwrap_or_default());
    for assumption in &plan.assumptions {
        line("assumes", assumption.clone());
    }
    for (i, question) in plan.open_questions.iter().enumerate() {
        line("open", format!("[{}] {question}", i + 1));
    }
    out
}

fn target(transform: &TransformPlan) -> String {
    let kind = match transform.target_kind {
        tandem_agent::TargetKind::Table => "table",
        tandem_agent::TargetKind::View => "view",
    };
    let key = if transform.key.is_empty() { String::new() } else { format!(" on ({})", transform.key.join(", ")) };
    let target = if transform.target.is_empty() { "(no name yet)" } else { transform.target.as_str() };
    format!("{kind} {target} — {}{key}", transform.write.as_str().replace('_', " "))
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

fn op(op: tandem_agent::FilterOp) -> &'static str {
    use tandem_agent::FilterOp::*;
    match op {
        Eq => "=",
        Ne => "<>",
        Lt => "<",
        Le => "<=",
        Gt => ">",
        Ge => ">=",
        Like => "like",
        In => "in",
        Between => "between",
        IsNull => "is null",
        IsNotNull => "is not null",
    }
}

/// A plain-text table with a row count; at most `max_rows` rows are shown.
pub fn table(answer: &AnswerRecord, max_rows: usize) -> String {
    grid(&answer.columns, &answer.rows, answer.truncated, max_rows)
}

/// A transform's preview: what it would write, sample rows, and each quality check.
pub fn preview(preview: &PreviewRecord, max_rows: usize) -> String {
    let how = match preview.method.as_str() {
        "file_copy" => "ran on a copy of the database file",
        "rolled_back_transaction" => "ran in a transaction that was rolled back",
        "temporary_table" => "ran on temporary tables",
        other => other,
    };
    let mut out = format!(
        "Preview: {} into {} ({how}; nothing was written)\nSQL:\n",
        preview.write.replace('_', " "),
        preview.target
    );
    for statement in &preview.sql {
        out.push_str(&format!("  {statement};\n"));
    }
    out.push_str(&format!(
        "{} row(s) written; {} row(s) in {} afterwards\n",
        preview.rows_affected, preview.target_rows, preview.target
    ));
    out.push_str(&grid(&preview.columns, &preview.sample, false, max_rows));
    out.push_str(if preview.sample.len() as u64 == preview.target_rows { "\n" } else { " of the first rows\n" });
    if preview.checks.is_empty() {
        out.push_str("checks: none declared\n");
    }
    for check in &preview.checks {
        let mark = if check.passed { "ok  " } else { "FAIL" };
        out.push_str(&format!("  {mark} {} — {}\n", check.check, check.detail));
    }
    for note in &preview.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

fn grid(columns: &[AnswerColumn], rows: &[Vec<serde_json::Value>], truncated: bool, max_rows: usize) -> String {
    let header: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let body: Vec<Vec<String>> = rows.iter().take(max_rows).map(|row| row.iter().map(cell).collect()).collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            body.iter().filter_map(|r| r.get(i)).chain(header.get(i)).map(|c| c.chars().count()).max().unwrap_or(0)
        })
        .collect();
    let format_row = |cells: &[String]| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join(" | ").trim_end().to_owned()
    };
    let mut out = format!("{}\n", format_row(&header));
    out.push_str(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("-+-"));
    out.push('\n');
    for row in &body {
        out.push_str(&format_row(row));
        out.push('\n');
    }
    let shown = if rows.len() > body.len() { format!(", {} shown", body.len()) } else { String::new() };
    let truncated = if truncated { ", truncated by the row limit" } else { "" };
    out.push_str(&format!("({} rows{shown}{truncated})", rows.len()));
    out
}

fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "NULL".to_owned(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The ledger in words: what each tier did and cost, and what the large model did not read.
pub fn ledger(ledger: &Ledger) -> String {
    let mut out = String::new();
    out.push_str(&tier("small model", &ledger.small));
    if ledger.cache_hit && ledger.large.n_calls == 0 {
        out.push_str("large model  not called: the SQL of an identical confirmed plan was reused\n");
    } else {
        out.push_str(&tier("large model", &ledger.large));
    }
    if ledger.rules.n_calls > 0 {
        out.push_str(&format!("rules        {} repair round(s)\n", ledger.rules.n_calls));
    }
    let full = ledger.counterfactual_full_schema_prompt_tokens;
    if full > 0 && ledger.large.n_calls > 0 {
        let read = ledger.large.prompt_tokens;
        let ratio = full as f64 / ledger.scoped_prompt_tokens.max(1) as f64;
        out.push_str(&format!(
            "saved        the large model read {read} prompt tokens in all; with the full schema its first \
             prompt alone would have been {full} tokens instead of {} ({ratio:.1}× more)\n",
            ledger.scoped_prompt_tokens
        ));
    }
    if let Some(transform) = &ledger.transform {
        out.push_str(&format!(
            "sandbox      {} preview run(s), {:.1} s; {}/{} checks passed",
            transform.n_previews,
            transform.preview_ms / 1_000.0,
            transform.n_checks - transform.n_checks_failed.min(transform.n_checks),
            transform.n_checks
        ));
        match transform.applied_rows {
            Some(rows) => out.push_str(&format!("; applied: {rows} row(s) written\n")),
            None => out.push_str("; not applied\n"),
        }
    }
    let cost = ledger.total_cost();
    if cost > 0.0 {
        out.push_str(&format!("cost         {cost:.6} at the configured prices\n"));
    }
    out.push_str(&format!("wall time    {:.1} s", ledger.wall_ms / 1_000.0));
    out
}

fn tier(name: &str, tier: &TierLedger) -> String {
    if tier.n_calls == 0 {
        return format!("{name:<12} not called\n");
    }
    let ttft = tier.time_to_first_token_ms / f64::from(tier.n_calls);
    format!(
        "{name:<12} {} call(s), {} prompt tokens ({} cached), {} completion tokens, {:.1} s in queue, \
         {:.1} s to first token (mean), {:.1} s in all\n",
        tier.n_calls,
        tier.prompt_tokens,
        tier.cached_prompt_tokens,
        tier.completion_tokens,
        tier.queue_wait_ms / 1_000.0,
        ttft / 1_000.0,
        tier.wall_ms / 1_000.0,
    )
}

#[cfg(test)]
mod tests {
    use tandem_agent::session::AnswerColumn;
    use tandem_agent::{ColumnRef, Filter, FilterOp};

    use super::*;

    #[test]
    fn plans_read_as_numbered_lines() {
        let mut plan = Plan::new();
        plan.tables = vec!["singer".into()];
        plan.filters = vec![Filter { column: ColumnRef::new("singer", "age"), op: FilterOp::Gt, value: "32".into() }];
        plan.open_questions = vec!["Count duplicates?".into()];
        let text = super::plan(&plan);
        assert!(text.contains("tables       singer"), "{text}");
        assert!(text.contains("[1] singer.age > 32"), "{text}");
        assert!(text.contains("open         [1] Count duplicates?"), "{text}");
    }

    #[test]
    fn tables_align_and_say_how_many_rows() {
        let answer = AnswerRecord {
            sql: String::new(),
            columns: vec![
                AnswerColumn { name: "name".into(), type_name: "TEXT".into() },
                AnswerColumn { name: "age".into(), type_name: "INTEGER".into() },
            ],
            rows: vec![vec!["Rose White".into(), serde_json::Value::Null], vec!["Al".into(), 3.into()]],
            truncated: false,
            from_cache: false,
            notes: Vec::new(),
        };
        assert_eq!(table(&answer, 1), "name       | age\n-----------+-----\nRose White | NULL\n(2 rows, 1 shown)");
    }

    #[test]
    fn the_ledger_says_what_the_full_schema_would_have_cost() {
        let mut ledger = Ledger::default();
        ledger.large.n_calls = 1;
        ledger.large.prompt_tokens = 400;
        ledger.scoped_prompt_tokens = 400;
        ledger.counterfactual_full_schema_prompt_tokens = 40_000;
        let text = super::ledger(&ledger);
        assert!(text.contains("small model  not called"), "{text}");
        assert!(text.contains("40000 tokens instead of 400 (100.0× more)"), "{text}");
    }
}
