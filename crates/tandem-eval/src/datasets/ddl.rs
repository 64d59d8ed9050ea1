//! Spider 2.0-lite's `DDL.csv` files: a CSV of (table name, [description,] DDL) rows, where
//! the DDL is a BigQuery, Snowflake or SQLite `CREATE TABLE`. Only what retrieval needs is
//! read: column names, types and descriptions, and the table's description.

use tandem_core::{Column, Table, TableName};

/// Splits CSV text into records (RFC 4180: quoted fields may hold commas, newlines and
/// doubled quotes).
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// Splits `text` at commas outside brackets (`()`, `<>`) and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '<') => depth += 1,
            (None, ')' | '>') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Reads a possibly quoted identifier at the start of `text`; returns it and the rest.
fn take_ident(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    let first = text.chars().next()?;
    if matches!(first, '"' | '`' | '[') {
        let close = if first == '[' { ']' } else { first };
        let body = &text[first.len_utf8()..];
        let end = body.find(close)?;
        return Some((body[..end].to_owned(), &body[end + close.len_utf8()..]));
    }
    let end = text.find(|c: char| c.is_whitespace() || c == ',' || c == '(').unwrap_or(text.len());
    (end > 0).then(|| (text[..end].to_owned(), &text[end..]))
}

/// The text inside the first quotes after `marker` (e.g. `description=` or `COMMENT`).
fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let at = text.to_ascii_lowercase().find(&marker.to_ascii_lowercase())?;
    let rest = text.get(at + marker.len()..)?.trim_start_matches(|c: char| c.is_whitespace() || c == '=');
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some(body[..end].to_owned())
}

const CONSTRAINT_WORDS: &[&str] = &["primary", "foreign", "constraint", "unique", "check", "key", "index"];

/// Parses one `CREATE TABLE` into a table named `name` (the CSV's name, not the DDL's
/// fully qualified one). Column definitions that cannot be read are skipped.
pub(crate) fn parse_create_table(name: TableName, ddl: &str, description: Option<&str>) -> Table {
    let mut table = Table::new(name, Vec::new());
    table.comment = description.map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned);
    let (Some(open), Some(close)) = (ddl.find('('), ddl.rfind(')')) else { return table };
    let Some(body) = ddl.get(open + 1..close) else { return table };
    for item in split_top_level(body) {
        let item = item.trim();
        let first_word = item.split(|c: char| c.is_whitespace() || c == '(').next().unwrap_or_default();
        if item.is_empty() || CONSTRAINT_WORDS.iter().any(|w| first_word.eq_ignore_ascii_case(w)) {
            continue;
        }
        let Some((column_name, rest)) = take_ident(item) else { continue };
        let rest = rest.trim();
        let type_end = ["OPTIONS(", "COMMENT", "NOT NULL", "DEFAULT", "PRIMARY KEY", "REFERENCES"]
            .iter()
            .filter_map(|m| rest.to_ascii_uppercase().find(m))
            .min()
            .unwrap_or(rest.len());
        let mut column = Column::new(column_name, rest.get(..type_end).unwrap_or(rest).trim());
        column.nullable = !rest.to_ascii_uppercase().contains("NOT NULL");
        column.comment = quoted_after(rest, "description").or_else(|| quoted_after(rest, "comment"));
        table.columns.push(column);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_and_newlines() {
        let rows = parse_csv("a,b\nx,\"1, \"\"two\"\"\nthree\"\n\"\",z");
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x", "1, \"two\"\nthree"], vec!["", "z"]]);
    }

    #[test]
    fn parses_bigquery_ddl() {
        let ddl = "CREATE TABLE `p.d.t`\n(\n  Year DATE OPTIONS(description=\"FIPS, Year\"),\n  hits ARRAY<STRUCT<a INT64, b STRING>>,\n  GeoName STRING NOT NULL\n)\nPARTITION BY Year;";
        let table = parse_create_table(TableName::qualified("sdoh", "t"), ddl, None);
        let cols: Vec<(&str, &str, Option<&str>)> =
            table.columns.iter().map(|c| (c.name.as_str(), c.data_type.as_str(), c.comment.as_deref())).collect();
        assert_eq!(
            cols,
            [
                ("Year", "DATE", Some("FIPS, Year")),
                ("hits", "ARRAY<STRUCT<a INT64, b STRING>>", None),
                ("GeoName", "STRING", None)
            ]
        );
        assert!(!table.columns[2].nullable);
    }

    #[test]
    fn parses_snowflake_and_sqlite_ddl() {
        let ddl = "create or replace TABLE T (\n\t\"Order ID\" NUMBER(38,0),\n\tkeyword TEXT,\n\t\"Key\" VARCHAR(16777216) COMMENT 'the key',\n\tPRIMARY KEY (\"Order ID\")\n);";
        let table = parse_create_table(TableName::new("T"), ddl, Some("Orders"));
        assert_eq!(table.comment.as_deref(), Some("Orders"));
        assert_eq!(table.columns.len(), 3);
        assert_eq!(table.columns[0].name, "Order ID");
        assert_eq!(table.columns[0].data_type, "NUMBER(38,0)");
        assert_eq!(table.columns[1].name, "keyword");
        assert_eq!(table.columns[2].comment.as_deref(), Some("the key"));
        assert!(parse_create_table(TableName::new("x"), "garbage", None).columns.is_empty());
    }
}
