//! Integration tests for tandem-exec through its public API: validated SQL in, rows out, on
//! SQLite and on the real PostgreSQL and MySQL/MariaDB servers.

#[cfg(test)]
mod attacks;
#[cfg(test)]
mod escape;
mod least_privilege;
mod mysql;
mod postgres;
mod sqlite;
mod support;
mod transform;
