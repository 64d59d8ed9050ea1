//! Example questions with gold SQL (SQLite dialect), in plain business English.
//!
//! Literals in the questions ("Germany", "Laptops", "Black Friday 2023") are values the data
//! holds, so value matching has something to find; every gold query returns rows for any seed
//! (the integration tests run them on several).

mod analytics;
mod lookups;

use crate::model::DemoQuestion;

pub(crate) fn all() -> Vec<DemoQuestion> {
    let mut questions = lookups::questions();
    questions.extend(analytics::questions());
    questions
}

/// One question; `tables` lists the tables its gold SQL reads, in the order it names them.
fn q(id: &str, question: &str, tables: &[&str], gold_sql: &str) -> DemoQuestion {
    DemoQuestion {
        id: id.to_owned(),
        question: question.to_owned(),
        gold_sql: gold_sql.to_owned(),
        tables: tables.iter().map(|t| (*t).to_owned()).collect(),
    }
}
