//! Known-dangerous function names, per dialect (file and program access, sleeps and locks,
//! configuration changes, extension loading, dynamic SQL, writes hidden in a SELECT), for SQL
//! that did not parse: the prescan reports them with their policy code so that a model is not
//! asked to retry an attack. Parsed queries are judged by the allowlist in `functions`, which
//! refuses these and every other name it does not list.

use tandem_core::Dialect;

/// Exact names, lowercase.
const SQLITE: &[&str] =
    &["load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "fsdir", "zipfile", "sqlite_dbpage"];

const POSTGRES: &[&str] = &[
    "set_config",
    "pg_stat_file",
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_reload_conf",
    "pg_rotate_logfile",
    "pg_promote",
    "pg_notify",
    "pg_switch_wal",
    "pg_backup_start",
    "pg_backup_stop",
    "pg_start_backup",
    "pg_stop_backup",
    "pg_logical_emit_message",
    "pg_import_system_collations",
    "pg_current_xact_id",
    "txid_current",
    "nextval",
    "setval",
    // These run a query given as text, which would bypass validation.
    "query_to_xml",
    "query_to_xmlschema",
    "query_to_xml_and_xmlschema",
    "cursor_to_xml",
];

/// Families, matched by prefix, lowercase.
const POSTGRES_PREFIXES: &[&str] = &[
    "dblink",
    "pg_read_",
    "pg_ls_",
    "pg_file_",
    "lo_",
    "pg_sleep",
    "pg_advisory",
    "pg_try_advisory",
    "pg_replication_",
    "pg_create_",
    "pg_drop_replication",
    // Consuming a logical slot advances it; resetting statistics and writing to the server log
    // are side effects too.
    "pg_logical_slot_",
    "pg_stat_reset",
    "pg_log_",
    "pg_wal_replay_",
];

const MYSQL: &[&str] = &[
    "load_file",
    "sleep",
    "benchmark",
    "get_lock",
    "release_lock",
    "release_all_locks",
    "master_pos_wait",
    "source_pos_wait",
    "wait_for_executed_gtid_set",
    "wait_until_sql_thread_after_gtids",
    // MariaDB sequences: reading the next value writes it.
    "nextval",
    "setval",
];

/// User-defined functions commonly installed to run shell commands.
const MYSQL_PREFIXES: &[&str] = &["sys_exec", "sys_eval", "sys_get", "sys_set"];

/// Whether the function (or table-valued function) `name` is denied on `dialect`. Case does
/// not matter; a schema qualifier should already be stripped.
pub(crate) fn is_denied(dialect: Dialect, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let (exact, prefixes): (&[&str], &[&str]) = match dialect {
        Dialect::Sqlite => (SQLITE, &[]),
        Dialect::Postgres => (POSTGRES, POSTGRES_PREFIXES),
        Dialect::Mysql => (MYSQL, MYSQL_PREFIXES),
    };
    exact.contains(&name.as_str()) || prefixes.iter().any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denies_per_dialect_by_name_and_family() {
        for (dialect, name, denied) in [
            (Dialect::Sqlite, "LOAD_EXTENSION", true),
            (Dialect::Sqlite, "strftime", false),
            (Dialect::Postgres, "pg_read_binary_file", true),
            (Dialect::Postgres, "dblink_exec", true),
            (Dialect::Postgres, "pg_sleep_for", true),
            (Dialect::Postgres, "lower", false),
            (Dialect::Postgres, "pg_logical_slot_get_changes", true),
            (Dialect::Postgres, "pg_stat_reset_shared", true),
            (Dialect::Postgres, "pg_stat_get_live_tuples", false),
            (Dialect::Mysql, "NEXTVAL", true),
            (Dialect::Mysql, "Sleep", true),
            (Dialect::Mysql, "date_format", false),
        ] {
            assert_eq!(is_denied(dialect, name), denied, "{dialect} {name}");
        }
    }
}
