//! The missing-join fix: a column that only a table outside the query has, where a foreign key
//! gives exactly one way to join that table to a relation the query reads. The join is then
//! deterministic — the rules tier adds it instead of asking a model.

use sqlparser::ast::Ident;
use tandem_core::Table;

use super::Resolver;
use super::scope::Relation;
use crate::fix::{Edit, Fix};
use crate::quoting::{quote, spelled};
use crate::span::Span;

/// One way to join `table` to a relation of the query: `table.a = relation.b` for each pair.
struct Link<'q> {
    table: &'q Table,
    relation: &'q Relation,
    pairs: Vec<(String, String)>,
}

impl Resolver<'_, '_> {
    /// The fix for a missing join of the table holding `ident`, when it is unique: within the
    /// plan's tables when there is a plan, the one table with the column that exactly one
    /// foreign key connects to exactly one relation of this SELECT. The join goes at the end
    /// of the FROM clause; `qualifier`, the wrong qualifier the column was written with, is
    /// replaced by the new table's name.
    pub(super) fn join_fix(&self, ident: &Ident, qualifier: Option<&Ident>) -> Option<Fix> {
        let frame = self.frames.last()?;
        let at = frame.join_point?;
        let in_plan = |t: &Table| self.scope.is_none_or(|s| s.tables.contains(&t.name));
        let holders = self.catalog.tables.iter().filter(|t| t.column(&ident.value).is_some() && in_plan(t));
        // The relations that read a catalog table, with that table.
        let reads: Vec<(&Relation, &Table)> = frame
            .relations
            .iter()
            .filter_map(|r| {
                r.table.as_ref().and_then(|n| self.catalog.table(n.schema.as_deref(), &n.name)).map(|t| (r, t))
            })
            .collect();
        let mut links = Vec::new();
        for table in holders {
            for &(relation, read) in &reads {
                // The relation's key pointing at the table, or the table's key pointing back.
                let outgoing = read.foreign_keys.iter().filter(|fk| fk.referenced_table == table.name);
                let incoming = table.foreign_keys.iter().filter(|fk| fk.referenced_table == read.name);
                let pairs = outgoing
                    .map(|fk| zip(&fk.referenced_columns, &fk.columns))
                    .chain(incoming.map(|fk| zip(&fk.columns, &fk.referenced_columns)));
                links.extend(pairs.filter(|p| !p.is_empty()).map(|pairs| Link { table, relation, pairs }));
            }
        }
        let [link] = links.as_slice() else { return None };

        let bound =
            |name: &str| self.frames.iter().flat_map(|f| &f.relations).any(|r| r.binding.eq_ignore_ascii_case(name));
        let name = &link.table.name;
        let written = spelled(name, self.dialect);
        // Aliases when the query uses them (`T3` after `T1`, `T2`); the table's name otherwise.
        let alias = if frame.relations.iter().any(|r| r.aliased) || bound(&name.name) {
            Some((1..).map(|k| format!("T{k}")).find(|b| !bound(b))?)
        } else {
            None
        };
        let binding = alias.clone().unwrap_or_else(|| quote(&name.name, self.dialect));
        let read_binding = quote(&link.relation.binding, self.dialect);
        let on: Vec<String> = link
            .pairs
            .iter()
            .map(|(new, read)| {
                format!("{binding}.{} = {read_binding}.{}", quote(new, self.dialect), quote(read, self.dialect))
            })
            .collect();
        let alias_text = alias.map(|a| format!(" AS {a}")).unwrap_or_default();
        let join = format!(" JOIN {written}{alias_text} ON {}", on.join(" AND "));
        let mut edits = vec![Edit::new(Span::new(at, at), "", join)];
        if let Some(qualifier) = qualifier {
            let span = self.source.span(qualifier.span)?;
            edits.push(Edit::new(span, span.slice(self.source.sql)?, binding.clone()));
        }
        let description = format!("join `{name}` on {} for column `{}`", on.join(" AND "), ident.value);
        Some(Fix { description, edits })
    }
}

fn zip(left: &[String], right: &[String]) -> Vec<(String, String)> {
    if left.len() != right.len() {
        return Vec::new();
    }
    left.iter().cloned().zip(right.iter().cloned()).collect()
}
