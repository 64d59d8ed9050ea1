//! The questions an evaluation runs: a generic JSONL format and Spider's dev set.
//!
//! One JSON object per line: `id` (string or number), `db_id`, `question`, `gold_sql` (one
//! query, or a list of acceptable ones) and optional `evidence` (a hint that is appended to
//! the question, as BIRD-style benchmarks supply). Blank lines are skipped.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::datasets::{DatasetError, load_spider_dev};

/// One question with its acceptable gold queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalQuestion {
    pub id: String,
    pub db_id: String,
    pub question: String,
    /// Any of these is a correct answer.
    pub gold_sql: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

impl EvalQuestion {
    /// The text the system is asked: the question, and the evidence as a hint when present.
    pub fn prompt_text(&self) -> String {
        match self.evidence.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(evidence) => format!("{}\nHint: {evidence}", self.question.trim()),
            None => self.question.trim().to_owned(),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(serde_json::Number),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Gold {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct RawQuestion {
    id: Id,
    db_id: String,
    question: String,
    gold_sql: Gold,
    #[serde(default)]
    evidence: Option<String>,
}

/// Reads a questions file; a line that breaks the format is an error naming the line.
pub fn load_questions_jsonl(path: &Path) -> Result<Vec<EvalQuestion>, DatasetError> {
    let text = crate::datasets::read_text(path)?;
    let bad = |line: usize, detail: String| DatasetError::Format {
        path: path.to_owned(),
        detail: format!("line {line}: {detail}"),
    };
    let mut questions = Vec::new();
    let mut seen = HashSet::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let n = i + 1;
        let raw: RawQuestion = serde_json::from_str(line).map_err(|e| bad(n, e.to_string()))?;
        let id = match raw.id {
            Id::Text(id) => id,
            Id::Number(id) => id.to_string(),
        };
        let gold_sql: Vec<String> = match raw.gold_sql {
            Gold::One(sql) => vec![sql],
            Gold::Many(list) => list,
        };
        let gold_sql: Vec<String> = gold_sql.into_iter().filter(|s| !s.trim().is_empty()).collect();
        if id.trim().is_empty() || raw.db_id.trim().is_empty() || raw.question.trim().is_empty() {
            return Err(bad(n, "`id`, `db_id` and `question` must not be empty".into()));
        }
        if gold_sql.is_empty() {
            return Err(bad(n, "`gold_sql` needs at least one query".into()));
        }
        if !seen.insert(id.clone()) {
            return Err(bad(n, format!("id `{id}` appears twice")));
        }
        questions.push(EvalQuestion { id, db_id: raw.db_id, question: raw.question, gold_sql, evidence: raw.evidence });
    }
    Ok(questions)
}

/// Spider's `dev.json` as evaluation questions, with ids `dev-<index>` in file order.
pub fn load_spider_dev_questions(path: &Path) -> Result<Vec<EvalQuestion>, DatasetError> {
    Ok(load_spider_dev(path)?
        .into_iter()
        .enumerate()
        .map(|(i, q)| EvalQuestion {
            id: format!("dev-{i}"),
            db_id: q.db_id,
            question: q.question,
            gold_sql: vec![q.query],
            evidence: None,
        })
        .collect())
}

/// Keeps the questions on `dbs` (all when empty), then the first `limit`.
pub fn select_questions(questions: Vec<EvalQuestion>, dbs: &[String], limit: Option<usize>) -> Vec<EvalQuestion> {
    let mut kept: Vec<EvalQuestion> =
        questions.into_iter().filter(|q| dbs.is_empty() || dbs.iter().any(|d| d == &q.db_id)).collect();
    if let Some(limit) = limit {
        kept.truncate(limit);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_numbers_lists_and_evidence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.jsonl");
        std::fs::write(
            &path,
            "{\"id\": 7, \"db_id\": \"shop\", \"question\": \"How many?\", \"gold_sql\": \"SELECT 1\"}\n\n\
             {\"id\": \"b\", \"db_id\": \"shop\", \"question\": \"Which?\", \"gold_sql\": [\"SELECT 2\", \"SELECT 3\"], \"evidence\": \"x means y\"}\n",
        )
        .unwrap();
        let questions = load_questions_jsonl(&path).unwrap();
        assert_eq!(questions[0].id, "7");
        assert_eq!(questions[1].gold_sql, ["SELECT 2", "SELECT 3"]);
        assert_eq!(questions[1].prompt_text(), "Which?\nHint: x means y");
        assert_eq!(select_questions(questions.clone(), &["other".into()], None).len(), 0);
        assert_eq!(select_questions(questions, &[], Some(1)).len(), 1);
    }

    #[test]
    fn bad_lines_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.jsonl");
        for (text, expect) in [
            ("{\"id\": 1, \"db_id\": \"a\", \"question\": \"q\", \"gold_sql\": []}", "line 1: `gold_sql`"),
            ("{\"id\": 1, \"db_id\": \"a\", \"question\": \"q\"}", "line 1"),
            (
                "{\"id\": 1, \"db_id\": \"a\", \"question\": \"q\", \"gold_sql\": \"S\"}\n{\"id\": \"1\", \"db_id\": \"a\", \"question\": \"q\", \"gold_sql\": \"S\"}",
                "line 2: id `1` appears twice",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let error = load_questions_jsonl(&path).unwrap_err().to_string();
            assert!(error.contains(expect), "{error}");
        }
    }
}
