//! tandem's shared vocabulary: the names every other crate speaks.
//!
//! This crate performs no IO and has no async code; it must never depend on another tandem
//! crate. Main types: [`Catalog`] (with [`Table`], [`Column`], [`ForeignKey`]), [`Dialect`] and
//! [`RepairTier`].

mod catalog;
mod dialect;
mod repair;

pub use catalog::{Catalog, CatalogVersion, Column, ForeignKey, Table, TableKind, TableName};
pub use dialect::{Dialect, UnknownDialect};
pub use repair::RepairTier;
