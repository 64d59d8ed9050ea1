//! Table and column comments for SQLite, which has no `COMMENT ON`: SQLite keeps the text of
//! `CREATE TABLE` verbatim, comments included, so comments are read from it.
//!
//! The convention (the demo warehouse writes it this way):
//!
//! ```sql
//! CREATE TABLE orders ( -- One row per customer order.
//!   id INTEGER PRIMARY KEY, -- Surrogate key.
//!   -- When the order was placed, UTC.
//!   placed_at TEXT NOT NULL
//! )
//! ```
//!
//! A comment on the line of the opening parenthesis describes the table; a comment after a
//! column's definition on the same line (before or after its comma) describes that column; a
//! comment on lines of its own describes the next column. `/* … */` works like `--`.

/// The table comment and `(column name, comment)` pairs found in `create_sql`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Comments {
    pub(crate) table: Option<String>,
    pub(crate) columns: Vec<(String, String)>,
}

/// Column definitions seen so far and the comments that belong to them.
#[derive(Default)]
struct Scan {
    comments: Comments,
    /// Name of the definition being read, once its first token has been seen.
    current: Option<String>,
    /// Name of the definition the last comma closed, while still on the comma's line.
    previous_on_line: Option<String>,
    /// Comments on their own lines, waiting for the next definition.
    pending: Vec<String>,
    /// Still on the line of the opening parenthesis with no definition started.
    on_opening_line: bool,
}

impl Scan {
    fn comment(&mut self, text: String) {
        if let Some(name) = self.current.clone().or_else(|| self.previous_on_line.clone()) {
            // An empty name marks a table constraint, whose comments are dropped.
            if !name.is_empty() {
                self.attach(&name, text);
            }
        } else if self.on_opening_line {
            append(&mut self.comments.table, text);
        } else {
            self.pending.push(text);
        }
    }

    fn attach(&mut self, name: &str, text: String) {
        match self.comments.columns.iter_mut().find(|(column, _)| column == name) {
            Some((_, existing)) => {
                existing.push(' ');
                existing.push_str(&text);
            }
            None => self.comments.columns.push((name.to_owned(), text)),
        }
    }

    fn start_definition(&mut self, first_token: String) {
        self.on_opening_line = false;
        self.previous_on_line = None;
        // Table constraints are not columns; comments about them are dropped.
        let keyword = first_token.to_ascii_uppercase();
        let is_constraint = ["CONSTRAINT", "PRIMARY", "FOREIGN", "UNIQUE", "CHECK"].contains(&keyword.as_str());
        let name = if is_constraint { String::new() } else { first_token };
        for text in std::mem::take(&mut self.pending) {
            if !name.is_empty() {
                self.attach(&name, text);
            }
        }
        self.current = Some(name);
    }
}

fn append(slot: &mut Option<String>, text: String) {
    match slot {
        Some(existing) => {
            existing.push(' ');
            existing.push_str(&text);
        }
        None => *slot = Some(text),
    }
}

/// Reads the comments of a `CREATE TABLE` statement. Never fails: text it does not understand
/// yields fewer comments.
pub(crate) fn parse(create_sql: &str) -> Comments {
    let chars: Vec<char> = create_sql.chars().collect();
    let mut scan = Scan::default();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c == '-' && next == Some('-') {
            let end = chars[i..].iter().position(|&c| c == '\n').map_or(chars.len(), |n| i + n);
            if depth == 1 {
                push_comment(&mut scan, &chars[i + 2..end]);
            }
            i = end;
            continue;
        }
        if c == '/' && next == Some('*') {
            let body_start = i + 2;
            let end = find_block_end(&chars, body_start);
            if depth == 1 {
                push_comment(&mut scan, &chars[body_start..end.min(chars.len())]);
            }
            i = end + 2;
            continue;
        }
        match c {
            '(' => {
                depth += 1;
                if depth == 1 {
                    scan.on_opening_line = true;
                }
            }
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => scan.previous_on_line = scan.current.take(),
            '\n' if depth == 1 => {
                scan.previous_on_line = None;
                scan.on_opening_line = false;
            }
            _ if depth == 1 && scan.current.is_none() && !c.is_whitespace() => {
                let (token, end) = identifier(&chars, i);
                scan.start_definition(token);
                i = end;
                continue;
            }
            '\'' | '"' | '`' | '[' => {
                i = skip_quoted(&chars, i);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    scan.comments
}

fn push_comment(scan: &mut Scan, body: &[char]) {
    let text: String = body.iter().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        scan.comment(text);
    }
}

fn find_block_end(chars: &[char], from: usize) -> usize {
    (from..chars.len()).find(|&j| chars[j] == '*' && chars.get(j + 1) == Some(&'/')).unwrap_or(chars.len())
}

/// Index just past the quoted token starting at `start`; doubled quotes stay inside.
fn skip_quoted(chars: &[char], start: usize) -> usize {
    let close = if chars[start] == '[' { ']' } else { chars[start] };
    let mut j = start + 1;
    while let Some(&c) = chars.get(j) {
        if c == close {
            if chars.get(j + 1) == Some(&close) && close != ']' {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    chars.len()
}

/// The identifier starting at `start`, unquoted, and the index after it.
fn identifier(chars: &[char], start: usize) -> (String, usize) {
    let first = chars[start];
    if matches!(first, '"' | '`' | '[') {
        let end = skip_quoted(chars, start);
        let close = if first == '[' { ']' } else { first };
        let inner: String = chars[start + 1..end.saturating_sub(1).max(start + 1)].iter().collect();
        let doubled: String = [close, close].iter().collect();
        return (inner.replace(&doubled, &close.to_string()), end);
    }
    let end = (start..chars.len())
        .find(|&j| !(chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '$'))
        .unwrap_or(chars.len());
    // A character that starts no identifier still has to be consumed.
    let end = end.max(start + 1);
    (chars[start..end].iter().collect(), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn reads_the_documented_convention() {
        let sql = "CREATE TABLE orders ( -- One row per customer order.
  id INTEGER PRIMARY KEY, -- Surrogate key.
  -- When the order was placed,
  -- in UTC.
  placed_at TEXT NOT NULL,
  \"total, gross\" NUMERIC(10, 2) /* Sum of lines */ ,
  note TEXT DEFAULT '-- not a comment', -- Free text.
  status TEXT -- Lifecycle state.
  , FOREIGN KEY (id) REFERENCES other(id) -- dropped
)";
        let comments = parse(sql);
        assert_eq!(comments.table.as_deref(), Some("One row per customer order."));
        assert_eq!(
            comments.columns,
            columns(&[
                ("id", "Surrogate key."),
                ("placed_at", "When the order was placed, in UTC."),
                ("total, gross", "Sum of lines"),
                ("note", "Free text."),
                ("status", "Lifecycle state."),
            ])
        );
    }

    #[test]
    fn no_comments_and_bad_input() {
        assert_eq!(parse("CREATE TABLE t (a INT, b TEXT)"), Comments::default());
        assert_eq!(parse(""), Comments::default());
        for junk in ["CREATE TABLE t (", "(((", "( -- x", "(\"unterminated", "( /* open", "([x", "(,,,)", "(a -"] {
            let _ = parse(junk);
        }
    }

    #[test]
    fn views_have_no_column_comments() {
        let comments = parse("CREATE VIEW v AS SELECT a -- note\n FROM (SELECT 1 AS a)");
        assert_eq!(comments.table, None);
    }
}
