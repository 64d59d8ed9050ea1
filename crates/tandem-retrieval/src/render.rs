//! Compact, deterministic DDL-like rendering of tables, and token counting.
//!
//! The form is what a model reads best for its size: one `CREATE TABLE` per table with types,
//! inline keys, comments and a few sample values as trailing `--` comments. Tables are always
//! rendered in catalog order and columns in table order, never in score order, so that two
//! prompts over overlapping slices share a prefix and a model server's prefix cache can reuse
//! it. Comment and sample text is flattened to one line so it can never end a `--` comment
//! early and smuggle text into the prompt as if it were schema.

use std::fmt::Write as _;

use tandem_core::{Catalog, Column, Table, TableKind, TableName};

/// Counts the tokens of a text the way some model does.
///
/// Pass the model's own tokenizer where there is one (for a local model,
/// `tandem_llm::ChatModel::count_tokens`); any `Fn(&str) -> u32` works. [`ApproxTokens`] is
/// the default.
pub trait TokenCounter: Send + Sync {
    fn count_tokens(&self, text: &str) -> u32;
}

impl<F: Fn(&str) -> u32 + Send + Sync> TokenCounter for F {
    fn count_tokens(&self, text: &str) -> u32 {
        self(text)
    }
}

/// [`tandem_llm::approx_token_count`]: about four characters per token. An approximation, for
/// remote models whose tokenizer is not at hand; budgets computed with it are estimates.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApproxTokens;

impl TokenCounter for ApproxTokens {
    fn count_tokens(&self, text: &str) -> u32 {
        tandem_llm::approx_token_count(text)
    }
}

/// How much detail a rendering carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Sample values shown per column.
    pub n_samples: usize,
    /// Characters kept of each sample value.
    pub max_sample_chars: usize,
    /// Characters kept of each table or column comment.
    pub max_comment_chars: usize,
    /// Write `schema.table` for tables that have a schema.
    pub qualify: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { n_samples: 3, max_sample_chars: 30, max_comment_chars: 100, qualify: true }
    }
}

/// Renders every table of `catalog`, in catalog order.
pub fn render_catalog(catalog: &Catalog, options: &RenderOptions) -> String {
    let mut out = String::new();
    for table in &catalog.tables {
        out.push_str(&render_table(table, None, options));
    }
    out
}

/// Renders one table. `keep` lists the indices of the columns to show (any order; they are
/// shown in table order); `None` shows them all. Hidden columns are counted in a closing
/// comment so the reader knows the table is wider.
pub fn render_table(table: &Table, keep: Option<&[usize]>, options: &RenderOptions) -> String {
    let shown: Vec<usize> = (0..table.columns.len()).filter(|i| keep.is_none_or(|keep| keep.contains(i))).collect();
    let is_shown =
        |name: &str| shown.iter().any(|&i| table.columns.get(i).is_some_and(|c| c.name.eq_ignore_ascii_case(name)));
    let single_pk = match table.primary_key.as_slice() {
        [only] => Some(only.as_str()),
        _ => None,
    };

    let mut items: Vec<(String, Option<String>)> = Vec::new();
    for column in shown.iter().filter_map(|&i| table.columns.get(i)) {
        let mut code = quote_ident(&column.name);
        if !column.data_type.trim().is_empty() {
            code.push(' ');
            code.push_str(&one_line(&column.data_type, 40));
        }
        if single_pk.is_some_and(|pk| pk.eq_ignore_ascii_case(&column.name)) {
            code.push_str(" PRIMARY KEY");
        }
        for fk in &table.foreign_keys {
            if let ([from], [to]) = (fk.columns.as_slice(), fk.referenced_columns.as_slice())
                && from.eq_ignore_ascii_case(&column.name)
            {
                let _ = write!(
                    code,
                    " REFERENCES {}({})",
                    table_ref(&fk.referenced_table, options.qualify),
                    quote_ident(to)
                );
            }
        }
        items.push((code, column_note(column, options)));
    }
    if table.primary_key.len() > 1 && table.primary_key.iter().all(|c| is_shown(c)) {
        items.push((format!("PRIMARY KEY ({})", ident_list(&table.primary_key)), None));
    }
    for fk in table.foreign_keys.iter().filter(|fk| fk.columns.len() > 1 || fk.referenced_columns.len() > 1) {
        if fk.columns.iter().all(|c| is_shown(c)) {
            items.push((
                format!(
                    "FOREIGN KEY ({}) REFERENCES {}({})",
                    ident_list(&fk.columns),
                    table_ref(&fk.referenced_table, options.qualify),
                    ident_list(&fk.referenced_columns)
                ),
                None,
            ));
        }
    }

    let keyword = match table.kind {
        TableKind::Table => "TABLE",
        TableKind::View => "VIEW",
    };
    let mut out = format!("CREATE {keyword} {} (", table_ref(&table.name, options.qualify));
    if let Some(comment) = table.comment.as_deref().map(|c| one_line(c, options.max_comment_chars))
        && !comment.is_empty()
    {
        let _ = write!(out, " -- {comment}");
    }
    out.push('\n');
    let n_items = items.len();
    for (i, (code, note)) in items.into_iter().enumerate() {
        let comma = if i + 1 < n_items { "," } else { "" };
        let _ = write!(out, "  {code}{comma}");
        if let Some(note) = note {
            let _ = write!(out, " -- {note}");
        }
        out.push('\n');
    }
    let n_hidden = table.columns.len() - shown.len();
    if n_hidden > 0 {
        let _ = writeln!(out, "  -- {n_hidden} more columns");
    }
    out.push_str(");\n");
    out
}

/// The trailing comment of a column: its comment and a few sample values.
fn column_note(column: &Column, options: &RenderOptions) -> Option<String> {
    let comment = column.comment.as_deref().map(|c| one_line(c, options.max_comment_chars)).unwrap_or_default();
    let samples: Vec<String> =
        column.samples.iter().take(options.n_samples).map(|s| sample_literal(s, options.max_sample_chars)).collect();
    match (comment.is_empty(), samples.is_empty()) {
        (true, true) => None,
        (false, true) => Some(comment),
        (true, false) => Some(format!("e.g. {}", samples.join(", "))),
        (false, false) => Some(format!("{comment}; e.g. {}", samples.join(", "))),
    }
}

/// A sample as a SQL literal: numbers bare, everything else single-quoted.
fn sample_literal(sample: &str, max_chars: usize) -> String {
    let flat = one_line(sample, max_chars);
    if !flat.is_empty() && flat.parse::<f64>().is_ok() { flat } else { format!("'{}'", flat.replace('\'', "''")) }
}

/// Collapses whitespace and control characters to single spaces and cuts to `max_chars`
/// characters (marking the cut).
fn one_line(text: &str, max_chars: usize) -> String {
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    let flat = words.join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let mut cut: String = flat.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// SQL words that must be quoted when used as names.
const RESERVED: &[&str] = &[
    "all",
    "and",
    "as",
    "asc",
    "between",
    "by",
    "case",
    "check",
    "column",
    "create",
    "default",
    "delete",
    "desc",
    "distinct",
    "drop",
    "else",
    "end",
    "except",
    "exists",
    "from",
    "group",
    "having",
    "in",
    "index",
    "insert",
    "intersect",
    "into",
    "is",
    "join",
    "key",
    "like",
    "limit",
    "not",
    "null",
    "offset",
    "on",
    "or",
    "order",
    "primary",
    "references",
    "select",
    "set",
    "table",
    "then",
    "to",
    "union",
    "unique",
    "update",
    "user",
    "values",
    "when",
    "where",
    "with",
];

/// Quotes an identifier with double quotes when it is not a plain word or is reserved.
pub(crate) fn quote_ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&name.to_ascii_lowercase().as_str());
    if plain { name.to_owned() } else { format!("\"{}\"", flatten_quotes(name)) }
}

/// Doubles inner quotes, and keeps a name on one line.
fn flatten_quotes(name: &str) -> String {
    name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().replace('"', "\"\"")
}

fn ident_list(names: &[String]) -> String {
    names.iter().map(|n| quote_ident(n)).collect::<Vec<_>>().join(", ")
}

/// A table reference as rendered: `schema.table` when qualified.
pub(crate) fn table_ref(name: &TableName, qualify: bool) -> String {
    match (&name.schema, qualify) {
        (Some(schema), true) => format!("{}.{}", quote_ident(schema), quote_ident(&name.name)),
        _ => quote_ident(&name.name),
    }
}

#[cfg(test)]
mod tests {
    use tandem_core::{ForeignKey, TableName};

    use super::*;

    fn shop() -> Catalog {
        let mut customer = Table::new(
            TableName::qualified("shop", "customer"),
            vec![Column::new("id", "INTEGER"), Column::new("name", "TEXT"), Column::new("country", "TEXT")],
        );
        customer.primary_key = vec!["id".into()];
        customer.comment = Some("People who\nbuy things".into());
        customer.columns[2].samples = vec!["France".into(), "Côte d'Ivoire".into(), "Peru".into(), "Chile".into()];
        customer.columns[1].comment = Some("Full name -- as printed".into());
        let mut order = Table::new(
            TableName::qualified("shop", "order"),
            vec![
                Column::new("id", "INTEGER"),
                Column::new("customer_id", "INTEGER"),
                Column::new("Total Amount", "numeric(10,2)"),
                Column::new("line_no", "int"),
            ],
        );
        order.primary_key = vec!["id".into(), "line_no".into()];
        order.foreign_keys = vec![ForeignKey {
            columns: vec!["customer_id".into()],
            referenced_table: customer.name.clone(),
            referenced_columns: vec!["id".into()],
        }];
        order.columns[2].samples = vec!["12.5".into(), "7".into()];
        let mut view = Table::new(TableName::new("big_spenders"), vec![Column::new("name", "")]);
        view.kind = TableKind::View;
        Catalog::new(vec![customer, order, view])
    }

    #[test]
    fn renders_catalog() {
        insta::assert_snapshot!(render_catalog(&shop(), &RenderOptions::default()));
    }

    #[test]
    fn renders_kept_columns_and_unqualified() {
        let catalog = shop();
        let options = RenderOptions { qualify: false, n_samples: 1, ..RenderOptions::default() };
        insta::assert_snapshot!(render_table(&catalog.tables[1], Some(&[2, 1]), &options));
    }

    #[test]
    fn quotes_odd_identifiers() {
        for (name, want) in [
            ("plain_1", "plain_1"),
            ("order", "\"order\""),
            ("Total Amount", "\"Total Amount\""),
            ("2fa", "\"2fa\""),
            ("a\"b", "\"a\"\"b\""),
            ("é", "\"é\""),
            ("line\nbreak", "\"line break\""),
        ] {
            assert_eq!(quote_ident(name), want);
        }
    }

    #[test]
    fn counters_accept_closures() {
        let words = |text: &str| u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX);
        let counter: &dyn TokenCounter = &words;
        assert_eq!(counter.count_tokens("a b c"), 3);
        assert_eq!(ApproxTokens.count_tokens("abcdefgh"), 2);
    }
}
