//! Retrieval proper: score tables by each signal, fuse the ranks, group by schema, and pack
//! the best tables (with the bridges that connect them) into the token budget.

use std::collections::{HashMap, HashSet};

use crate::index::SchemaIndex;
use crate::render::render_table;
use crate::slice::SchemaSlice;
use crate::values::ValueHit;
use crate::words;

/// The fused evidence for one question.
pub(crate) struct Scores {
    /// Fused score per table (0 for tables no signal found).
    pub(crate) table: Vec<f32>,
    pub(crate) values: Vec<ValueHit>,
    pub(crate) terms: Vec<String>,
    pub(crate) dense: bool,
}

impl SchemaIndex {
    /// Replaces each table by its family's representative, keeping the first occurrence, so
    /// that a family's members share one rank instead of crowding the list.
    fn representatives(&self, ranked: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for table in ranked {
            let representative = self.families.representative.get(table).copied().unwrap_or(table);
            if !out.contains(&representative) {
                out.push(representative);
            }
        }
        out
    }
}

/// Adds `weight / (k + rank)` for each ranked table (rank 1 is best).
fn fuse(scores: &mut [f32], ranked: impl IntoIterator<Item = usize>, weight: f32, k: f32) {
    for (rank, table) in ranked.into_iter().enumerate() {
        if let Some(score) = scores.get_mut(table) {
            *score += weight / (k + rank as f32 + 1.0);
        }
    }
}

impl SchemaIndex {
    /// Scores every table for `question` by BM25, the dense model and the value index, fused
    /// by reciprocal rank.
    pub(crate) fn score(&self, question: &str) -> Scores {
        let options = &self.options;
        let n = self.catalog.tables.len();
        let mut table = vec![0.0f32; n];
        let terms = words::question_terms(question);

        if let Some(bm25) = self.bm25() {
            let hits = bm25.search(&terms, options.n_candidates);
            let ranked = self.representatives(hits.into_iter().map(|(t, _)| t));
            fuse(&mut table, ranked, options.bm25_weight, options.rrf_k);
        }

        let mut dense = false;
        if let Some(index) = self.dense() {
            match index.search(question, options.n_candidates) {
                Ok(hits) => {
                    dense = true;
                    let floor = hits.first().map_or(0.0, |h| h.1) - options.dense_margin;
                    let kept = hits.into_iter().filter(|&(_, similarity)| similarity > floor.max(0.0));
                    let ranked = self.representatives(kept.map(|(t, _)| t));
                    fuse(&mut table, ranked, options.dense_weight, options.rrf_k);
                }
                Err(error) => tracing::warn!(%error, "question embedding failed; this question uses BM25 and values"),
            }
        }

        let values = self.values.lookup(question);
        if !values.is_empty() {
            // A value held by one column is strong evidence; one held by many, weak.
            let mut by_table: HashMap<usize, f32> = HashMap::new();
            for hit in &values {
                *by_table.entry(hit.site.table).or_default() += 1.0 / hit.n_sites as f32;
            }
            let mut ranked: Vec<(usize, f32)> = by_table.into_iter().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let ranked = self.representatives(ranked.into_iter().map(|(t, _)| t));
            fuse(&mut table, ranked, options.value_weight, options.rrf_k);
        }
        Scores { table, values, terms, dense }
    }

    /// Tables in the order the packer should try them: each table's own score lifted by its
    /// schema's score (its best table plus half its second best, so a database that matches
    /// in two tables beats one that matches in one).
    pub(crate) fn candidates(&self, scores: &[f32]) -> Vec<usize> {
        let mut best = vec![(0.0f32, 0.0f32); self.n_schemas.max(1)];
        for (t, &score) in scores.iter().enumerate() {
            let Some(slot) = self.schema_of.get(t).and_then(|&s| best.get_mut(s)) else { continue };
            if score > slot.0 {
                *slot = (score, slot.0);
            } else if score > slot.1 {
                slot.1 = score;
            }
        }
        let schema_score = |t: usize| {
            self.schema_of.get(t).and_then(|&s| best.get(s)).map_or(0.0, |&(first, second)| first + 0.5 * second)
        };
        let lift = if self.n_schemas > 1 { self.options.schema_weight } else { 0.0 };
        let mut ranked: Vec<(usize, f32)> = scores
            .iter()
            .enumerate()
            .filter(|&(t, &s)| s > 0.0 && !self.families.is_hidden(t))
            .map(|(t, &s)| (t, s + lift * schema_score(t)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().map(|(t, _)| t).collect()
    }

    /// The columns of `table` the question points at: by a shared word or a matched value.
    pub(crate) fn relevant_columns(&self, table: usize, terms: &[String], values: &[ValueHit]) -> Vec<usize> {
        let wanted: HashSet<&str> = terms.iter().map(String::as_str).collect();
        let Some(columns) = self.column_terms.get(table) else { return Vec::new() };
        columns
            .iter()
            .enumerate()
            .filter(|(c, column_terms)| {
                column_terms.iter().any(|term| wanted.contains(term.as_str()))
                    || values.iter().any(|hit| hit.site.table == table && hit.site.column == *c)
            })
            .map(|(c, _)| c)
            .collect()
    }

    /// The columns shown for a wide table: keys first, then the relevant ones, then the rest in
    /// table order, up to `limit`. `None` when the table is narrow enough to show whole.
    pub(crate) fn kept_columns(&self, table: usize, relevant: &[usize], limit: usize) -> Option<Vec<usize>> {
        let t = self.catalog.tables.get(table)?;
        if t.columns.len() <= limit {
            return None;
        }
        let is_key = |name: &str| {
            t.primary_key.iter().any(|k| k.eq_ignore_ascii_case(name))
                || t.foreign_keys.iter().any(|fk| fk.columns.iter().any(|c| c.eq_ignore_ascii_case(name)))
        };
        let mut keep: Vec<usize> =
            (0..t.columns.len()).filter(|&c| t.columns.get(c).is_some_and(|col| is_key(&col.name))).collect();
        for &c in relevant.iter().chain(&(0..t.columns.len()).collect::<Vec<_>>()) {
            if keep.len() >= limit.max(1) {
                break;
            }
            if !keep.contains(&c) {
                keep.push(c);
            }
        }
        keep.sort_unstable();
        Some(keep)
    }

    /// How a chosen table is rendered for this question, and its tokens.
    pub(crate) fn table_cost(
        &self,
        table: usize,
        relevant: &[usize],
        limit: usize,
    ) -> (Option<Vec<usize>>, String, u32) {
        match self.kept_columns(table, relevant, limit) {
            None => (
                None,
                self.rendered.get(table).cloned().unwrap_or_default(),
                self.table_tokens.get(table).copied().unwrap_or(0),
            ),
            Some(keep) => {
                let text = self
                    .catalog
                    .tables
                    .get(table)
                    .map(|t| render_table(t, Some(&keep), &self.options.render))
                    .unwrap_or_default()
                    + &self.families.note(&self.catalog, table).unwrap_or_default();
                let tokens = self.counter.count_tokens(&text);
                (Some(keep), text, tokens)
            }
        }
    }

    /// All tables of the best candidate's schema when they render within the
    /// `whole_schema_share` of the budget (the whole budget for a single-schema slice; only in
    /// catalogs of several schemas).
    fn whole_schema_seed(&self, candidates: &[usize], budget_tokens: u32) -> Vec<usize> {
        let Some(&best) = candidates.first() else { return Vec::new() };
        let Some(&schema) = self.schema_of.get(best) else { return Vec::new() };
        let tokens = self.schema_tokens.get(schema).copied().unwrap_or(u32::MAX);
        let share = if self.options.single_schema { 1.0 } else { self.options.whole_schema_share };
        if self.n_schemas < 2 || tokens as f32 > share * budget_tokens as f32 {
            return Vec::new();
        }
        (0..self.catalog.tables.len()).filter(|&t| self.schema_of.get(t) == Some(&schema)).collect()
    }

    /// Retrieves the slice for `question` within `budget_tokens` (by the index's counter).
    /// A catalog that fits whole is returned whole, without any retrieval work, unless its
    /// schemas are separate databases (`single_schema`).
    pub fn retrieve(&self, question: &str, budget_tokens: u32) -> SchemaSlice {
        let separate = self.options.single_schema && self.n_schemas > 1;
        if self.full_tokens <= budget_tokens && !separate {
            return self.whole_slice();
        }
        let scores = self.score(question);
        let mut candidates = self.candidates(&scores.table);
        if self.options.single_schema {
            let best = candidates.first().and_then(|&t| self.schema_of.get(t)).copied();
            candidates.retain(|&t| self.schema_of.get(t).copied() == best);
        }
        let seed = self.whole_schema_seed(&candidates, budget_tokens);
        self.pack(&scores, &seed, &candidates, budget_tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_rewards_agreement() {
        let mut scores = vec![0.0; 3];
        fuse(&mut scores, [0, 1], 1.0, 20.0);
        fuse(&mut scores, [1, 2], 1.0, 20.0);
        assert!(scores[1] > scores[0] && scores[0] > scores[2], "{scores:?}");
    }
}
