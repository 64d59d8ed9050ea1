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
/// on `\n` only) to byte offsets in the source.
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    sql: &'a str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(sql: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(sql.match_indices('\n').map(|(i, _)| i + 1));
        Self { sql, line_starts }
    }

    /// The byte offset of a location; `None` for the empty location (line 0) that sqlparser
    /// gives nodes it could not place.
    pub(crate) fn offset(&self, location: Location) -> Option<usize> {
        let line = usize::try_from(location.line).ok()?.checked_sub(1)?;
        let column = usize::try_from(location.column).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(line)?;
        let text = self.sql.get(start..)?;
        let within = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).nth(column)?;
        Some(start + within)
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
    }
}
