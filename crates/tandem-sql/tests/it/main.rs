//! tandem-sql's integration tests: one binary, one module per area.

mod accept;
mod resolve;
mod spider;
mod support;
