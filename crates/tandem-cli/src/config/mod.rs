//! Configuration: one TOML file plus `TANDEM_SECTION__KEY` environment overrides, secrets only
//! by reference (`env::NAME`).
//!
//! This module is the only place that reads the process environment (clippy's
//! `disallowed-methods` enforces it). Raw settings are deserialised here, then turned into
//! validated [`ModelSettings`] so a bad file is reported whole, with the key that is wrong.

pub mod model;
mod secret;

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub use model::{ModelConfig, ModelSettings, StructuredOutputMode};
pub use secret::{Secret, SecretRef};

/// The whole configuration file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub paths: PathsConfig,
    #[serde(default)]
    pub models: ModelsConfig,
    /// The pipeline: confirm policy, routing, budgets, limits, prices.
    #[serde(default)]
    pub agent: tandem_agent::AgentConfig,
    #[serde(default)]
    pub sessions: SessionsConfig,
    /// `tandem serve`: address, request limits, API keys (SHA-256 digests only).
    #[serde(default)]
    pub server: tandem_server::ServerConfig,
    #[serde(default)]
    pub transforms: TransformsConfig,
    #[serde(default)]
    pub retrieval: RetrievalConfig,
    #[serde(default)]
    pub database: DatabaseConfig,
}

/// How the sandbox uses the database it reads (the database itself is named by `--db`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// A PostgreSQL role the sandbox switches to (`SET ROLE`) inside every transaction, such
    /// as the one `tandem db grant` creates. MySQL has no such switch: put the granted user in
    /// the URL.
    pub role: Option<String>,
    /// Start `tandem serve` and `tandem mcp` even when the login can read beyond the catalog
    /// (a superuser, a role that reads settings, statistics or every table, grants on other
    /// databases); default false: they refuse to start.
    #[serde(default)]
    pub allow_privileged: bool,
    /// PostgreSQL `work_mem` of each statement in kB; default 4096.
    pub work_mem_kb: Option<u32>,
    /// PostgreSQL `temp_file_limit` in kB (a superuser login sets it per transaction; a granted
    /// role carries it as its own setting); default 262144 (256 MiB).
    pub temp_file_limit_kb: Option<u32>,
}

/// Schema retrieval.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrievalConfig {
    /// The dense signal's embedder; default `distilled`.
    pub embedder: Option<EmbedderKind>,
}

/// Which embedder gives retrieval's dense signal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum EmbedderKind {
    /// Static word-piece vectors distilled from MiniLM: well under a millisecond a question,
    /// and as good as the full model on Spider's schemas.
    #[default]
    Distilled,
    /// MiniLM itself: a forward pass per text (13–18 ms a question on two cores), better on
    /// long analytical questions over wide enterprise tables (Spider 2.0-lite).
    Minilm,
}

/// ETL transforms: requests that write a table or view, previewed in a sandbox and applied
/// only when a person approves the preview.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformsConfig {
    /// Whether requests may write; default on for the demo warehouse, off for any other
    /// database (a write path there is opted into).
    pub enabled: Option<bool>,
    /// Where applied transforms are recorded; default `tandem_transform_audit`, in the same
    /// database.
    pub audit_table: Option<String>,
}

/// Where sessions are kept, so a question survives a restart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionsConfig {
    /// A SQLite file (`sqlite:PATH` or a path), or `postgres://…` for a store several
    /// replicas share; default `<cache_dir>/sessions.sqlite`.
    pub store: Option<String>,
    /// The PostgreSQL table; default `tandem_turns`.
    pub table: Option<String>,
}

/// The session store a configuration names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionStoreLocation {
    Sqlite(PathBuf),
    Postgres { url: String, table: String },
}

/// Where tandem keeps downloaded and generated files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsConfig {
    /// Root of tandem's caches; default `~/.cache/tandem`.
    pub cache_dir: Option<PathBuf>,
    /// Where model files are assembled; default `<cache_dir>/models`.
    pub models_dir: Option<PathBuf>,
}

/// The two model tiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelsConfig {
    pub small: ModelConfig,
    pub large: ModelConfig,
}

impl Default for ModelsConfig {
    fn default() -> Self {
        Self { small: ModelConfig::local("qwen2.5-coder-0.5b"), large: ModelConfig::local("qwen2.5-coder-1.5b") }
    }
}

/// A configuration that could not be loaded or does not make sense.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("configuration file {path} does not exist")]
    MissingFile { path: PathBuf },
    #[error("models.{tier}: {problem}")]
    Model { tier: &'static str, problem: String },
    #[error("sessions: {problem}")]
    Sessions { problem: String },
    #[error("server.api_keys `{name}`: {problem}")]
    ApiKey { name: String, problem: String },
    #[error("secret `env::{name}` is not set in the environment")]
    MissingSecret { name: String },
    #[error("cannot find the home directory (HOME is unset); set paths.cache_dir")]
    NoHome,
}

/// Loads defaults, then `path` (if given, it must exist; else `./tandem.toml` if present),
/// then `TANDEM_SECTION__KEY` environment overrides.
pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    match path {
        Some(path) if !path.exists() => return Err(ConfigError::MissingFile { path: path.to_owned() }),
        Some(path) => figment = figment.merge(Toml::file_exact(path)),
        None if Path::new("tandem.toml").exists() => figment = figment.merge(Toml::file_exact("tandem.toml")),
        None => {}
    }
    // Only keys with a section separator are configuration; TANDEM_REQUIRE_ALL and friends
    // are test switches, not settings.
    let env = Env::prefixed("TANDEM_").filter(|key| key.as_str().contains("__")).split("__");
    figment.merge(env).extract().map_err(|e| ConfigError::Load(Box::new(e)))
}

impl Config {
    /// The cache root: `paths.cache_dir` or `$HOME/.cache/tandem`.
    pub fn cache_dir(&self) -> Result<PathBuf, ConfigError> {
        match &self.paths.cache_dir {
            Some(dir) => Ok(expand_home(dir)?),
            None => Ok(home_dir()?.join(".cache").join("tandem")),
        }
    }

    pub fn models_dir(&self) -> Result<PathBuf, ConfigError> {
        match &self.paths.models_dir {
            Some(dir) => expand_home(dir),
            None => Ok(self.cache_dir()?.join("models")),
        }
    }

    /// Where sessions are stored.
    pub fn sessions_store(&self) -> Result<SessionStoreLocation, ConfigError> {
        let table = self.sessions.table.clone().unwrap_or_else(|| "tandem_turns".to_owned());
        match self.sessions.store.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(SessionStoreLocation::Sqlite(self.cache_dir()?.join("sessions.sqlite"))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(SessionStoreLocation::Postgres { url: url.to_owned(), table })
            }
            Some(other) if other.contains("://") => Err(ConfigError::Sessions {
                problem: "store must be a SQLite path, `sqlite:PATH` or a postgres:// URL".to_owned(),
            }),
            Some(path) => Ok(SessionStoreLocation::Sqlite(expand_home(Path::new(path.trim_start_matches("sqlite:")))?)),
        }
    }

    /// The `[server]` section with every API key given by reference (`key = "env::NAME"`)
    /// read from the environment and replaced by its SHA-256, so the server never holds a key
    /// in clear.
    pub fn server_settings(&self) -> Result<tandem_server::ServerConfig, ConfigError> {
        let mut server = self.server.clone();
        for api_key in &mut server.api_keys {
            let Some(raw) = api_key.key.take() else { continue };
            let problem = |problem: String| ConfigError::ApiKey { name: api_key.name.clone(), problem };
            if api_key.sha256.is_some() {
                return Err(problem("give `sha256` or `key`, not both".to_owned()));
            }
            let reference =
                SecretRef::parse(&raw).ok_or_else(|| problem(format!("key: {}", secret::INLINE_REFUSED)))?;
            let secret = reference.resolve().map_err(|e| problem(e.to_string()))?;
            api_key.sha256 = Some(tandem_server::key_digest_hex(secret.expose()));
        }
        Ok(server)
    }

    /// Validated settings for both tiers, secrets resolved.
    pub fn model_settings(&self) -> Result<[ModelSettings; 2], ConfigError> {
        let models_dir = self.models_dir()?;
        Ok([
            ModelSettings::from_config("small", &self.models.small, &models_dir)?,
            ModelSettings::from_config("large", &self.models.large, &models_dir)?,
        ])
    }
}

/// The login name (`$USER`), for audit records; `None` when unset.
#[expect(clippy::disallowed_methods, reason = "the config module is the environment funnel")]
pub fn login_name() -> Option<String> {
    std::env::var("USER").ok().map(|u| u.trim().to_owned()).filter(|u| !u.is_empty())
}

#[expect(clippy::disallowed_methods, reason = "the config module is the environment funnel")]
fn home_dir() -> Result<PathBuf, ConfigError> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from).ok_or(ConfigError::NoHome)
}

/// Expands a leading `~/` so paths in the example config work as written.
pub fn expand_home(path: &Path) -> Result<PathBuf, ConfigError> {
    match path.strip_prefix("~") {
        Ok(rest) => Ok(home_dir()?.join(rest)),
        Err(_) => Ok(path.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::model::Backend;
    use super::*;

    #[test]
    fn defaults_are_the_local_models() {
        let config = Config::default();
        assert_eq!(config.models.small.backend, Backend::Llamacpp);
        assert_eq!(config.models.large.model.as_deref(), Some("qwen2.5-coder-1.5b"));
    }

    #[test]
    #[expect(clippy::result_large_err, reason = "figment's Jail closures return figment's own error type")]
    fn file_then_env_overrides() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "t.toml",
                r#"
                [models.large]
                backend = "openai"
                base_url = "http://127.0.0.1:8000/v1"
                model = "deepseek-v3"
                api_key = "env::TEST_KEY"
                max_in_flight = 3
                "#,
            )?;
            jail.set_env("TANDEM_MODELS__LARGE__MAX_IN_FLIGHT", "2");
            jail.set_env("TANDEM_REQUIRE_ALL", "1");
            jail.set_env("TEST_KEY", "sk-123");
            let config = load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(config.models.large.max_in_flight, 2);
            let [_, large] = config.model_settings().map_err(|e| e.to_string())?;
            match large.backend {
                model::BackendSettings::OpenAi { api_key: Some(key), .. } => assert_eq!(key.expose(), "sk-123"),
                other => panic!("unexpected backend {other:?}"),
            }
            Ok(())
        });
    }

    #[test]
    #[expect(clippy::result_large_err, reason = "figment's Jail closures return figment's own error type")]
    fn agent_and_session_settings_load_and_typos_are_named() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "t.toml",
                "[agent]\nconfirm = \"never\"\nmax_rows = 50\n[sessions]\nstore = \"postgres://u@h/db\"\n",
            )?;
            let config = load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(config.agent.confirm, tandem_agent::ConfirmPolicy::Never);
            assert_eq!(config.agent.max_rows, 50);
            assert_eq!(
                config.sessions_store().map_err(|e| e.to_string())?,
                SessionStoreLocation::Postgres { url: "postgres://u@h/db".into(), table: "tandem_turns".into() }
            );
            jail.create_file("u.toml", "[agent]\nconfirm_policy = \"never\"\n")?;
            let error = load(Some(Path::new("u.toml"))).unwrap_err().to_string();
            assert!(error.contains("confirm_policy"), "{error}");
            jail.create_file("v.toml", "[sessions]\nstore = \"redis://x\"\n")?;
            let config = load(Some(Path::new("v.toml"))).map_err(|e| e.to_string())?;
            assert!(config.sessions_store().is_err());
            Ok(())
        });
    }

    #[test]
    #[expect(clippy::result_large_err, reason = "figment's Jail closures return figment's own error type")]
    fn database_settings_load_from_file_and_environment() {
        figment::Jail::expect_with(|jail| {
            let config = load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.database, DatabaseConfig::default());
            assert!(!config.database.allow_privileged, "a privileged login is refused by default");
            jail.create_file("t.toml", "[database]\nrole = \"tandem_ro\"\ntemp_file_limit_kb = 1024\n")?;
            jail.set_env("TANDEM_DATABASE__ALLOW_PRIVILEGED", "true");
            let config = load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(config.database.role.as_deref(), Some("tandem_ro"));
            assert_eq!(config.database.temp_file_limit_kb, Some(1024));
            assert!(config.database.allow_privileged);
            jail.create_file("u.toml", "[database]\nallow_priviledged = true\n")?;
            let error = load(Some(Path::new("u.toml"))).unwrap_err().to_string();
            assert!(error.contains("allow_priviledged"), "{error}");
            Ok(())
        });
    }

    #[test]
    #[expect(clippy::result_large_err, reason = "figment's Jail closures return figment's own error type")]
    fn the_retrieval_embedder_is_chosen_by_file_or_environment() {
        figment::Jail::expect_with(|jail| {
            let config = load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.retrieval.embedder.unwrap_or_default(), EmbedderKind::Distilled);
            jail.create_file("t.toml", "[retrieval]\nembedder = \"minilm\"\n")?;
            let config = load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(config.retrieval.embedder, Some(EmbedderKind::Minilm));
            jail.set_env("TANDEM_RETRIEVAL__EMBEDDER", "distilled");
            let config = load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(config.retrieval.embedder, Some(EmbedderKind::Distilled));
            jail.set_env("TANDEM_RETRIEVAL__EMBEDDER", "bert");
            let error = load(Some(Path::new("t.toml"))).unwrap_err().to_string();
            assert!(error.contains("bert") && error.to_lowercase().contains("embedder"), "{error}");
            Ok(())
        });
    }

    #[test]
    #[expect(clippy::result_large_err, reason = "figment's Jail closures return figment's own error type")]
    fn api_keys_by_reference_are_read_from_the_environment_and_kept_as_digests() {
        figment::Jail::expect_with(|jail| {
            let digest = tandem_server::key_digest_hex("k-from-file");
            jail.create_file(
                "t.toml",
                &format!(
                    "[[server.api_keys]]\nname = \"ops\"\nsha256 = \"{digest}\"\n\n[[server.api_keys]]\nname = \"ci\"\nkey = \"env::TANDEM_IT_API_KEY\"\nmax_concurrent = 2\n"
                ),
            )?;
            jail.set_env("TANDEM_IT_API_KEY", "k-from-env-4242");
            let config = load(Some(Path::new("t.toml"))).map_err(|e| e.to_string())?;
            let server = config.server_settings().map_err(|e| e.to_string())?;
            assert_eq!(server.api_keys[0].sha256.as_deref(), Some(digest.as_str()));
            let ci = &server.api_keys[1];
            assert_eq!(ci.sha256, Some(tandem_server::key_digest_hex("k-from-env-4242")));
            assert_eq!((ci.key.as_deref(), ci.max_concurrent), (None, 2));
            assert!(!format!("{server:?}").contains("k-from-env-4242"), "the key is never kept in clear");

            jail.create_file("u.toml", "[[server.api_keys]]\nname = \"ci\"\nkey = \"env::TANDEM_IT_UNSET\"\n")?;
            let error = load(Some(Path::new("u.toml"))).map_err(|e| e.to_string())?.server_settings().unwrap_err();
            assert_eq!(
                error.to_string(),
                "server.api_keys `ci`: secret `env::TANDEM_IT_UNSET` is not set in the environment"
            );
            jail.create_file("v.toml", "[[server.api_keys]]\nname = \"ci\"\nkey = \"k-inline-777\"\n")?;
            let error = load(Some(Path::new("v.toml"))).map_err(|e| e.to_string())?.server_settings().unwrap_err();
            assert!(error.to_string().contains("env::NAME") && !error.to_string().contains("k-inline-777"), "{error}");
            jail.create_file(
                "w.toml",
                &format!(
                    "[[server.api_keys]]\nname = \"ci\"\nkey = \"env::TANDEM_IT_API_KEY\"\nsha256 = \"{digest}\"\n"
                ),
            )?;
            let error = load(Some(Path::new("w.toml"))).map_err(|e| e.to_string())?.server_settings().unwrap_err();
            assert!(error.to_string().contains("not both"), "{error}");
            Ok(())
        });
    }

    #[test]
    #[expect(clippy::result_large_err, reason = "figment's Jail closures return figment's own error type")]
    fn unknown_keys_and_bad_values_are_clear_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("t.toml", "[models.small]\nbackend = \"llamacpp\"\nmodel = \"x\"\nmax_inflight = 2\n")?;
            let error = load(Some(Path::new("t.toml"))).unwrap_err().to_string();
            assert!(error.contains("max_inflight"), "{error}");
            jail.create_file("u.toml", "[models.large]\nbackend = \"openai\"\nmodel = \"m\"\n")?;
            let config = load(Some(Path::new("u.toml"))).map_err(|e| e.to_string())?;
            let error = config.model_settings().unwrap_err().to_string();
            assert!(error.contains("models.large") && error.contains("base_url"), "{error}");
            assert!(matches!(load(Some(Path::new("missing.toml"))), Err(ConfigError::MissingFile { .. })));
            Ok(())
        });
    }
}
