//! Tier-0 fixes: deterministic text edits that a violation carries, applied without a model.
//!
//! A fix is a list of byte-range replacements on the exact text that was validated. Each
//! edit remembers the text it replaces, so applying a fix to different SQL fails loudly instead
//! of corrupting it. The result must be validated again; it is never trusted as is.

use crate::span::Span;

/// One replacement of `original` at `span` by `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub original: String,
    pub replacement: String,
}

impl Edit {
    pub fn new(span: Span, original: impl Into<String>, replacement: impl Into<String>) -> Self {
        Self { span, original: original.into(), replacement: replacement.into() }
    }
}

/// A deterministic repair: what it does, in a sentence, and the edits that do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub(crate) fn single(description: impl Into<String>, edit: Edit) -> Self {
        Self { description: description.into(), edits: vec![edit] }
    }
}

/// Why a fix could not be applied to the given text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    #[error("edit at bytes {start}..{end} lies outside the SQL text or splits a character")]
    OutOfRange { start: usize, end: usize },
    #[error("edit at bytes {start}..{end} expected `{expected}` but found `{found}`: the fix was made for other SQL")]
    TextChanged { start: usize, end: usize, expected: String, found: String },
    #[error("edits at bytes {first_start}.. and {second_start}.. overlap")]
    Overlap { first_start: usize, second_start: usize },
}

/// Applies one fix to the SQL it was made for.
pub fn apply_fix(sql: &str, fix: &Fix) -> Result<String, FixError> {
    apply_fixes(sql, std::iter::once(fix))
}

/// Applies several fixes made for the same SQL at once (e.g. every fix of a rejection).
/// Identical edits proposed by two fixes are applied once; other overlaps are an error.
pub fn apply_fixes<'a>(sql: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> Result<String, FixError> {
    let mut edits: Vec<&Edit> = fixes.into_iter().flat_map(|fix| fix.edits.iter()).collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    edits.dedup();
    for pair in edits.windows(2) {
        if let [first, second] = pair
            && second.span.start < first.span.end
        {
            return Err(FixError::Overlap { first_start: first.span.start, second_start: second.span.start });
        }
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut cursor = 0;
    for edit in edits {
        let Span { start, end } = edit.span;
        let found = sql.get(start..end).ok_or(FixError::OutOfRange { start, end })?;
        if found != edit.original {
            return Err(FixError::TextChanged { start, end, expected: edit.original.clone(), found: found.to_owned() });
        }
        out.push_str(sql.get(cursor..start).ok_or(FixError::OutOfRange { start, end })?);
        out.push_str(&edit.replacement);
        cursor = end;
    }
    out.push_str(sql.get(cursor..).unwrap_or_default());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, original: &str, replacement: &str) -> Edit {
        Edit::new(Span::new(start, end), original, replacement)
    }

    #[test]
    fn applies_edits_in_order_and_checks_the_text() {
        let sql = "SELECT nmae FROM singers";
        let a = Fix::single("column", edit(7, 11, "nmae", "name"));
        let b = Fix::single("table", edit(17, 24, "singers", "singer"));
        assert_eq!(apply_fixes(sql, [&b, &a]).unwrap(), "SELECT name FROM singer");
        assert_eq!(apply_fixes(sql, [&a, &a]).unwrap(), "SELECT name FROM singers", "duplicates apply once");
        assert!(matches!(apply_fix("SELECT name FROM x", &a), Err(FixError::TextChanged { .. })));
        assert!(matches!(apply_fix("SELECT", &b), Err(FixError::OutOfRange { .. })));
        let overlapping = Fix::single("x", edit(7, 12, "nmae ", ""));
        assert!(matches!(apply_fixes(sql, [&a, &overlapping]), Err(FixError::Overlap { .. })));
    }
}
