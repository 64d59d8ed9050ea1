//! The value index: literals in a question ("France", "2014", "Acme Corp") matched to the
//! columns whose sampled values hold them.
//!
//! Values and question text are normalised the same way (lowercase words joined by single
//! spaces), and every run of up to [`MAX_VALUE_WORDS`] consecutive question words is looked up,
//! so a multi-word value matches wherever it appears, whatever its case or punctuation.

use std::collections::HashMap;

use tandem_core::Catalog;

use crate::words;

/// Longest value, in words, that is indexed and looked up.
const MAX_VALUE_WORDS: usize = 6;

/// A value held by more columns than this says nothing about which one the question means.
const MAX_COLUMNS_PER_VALUE: usize = 24;

/// Where a sampled value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValueSite {
    pub(crate) table: usize,
    pub(crate) column: usize,
    /// Index into the column's samples, to report the value as stored.
    pub(crate) sample: usize,
}

/// One literal of the question found among a column's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValueHit {
    /// The words of the question that matched, normalised.
    pub(crate) literal: String,
    pub(crate) site: ValueSite,
    /// How many columns hold this value: fewer means more telling.
    pub(crate) n_sites: usize,
}

#[derive(Debug, Default)]
pub(crate) struct ValueIndex {
    sites: HashMap<String, Vec<ValueSite>>,
}

/// Lowercase words joined by single spaces; `None` for text not worth matching (empty, one
/// character, a stopword, or a small number, which too many columns hold).
fn normalize(text: &str) -> Option<String> {
    let parts: Vec<String> = words::split_identifier(text);
    if parts.is_empty() || parts.len() > MAX_VALUE_WORDS {
        return None;
    }
    let joined = parts.join(" ");
    let is_small_number = joined.chars().all(|c| c.is_ascii_digit()) && joined.len() < 3;
    let is_trivial = parts.len() == 1 && (joined.chars().count() < 2 || words::is_stopword(&joined));
    (!is_small_number && !is_trivial).then_some(joined)
}

impl ValueIndex {
    pub(crate) fn build(catalog: &Catalog) -> Self {
        let mut sites: HashMap<String, Vec<ValueSite>> = HashMap::new();
        for (table, t) in catalog.tables.iter().enumerate() {
            for (column, c) in t.columns.iter().enumerate() {
                for (sample, value) in c.samples.iter().enumerate() {
                    let Some(key) = normalize(value) else { continue };
                    let entry = sites.entry(key).or_default();
                    // Keep one site per column, and stop growing entries that are already too
                    // common to use.
                    if entry.len() <= MAX_COLUMNS_PER_VALUE
                        && !entry.iter().any(|s| s.table == table && s.column == column)
                    {
                        entry.push(ValueSite { table, column, sample });
                    }
                }
            }
        }
        Self { sites }
    }

    /// Every indexed value found in `question`, longest literals first; a shorter literal
    /// inside an already matched longer one is skipped ("New York" does not also match "York").
    pub(crate) fn lookup(&self, question: &str) -> Vec<ValueHit> {
        if self.sites.is_empty() {
            return Vec::new();
        }
        let tokens = words::split_identifier(question);
        let mut covered = vec![false; tokens.len()];
        let mut hits = Vec::new();
        for n in (1..=MAX_VALUE_WORDS.min(tokens.len())).rev() {
            for start in 0..=tokens.len() - n {
                if covered.get(start..start + n).is_some_and(|span| span.iter().all(|&c| c)) {
                    continue;
                }
                let Some(literal) = tokens.get(start..start + n).and_then(|span| normalize(&span.join(" "))) else {
                    continue;
                };
                let Some(sites) = self.sites.get(&literal) else { continue };
                if sites.len() > MAX_COLUMNS_PER_VALUE {
                    continue;
                }
                covered.iter_mut().skip(start).take(n).for_each(|c| *c = true);
                hits.extend(sites.iter().map(|&site| ValueHit {
                    literal: literal.clone(),
                    site,
                    n_sites: sites.len(),
                }));
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, Table, TableName};

    use super::*;

    fn catalog() -> Catalog {
        let mut customer =
            Table::new(TableName::new("customer"), vec![Column::new("name", "text"), Column::new("city", "text")]);
        customer.columns[0].samples = vec!["Acme Corp".into(), "Globex".into(), "1".into()];
        customer.columns[1].samples = vec!["New York".into(), "York".into(), "Paris".into()];
        let mut sale = Table::new(TableName::new("sale"), vec![Column::new("year", "int")]);
        sale.columns[0].samples = vec!["2014".into(), "2015".into()];
        Catalog::new(vec![customer, sale])
    }

    fn check(question: &str, expect: &[(&str, usize, usize)]) {
        let index = ValueIndex::build(&catalog());
        let got: Vec<(String, usize, usize)> =
            index.lookup(question).into_iter().map(|h| (h.literal, h.site.table, h.site.column)).collect();
        let want: Vec<(String, usize, usize)> = expect.iter().map(|&(l, t, c)| (l.to_owned(), t, c)).collect();
        assert_eq!(got, want, "{question}");
    }

    #[test]
    fn matches_literals_to_columns() {
        check("Sales of ACME corp. in 2014?", &[("acme corp", 0, 0), ("2014", 1, 0)]);
        check("customers in new york", &[("new york", 0, 1)]);
        check("customers in York", &[("york", 0, 1)]);
        check("top 1 customer", &[]);
        check("", &[]);
    }
}
