//! Integration tests: the pipeline with scripted models for both tiers and a real SQLite
//! executor over a small schema with a planted canary table.

mod baseline;
mod fixture;
mod flow;
mod repair;
mod session;
mod telemetry;
mod transform;
