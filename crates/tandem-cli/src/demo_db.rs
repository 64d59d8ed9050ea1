//! The demo warehouse as the embedded default database, generated on first use.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use tandem_exec::create_sqlite_from_script;

use crate::config::Config;
use crate::output;

/// The demo warehouse's SQLite file, built from `tandem-demo`'s generator if it is not there
/// yet. The file name carries a hash of the generated script, so a changed generator builds
/// a new file instead of reusing a stale one.
pub fn ensure_demo_db(config: &Config) -> anyhow::Result<(PathBuf, tandem_demo::Warehouse)> {
    let warehouse = tandem_demo::generate(tandem_demo::DEFAULT_SEED);
    let mut hasher = Sha256::new();
    for statement in &warehouse.statements {
        hasher.update(statement.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let short: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let dir = config.cache_dir()?.join("demo");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("warehouse-{}-{short}.sqlite", tandem_demo::DEFAULT_SEED));
    if !path.exists() {
        output::progress(format!(
            "generating the demo warehouse ({} tables) at {}",
            warehouse.tables.len(),
            path.display()
        ));
        create_sqlite_from_script(&path, &warehouse.statements)?;
    }
    Ok((path, warehouse))
}
