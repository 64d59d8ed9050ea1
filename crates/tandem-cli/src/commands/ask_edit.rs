//! The plan-review prompt's commands, parsed into plan edits. Numbers are 1-based, as the plan
//! is shown.

use tandem_agent::{ColumnRef, Filter, FilterOp, PlanEdit};

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
  answer N TEXT     answer open question N";

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
