//! The merged catalog's executor: every member database keeps its own file (or server
//! database), and each validated query runs on the one database its tables belong to.
//!
//! The merged catalog names tables `<db_id>.<table>`. A query is routed by the schemas of the
//! tables the validator resolved, its qualifiers are removed, and it is validated again
//! against that member's own catalog before the member's executor sees it, so only validated
//! SQL reaches an executor here too. A query over several databases is refused the way a
//! database refuses an unknown table, so the repair loop can fix it.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

use async_trait::async_trait;
use sqlparser::ast::{Expr, ObjectName, visit_expressions_mut, visit_relations_mut};
use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use tandem_core::{Catalog, Dialect};
use tandem_exec::{DbErrorClass, ExecError, Executor, IntrospectOptions, Limits, Rows};
use tandem_sql::{Policy, ValidatedSql, validate};

/// One database of the merged catalog.
#[derive(Debug, Clone)]
pub struct Member {
    /// Its own catalog, unqualified.
    pub catalog: Arc<Catalog>,
    pub executor: Arc<dyn Executor>,
}

/// Runs each query on the member database its tables live in.
#[derive(Debug)]
pub struct RoutedExecutor {
    dialect: Dialect,
    members: HashMap<String, Member>,
}

impl RoutedExecutor {
    /// `members` by database id; all must run one dialect.
    pub fn new(dialect: Dialect, members: HashMap<String, Member>) -> Self {
        Self { dialect, members }
    }

    fn refuse(&self, code: &str, message: String) -> ExecError {
        ExecError::Database {
            dialect: self.dialect,
            class: DbErrorClass::UnknownTable,
            code: code.to_owned(),
            message: message.clone(),
            name: None,
            source: message.into(),
        }
    }
}

#[async_trait]
impl Executor for RoutedExecutor {
    fn dialect(&self) -> Dialect {
        self.dialect
    }

    async fn execute(&self, sql: &ValidatedSql, limits: &Limits) -> Result<Rows, ExecError> {
        let mut schemas: Vec<&str> = sql.tables().iter().filter_map(|t| t.schema.as_deref()).collect();
        schemas.sort_unstable();
        schemas.dedup();
        let db_id = match schemas.as_slice() {
            [one] => *one,
            [] => return Err(self.refuse("no_database", "the query reads no table of any database".into())),
            many => {
                return Err(self.refuse(
                    "cross_database",
                    format!(
                        "the query reads tables of several databases ({}); all tables of one question live in one database",
                        many.join(", ")
                    ),
                ));
            }
        };
        let Some(member) = self.members.get(db_id) else {
            return Err(self.refuse("unknown_database", format!("database `{db_id}` is not available")));
        };
        let text = strip_qualifier(sql.as_str(), db_id, self.dialect)
            .ok_or_else(|| self.refuse("unroutable", format!("cannot re-read the query for `{db_id}`")))?;
        let policy = Policy::new(self.dialect).with_max_rows(u64::try_from(limits.max_rows).unwrap_or(u64::MAX));
        let valid = validate(&text, &policy, &member.catalog)
            .map_err(|rejection| self.refuse("unroutable", format!("on database `{db_id}`: {rejection}")))?;
        member.executor.execute(&valid, limits).await
    }

    /// The merged catalog is assembled by the harness; each member introspects itself.
    async fn introspect(&self, _options: &IntrospectOptions) -> Result<Catalog, ExecError> {
        Err(self.refuse("unsupported", "the merged executor has no catalog of its own".into()))
    }
}

fn parser_dialect(dialect: Dialect) -> Box<dyn SqlDialect> {
    match dialect {
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Mysql => Box::new(MySqlDialect {}),
    }
}

/// `sql` with the `db_id.` qualifier removed from table names and from three-part column
/// references; `None` when it does not parse.
fn strip_qualifier(sql: &str, db_id: &str, dialect: Dialect) -> Option<String> {
    let mut statements = Parser::parse_sql(parser_dialect(dialect).as_ref(), sql).ok()?;
    let is_db = |name: &str| name.eq_ignore_ascii_case(db_id);
    let _ = visit_relations_mut(&mut statements, |name: &mut ObjectName| {
        let first = name.0.first().and_then(|p| p.as_ident()).map(|i| i.value.clone());
        if name.0.len() >= 2 && first.as_deref().is_some_and(is_db) {
            name.0.remove(0);
        }
        ControlFlow::<()>::Continue(())
    });
    let _ = visit_expressions_mut(&mut statements, |expr: &mut Expr| {
        if let Expr::CompoundIdentifier(parts) = expr
            && parts.len() == 3
            && parts.first().is_some_and(|p| is_db(&p.value))
        {
            parts.remove(0);
        }
        ControlFlow::<()>::Continue(())
    });
    Some(statements.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_of_the_routed_database_go() {
        let sql =
            "SELECT T1.name, shop.singer.age FROM shop.singer AS T1 JOIN shop.concert AS T2 ON T1.id = T2.singer_id";
        assert_eq!(
            strip_qualifier(sql, "shop", Dialect::Sqlite).unwrap(),
            "SELECT T1.name, singer.age FROM singer AS T1 JOIN concert AS T2 ON T1.id = T2.singer_id"
        );
        assert_eq!(strip_qualifier("SELECT * FROM other.t", "shop", Dialect::Sqlite).unwrap(), "SELECT * FROM other.t");
        assert!(strip_qualifier("SELEC", "shop", Dialect::Sqlite).is_none());
    }
}
