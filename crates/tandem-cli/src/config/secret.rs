//! Secrets by reference: the config holds `env::NAME`, never the value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ConfigError;

pub(crate) const INLINE_REFUSED: &str =
    "secrets are given by reference as `env::NAME`, never inline (the value would end up in files and logs)";

/// A reference to a secret, written `env::NAME` in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRef {
    pub env_name: String,
}

impl SecretRef {
    /// Reads `env::NAME`; `None` for anything else (an inline secret, an empty name).
    pub fn parse(raw: &str) -> Option<Self> {
        raw.strip_prefix("env::").filter(|name| !name.is_empty()).map(|name| SecretRef { env_name: name.to_owned() })
    }

    /// Reads the referenced secret from the environment.
    #[expect(clippy::disallowed_methods, reason = "the config module is the environment funnel")]
    pub fn resolve(&self) -> Result<Secret, ConfigError> {
        match std::env::var(&self.env_name) {
            Ok(value) if !value.is_empty() => Ok(Secret(value)),
            _ => Err(ConfigError::MissingSecret { name: self.env_name.clone() }),
        }
    }
}

impl<'de> Deserialize<'de> for SecretRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        SecretRef::parse(&raw).ok_or_else(|| serde::de::Error::custom(INLINE_REFUSED))
    }
}

impl Serialize for SecretRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("env::{}", self.env_name))
    }
}

/// A resolved secret. Its `Debug` output is redacted so it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_secrets_are_refused_and_debug_is_redacted() {
        let parsed: Result<SecretRef, _> = serde_json::from_str("\"sk-live-123\"");
        assert!(parsed.unwrap_err().to_string().contains("env::NAME"));
        let parsed: SecretRef = serde_json::from_str("\"env::KEY\"").unwrap();
        assert_eq!(parsed.env_name, "KEY");
        assert_eq!(format!("{:?}", Secret("sk-live-123".into())), "Secret(<redacted>)");
    }
}
