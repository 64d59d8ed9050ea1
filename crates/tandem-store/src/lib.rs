//! Session stores: the [`tandem_agent::SessionStore`] implementations that outlive the
//! process. [`SqliteStore`] keeps sessions in one file (the default: one process);
//! [`PostgresStore`] keeps them in a table several replicas share.
//!
//! Both store a turn as one row: its key (session, turn), the revision the compare-and-swap
//! checks, the status and update time that [`tandem_agent::SessionStore::unfinished`] filters
//! on, and the whole record as JSON. Both pass `tandem_agent::session::contract`.

mod postgres;
mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Why a store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the session database {path}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot use the PostgreSQL session store: {detail}")]
    Postgres {
        detail: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    #[error("`{0}` is not a plain table name (letters, digits and underscores, not starting with a digit)")]
    TableName(String),
}

/// The table name is spliced into SQL, so it must be a plain identifier.
fn check_table_name(name: &str) -> Result<(), OpenError> {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 63;
    if plain { Ok(()) } else { Err(OpenError::TableName(name.to_owned())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_table_names_pass() {
        for good in ["tandem_turns", "_t1", "T"] {
            assert!(check_table_name(good).is_ok(), "{good}");
        }
        for bad in ["", "1t", "t;drop table x", "a.b", "t\"", &"t".repeat(64)] {
            assert!(check_table_name(bad).is_err(), "{bad}");
        }
    }
}
