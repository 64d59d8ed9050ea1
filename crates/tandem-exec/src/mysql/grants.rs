//! Reads MySQL/MariaDB `SHOW GRANTS` lines into [`PrivilegeFinding`]s: any privilege on every
//! database beyond `USAGE`, any grant on another database than the connection's, and any role
//! the user may enable.

use crate::PrivilegeFinding;

/// Findings of the grants of `user` (as `CURRENT_USER()` names it), connected to `database`.
pub(crate) fn findings(grants: &[String], user: &str, database: Option<&str>) -> Vec<PrivilegeFinding> {
    let mut findings = Vec::new();
    for grant in grants {
        let grant = grant.trim();
        // MariaDB lists a role's default status separately; the GRANT line already names it.
        if grant.starts_with("SET DEFAULT ROLE") {
            continue;
        }
        let Some(rest) = grant.strip_prefix("GRANT ") else {
            findings.push(PrivilegeFinding::UnreadableGrant { grant: grant.to_owned() });
            continue;
        };
        let (Some(to), on) = (find_outside_quotes(rest, " TO "), find_outside_quotes(rest, " ON ")) else {
            findings.push(PrivilegeFinding::UnreadableGrant { grant: grant.to_owned() });
            continue;
        };
        let Some(on) = on.filter(|&on| on < to) else {
            // `GRANT role TO user`: no ON clause.
            findings.push(PrivilegeFinding::GrantedRole { user: user.to_owned(), role: rest[..to].trim().to_owned() });
            continue;
        };
        let privileges = rest[..on].trim();
        let target = strip_object_kind(rest[on + 4..to].trim());
        if target == "*.*" {
            for privilege in split_outside_parentheses(privileges) {
                if !privilege.eq_ignore_ascii_case("USAGE") {
                    findings.push(PrivilegeFinding::GlobalPrivilege { user: user.to_owned(), privilege });
                }
            }
            continue;
        }
        match target_database(target) {
            Some(granted) if Some(granted.as_str()) == database => {}
            Some(granted) => findings.push(PrivilegeFinding::OtherDatabase {
                user: user.to_owned(),
                database: granted,
                privileges: privileges.to_owned(),
            }),
            // `GRANT PROXY ON ''@'%'`: the right to act as another account.
            None => findings.push(PrivilegeFinding::GlobalPrivilege {
                user: user.to_owned(),
                privilege: format!("{privileges} ON {target}"),
            }),
        }
    }
    findings
}

/// `PROCEDURE db.p` → `db.p`: routines and packages are objects of a database too.
fn strip_object_kind(target: &str) -> &str {
    ["TABLE ", "FUNCTION ", "PROCEDURE ", "PACKAGE BODY ", "PACKAGE "]
        .iter()
        .find_map(|kind| target.strip_prefix(kind))
        .unwrap_or(target)
}

/// The database of a `` `db`.* `` or `` `db`.`t` `` target, unquoted; `None` for a target
/// that names no database (an account, in a `PROXY` grant).
fn target_database(target: &str) -> Option<String> {
    let dot = find_outside_quotes(target, ".")?;
    let database = &target[..dot];
    match database.strip_prefix('`').and_then(|d| d.strip_suffix('`')) {
        Some(quoted) => Some(quoted.replace("``", "`")),
        None if !database.is_empty() && !database.contains(['\'', '@']) => Some(database.to_owned()),
        None => None,
    }
}

/// The byte offset of `needle` in `text` outside backticks, quotes and parentheses (column
/// lists: `SELECT (`a`, `b`)`).
fn find_outside_quotes(text: &str, needle: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '`' | '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, _) if depth == 0 && text[i..].starts_with(needle) => return Some(i),
            (None, _) => {}
        }
    }
    None
}

/// `SELECT, INSERT (`a`, `b`)` → `["SELECT", "INSERT (`a`, `b`)"]`.
fn split_outside_parentheses(privileges: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = privileges;
    while let Some(comma) = find_outside_quotes(rest, ",") {
        parts.push(rest[..comma].trim().to_owned());
        rest = &rest[comma + 1..];
    }
    if !rest.trim().is_empty() {
        parts.push(rest.trim().to_owned());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(grants: &[&str], expect: &[PrivilegeFinding]) {
        let grants: Vec<String> = grants.iter().map(|g| (*g).to_owned()).collect();
        assert_eq!(findings(&grants, "u@%", Some("shop")), expect, "{grants:?}");
    }

    #[test]
    fn grants_on_the_connection_database_alone_are_clean() {
        check(
            &[
                "GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*A4B6157319038724E3560894F7F932C8886EBFCF'",
                "GRANT SELECT ON `shop`.`orders` TO `u`@`%`",
                "GRANT SELECT (`id`, `name`) ON `shop`.`customer` TO `u`@`%`",
                "GRANT SELECT ON `shop`.* TO `u`@`%`",
            ],
            &[],
        );
    }

    #[test]
    fn global_privileges_other_databases_and_roles_are_found() {
        let user = || "u@%".to_owned();
        check(
            &[
                "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
                "GRANT SELECT, PROCESS ON *.* TO `u`@`%`",
                "GRANT SELECT ON `mysql`.`user` TO `u`@`%`",
                "GRANT EXECUTE ON PROCEDURE `other`.`p` TO `u`@`%`",
                "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION",
                "GRANT `reporting` TO `u`@`%`",
                "SET DEFAULT ROLE `reporting` FOR `u`@`%`",
                "REVOKE nonsense",
            ],
            &[
                PrivilegeFinding::GlobalPrivilege { user: user(), privilege: "ALL PRIVILEGES".into() },
                PrivilegeFinding::GlobalPrivilege { user: user(), privilege: "SELECT".into() },
                PrivilegeFinding::GlobalPrivilege { user: user(), privilege: "PROCESS".into() },
                PrivilegeFinding::OtherDatabase { user: user(), database: "mysql".into(), privileges: "SELECT".into() },
                PrivilegeFinding::OtherDatabase {
                    user: user(),
                    database: "other".into(),
                    privileges: "EXECUTE".into(),
                },
                PrivilegeFinding::GlobalPrivilege { user: user(), privilege: "PROXY ON ''@'%'".into() },
                PrivilegeFinding::GrantedRole { user: user(), role: "`reporting`".into() },
                PrivilegeFinding::UnreadableGrant { grant: "REVOKE nonsense".into() },
            ],
        );
    }

    #[test]
    fn quoting_is_respected() {
        assert_eq!(target_database("`we``ird.db`.*").as_deref(), Some("we`ird.db"));
        assert_eq!(target_database("''@'%'"), None);
        assert_eq!(split_outside_parentheses("SELECT (`a`, `b`), INSERT"), ["SELECT (`a`, `b`)", "INSERT"]);
    }
}
