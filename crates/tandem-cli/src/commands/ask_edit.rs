//! The plan-review prompt's commands, parsed into plan edits. Numbers are 1-based, as the plan
//! is shown.

use tandem_agent::{ColumnRef, Filter, FilterOp, PlanEdit, PlanExpectations, TargetKind, WriteMode};

/// What a person typed at the review prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Approve,
    Cancel,
    Help,
    Edit(PlanEdit),
}

pub const HELP: &str = "\
  [enter] or y      approve the plan (with the edits made so far)
  n or cancel       cancel the question
  +table T          add table T            -table T       remove table T
  +column T.C       add column T.C         -column T.C    remove column T.C
  filter T.C OP V   add a filter (OP: = <> < <= > >= like in between is-null is-not-null)
  -filter N         remove filter N
  limit N | limit none
  answer N TEXT     answer open question N
transforms (plans that write a table or view):
  target NAME [table|view]            the table or view to write
  write create|insert|replace         how to write it
  write upsert KEY[,KEY…]             insert or update rows matched on KEY
  expect unique=A,B not-null=C rows=MIN..MAX   the quality checks (expect none: no checks)";

/// Reads one line; `Err` says what is wrong with it.
pub fn parse(line: &str) -> Result<Reply, String> {
    let line = line.trim();
    let (command, rest) = line.split_once(char::is_whitespace).map_or((line, ""), |(c, r)| (c, r.trim()));
    let needs = |what: &str| if rest.is_empty() { Err(format!("`{command}` needs {what}")) } else { Ok(rest) };
    let edit = match command.to_ascii_lowercase().as_str() {
        "" | "y" | "yes" | "approve" | "ok" => return Ok(Reply::Approve),
        "n" | "no" | "cancel" | "q" | "quit" => return Ok(Reply::Cancel),
        "help" | "?" | "h" => return Ok(Reply::Help),
        "+table" => PlanEdit::AddTable { table: needs("a table name")?.to_owned() },
        "-table" => PlanEdit::RemoveTable { table: needs("a table name")?.to_owned() },
        "+column" => PlanEdit::AddColumn { column: column(needs("TABLE.COLUMN")?)? },
        "-column" => PlanEdit::RemoveColumn { column: column(needs("TABLE.COLUMN")?)? },
        "filter" => PlanEdit::AddFilter { filter: filter(needs("TABLE.COLUMN OP VALUE")?)? },
        "-filter" => PlanEdit::RemoveFilter { index: number(needs("a filter number")?)? },
        "limit" => match needs("a number or `none`")? {
            "none" => PlanEdit::SetLimit { limit: None },
            n => PlanEdit::SetLimit { limit: Some(n.parse().map_err(|_| format!("`{n}` is not a row count"))?) },
        },
        "answer" => {
            let rest = needs("a question number and the answer")?;
            let (n, answer) = rest.split_once(char::is_whitespace).ok_or("`answer` needs the answer text")?;
            PlanEdit::AnswerQuestion { index: number(n)?, answer: answer.trim().to_owned() }
        }
        "target" => {
            let mut parts = needs("a table name")?.split_whitespace();
            let target = parts.next().unwrap_or_default().to_owned();
            let target_kind = match parts.next().map(str::to_ascii_lowercase).as_deref() {
                None => None,
                Some("table") => Some(TargetKind::Table),
                Some("view") => Some(TargetKind::View),
                Some(other) => return Err(format!("`{other}` is neither `table` nor `view`")),
            };
            PlanEdit::SetTarget { target, target_kind }
        }
        "write" => {
            let rest = needs("create, insert, upsert KEY or replace")?;
            let (mode, key) = rest.split_once(char::is_whitespace).map_or((rest, ""), |(m, k)| (m, k.trim()));
            let write =
                WriteMode::parse(mode).ok_or_else(|| format!("`{mode}` is not create, insert, upsert or replace"))?;
            let key: Vec<String> = list(key);
            if write == WriteMode::Upsert && key.is_empty() {
                return Err("`write upsert` needs the key columns: write upsert KEY[,KEY…]".to_owned());
            }
            PlanEdit::SetWrite { write, key }
        }
        "expect" => PlanEdit::SetExpectations { expect: expectations(needs("checks, or `none`")?)? },
        other => return Err(format!("unknown command `{other}`; type `help`")),
    };
    Ok(Reply::Edit(edit))
}

fn column(text: &str) -> Result<ColumnRef, String> {
    match text.rsplit_once('.') {
        Some((table, column)) if !table.is_empty() && !column.is_empty() => Ok(ColumnRef::new(table, column)),
        _ => Err(format!("`{text}` is not TABLE.COLUMN")),
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

fn expectations(text: &str) -> Result<PlanExpectations, String> {
    let mut expect = PlanExpectations::default();
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(expect);
    }
    for part in text.split_whitespace() {
        let (name, value) = part.split_once('=').ok_or_else(|| format!("`{part}` is not NAME=VALUE"))?;
        match name.to_ascii_lowercase().as_str() {
            "unique" => expect.unique.push(list(value)),
            "not-null" | "not_null" => expect.not_null.extend(list(value)),
            "rows" => {
                let (min, max) = value.split_once("..").ok_or_else(|| format!("`{value}` is not MIN..MAX"))?;
                let bound = |n: &str| -> Result<Option<u64>, String> {
                    if n.is_empty() {
                        Ok(None)
                    } else {
                        n.parse().map(Some).map_err(|_| format!("`{n}` is not a row count"))
                    }
                };
                expect.min_rows = bound(min)?;
                expect.max_rows = bound(max.trim_start_matches('='))?;
            }
            other => return Err(format!("unknown check `{other}` (unique, not-null, rows)")),
        }
    }
    if expect.unique.iter().any(Vec::is_empty) {
        return Err("`unique=` needs columns".to_owned());
    }
    Ok(expect)
}

fn number(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n - 1),
        _ => Err(format!("`{text}` is not a number from the list (1, 2, …)")),
    }
}

fn filter(text: &str) -> Result<Filter, String> {
    let mut parts = text.splitn(3, char::is_whitespace);
    let column = column(parts.next().unwrap_or_default())?;
    let op_text = parts.next().ok_or("a filter needs an operator")?;
    let op = match op_text.to_ascii_lowercase().as_str() {
        "=" | "==" => FilterOp::Eq,
        "<>" | "!=" => FilterOp::Ne,
        "<" => FilterOp::Lt,
        "<=" => FilterOp::Le,
        ">" => FilterOp::Gt,
        ">=" => FilterOp::Ge,
        "like" => FilterOp::Like,
        "in" => FilterOp::In,
        "between" => FilterOp::Between,
        "is-null" => FilterOp::IsNull,
        "is-not-null" => FilterOp::IsNotNull,
        other => return Err(format!("unknown operator `{other}`")),
    };
    let value = parts.next().unwrap_or_default().trim().to_owned();
    Ok(Filter { column, op, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_become_edits() {
        assert_eq!(parse("").unwrap(), Reply::Approve);
        assert_eq!(parse(" Cancel ").unwrap(), Reply::Cancel);
        assert_eq!(parse("-table singer").unwrap(), Reply::Edit(PlanEdit::RemoveTable { table: "singer".into() }));
        assert_eq!(
            parse("filter singer.country = France").unwrap(),
            Reply::Edit(PlanEdit::AddFilter {
                filter: Filter {
                    column: ColumnRef::new("singer", "country"),
                    op: FilterOp::Eq,
                    value: "France".into()
                }
            })
        );
        assert_eq!(parse("-filter 2").unwrap(), Reply::Edit(PlanEdit::RemoveFilter { index: 1 }));
        assert_eq!(
            parse("answer 1 all of them").unwrap(),
            Reply::Edit(PlanEdit::AnswerQuestion { index: 0, answer: "all of them".into() })
        );
        assert_eq!(parse("limit none").unwrap(), Reply::Edit(PlanEdit::SetLimit { limit: None }));
    }

    #[test]
    fn transform_commands_become_edits() {
        assert_eq!(
            parse("target daily_sales view").unwrap(),
            Reply::Edit(PlanEdit::SetTarget { target: "daily_sales".into(), target_kind: Some(TargetKind::View) })
        );
        assert_eq!(
            parse("write upsert day, region").unwrap(),
            Reply::Edit(PlanEdit::SetWrite { write: WriteMode::Upsert, key: vec!["day".into(), "region".into()] })
        );
        let Reply::Edit(PlanEdit::SetExpectations { expect }) =
            parse("expect unique=day,region not-null=total rows=1..").unwrap()
        else {
            panic!("not an expectations edit")
        };
        assert_eq!(expect.unique, [vec!["day".to_owned(), "region".to_owned()]]);
        assert_eq!(
            (expect.not_null.as_slice(), expect.min_rows, expect.max_rows),
            (["total".to_owned()].as_slice(), Some(1), None)
        );
        assert_eq!(
            parse("expect none").unwrap(),
            Reply::Edit(PlanEdit::SetExpectations { expect: PlanExpectations::default() })
        );
        for (line, expected) in [
            ("write upsert", "needs the key columns"),
            ("write sideways", "not create"),
            ("expect rows=5", "MIN..MAX"),
            ("expect unique=", "needs columns"),
            ("expect colour=red", "unknown check"),
            ("target t chair", "neither"),
        ] {
            let error = parse(line).unwrap_err();
            assert!(error.contains(expected), "{line}: {error}");
        }
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        for (line, expected) in [
            ("-filter 0", "not a number"),
            ("+column singer", "TABLE.COLUMN"),
            ("filter singer.age ~ 3", "unknown operator"),
            ("drop table x", "unknown command"),
            ("+table", "needs a table name"),
            ("limit many", "not a row count"),
        ] {
            let error = parse(line).unwrap_err();
            assert!(error.contains(expected), "{line}: {error}");
        }
    }
}
