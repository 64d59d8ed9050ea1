//! Packing: chosen tables and their bridges into the budget, then the slice assembled in
//! catalog order with its joins, value matches and exact token count.

use crate::index::SchemaIndex;
use crate::render::{quote_ident, table_ref};
use crate::select::Scores;
use crate::slice::{JoinPath, SchemaSlice, SliceTable, ValueMatch};

/// Value matches shown in a slice's text.
const MAX_VALUE_LINES: usize = 8;

/// One table placed in the slice.
struct Placed {
    table: usize,
    keep: Option<Vec<usize>>,
    text: String,
    tokens: u32,
    relevant: Vec<usize>,
    bridge: bool,
    /// Order of placement: tables added together (a table and its bridges) share a step.
    step: usize,
}

impl SchemaIndex {
    /// Every table, rendered whole: for catalogs that fit the budget.
    pub(crate) fn whole_slice(&self) -> SchemaSlice {
        let placed: Vec<Placed> = (0..self.catalog.tables.len())
            .map(|table| Placed {
                table,
                keep: None,
                text: self.rendered.get(table).cloned().unwrap_or_default(),
                tokens: self.table_tokens.get(table).copied().unwrap_or(0),
                relevant: Vec::new(),
                bridge: false,
                step: 0,
            })
            .collect();
        let mut slice = self.assemble(&placed, None, u32::MAX);
        slice.whole = true;
        slice
    }

    /// Greedy packing in candidate order. A candidate comes with the bridge tables on the
    /// shortest key path to an already chosen table of its schema; it is taken when it and its
    /// bridges fit what is left of the budget, else skipped for smaller ones further down.
    /// `seed` tables (a whole small schema) are placed first, together, when they fit.
    pub(crate) fn pack(
        &self,
        scores: &Scores,
        seed: &[usize],
        candidates: &[usize],
        budget_tokens: u32,
    ) -> SchemaSlice {
        let options = &self.options;
        let limit = options.max_columns_per_table.max(1);
        let mut placed: Vec<Placed> = Vec::new();
        let mut used: u32 = 0;
        let seeded: Vec<Placed> = seed
            .iter()
            .map(|&table| {
                let relevant = self.relevant_columns(table, &scores.terms, &scores.values);
                let (keep, text, tokens) = self.table_cost(table, &relevant, limit);
                Placed { table, keep, text, tokens, relevant, bridge: false, step: 0 }
            })
            .collect();
        let seed_cost = seeded.iter().map(|p| p.tokens).fold(0, u32::saturating_add);
        if seed_cost <= budget_tokens && seeded.len() <= options.max_tables {
            used = seed_cost;
            placed = seeded;
        }
        for (i, &table) in candidates.iter().enumerate() {
            let step = i + 1;
            if placed.len() >= options.max_tables {
                break;
            }
            if placed.iter().any(|p| p.table == table) {
                continue;
            }
            let schema = self.schema_of.get(table).copied();
            let same_schema_chosen =
                |t: usize| self.schema_of.get(t).copied() == schema && placed.iter().any(|p| p.table == t);
            let has_peer = placed.iter().any(|p| self.schema_of.get(p.table).copied() == schema);
            let bridges = if has_peer {
                self.graph.bridge_to(table, same_schema_chosen, options.max_bridge_hops).unwrap_or_default()
            } else {
                Vec::new()
            };
            let mut group = Vec::new();
            let relevant = self.relevant_columns(table, &scores.terms, &scores.values);
            let (keep, text, tokens) = self.table_cost(table, &relevant, limit);
            group.push(Placed { table, keep, text, tokens, relevant, bridge: false, step });
            for bridge in bridges.into_iter().filter(|b| !placed.iter().any(|p| p.table == *b)) {
                let relevant = self.relevant_columns(bridge, &scores.terms, &scores.values);
                let (keep, text, tokens) = self.table_cost(bridge, &relevant, limit);
                group.push(Placed { table: bridge, keep, text, tokens, relevant, bridge: true, step });
            }
            let cost = group.iter().map(|p| p.tokens).fold(0, u32::saturating_add);
            if used.saturating_add(cost) > budget_tokens || placed.len() + group.len() > options.max_tables {
                continue;
            }
            used = used.saturating_add(cost);
            placed.extend(group);
        }

        // The value lines and token merges at table boundaries can push the exact count over
        // the sum of the parts: drop the latest additions until the whole fits.
        loop {
            let slice = self.assemble(&placed, Some(scores), budget_tokens);
            match placed.iter().map(|p| p.step).max() {
                Some(step) if slice.n_tokens > budget_tokens => placed.retain(|p| p.step != step),
                _ => return slice,
            }
        }
    }

    /// Renders the placed tables in catalog order and gathers their joins and values. Value
    /// lines are added only while the text stays within `budget_tokens`.
    fn assemble(&self, placed: &[Placed], scores: Option<&Scores>, budget_tokens: u32) -> SchemaSlice {
        let table_scores = scores.map(|s| s.table.as_slice()).unwrap_or_default();
        let mut order: Vec<&Placed> = placed.iter().collect();
        order.sort_by_key(|p| p.table);
        let chosen = |t: usize| order.iter().any(|p| p.table == t);
        let tables = &self.catalog.tables;

        let mut text = String::new();
        let mut slice_tables = Vec::new();
        for p in &order {
            let Some(table) = tables.get(p.table) else { continue };
            text.push_str(&p.text);
            let shown: Vec<String> = match &p.keep {
                None => table.columns.iter().map(|c| c.name.clone()).collect(),
                Some(keep) => keep.iter().filter_map(|&c| table.columns.get(c)).map(|c| c.name.clone()).collect(),
            };
            let same_columns = self
                .families
                .members
                .get(&p.table)
                .map(|members| {
                    members
                        .iter()
                        .filter(|&&m| m != p.table && !chosen(m))
                        .filter_map(|&m| tables.get(m))
                        .map(|t| t.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            slice_tables.push(SliceTable {
                same_columns,
                name: table.name.clone(),
                n_hidden_columns: table.columns.len() - shown.len(),
                columns: shown,
                relevant_columns: p
                    .relevant
                    .iter()
                    .filter_map(|&c| table.columns.get(c))
                    .map(|c| c.name.clone())
                    .collect(),
                bridge: p.bridge,
                score: if p.bridge { 0.0 } else { table_scores.get(p.table).copied().unwrap_or(0.0) },
            });
        }

        let joins = self
            .graph
            .edges()
            .iter()
            .filter(|e| chosen(e.from) && chosen(e.to))
            .filter_map(|e| {
                Some(JoinPath {
                    left: tables.get(e.from)?.name.clone(),
                    left_columns: e.from_columns.clone(),
                    right: tables.get(e.to)?.name.clone(),
                    right_columns: e.to_columns.clone(),
                })
            })
            .collect();

        let mut values: Vec<ValueMatch> = Vec::new();
        for hit in scores.map(|s| s.values.as_slice()).unwrap_or_default() {
            let shown = order.iter().any(|p| {
                p.table == hit.site.table && p.keep.as_ref().is_none_or(|keep| keep.contains(&hit.site.column))
            });
            let Some(table) = tables.get(hit.site.table) else { continue };
            let Some(column) = table.columns.get(hit.site.column) else { continue };
            let Some(value) = column.samples.get(hit.site.sample) else { continue };
            if shown {
                values.push(ValueMatch {
                    literal: hit.literal.clone(),
                    table: table.name.clone(),
                    column: column.name.clone(),
                    value: value.clone(),
                });
            }
        }
        let mut used = self.counter.count_tokens(&text);
        for m in values.iter().take(MAX_VALUE_LINES) {
            let value = m.value.replace(|c: char| c.is_control(), " ").replace('\'', "''");
            let line = format!(
                "-- '{value}' is a value of {}.{}\n",
                table_ref(&m.table, self.options.render.qualify),
                quote_ident(&m.column)
            );
            let cost = self.counter.count_tokens(&line);
            if used.saturating_add(cost) <= budget_tokens {
                used = used.saturating_add(cost);
                text.push_str(&line);
            }
        }

        SchemaSlice {
            n_tokens: self.counter.count_tokens(&text),
            tables: slice_tables,
            joins,
            values,
            text,
            full_tokens: self.full_tokens,
            whole: false,
            dense: scores.is_some_and(|s| s.dense),
        }
    }
}
