//! BM25 over table documents, with tantivy.
//!
//! Each table is one document with separate fields for its own name, its schema's name, its
//! columns' names and its comments, all pre-split into normalised words (see [`crate::words`]).
//! Queries are built from terms directly, never parsed, so no question can be a syntax error.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TEXT};
use tantivy::{Index, IndexWriter, Searcher, TantivyDocument, Term};

use crate::RetrievalError;
use crate::document::TableDoc;

/// How much a term counts in each field: a table's own name says most about it.
const NAME_BOOST: f32 = 2.0;
const SCHEMA_BOOST: f32 = 0.7;
const COLUMNS_BOOST: f32 = 1.0;
const COMMENTS_BOOST: f32 = 0.5;

/// Tantivy wants at least this much indexing memory per writer thread.
const WRITER_BYTES: usize = 15_000_000;

/// A built, read-only BM25 index over the tables of one catalog.
pub(crate) struct Bm25Index {
    searcher: Searcher,
    fields: [(Field, f32); 4],
}

impl std::fmt::Debug for Bm25Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bm25Index").field("n_docs", &self.searcher.num_docs()).finish()
    }
}

impl Bm25Index {
    pub(crate) fn build(docs: &[TableDoc]) -> Result<Self, RetrievalError> {
        let mut builder = Schema::builder();
        let table = builder.add_u64_field("table", FAST);
        let name = builder.add_text_field("name", TEXT);
        let schema = builder.add_text_field("schema", TEXT);
        let columns = builder.add_text_field("columns", TEXT);
        let comments = builder.add_text_field("comments", TEXT);
        let index = Index::create_in_ram(builder.build());
        // One thread keeps documents in insertion order and the build predictable on small
        // machines; a catalog of thousands of tables indexes in well under a second.
        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_BYTES)?;
        for (i, doc) in docs.iter().enumerate() {
            let mut document = TantivyDocument::default();
            document.add_u64(table, u64::try_from(i).unwrap_or(u64::MAX));
            document.add_text(name, doc.name_terms.join(" "));
            document.add_text(schema, doc.schema_terms.join(" "));
            document.add_text(columns, doc.column_terms.join(" "));
            document.add_text(comments, doc.comment_terms.join(" "));
            writer.add_document(document)?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        Ok(Self {
            searcher,
            fields: [(name, NAME_BOOST), (schema, SCHEMA_BOOST), (columns, COLUMNS_BOOST), (comments, COMMENTS_BOOST)],
        })
    }

    /// The best `limit` tables for `terms`, best first, as (table index, score).
    pub(crate) fn search(&self, terms: &[String], limit: usize) -> Vec<(usize, f32)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for term in terms {
            if seen.contains(&term.as_str()) {
                continue;
            }
            seen.push(term);
            for (field, boost) in self.fields {
                let query = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(query), boost))));
            }
        }
        if clauses.is_empty() || limit == 0 {
            return Vec::new();
        }
        let query = BooleanQuery::new(clauses);
        let Ok(hits) = self.searcher.search(&query, &TopDocs::with_limit(limit).order_by_score()) else {
            // A RAM index cannot fail to read; if it ever did, BM25 simply contributes nothing.
            return Vec::new();
        };
        hits.into_iter()
            .filter_map(|(score, address)| {
                let segment = self.searcher.segment_reader(address.segment_ord);
                let column = segment.fast_fields().u64("table").ok()?;
                let table = column.first(address.doc_id)?;
                Some((usize::try_from(table).ok()?, score))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, columns: &str) -> TableDoc {
        TableDoc {
            name_terms: crate::words::schema_terms(name),
            schema_terms: Vec::new(),
            column_terms: crate::words::schema_terms(columns),
            comment_terms: Vec::new(),
            dense_text: String::new(),
        }
    }

    #[test]
    fn ranks_by_name_then_columns() {
        let index = Bm25Index::build(&[
            doc("orders", "order_id customer_id total"),
            doc("customers", "customer_id name country"),
            doc("products", "product_id name price"),
        ])
        .unwrap();
        let hits = index.search(&crate::words::question_terms("which customers live in France"), 10);
        assert_eq!(hits.first().map(|h| h.0), Some(1), "{hits:?}");
        assert!(index.search(&[], 10).is_empty());
        assert!(index.search(&["zzz".into()], 10).is_empty());
    }
}
