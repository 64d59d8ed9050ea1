//! Integration tests: the server on a random port over the real session service, a real
//! SQLite database and scripted models behind real admission gates; a real headless Chromium
//! for the chat page; rmcp's client for MCP. The modules are marked `cfg(test)` so that the
//! workspace's test allowances (unwrap, panic, print) apply to their helpers too.

#[cfg(test)]
mod api;
#[cfg(test)]
mod bench;
#[cfg(test)]
mod browser;
#[cfg(test)]
mod concurrency;
#[cfg(test)]
mod fixture;
#[cfg(test)]
mod mcp;
#[cfg(test)]
mod transform;
