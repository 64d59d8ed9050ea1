//! What each table contributes to the indexes: normalised terms for BM25 and a short natural
//! text for the dense model.

use tandem_core::Table;

use crate::words;

/// Characters of dense text per table: the model reads 128 word pieces at most, so more text
/// only costs tokenization time.
const MAX_DENSE_CHARS: usize = 600;

/// One table's searchable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableDoc {
    pub(crate) name_terms: Vec<String>,
    pub(crate) schema_terms: Vec<String>,
    pub(crate) column_terms: Vec<String>,
    pub(crate) comment_terms: Vec<String>,
    /// `schema / table name: column, column, … — comment`, in readable words.
    pub(crate) dense_text: String,
}

impl TableDoc {
    pub(crate) fn new(table: &Table) -> Self {
        let schema = table.name.schema.as_deref().unwrap_or_default();
        let mut comment_terms = table.comment.as_deref().map(words::schema_terms).unwrap_or_default();
        for column in &table.columns {
            if let Some(comment) = &column.comment {
                comment_terms.extend(words::schema_terms(comment));
            }
        }
        let column_terms = table.columns.iter().flat_map(|c| words::schema_terms(&c.name)).collect();

        let mut dense_text = String::new();
        if !schema.is_empty() {
            dense_text.push_str(&words::readable(schema));
            dense_text.push_str(" / ");
        }
        dense_text.push_str(&words::readable(&table.name.name));
        dense_text.push(':');
        let mut first = true;
        for column in &table.columns {
            if dense_text.len() > MAX_DENSE_CHARS {
                break;
            }
            dense_text.push_str(if first { " " } else { ", " });
            first = false;
            dense_text.push_str(&words::readable(&column.name));
        }
        if let Some(comment) = &table.comment
            && dense_text.len() < MAX_DENSE_CHARS
        {
            dense_text.push_str(" — ");
            dense_text.extend(comment.chars().take(MAX_DENSE_CHARS));
        }

        Self {
            name_terms: words::schema_terms(&table.name.name),
            schema_terms: words::schema_terms(schema),
            column_terms,
            comment_terms,
            dense_text,
        }
    }
}

/// Terms of one column: its split name and its comment, for picking a wide table's relevant
/// columns.
pub(crate) fn column_terms(column: &tandem_core::Column) -> Vec<String> {
    let mut terms = words::schema_terms(&column.name);
    if let Some(comment) = &column.comment {
        terms.extend(words::schema_terms(comment));
    }
    terms
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, TableName};

    use super::*;

    #[test]
    fn builds_terms_and_dense_text() {
        let mut table = Table::new(
            TableName::qualified("concert_singer", "singer_in_concert"),
            vec![Column::new("SingerID", "int"), Column::new("concert_id", "int")],
        );
        table.comment = Some("Who sang where".into());
        let doc = TableDoc::new(&table);
        assert_eq!(doc.name_terms, ["singer", "concert"]);
        assert_eq!(doc.schema_terms, ["concert", "singer"]);
        assert_eq!(doc.column_terms, ["singer", "id", "concert", "id"]);
        assert_eq!(doc.comment_terms, ["sang"]);
        assert_eq!(doc.dense_text, "concert singer / singer in concert: singer id, concert id — Who sang where");
    }
}
