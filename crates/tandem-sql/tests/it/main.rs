//! tandem-sql's integration tests: one binary, one module per area. The modules are marked
//! `cfg(test)` so that the workspace's test allowances (unwrap, panic, print) apply to their
//! helpers too.

#[cfg(test)]
mod accept;
#[cfg(test)]
mod fail_closed;
#[cfg(test)]
mod fixes;
#[cfg(test)]
mod props;
#[cfg(test)]
mod reject;
#[cfg(test)]
mod resolve;
#[cfg(test)]
mod setlogic;
#[cfg(test)]
mod spider;
#[cfg(test)]
mod support;
#[cfg(test)]
mod transform;
