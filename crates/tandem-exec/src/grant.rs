//! Least privilege at the database: the SQL that creates (or narrows) a login that can read
//! the catalog's tables and nothing else, and [`apply_grant`] to run it as an administrator.
//!
//! PostgreSQL: a `LOGIN` role that is no superuser, is a member of no other role (so of none
//! of the predefined roles that read settings, statistics, every table or the server's
//! files), has `USAGE` on the catalog's schemas and `SELECT` on its relations, and carries
//! the session limits as role settings (`temp_file_limit`, which only a superuser may set per
//! session, `work_mem`, and read-only transactions by default). MySQL/MariaDB: a user whose
//! privileges are revoked, then `SELECT` granted on each of the catalog's tables of the one
//! database. Neither can write, so this is never a path for transforms.
//!
//! Everything here is generated from the catalog and checked names, never from model output.

use tandem_core::{Catalog, Dialect};

use crate::ExecError;

/// What [`grant_sql`] creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantOptions {
    /// The PostgreSQL role or MySQL user: letters, digits and `_`, not starting with a digit.
    pub name: String,
    /// Its password. PostgreSQL creates the role without one when absent (it logs in by
    /// whatever other method `pg_hba.conf` allows, or not at all); MySQL needs one, since a
    /// user without a password lets anyone in.
    pub password: Option<String>,
    /// The MySQL host part of the account (`%`: any host).
    pub host: String,
    /// PostgreSQL `temp_file_limit` in kB, written as the role's setting.
    pub temp_file_limit_kb: u32,
    /// PostgreSQL `work_mem` in kB, written as the role's setting.
    pub work_mem_kb: u32,
}

impl GrantOptions {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            password: None,
            host: "%".to_owned(),
            temp_file_limit_kb: crate::DEFAULT_TEMP_FILE_LIMIT_KB,
            work_mem_kb: crate::DEFAULT_WORK_MEM_KB,
        }
    }
}

/// One generated statement, and the form to print: the same with the password hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantStatement {
    pub sql: String,
    pub shown: String,
}

/// Why [`grant_sql`] refused its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantProblem {
    /// The name is not a plain identifier (or is too long for the engine).
    Name,
    /// The password holds a quote, a backslash or a control character, whose meaning inside
    /// a string literal depends on server settings.
    Password,
    /// MySQL/MariaDB accounts need a password.
    MissingPassword,
    /// The MySQL host part holds a quote, a backslash or a control character.
    Host,
    /// The catalog has no tables to grant.
    EmptyCatalog,
    /// SQLite has no users or grants.
    NoRoles,
}

impl std::fmt::Display for GrantProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GrantProblem::Name => {
                "the role name must be letters, digits and _ (not starting with a digit), at most 32 characters"
            }
            GrantProblem::Password => "the password must not hold quotes, backslashes or control characters",
            GrantProblem::MissingPassword => "a MySQL/MariaDB user needs a password (one without lets anyone in)",
            GrantProblem::Host => "the host must not hold quotes, backslashes or control characters",
            GrantProblem::EmptyCatalog => "the catalog has no tables to grant",
            GrantProblem::NoRoles => "SQLite has no users or grants; the sandbox opens the file read-only",
        })
    }
}

/// The statements, in order, that leave `options.name` able to read `catalog`'s relations
/// and nothing else. `database` is the MySQL database of unqualified tables.
pub fn grant_sql(
    dialect: Dialect,
    catalog: &Catalog,
    database: Option<&str>,
    options: &GrantOptions,
) -> Result<Vec<GrantStatement>, ExecError> {
    let refuse = |problem| Err(ExecError::Grant { problem });
    let name = &options.name;
    let plain = name.len() <= 32
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain {
        return refuse(GrantProblem::Name);
    }
    if options.password.as_deref().is_some_and(|p| !literal_safe(p)) {
        return refuse(GrantProblem::Password);
    }
    if catalog.tables.is_empty() {
        return refuse(GrantProblem::EmptyCatalog);
    }
    match dialect {
        Dialect::Postgres => Ok(postgres(catalog, options)),
        Dialect::Mysql => {
            if options.password.is_none() {
                return refuse(GrantProblem::MissingPassword);
            }
            if !literal_safe(&options.host) {
                return refuse(GrantProblem::Host);
            }
            Ok(mysql(catalog, database, options))
        }
        Dialect::Sqlite => refuse(GrantProblem::NoRoles),
    }
}

/// Runs `statements` against `url` as the administrator it names: in one transaction on
/// PostgreSQL (all or nothing), one by one on MySQL/MariaDB (whose account statements commit
/// by themselves).
pub async fn apply_grant(dialect: Dialect, url: &str, statements: &[GrantStatement]) -> Result<(), ExecError> {
    let sql: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
    match dialect {
        Dialect::Postgres => crate::postgres::apply_statements(url, &sql).await,
        Dialect::Mysql => crate::mysql::apply_statements(url, &sql).await,
        Dialect::Sqlite => Err(ExecError::Grant { problem: GrantProblem::NoRoles }),
    }
}

fn literal_safe(text: &str) -> bool {
    !text.chars().any(|c| c == '\'' || c == '\\' || c.is_control())
}

fn pg_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn my_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

fn statement(sql: String) -> GrantStatement {
    GrantStatement { shown: sql.clone(), sql }
}

fn postgres(catalog: &Catalog, options: &GrantOptions) -> Vec<GrantStatement> {
    let role = pg_ident(&options.name);
    // The name is a plain identifier, so it needs no escaping inside the literals below.
    let literal = &options.name;
    let mut out = vec![
        statement(format!(
            "DO $grant$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{literal}') THEN \
             CREATE ROLE {role} LOGIN; END IF; END $grant$"
        )),
        statement(format!(
            "ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        )),
        // Membership of any role (the predefined ones that read settings, statistics, every
        // table or the server's files included) would lend its privileges.
        statement(format!(
            "DO $grant$ DECLARE g text; BEGIN FOR g IN SELECT r.rolname FROM pg_auth_members m \
             JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member \
             WHERE u.rolname = '{literal}' LOOP EXECUTE format('REVOKE %I FROM %I', g, '{literal}'); \
             END LOOP; END $grant$"
        )),
    ];
    if let Some(password) = &options.password {
        out.push(GrantStatement {
            sql: format!("ALTER ROLE {role} PASSWORD '{password}'"),
            shown: format!("ALTER ROLE {role} PASSWORD '***'"),
        });
    }
    for schema in catalog.schemas() {
        let schema = schema.unwrap_or("public");
        out.push(statement(format!("GRANT USAGE ON SCHEMA {} TO {role}", pg_ident(schema))));
    }
    for table in &catalog.tables {
        let schema = table.name.schema.as_deref().unwrap_or("public");
        out.push(statement(format!("GRANT SELECT ON {}.{} TO {role}", pg_ident(schema), pg_ident(&table.name.name))));
    }
    out.extend([
        statement(format!("ALTER ROLE {role} SET temp_file_limit = '{}kB'", options.temp_file_limit_kb)),
        statement(format!("ALTER ROLE {role} SET work_mem = '{}kB'", options.work_mem_kb.max(64))),
        statement(format!("ALTER ROLE {role} SET default_transaction_read_only = on")),
    ]);
    out
}

fn mysql(catalog: &Catalog, database: Option<&str>, options: &GrantOptions) -> Vec<GrantStatement> {
    let account = format!("'{}'@'{}'", options.name, options.host);
    let password = options.password.as_deref().unwrap_or_default();
    let identified = |verb: &str| GrantStatement {
        sql: format!("{verb} {account} IDENTIFIED BY '{password}'"),
        shown: format!("{verb} {account} IDENTIFIED BY '***'"),
    };
    let mut out = vec![
        identified("CREATE USER IF NOT EXISTS"),
        identified("ALTER USER"),
        statement(format!("REVOKE ALL PRIVILEGES, GRANT OPTION FROM {account}")),
    ];
    for table in &catalog.tables {
        let Some(schema) = table.name.schema.as_deref().or(database) else { continue };
        out.push(statement(format!(
            "GRANT SELECT ON {}.{} TO {account}",
            my_ident(schema),
            my_ident(&table.name.name)
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, Table, TableName};

    use super::*;

    fn catalog() -> Catalog {
        let table =
            |schema: &str, name: &str| Table::new(TableName::qualified(schema, name), vec![Column::new("id", "int")]);
        Catalog::new(vec![table("shop", "orders"), table("shop", "Customer"), table("hr", "staff")])
    }

    fn shown(statements: &[GrantStatement]) -> Vec<&str> {
        statements.iter().map(|s| s.shown.as_str()).collect()
    }

    #[test]
    fn postgres_grants_usage_and_select_on_the_catalog_only() {
        let options = GrantOptions { password: Some("s3cret".into()), ..GrantOptions::new("tandem_ro") };
        let statements = grant_sql(Dialect::Postgres, &catalog(), None, &options).unwrap();
        let shown = shown(&statements);
        assert!(shown[0].contains("CREATE ROLE \"tandem_ro\" LOGIN"), "{shown:?}");
        assert!(shown[1].contains("NOSUPERUSER") && shown[1].contains("NOBYPASSRLS"));
        assert!(shown[2].contains("REVOKE %I FROM %I"));
        assert_eq!(shown[3], "ALTER ROLE \"tandem_ro\" PASSWORD '***'");
        assert!(statements[3].sql.contains("'s3cret'"), "the password is sent, not shown");
        assert_eq!(
            &shown[4..],
            [
                "GRANT USAGE ON SCHEMA \"shop\" TO \"tandem_ro\"",
                "GRANT USAGE ON SCHEMA \"hr\" TO \"tandem_ro\"",
                "GRANT SELECT ON \"shop\".\"orders\" TO \"tandem_ro\"",
                "GRANT SELECT ON \"shop\".\"Customer\" TO \"tandem_ro\"",
                "GRANT SELECT ON \"hr\".\"staff\" TO \"tandem_ro\"",
                "ALTER ROLE \"tandem_ro\" SET temp_file_limit = '262144kB'",
                "ALTER ROLE \"tandem_ro\" SET work_mem = '4096kB'",
                "ALTER ROLE \"tandem_ro\" SET default_transaction_read_only = on",
            ]
        );
    }

    #[test]
    fn mysql_revokes_everything_then_grants_each_table() {
        let options = GrantOptions { password: Some("pw".into()), ..GrantOptions::new("ro") };
        let tables = Catalog::new(vec![Table::new(TableName::new("t"), Vec::new())]);
        let statements = grant_sql(Dialect::Mysql, &tables, Some("shop"), &options).unwrap();
        assert_eq!(
            shown(&statements),
            [
                "CREATE USER IF NOT EXISTS 'ro'@'%' IDENTIFIED BY '***'",
                "ALTER USER 'ro'@'%' IDENTIFIED BY '***'",
                "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'ro'@'%'",
                "GRANT SELECT ON `shop`.`t` TO 'ro'@'%'",
            ]
        );
    }

    #[test]
    fn unsafe_options_are_refused() {
        let problem = |dialect, options: GrantOptions| match grant_sql(dialect, &catalog(), None, &options) {
            Err(ExecError::Grant { problem }) => Some(problem),
            _ => None,
        };
        let named = |name: &str| GrantOptions { password: Some("pw".into()), ..GrantOptions::new(name) };
        assert_eq!(problem(Dialect::Postgres, named("ro\"; DROP")), Some(GrantProblem::Name));
        assert_eq!(problem(Dialect::Postgres, named("1ro")), Some(GrantProblem::Name));
        assert_eq!(problem(Dialect::Postgres, named("")), Some(GrantProblem::Name));
        let quoted = GrantOptions { password: Some("a'b".into()), ..GrantOptions::new("ro") };
        assert_eq!(problem(Dialect::Postgres, quoted), Some(GrantProblem::Password));
        assert_eq!(problem(Dialect::Mysql, GrantOptions::new("ro")), Some(GrantProblem::MissingPassword));
        let host = GrantOptions { host: "x'".into(), ..named("ro") };
        assert_eq!(problem(Dialect::Mysql, host), Some(GrantProblem::Host));
        assert_eq!(problem(Dialect::Sqlite, named("ro")), Some(GrantProblem::NoRoles));
        let empty = grant_sql(Dialect::Postgres, &Catalog::default(), None, &named("ro"));
        assert!(matches!(empty, Err(ExecError::Grant { problem: GrantProblem::EmptyCatalog })));
    }
}
