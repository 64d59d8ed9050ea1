//! The wall between model output and the database.
//!
//! Pure and synchronous: SQL text in, [`ValidatedSql`] or a rejection out. Nothing else in
//! tandem can make a [`ValidatedSql`], so only validated SQL can reach an executor.

mod validated;

pub use validated::ValidatedSql;
