//! Whether a name written in SQL denotes the declared target, under each engine's rules for
//! case and quoting, and a skeleton for names that only look alike.

use sqlparser::ast::{Ident, ObjectName};
use tandem_core::{Catalog, Dialect, Table, TableName};

use crate::quoting::spelled;

/// How a written name relates to the declared target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Denotes {
    /// Exactly the target, as the engine will resolve it.
    Target,
    /// The target's name, spelled so the engine may resolve it elsewhere (unqualified while
    /// the declaration names a schema, or folded to another case): write it as declared.
    NotAsDeclared { declared: String },
    /// Another object. `lookalike` when it only looks like the target (homoglyphs, invisible
    /// characters, case).
    Other { lookalike: bool },
}

/// Part-by-part comparison of a written identifier with a declared one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Same,
    /// The same letters, but the engine will read another case.
    CaseOnly,
    Different,
}

/// How `name` (as written) relates to `target` (as declared, in catalog spelling).
pub(crate) fn denotes(name: &ObjectName, target: &TableName, dialect: Dialect) -> Denotes {
    let parts: Option<Vec<&Ident>> = name.0.iter().map(|p| p.as_ident()).collect();
    let (schema, table) = match parts.as_deref() {
        Some([table]) => (None, *table),
        Some([schema, table]) => (Some(*schema), *table),
        _ => return Denotes::Other { lookalike: false },
    };
    let name_part = compare(table, &target.name, dialect);
    let schema_part = match (schema, target.schema.as_deref()) {
        (None, None) => Some(Part::Same),
        // SQLite's `main` is the database every unqualified name resolves to.
        (Some(s), None) if dialect == Dialect::Sqlite && s.value.eq_ignore_ascii_case("main") => Some(Part::Same),
        (Some(_), None) => Some(Part::Different),
        // Unqualified: the search path decides, so it is the target only once qualified.
        (None, Some(_)) => None,
        (Some(s), Some(declared)) => Some(compare(s, declared, dialect)),
    };
    match (name_part, schema_part) {
        (Part::Same, Some(Part::Same)) => Denotes::Target,
        (Part::Same | Part::CaseOnly, None | Some(Part::Same | Part::CaseOnly)) => {
            Denotes::NotAsDeclared { declared: spelled(target, dialect) }
        }
        _ => Denotes::Other {
            lookalike: name_part == Part::Different && skeleton(&table.value) == skeleton(&target.name),
        },
    }
}

fn compare(written: &Ident, declared: &str, dialect: Dialect) -> Part {
    let same = match dialect {
        // SQLite folds ASCII case only, quoted or not.
        Dialect::Sqlite => written.value.eq_ignore_ascii_case(declared),
        // PostgreSQL folds bare names to lowercase (ASCII letters, in UTF-8 databases).
        Dialect::Postgres if written.quote_style.is_none() => written.value.to_ascii_lowercase() == declared,
        // MySQL compares table names byte for byte on case-sensitive file systems.
        Dialect::Postgres | Dialect::Mysql => written.value == declared,
    };
    if same {
        Part::Same
    } else if written.value.eq_ignore_ascii_case(declared) {
        Part::CaseOnly
    } else {
        Part::Different
    }
}

/// Whether two declared names are one object for `dialect` (an unqualified name matches any
/// schema).
pub(crate) fn same_table(a: &TableName, b: &TableName, dialect: Dialect) -> bool {
    let eq = |x: &str, y: &str| if dialect == Dialect::Sqlite { x.eq_ignore_ascii_case(y) } else { x == y };
    eq(&a.name, &b.name)
        && match (&a.schema, &b.schema) {
            (Some(x), Some(y)) => eq(x, y),
            _ => true,
        }
}

/// The catalog relation `name` declares, if any.
pub(crate) fn find<'c>(catalog: &'c Catalog, name: &TableName, dialect: Dialect) -> Option<&'c Table> {
    catalog.tables.iter().find(|t| same_table(&t.name, name, dialect))
}

/// A name reduced to what a reader sees: ASCII lowercase, common Cyrillic and Greek
/// homoglyphs and full-width forms mapped to their Latin look-alikes, invisible characters
/// dropped. Two names with one skeleton are easy to mistake for each other.
pub(crate) fn skeleton(name: &str) -> String {
    name.chars().filter_map(|c| if is_invisible(c) { None } else { Some(look_alike(c).to_ascii_lowercase()) }).collect()
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}')
}

fn look_alike(c: char) -> char {
    // Full-width ASCII (U+FF01..U+FF5E) sits at a fixed offset from ASCII.
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        return char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c);
    }
    match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'В' | 'Β' | 'ь' => 'b',
        'с' | 'С' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ё' | 'Ε' => 'e',
        'һ' | 'Н' | 'Η' => 'h',
        'і' | 'І' | 'ι' | 'Ι' | 'ı' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'ӏ' => 'l',
        'М' | 'Μ' => 'm',
        'п' | 'Ν' => 'n',
        'о' | 'О' | 'ο' | 'Ο' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ԝ' => 'w',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'у' | 'У' | 'Υ' => 'y',
        'Ζ' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use sqlparser::ast::ObjectNamePart;

    use super::*;

    fn name(parts: &[(&str, Option<char>)]) -> ObjectName {
        ObjectName(
            parts
                .iter()
                .map(|(v, q)| {
                    ObjectNamePart::Identifier(match q {
                        Some(q) => Ident::with_quote(*q, *v),
                        None => Ident::new(*v),
                    })
                })
                .collect(),
        )
    }

    #[test]
    fn names_denote_the_target_per_engine() {
        use Dialect::*;
        let plain = TableName::new("daily");
        let mixed = TableName::new("Daily");
        let qualified = TableName::qualified("mart", "daily");
        let other = Denotes::Other { lookalike: false };
        let lookalike = Denotes::Other { lookalike: true };
        let as_declared = |s: &str| Denotes::NotAsDeclared { declared: s.to_owned() };
        for (written, target, dialect, expect) in [
            (name(&[("daily", None)]), &plain, Postgres, Denotes::Target),
            (name(&[("DAILY", None)]), &plain, Postgres, Denotes::Target),
            (name(&[("DAILY", Some('"'))]), &plain, Postgres, as_declared("daily")),
            (name(&[("Daily", None)]), &mixed, Postgres, as_declared("\"Daily\"")),
            (name(&[("Daily", Some('"'))]), &mixed, Postgres, Denotes::Target),
            (name(&[("DAILY", Some('"'))]), &plain, Sqlite, Denotes::Target),
            (name(&[("main", None), ("daily", None)]), &plain, Sqlite, Denotes::Target),
            (name(&[("temp", None), ("daily", None)]), &plain, Sqlite, other.clone()),
            (name(&[("public", None), ("daily", None)]), &plain, Postgres, other.clone()),
            (name(&[("Daily", Some('`'))]), &plain, Mysql, as_declared("daily")),
            (name(&[("daily", None)]), &qualified, Postgres, as_declared("mart.daily")),
            (name(&[("mart", None), ("daily", None)]), &qualified, Postgres, Denotes::Target),
            (name(&[("other", None), ("daily", None)]), &qualified, Postgres, other.clone()),
            (name(&[("db", None), ("mart", None), ("daily", None)]), &qualified, Postgres, other.clone()),
            (name(&[("dаily", None)]), &plain, Postgres, lookalike.clone()),
            (name(&[("dai\u{200B}ly", Some('"'))]), &plain, Sqlite, lookalike),
            (name(&[("weekly", None)]), &plain, Mysql, other),
        ] {
            assert_eq!(denotes(&written, target, dialect), expect, "{dialect}: {written} vs {target}");
        }
    }

    #[test]
    fn skeletons_unmask_look_alikes() {
        assert_eq!(skeleton("оrders"), "orders", "Cyrillic o");
        assert_eq!(skeleton("ＯＲＤＥＲＳ"), "orders", "full-width");
        assert_eq!(skeleton("ord\u{200D}ers"), "orders", "zero-width joiner");
        assert_ne!(skeleton("orders2"), skeleton("orders"));
    }
}
