//! Source spans as byte ranges, and the conversion from sqlparser's line/column locations.

use sqlparser::tokenizer::Location;

/// A byte range `start..end` in the SQL text that was validated. Byte offsets (not
/// sqlparser's 1-based line/column pairs) so that a fix can splice text directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The text this span covers, if it lies inside `sql` on character boundaries.
    pub fn slice<'a>(&self, sql: &'a str) -> Option<&'a str> {
        sql.get(self.start..self.end)
    }

    /// The smallest span covering both.
    pub fn union(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// 1-based line and column (in characters) of the start, for messages to people.
    pub fn line_column(&self, sql: &str) -> (usize, usize) {
        let before = sql.get(..self.start).unwrap_or(sql);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

/// Maps sqlparser's locations (1-based line, 1-based column counted in characters, lines split
/// on `\n` only) to byte offsets in the source, in constant time per location: validation calls
/// this for every node it reports on, so a walk along the line would make long one-line inputs
/// quadratic.
#[derive(Debug)]
pub(crate) struct LineIndex {
    /// Character index where each line starts.
    line_starts: Vec<usize>,
    /// Byte offset of each character, then the text's length; empty when the text is ASCII
    /// (then character and byte offsets coincide).
    char_bytes: Vec<usize>,
    n_chars: usize,
}

impl LineIndex {
    pub(crate) fn new(sql: &str) -> Self {
        let mut line_starts = vec![0];
        let (mut char_bytes, mut n_chars) = (Vec::new(), 0);
        if sql.is_ascii() {
            line_starts.extend(sql.match_indices('\n').map(|(i, _)| i + 1));
            n_chars = sql.len();
        } else {
            for (index, (byte, c)) in sql.char_indices().enumerate() {
                char_bytes.push(byte);
                if c == '\n' {
                    line_starts.push(index + 1);
                }
                n_chars = index + 1;
            }
            char_bytes.push(sql.len());
        }
        Self { line_starts, char_bytes, n_chars }
    }

    /// The byte offset of a location; `None` for the empty location (line 0) that sqlparser
    /// gives nodes it could not place, and for one past the end of the text.
    pub(crate) fn offset(&self, location: Location) -> Option<usize> {
        let line = usize::try_from(location.line).ok()?.checked_sub(1)?;
        let column = usize::try_from(location.column).ok()?.checked_sub(1)?;
        let index = self.line_starts.get(line)?.checked_add(column)?;
        if index > self.n_chars {
            return None;
        }
        if self.char_bytes.is_empty() { Some(index) } else { self.char_bytes.get(index).copied() }
    }

    /// The byte span of a sqlparser span, if both ends are placed.
    pub(crate) fn span(&self, span: sqlparser::tokenizer::Span) -> Option<Span> {
        let start = self.offset(span.start)?;
        let end = self.offset(span.end)?;
        (start <= end).then_some(Span { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: u64, column: u64) -> Location {
        Location { line, column }
    }

    #[test]
    fn maps_locations_over_lines_and_multibyte_text() {
        let sql = "SELECT 'é'\nFROM t";
        let index = LineIndex::new(sql);
        assert_eq!(index.offset(loc(1, 1)), Some(0));
        assert_eq!(index.offset(loc(1, 11)), Some(11), "after the closing quote, past a 2-byte char");
        assert_eq!(index.offset(loc(2, 6)), Some(17));
        assert_eq!(index.offset(loc(2, 7)), Some(18), "one past the end is the end");
        assert_eq!(index.offset(loc(2, 8)), None);
        assert_eq!(index.offset(loc(0, 0)), None, "the empty location");
        assert_eq!(Span::new(17, 18).line_column(sql), (2, 6));
        let ascii = LineIndex::new("SELECT 1\nFROM t");
        assert_eq!(ascii.offset(loc(2, 2)), Some(10));
        assert_eq!(ascii.offset(loc(2, 7)), Some(15), "one past the end is the end");
        assert_eq!(ascii.offset(loc(2, 8)), None);
    }
}
