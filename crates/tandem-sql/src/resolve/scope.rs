//! Name scopes: the relations a SELECT can see, and what each of them offers.

use tandem_core::TableName;

/// A relation in a FROM clause (or a CTE definition): a name to qualify columns with and the
/// columns it offers.
#[derive(Debug, Clone)]
pub(crate) struct Relation {
    /// The name that qualifies its columns: the alias, else the table or CTE name. Empty for
    /// an unaliased derived table, which can only be referenced unqualified.
    pub(crate) binding: String,
    /// Whether `binding` is an alias (then the table's own name no longer qualifies).
    pub(crate) aliased: bool,
    /// The catalog table behind it, for base tables.
    pub(crate) table: Option<TableName>,
    pub(crate) columns: Vec<String>,
    /// Columns unknown (table functions, unresolvable sources): any name is accepted, so one
    /// unknown thing does not cascade into many reports.
    pub(crate) open: bool,
}

impl Relation {
    pub(crate) fn open(binding: impl Into<String>) -> Self {
        Self { binding: binding.into(), aliased: true, table: None, columns: Vec::new(), open: true }
    }

    pub(crate) fn column(&self, name: &str) -> Option<&str> {
        self.columns.iter().find(|c| c.eq_ignore_ascii_case(name)).map(String::as_str)
    }

    /// Whether `qualifier` (possibly schema-qualified) names this relation.
    pub(crate) fn answers_to(&self, schema: Option<&str>, qualifier: &str) -> bool {
        if !self.binding.eq_ignore_ascii_case(qualifier) || self.binding.is_empty() {
            return false;
        }
        match (schema, &self.table) {
            (None, _) => true,
            (Some(schema), Some(table)) if !self.aliased => {
                // A catalog without schemas accepts any qualifier (`main.t.c` on SQLite).
                table.schema.as_deref().is_none_or(|s| s.eq_ignore_ascii_case(schema))
            }
            (Some(_), _) => false,
        }
    }
}

/// Which clause of a SELECT is being resolved; it decides whether output aliases are visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clause {
    /// FROM and JOIN … ON: no aliases.
    From,
    /// Select list, WHERE, GROUP BY, HAVING: explicit aliases, as SQLite and MySQL allow.
    Body,
    /// ORDER BY: explicit aliases and the output names of plain column items.
    OrderBy,
}

/// The names one SELECT sees, before looking outward for correlated references.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub(crate) relations: Vec<Relation>,
    /// Columns merged by USING or NATURAL joins: unqualified references are not ambiguous.
    pub(crate) merged: Vec<String>,
    /// Explicit `AS` aliases of the select list.
    pub(crate) aliases: Vec<String>,
    /// Output names of select-list items that are plain columns.
    pub(crate) output_names: Vec<String>,
    pub(crate) clause: Clause,
    /// Where a join can be appended to the FROM clause (the byte offset after its only item,
    /// once the whole clause is resolved); `None` for several comma-separated items or none.
    pub(crate) join_point: Option<usize>,
}

impl Frame {
    pub(crate) fn new() -> Self {
        Self {
            relations: Vec::new(),
            merged: Vec::new(),
            aliases: Vec::new(),
            output_names: Vec::new(),
            clause: Clause::From,
            join_point: None,
        }
    }

    /// A frame holding only the given relation, for the ORDER BY of a set operation.
    pub(crate) fn of(relation: Relation) -> Self {
        Self { relations: vec![relation], clause: Clause::OrderBy, ..Self::new() }
    }

    pub(crate) fn alias_visible(&self, name: &str) -> bool {
        let explicit = self.clause != Clause::From && self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name));
        let output = self.clause == Clause::OrderBy && self.output_names.iter().any(|a| a.eq_ignore_ascii_case(name));
        explicit || output
    }

    pub(crate) fn is_merged(&self, name: &str) -> bool {
        self.merged.iter().any(|m| m.eq_ignore_ascii_case(name))
    }

    pub(crate) fn has_open(&self) -> bool {
        self.relations.iter().any(|r| r.open)
    }
}

/// The columns a query produces, for whatever selects from it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Output {
    pub(crate) columns: Vec<String>,
    /// Some output names are unknown (expressions without alias, wildcards over open relations).
    pub(crate) open: bool,
}

impl Output {
    pub(crate) fn open() -> Self {
        Self { columns: Vec::new(), open: true }
    }

    pub(crate) fn into_relation(self, binding: String, aliased: bool) -> Relation {
        Relation { binding, aliased, table: None, columns: self.columns, open: self.open }
    }
}
