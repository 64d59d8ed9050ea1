//! The escape search on MariaDB: a catalog database with `item` and `label`, a canary
//! database the catalog does not include, and the server's `mysql` and `information_schema`
//! tables planted.
//!
//! MariaDB's JSON plan names each table by its alias, so the relation behind an alias comes
//! from the rewritten query `EXPLAIN EXTENDED` leaves in its note: there every table stands as
//! `` `database`.`table` `` (views replaced by their tables), followed by its alias if any.

use mysql_async::prelude::Queryable;
use serde_json::Value;
use tandem_core::TableName;
use tandem_exec::{Executor, IntrospectOptions, MysqlConfig, MysqlExecutor};

use super::Engine;
use super::grammar::{Base, Kind, World};
use crate::support::{mysql_url, unavailable, unique, with_database};

struct Explainer {
    admin: mysql_async::Conn,
    /// Every database on the server, lowercased: what a two-part name must start with to be
    /// a table in the rewritten query.
    databases: Vec<String>,
    /// The catalog's database, which bare names belong to.
    database: String,
}

impl Engine for Explainer {
    async fn reads(&mut self, sql: &str) -> Result<Vec<TableName>, String> {
        let plan: Option<String> =
            self.admin.query_first(format!("EXPLAIN FORMAT=JSON {sql}")).await.map_err(|e| e.to_string())?;
        let plan: Value =
            serde_json::from_str(&plan.unwrap_or_default()).map_err(|e| format!("plan is not JSON: {e}"))?;
        self.admin.query_drop(format!("EXPLAIN EXTENDED {sql}")).await.map_err(|e| e.to_string())?;
        let notes: Vec<(String, u32, String)> = self.admin.query("SHOW WARNINGS").await.map_err(|e| e.to_string())?;
        let rewritten =
            notes.into_iter().find(|(_, code, _)| *code == 1003).map(|(_, _, text)| text).unwrap_or_default();
        let refs = table_refs(&rewritten, &self.databases);
        let mut reads: Vec<TableName> = refs.iter().map(|r| r.table.clone()).collect();
        let mut aliases = Vec::new();
        plan_tables(&plan, &mut aliases);
        for alias in aliases {
            if refs.iter().any(|r| r.alias.as_deref().unwrap_or(&r.table.name) == alias) {
                continue;
            }
            // A subquery MariaDB ran while optimising is gone from the rewritten query; the
            // generator's aliases are unique, so the query text says what stands behind it. A
            // name with no alias is the table's own, in the current database (planted tables
            // share no name with catalog ones, so this cannot hide one).
            let read = aliased(sql, &alias, &self.database)
                .unwrap_or_else(|| TableName::qualified(self.database.clone(), alias));
            reads.push(read);
        }
        reads.dedup();
        Ok(reads)
    }
}

/// The relation written as `` name AS alias `` in `sql`, qualified by `database` if bare.
fn aliased(sql: &str, alias: &str, database: &str) -> Option<TableName> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let at =
        words.windows(3).position(|w| w[1].eq_ignore_ascii_case("AS") && w[2].trim_end_matches([')', ',']) == alias)?;
    let spelled = words[at].replace('`', "");
    if spelled.ends_with(')') {
        return None;
    }
    Some(match spelled.split_once('.') {
        Some((schema, name)) => TableName::qualified(schema, name),
        None => TableName::qualified(database, spelled),
    })
}

/// A table in the rewritten query and the alias it is read under.
#[derive(Debug, PartialEq, Eq)]
struct TableRef {
    table: TableName,
    alias: Option<String>,
}

/// The `` `database`.`table` [`alias`] `` references of a rewritten query. Columns have three
/// parts (`` `db`.`alias`.`col` ``) or start with an alias, which is never a database name.
fn table_refs(rewritten: &str, databases: &[String]) -> Vec<TableRef> {
    let chars: Vec<char> = rewritten.chars().collect();
    let mut refs = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        match chars[at] {
            '\'' => at = skip_string(&chars, at),
            '`' => {
                let mut parts = Vec::new();
                let (part, next) = quoted(&chars, at);
                parts.push(part);
                at = next;
                while chars.get(at) == Some(&'.') && chars.get(at + 1) == Some(&'`') {
                    let (part, next) = quoted(&chars, at + 1);
                    parts.push(part);
                    at = next;
                }
                if let [database, table] = parts.as_slice()
                    && databases.contains(&database.to_lowercase())
                {
                    let after = chars[at..].iter().position(|c| !c.is_whitespace()).map_or(chars.len(), |n| at + n);
                    let alias = (after > at && chars.get(after) == Some(&'`')).then(|| {
                        let (alias, next) = quoted(&chars, after);
                        at = next;
                        alias
                    });
                    refs.push(TableRef { table: TableName::qualified(database.clone(), table.clone()), alias });
                }
            }
            _ => at += 1,
        }
    }
    refs
}

/// The identifier quoted at `at` (a backtick) and the index after its closing backtick.
fn quoted(chars: &[char], at: usize) -> (String, usize) {
    let mut name = String::new();
    let mut i = at + 1;
    while i < chars.len() {
        if chars[i] == '`' {
            if chars.get(i + 1) == Some(&'`') {
                name.push('`');
                i += 2;
                continue;
            }
            return (name, i + 1);
        }
        name.push(chars[i]);
        i += 1;
    }
    (name, i)
}

fn skip_string(chars: &[char], at: usize) -> usize {
    let mut i = at + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '\'' if chars.get(i + 1) == Some(&'\'') => i += 2,
            '\'' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Every table name in the JSON plan, skipping `<derived…>`-style placeholders and table
/// functions (`JSON_TABLE`), which read no relation of their own.
fn plan_tables(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(fields) => {
            if let Some(Value::String(name)) = fields.get("table_name")
                && !name.starts_with('<')
                && !fields.contains_key("table_function")
                && !out.contains(name)
            {
                out.push(name.clone());
            }
            fields.values().for_each(|v| plan_tables(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| plan_tables(v, out)),
        _ => {}
    }
}

fn world(database: &str, canary: &str) -> World {
    let base =
        |spellings: Vec<String>, int_col, text_col, kind, shaped| Base { spellings, int_col, text_col, kind, shaped };
    let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let bases = vec![
        base(
            vec!["item".to_owned(), "`item`".to_owned(), format!("{database}.item"), format!("`{database}`.`item`")],
            Some("id"),
            "name",
            Kind::Table,
            true,
        ),
        base(vec!["label".to_owned(), format!("{database}.`label`")], Some("id"), "tag", Kind::Table, true),
        base(vec![format!("{canary}.vault"), format!("`{canary}`.`vault`")], Some("id"), "token", Kind::Table, true),
        base(names(&["mysql.user", "`mysql`.`user`", "MYSQL.user"]), None, "User", Kind::View, false),
        base(names(&["mysql.db", "mysql.global_priv"]), None, "User", Kind::Table, false),
        base(names(&["information_schema.tables", "INFORMATION_SCHEMA.TABLES"]), None, "TABLE_NAME", Kind::View, false),
        base(names(&["information_schema.processlist"]), Some("ID"), "INFO", Kind::View, false),
    ];
    World {
        dialect: tandem_core::Dialect::Mysql,
        bases,
        n_catalog: 2,
        int_calls: names(&["MASTER_GTID_WAIT('0-1-1', 0)", "@@port", "@v1", "@@global.max_connections"]),
        text_calls: names(&["@@datadir", "@@hostname", "@@version_compile_os", "@v2"]),
        denied_words: vec!["@", "master_gtid_wait"],
    }
}

#[tokio::test]
async fn whatever_the_validator_accepts_reads_only_catalog_tables_on_mysql() {
    let mut admin = match mysql_async::Conn::from_url(mysql_url()).await {
        Ok(connection) => connection,
        Err(error) => return unavailable("MySQL", &error),
    };
    let database = unique("tandem_escape_my");
    let canary = format!("{database}_vault");
    for statement in [
        format!("CREATE DATABASE {database}"),
        format!("CREATE DATABASE {canary}"),
        format!("CREATE TABLE {database}.item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)"),
        format!("CREATE TABLE {database}.label (id INT PRIMARY KEY, tag VARCHAR(40))"),
        format!("CREATE TABLE {canary}.vault (id INT PRIMARY KEY, token VARCHAR(40))"),
        format!("INSERT INTO {database}.item VALUES (1, 'name-1'), (2, 'name-2'), (3, 'name-3')"),
        format!("INSERT INTO {database}.label VALUES (1, 'tag-1'), (2, 'tag-2')"),
        format!("INSERT INTO {canary}.vault VALUES (1, 'tandem-canary')"),
        format!("USE {database}"),
        "SET SESSION max_statement_time = 5".to_owned(),
    ] {
        admin.query_drop(statement).await.unwrap();
    }
    let executor = MysqlExecutor::connect(&MysqlConfig::new(with_database(&mysql_url(), &database))).await.unwrap();
    let options = IntrospectOptions { schemas: vec![database.clone()], sampling: None, ..IntrospectOptions::default() };
    let catalog = executor.introspect(&options).await.unwrap();
    drop(executor);
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(names, ["item", "label"]);
    let databases: Vec<String> =
        admin.query("SELECT LOWER(schema_name) FROM information_schema.schemata").await.unwrap();
    let mut explainer = Explainer { admin, databases, database: database.clone() };
    let verdict = super::check(&world(&database, &canary), &catalog, &mut explainer).await;
    for statement in [format!("DROP DATABASE {database}"), format!("DROP DATABASE {canary}")] {
        explainer.admin.query_drop(statement).await.unwrap();
    }
    if let Err(report) = verdict {
        panic!("{report}");
    }
}

#[test]
fn the_rewritten_query_names_tables_by_database_and_alias() {
    let rewritten = "/* select#1 */ select `test`.`p`.`a` AS `a`,`d`.`b` AS `b` from `mysql`.`global_priv` \
                     semi join (`information_schema`.`tables` `t`) join `test`.`item` `p` where 'x`y' = `d`.`b`";
    let databases = ["test".to_owned(), "mysql".to_owned(), "information_schema".to_owned()];
    let refs = table_refs(rewritten, &databases);
    let found: Vec<(String, Option<&str>)> = refs.iter().map(|r| (r.table.to_string(), r.alias.as_deref())).collect();
    assert_eq!(
        found,
        [
            ("mysql.global_priv".to_owned(), None),
            ("information_schema.tables".to_owned(), Some("t")),
            ("test.item".to_owned(), Some("p")),
        ]
    );
}
