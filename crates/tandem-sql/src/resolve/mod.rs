//! Name resolution: every table and column of a query against the catalog, through aliases,
//! CTEs, subqueries (correlated or not), derived tables, joins and set operations.
//!
//! Scopes follow SQL: a SELECT sees its FROM relations, then (for correlated subqueries) the
//! enclosing SELECTs'. A derived table does not see its siblings unless it is LATERAL. Where
//! the columns of a relation cannot be known (table functions, expressions without an alias),
//! the relation is "open" and accepts any column name: the validator must never reject valid
//! SQL, and the database still checks what this cannot. Relations are never open: every FROM
//! item and `TABLE name` resolves to a catalog table or a CTE, and the syntax pass refuses any
//! query or FROM item this walk did not reach.

mod expr;
mod from;
mod join;
mod lookup;
mod scope;

use sqlparser::ast::{
    Expr, ObjectName, OrderBy, Query, Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, Spanned,
};
use tandem_core::{Catalog, Dialect, TableName};

use crate::parse::Source;
use crate::policy::Scope;
use crate::syntax::Handled;
use crate::violation::Violation;
use scope::{Clause, Frame, Output, Relation};

/// What resolution found.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    pub(crate) violations: Vec<Violation>,
    /// SQLite double-quoted "identifiers" that name nothing: SQLite reads them as string
    /// literals, and the normalised text spells them as such.
    pub(crate) string_literals: Vec<sqlparser::tokenizer::Span>,
    /// Catalog tables read, in first-use order.
    pub(crate) tables: Vec<TableName>,
    /// The declared type of each column reference that resolved to a catalog table, by the
    /// span of the column's name.
    pub(crate) column_types: Vec<(sqlparser::tokenizer::Span, String)>,
    /// Every query and FROM item resolution walked, so that the syntax pass can refuse any it
    /// did not.
    pub(crate) handled: Handled,
}

/// Resolves every name in `query`.
pub(crate) fn resolve(
    query: &Query,
    catalog: &Catalog,
    dialect: Dialect,
    scope: Option<&Scope>,
    source: &Source<'_>,
) -> Resolution {
    let mut resolver = Resolver {
        catalog,
        dialect,
        scope,
        source,
        frames: Vec::new(),
        ctes: Vec::new(),
        join_equalities: Vec::new(),
        out: Resolution::default(),
    };
    resolver.query(query);
    resolver.out
}

pub(crate) struct Resolver<'r, 'a> {
    catalog: &'r Catalog,
    dialect: Dialect,
    scope: Option<&'r Scope>,
    source: &'r Source<'a>,
    /// Enclosing SELECTs, outermost first; the last is the one being resolved.
    frames: Vec<Frame>,
    /// Visible CTEs, outermost first; later ones shadow earlier ones.
    ctes: Vec<Relation>,
    /// `a.x = b.x` join conditions seen so far, as (column, a, b): an ambiguous `x` among
    /// exactly such relations can be qualified deterministically.
    join_equalities: Vec<(String, String, String)>,
    out: Resolution,
}

impl Resolver<'_, '_> {
    fn query(&mut self, query: &Query) -> Output {
        self.out.handled.queries.insert(std::ptr::from_ref(query));
        let mark = self.ctes.len();
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let name = cte.alias.name.value.clone();
                let renamed: Vec<String> = cte.alias.columns.iter().map(|c| c.name.value.clone()).collect();
                // A CTE may name itself when it is recursive (SQLite does not require the
                // RECURSIVE keyword); its columns are then known only from its column list.
                let self_reference = with.recursive || self.dialect == Dialect::Sqlite;
                if self_reference {
                    let mut placeholder = Relation::open(name.clone());
                    placeholder.open = renamed.is_empty();
                    placeholder.columns.clone_from(&renamed);
                    self.ctes.push(placeholder);
                }
                let output = self.query(&cte.query);
                if self_reference {
                    self.ctes.pop();
                }
                self.ctes.push(rename(output, &renamed).into_relation(name, true));
            }
        }
        let output = self.set_expr(&query.body, query.order_by.as_ref());
        self.walk(&query.limit_clause);
        self.walk(&query.fetch);
        self.ctes.truncate(mark);
        output
    }

    fn set_expr(&mut self, body: &SetExpr, order_by: Option<&OrderBy>) -> Output {
        match body {
            SetExpr::Select(select) => self.select(select, order_by),
            SetExpr::Query(query) => {
                let output = self.query(query);
                if let Some(order_by) = order_by {
                    self.frames.push(Frame::of(output.clone().into_relation(String::new(), false)));
                    self.walk(order_by);
                    self.frames.pop();
                }
                output
            }
            // The ORDER BY of a set operation names the output of its first member.
            SetExpr::SetOperation { left, right, .. } => {
                let output = self.set_expr(left, order_by);
                self.set_expr(right, None);
                output
            }
            SetExpr::Values(values) => {
                self.walk(&values.rows);
                let width = values.rows.first().map_or(0, |row| row.content.len());
                Output { columns: (1..=width).map(|i| format!("column{i}")).collect(), open: true }
            }
            // PostgreSQL's `TABLE name`: a relation like any FROM item, a CTE or a catalog table.
            SetExpr::Table(table) => {
                let parts = table.schema_name.iter().chain(&table.table_name).cloned();
                let name = ObjectName::from(parts.collect::<Vec<_>>());
                let relation = self.table(&name, None);
                Output { columns: relation.columns, open: relation.open }
            }
            // Data-modifying bodies are rejected by the guard; nothing to resolve.
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => Output::open(),
        }
    }

    fn select(&mut self, select: &Select, order_by: Option<&OrderBy>) -> Output {
        self.frames.push(Frame::new());
        for table in &select.from {
            self.table_with_joins(table);
        }
        for table in &select.from {
            self.deferred_on_clauses(table);
        }
        // After a comma-separated item a JOIN would bind to the last item only, and its ON
        // could not see the others on PostgreSQL: appending is safe with a single item.
        let join_point = match select.from.as_slice() {
            [only] => self.source.extent(only.span()).map(|s| s.end),
            _ => None,
        };
        if let Some(frame) = self.frames.last_mut() {
            frame.join_point = join_point;
            frame.clause = Clause::Body;
            for item in &select.projection {
                match item {
                    SelectItem::ExprWithAlias { alias, .. } => frame.aliases.push(alias.value.clone()),
                    SelectItem::ExprWithAliases { aliases, .. } => {
                        frame.aliases.extend(aliases.iter().map(|a| a.value.clone()));
                    }
                    SelectItem::UnnamedExpr(expr) => frame.output_names.extend(plain_name(expr)),
                    SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {}
                }
            }
        }
        for item in &select.projection {
            match item {
                SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _) => {
                    self.qualified_wildcard(name);
                }
                other => self.walk(other),
            }
        }
        self.walk(&select.distinct);
        self.walk(&select.prewhere);
        self.walk(&select.selection);
        self.walk(&select.group_by);
        self.walk(&select.having);
        self.walk(&select.named_window);
        self.walk(&select.qualify);
        self.walk(&select.cluster_by);
        self.walk(&select.distribute_by);
        self.walk(&select.sort_by);
        if let Some(order_by) = order_by {
            if let Some(frame) = self.frames.last_mut() {
                frame.clause = Clause::OrderBy;
            }
            self.walk(order_by);
        }
        let output = self.select_output(select);
        self.frames.pop();
        output
    }

    /// The columns a SELECT produces, as a derived table or CTE would offer them.
    fn select_output(&self, select: &Select) -> Output {
        let mut output = Output::default();
        let Some(frame) = self.frames.last() else { return Output::open() };
        for item in &select.projection {
            match item {
                SelectItem::UnnamedExpr(expr) => match plain_name(expr) {
                    Some(name) => output.columns.push(name),
                    // Engines name expressions differently (SQLite: the text as written;
                    // PostgreSQL: the function name); accept whatever a reader asks for.
                    None => output.open = true,
                },
                SelectItem::ExprWithAlias { alias, .. } => output.columns.push(alias.value.clone()),
                SelectItem::ExprWithAliases { aliases, .. } => {
                    output.columns.extend(aliases.iter().map(|a| a.value.clone()));
                }
                SelectItem::Wildcard(_) => {
                    for relation in &frame.relations {
                        output.columns.extend(relation.columns.iter().cloned());
                        output.open |= relation.open;
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let found = match kind {
                        SelectItemQualifiedWildcardKind::ObjectName(name) => {
                            let qualifier = name.0.last().and_then(|p| p.as_ident()).map(|i| i.value.as_str());
                            frame.relations.iter().find(|r| qualifier.is_some_and(|q| r.answers_to(None, q)))
                        }
                        SelectItemQualifiedWildcardKind::Expr(_) => None,
                    };
                    match found {
                        Some(relation) => {
                            output.columns.extend(relation.columns.iter().cloned());
                            output.open |= relation.open;
                        }
                        None => output.open = true,
                    }
                }
            }
        }
        output
    }
}

/// The output name of a select item that is a plain column reference.
fn plain_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(ident) => Some(ident.value.clone()),
        Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.clone()),
        Expr::Nested(inner) => plain_name(inner),
        _ => None,
    }
}

/// Applies a column list (`WITH x(a, b)`, `AS t(a, b)`) to an output.
fn rename(mut output: Output, names: &[String]) -> Output {
    if !names.is_empty() {
        let extra = output.columns.len().saturating_sub(names.len());
        let rest: Vec<String> = output.columns.split_off(output.columns.len() - extra);
        output.columns = names.iter().cloned().chain(rest).collect();
        // Renaming fixes the first columns; with an open output the rest stay unknown.
    }
    output
}
