//! What the sandbox's database login can read beyond the catalog.
//!
//! The validator is the first wall and the read-only transaction the second; the third is a
//! login that could not read anything else even if both failed. [`PrivilegeReport`] says what
//! stands in the way of that: a superuser, a PostgreSQL predefined role that reads settings,
//! statistics (other sessions' SQL), every table or the server's files, or a MySQL/MariaDB
//! grant beyond the connection's database. Deciding what to do about it (warn, refuse to
//! start) is the caller's.

/// A PostgreSQL predefined role whose members read outside any catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PredefinedRole {
    /// Every setting, including the superuser-only ones (`data_directory`, `config_file`).
    ReadAllSettings,
    /// Every statistics view, including the SQL other sessions are running.
    ReadAllStats,
    /// Both of the above and the monitoring functions.
    Monitor,
    /// `SELECT` on every table of every schema.
    ReadAllData,
    /// Files on the server (`pg_read_file`, `COPY … FROM` a file).
    ReadServerFiles,
    /// Programs on the server (`COPY … FROM PROGRAM`).
    ExecuteServerProgram,
}

impl PredefinedRole {
    pub const ALL: [PredefinedRole; 6] = [
        PredefinedRole::ReadAllSettings,
        PredefinedRole::ReadAllStats,
        PredefinedRole::Monitor,
        PredefinedRole::ReadAllData,
        PredefinedRole::ReadServerFiles,
        PredefinedRole::ExecuteServerProgram,
    ];

    /// The role's name in PostgreSQL.
    pub fn name(self) -> &'static str {
        match self {
            PredefinedRole::ReadAllSettings => "pg_read_all_settings",
            PredefinedRole::ReadAllStats => "pg_read_all_stats",
            PredefinedRole::Monitor => "pg_monitor",
            PredefinedRole::ReadAllData => "pg_read_all_data",
            PredefinedRole::ReadServerFiles => "pg_read_server_files",
            PredefinedRole::ExecuteServerProgram => "pg_execute_server_program",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.name() == name)
    }
}

/// One privilege that lets a statement read outside the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivilegeFinding {
    /// A PostgreSQL superuser, which reads (and does) everything.
    Superuser { role: String },
    /// Membership, direct or inherited, in a predefined role.
    PredefinedRole { role: String, member_of: PredefinedRole },
    /// A MySQL/MariaDB privilege on every database (`ON *.*`) beyond `USAGE`.
    GlobalPrivilege { user: String, privilege: String },
    /// A MySQL/MariaDB grant on another database than the connection's.
    OtherDatabase { user: String, database: String, privileges: String },
    /// A MySQL/MariaDB role granted to the user: `SET ROLE` enables it, and what it may do is
    /// not in the user's own grants.
    GrantedRole { user: String, role: String },
    /// A `SHOW GRANTS` line the check cannot read; reported rather than assumed harmless.
    UnreadableGrant { grant: String },
}

impl std::fmt::Display for PrivilegeFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrivilegeFinding::Superuser { role } => write!(f, "role `{role}` is a superuser"),
            PrivilegeFinding::PredefinedRole { role, member_of } => {
                write!(f, "role `{role}` is a member of {}", member_of.name())
            }
            PrivilegeFinding::GlobalPrivilege { user, privilege } => {
                write!(f, "user {user} holds {privilege} on every database")
            }
            PrivilegeFinding::OtherDatabase { user, database, privileges } => {
                write!(f, "user {user} holds {privileges} on database `{database}`")
            }
            PrivilegeFinding::GrantedRole { user, role } => write!(f, "user {user} may enable role {role}"),
            PrivilegeFinding::UnreadableGrant { grant } => write!(f, "unrecognised grant: {grant}"),
        }
    }
}

/// What a sandbox's login may reach beyond the catalog; no findings means nothing found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivilegeReport {
    /// Who statements run as: the PostgreSQL role after the configured `SET ROLE`, the MySQL
    /// account; empty for SQLite, which has no users.
    pub user: String,
    pub findings: Vec<PrivilegeFinding>,
}

impl PrivilegeReport {
    /// Whether a statement could read outside the catalog with what was found.
    pub fn is_privileged(&self) -> bool {
        !self.findings.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_roles_round_trip_their_names() {
        for role in PredefinedRole::ALL {
            assert_eq!(PredefinedRole::from_name(role.name()), Some(role));
        }
        assert_eq!(PredefinedRole::from_name("pg_signal_backend"), None);
    }

    #[test]
    fn findings_read_as_sentences() {
        let finding = PrivilegeFinding::PredefinedRole { role: "ro".into(), member_of: PredefinedRole::ReadAllStats };
        assert_eq!(finding.to_string(), "role `ro` is a member of pg_read_all_stats");
        assert!(PrivilegeReport { user: "ro".into(), findings: vec![finding] }.is_privileged());
        assert!(!PrivilegeReport::default().is_privileged());
    }
}
