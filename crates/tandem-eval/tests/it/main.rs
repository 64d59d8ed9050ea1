//! Integration tests: evaluation runs with scripted models over real SQLite databases, and
//! Spider's hardness levels over the dev set when the bench data is present.

#[cfg(test)]
mod accept;
mod fixture;
mod run;
mod spider;
