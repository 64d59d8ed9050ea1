//! What the API returns for a turn: the turn with one page of its rows and the ledger in
//! words; and the CSV of a whole answer.

use serde::{Deserialize, Serialize};
use tandem_agent::{Ledger, Plan, Stage};
use utoipa::{IntoParams, ToSchema};

use crate::error::ServerError;
use crate::service::{AnswerColumn, Preview, Turn, TurnError, TurnStatus};
use crate::summary::ledger_in_words;

/// A turn as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TurnView {
    pub session: String,
    pub turn: u32,
    pub revision: u64,
    pub question: String,
    pub status: TurnStatus,
    #[schema(value_type = Option<Object>)]
    pub plan: Option<Plan>,
    #[schema(value_type = Vec<String>)]
    pub trace: Vec<Stage>,
    pub catalog_version: String,
    #[schema(value_type = Object)]
    pub ledger: Ledger,
    /// The ledger in plain words, one sentence per tier.
    pub ledger_words: Vec<String>,
    pub answer: Option<AnswerPage>,
    /// A transform's sandbox preview (and, once settled, what was applied or exported).
    pub preview: Option<Preview>,
    pub error: Option<TurnError>,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
}

/// The SQL of an answer and one page of its rows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerPage {
    pub sql: String,
    pub columns: Vec<AnswerColumn>,
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Index of the first row of this page.
    pub offset: usize,
    /// Rows in the whole answer.
    pub n_rows: usize,
    pub truncated: bool,
    pub from_cache: bool,
    pub notes: Vec<String>,
}

/// `?offset=&limit=` for pages of rows.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// First row (default 0).
    pub offset: Option<usize>,
    /// Rows per page (default and cap from the server's configuration).
    pub limit: Option<usize>,
}

/// A resolved page: offset and a limit within the configured cap.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    pub(crate) fn new(query: PageQuery, default: usize, max: usize) -> Result<Self, ServerError> {
        let limit = query.limit.unwrap_or(default);
        if limit == 0 || limit > max {
            return Err(ServerError::BadQuery { detail: format!("limit must be between 1 and {max}") });
        }
        Ok(Self { offset: query.offset.unwrap_or(0), limit })
    }
}

impl TurnView {
    pub(crate) fn new(turn: Turn, page: Page) -> Self {
        let answer = turn.answer.map(|answer| {
            let n_rows = answer.rows.len();
            let rows = answer.rows.into_iter().skip(page.offset).take(page.limit).collect();
            AnswerPage {
                sql: answer.sql,
                columns: answer.columns,
                rows,
                offset: page.offset,
                n_rows,
                truncated: answer.truncated,
                from_cache: answer.from_cache,
                notes: answer.notes,
            }
        });
        Self {
            ledger_words: ledger_in_words(&turn.ledger),
            session: turn.session,
            turn: turn.turn,
            revision: turn.revision,
            question: turn.question,
            status: turn.status,
            plan: turn.plan,
            trace: turn.trace,
            catalog_version: turn.catalog_version,
            ledger: turn.ledger,
            answer,
            preview: turn.preview,
            error: turn.error,
            created_at_ms: turn.created_at_ms,
            updated_at_ms: turn.updated_at_ms,
        }
    }
}

/// The whole answer as CSV (RFC 4180), header row first; JSON values are written as their
/// plain text (strings unquoted, null empty).
pub(crate) fn answer_csv(turn: &Turn) -> Result<Vec<u8>, ServerError> {
    let Some(answer) = &turn.answer else {
        return Err(ServerError::NoAnswer { status: turn.status.as_str().to_owned() });
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| ServerError::Io(std::io::Error::other(e));
    writer.write_record(answer.columns.iter().map(|c| c.name.as_str())).map_err(failed)?;
    for row in &answer.rows {
        writer.write_record(row.iter().map(cell_text)).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))
}

fn cell_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::service::Answer;

    fn turn() -> Turn {
        Turn {
            session: "s".into(),
            turn: 0,
            revision: 3,
            question: "q".into(),
            status: TurnStatus::Answered,
            plan: None,
            trace: Vec::new(),
            catalog_version: "v".into(),
            ledger: Ledger::default(),
            answer: Some(Answer {
                sql: "SELECT 1".into(),
                columns: vec![
                    AnswerColumn { name: "name".into(), type_name: "text".into() },
                    AnswerColumn { name: "total".into(), type_name: "real".into() },
                ],
                rows: (0..5)
                    .map(|i| vec![json!(format!("a,\"{i}\"")), json!(i)])
                    .chain([vec![json!(null), json!(1.5)]])
                    .collect(),
                truncated: false,
                from_cache: false,
                notes: Vec::new(),
            }),
            preview: None,
            error: None,
            created_at_ms: 0,
            updated_at_ms: 0,
        }
    }

    #[test]
    fn pages_slice_rows_and_keep_the_total() {
        let view = TurnView::new(turn(), Page { offset: 4, limit: 10 });
        let answer = view.answer.unwrap();
        assert_eq!((answer.offset, answer.n_rows, answer.rows.len()), (4, 6, 2));
        assert!(Page::new(PageQuery { offset: None, limit: Some(0) }, 50, 100).is_err());
        assert!(Page::new(PageQuery { offset: None, limit: Some(101) }, 50, 100).is_err());
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let csv = String::from_utf8(answer_csv(&turn()).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "name,total");
        assert_eq!(lines[1], "\"a,\"\"0\"\"\",0");
        assert_eq!(lines[6], ",1.5");
    }
}
