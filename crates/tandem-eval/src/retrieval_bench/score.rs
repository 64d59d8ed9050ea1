//! Scoring one slice against a question's gold tables and columns, the running sums over a
//! catalog's questions, and the misses sorted by cause.

use serde::Serialize;
use tandem_core::{Catalog, TableName};
use tandem_retrieval::SchemaSlice;

use crate::datasets::GoldColumn;

/// One scored question.
pub(super) struct Case {
    pub(super) question: String,
    /// The gold database (a schema of the catalog).
    pub(super) schema: Option<String>,
    /// Per gold reference, the catalog tables that satisfy it.
    pub(super) gold: Vec<Vec<usize>>,
    pub(super) columns: Vec<GoldColumn>,
    /// Tokens of the gold database's tables rendered whole.
    pub(super) schema_tokens: u32,
}

/// Why a question's slice lacks one of its gold tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissCause {
    /// No table of the gold database is in the slice: retrieval picked another database.
    WrongDatabase,
    /// The gold database is in the slice and renders whole within the budget, yet a gold
    /// table was left out.
    TableLeftOutDatabaseFits,
    /// The gold database is in the slice but is larger than the budget, and a gold table was
    /// left out.
    TableLeftOutDatabaseLarger,
}

/// Counts of misses by cause.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MissCounts {
    pub wrong_database: usize,
    pub table_left_out_database_fits: usize,
    pub table_left_out_database_larger: usize,
}

/// One question whose slice lacks a gold table, for reading.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub cause: MissCause,
    pub question: String,
    pub database: Option<String>,
    /// Gold tables not in the slice.
    pub missing: Vec<String>,
    /// The slice's tables.
    pub slice: Vec<String>,
}

/// Running sums over scored questions.
#[derive(Default)]
pub(super) struct Score {
    pub(super) n: usize,
    all_tables: usize,
    table_fraction: f64,
    n_with_columns: usize,
    all_columns: usize,
    column_fraction: f64,
    database_hits: f64,
    database_firsts: usize,
    tokens: f64,
    tables: f64,
    pub(super) miss_counts: MissCounts,
    pub(super) misses: Vec<Miss>,
}

impl Score {
    /// Scores `slice` for `case`; keeps up to `keep_misses` misses for reading.
    pub(super) fn add(
        &mut self,
        slice: &SchemaSlice,
        catalog: &Catalog,
        case: &Case,
        with_columns: bool,
        (budget_tokens, keep_misses): (u32, usize),
    ) {
        if case.gold.is_empty() {
            return;
        }
        self.n += 1;
        let found = tables_found(slice, catalog, &case.gold);
        self.all_tables += usize::from(found == case.gold.len());
        self.table_fraction += found as f64 / case.gold.len() as f64;
        self.tokens += f64::from(slice.n_tokens);
        self.tables += slice.tables.len() as f64;
        let schema = case.schema.as_deref();
        let hit = slice.tables.iter().any(|t| in_database(schema, &t.name));
        self.database_hits += f64::from(u8::from(hit));
        let best = slice.tables.iter().filter(|t| !t.bridge).max_by(|a, b| a.score.total_cmp(&b.score));
        self.database_firsts += usize::from(best.is_some_and(|t| in_database(schema, &t.name)));
        if with_columns && !case.columns.is_empty() {
            let shown = case.columns.iter().filter(|c| column_shown(slice, catalog, c)).count();
            self.n_with_columns += 1;
            self.all_columns += usize::from(shown == case.columns.len());
            self.column_fraction += shown as f64 / case.columns.len() as f64;
        }
        if found < case.gold.len() {
            let cause = if !hit {
                self.miss_counts.wrong_database += 1;
                MissCause::WrongDatabase
            } else if case.schema_tokens <= budget_tokens {
                self.miss_counts.table_left_out_database_fits += 1;
                MissCause::TableLeftOutDatabaseFits
            } else {
                self.miss_counts.table_left_out_database_larger += 1;
                MissCause::TableLeftOutDatabaseLarger
            };
            if self.misses.len() < keep_misses {
                self.misses.push(miss(cause, slice, catalog, case));
            }
        }
    }

    pub(super) fn table_recall(&self) -> f64 {
        ratio(self.all_tables, self.n)
    }

    pub(super) fn table_recall_mean(&self) -> f64 {
        self.mean(self.table_fraction)
    }

    pub(super) fn column_recall(&self) -> f64 {
        ratio(self.all_columns, self.n_with_columns)
    }

    pub(super) fn column_recall_mean(&self) -> f64 {
        if self.n_with_columns == 0 { 0.0 } else { self.column_fraction / self.n_with_columns as f64 }
    }

    pub(super) fn database_hit(&self) -> f64 {
        self.mean(self.database_hits)
    }

    pub(super) fn database_first(&self) -> f64 {
        ratio(self.database_firsts, self.n)
    }

    pub(super) fn tokens_mean(&self) -> f64 {
        self.mean(self.tokens)
    }

    pub(super) fn tables_mean(&self) -> f64 {
        self.mean(self.tables)
    }

    fn mean(&self, sum: f64) -> f64 {
        if self.n == 0 { 0.0 } else { sum / self.n as f64 }
    }
}

fn miss(cause: MissCause, slice: &SchemaSlice, catalog: &Catalog, case: &Case) -> Miss {
    let name = |t: &TableName| match &t.schema {
        Some(schema) => format!("{schema}.{}", t.name),
        None => t.name.clone(),
    };
    let missing = case
        .gold
        .iter()
        .filter(|alternatives| tables_found(slice, catalog, std::slice::from_ref(alternatives)) == 0)
        .filter_map(|alternatives| alternatives.first().and_then(|&i| catalog.tables.get(i)))
        .map(|t| name(&t.name))
        .collect();
    Miss {
        cause,
        question: case.question.clone(),
        database: case.schema.clone(),
        missing,
        slice: slice.tables.iter().map(|t| name(&t.name)).collect(),
    }
}

/// How many gold references have at least one of their tables in the slice, directly or as
/// a shard the slice's table stands for.
pub(super) fn tables_found(slice: &SchemaSlice, catalog: &Catalog, gold: &[Vec<usize>]) -> usize {
    let in_slice = |name: &TableName| slice.tables.iter().any(|s| s.name == *name || s.same_columns.contains(name));
    gold.iter()
        .filter(|alternatives| alternatives.iter().any(|&i| catalog.tables.get(i).is_some_and(|t| in_slice(&t.name))))
        .count()
}

fn column_shown(slice: &SchemaSlice, catalog: &Catalog, column: &GoldColumn) -> bool {
    let Some(table) = catalog.tables.get(column.table) else { return false };
    slice
        .tables
        .iter()
        .any(|s| s.name == table.name && s.columns.iter().any(|c| c.eq_ignore_ascii_case(&column.column)))
}

pub(super) fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// Nearest-rank percentile of sorted values.
pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.saturating_sub(1).min(sorted.len() - 1)).copied().unwrap_or(0.0)
}

/// Whether `table` belongs to the gold database `schema` (any table does when there is none).
fn in_database(schema: Option<&str>, table: &TableName) -> bool {
    match (schema, table.schema.as_deref()) {
        (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
        (None, _) => true,
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, Table};
    use tandem_retrieval::{IndexOptions, Retriever};

    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
        assert_eq!(ratio(1, 0), 0.0);
    }

    #[test]
    fn misses_are_sorted_by_cause() {
        let table = |schema: &str, name: &str| {
            Table::new(TableName::qualified(schema, name), vec![Column::new(format!("{name}_label"), "text")])
        };
        let catalog = std::sync::Arc::new(Catalog::new(vec![
            table("music", "singer"),
            table("music", "concert"),
            table("pets", "dog"),
        ]));
        let index = Retriever::new(IndexOptions::default()).index(&catalog);
        let full = index.retrieve("anything", 100_000);
        let case = |gold: Vec<Vec<usize>>, schema_tokens| Case {
            question: "q".into(),
            schema: Some("music".into()),
            gold,
            columns: Vec::new(),
            schema_tokens,
        };
        let mut slice = full.clone();
        slice.tables.retain(|t| t.name.name == "singer");
        let mut score = Score::default();
        score.add(&full, &catalog, &case(vec![vec![0], vec![1]], 10), false, (100, 5));
        score.add(&slice, &catalog, &case(vec![vec![0], vec![1]], 10), false, (100, 5));
        score.add(&slice, &catalog, &case(vec![vec![0], vec![1]], 1_000), false, (100, 5));
        slice.tables.clear();
        score.add(&slice, &catalog, &case(vec![vec![0]], 10), false, (100, 5));
        assert_eq!(score.n, 4);
        assert_eq!(score.table_recall(), 0.25);
        assert_eq!(score.table_recall_mean(), (1.0 + 0.5 + 0.5) / 4.0);
        let counts = &score.miss_counts;
        assert_eq!(
            (counts.wrong_database, counts.table_left_out_database_fits, counts.table_left_out_database_larger),
            (1, 1, 1)
        );
        assert_eq!(score.misses[0].missing, ["music.concert"]);
        assert_eq!(score.misses[2].cause, MissCause::WrongDatabase);
    }

    #[test]
    fn the_first_database_is_the_best_scored_tables() {
        let table =
            |schema: &str| Table::new(TableName::qualified(schema, "singer"), vec![Column::new("name", "text")]);
        let catalog = std::sync::Arc::new(Catalog::new(vec![table("concert"), table("music")]));
        let mut slice = Retriever::new(IndexOptions::default()).index(&catalog).retrieve("singer names", 100_000);
        let case = Case {
            question: "q".into(),
            schema: Some("music".into()),
            gold: vec![vec![1]],
            columns: Vec::new(),
            schema_tokens: 10,
        };
        let mut score = Score::default();
        for (concert, music) in [(0.9, 0.1), (0.1, 0.9)] {
            for t in &mut slice.tables {
                t.bridge = false;
                t.score = if t.name.schema.as_deref() == Some("music") { music } else { concert };
            }
            score.add(&slice, &catalog, &case, false, (100_000, 0));
        }
        assert_eq!(score.database_hit(), 1.0);
        assert_eq!(score.database_first(), 0.5);
    }
}
