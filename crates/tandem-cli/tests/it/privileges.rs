//! Least privilege as an operator meets it, on the real servers: `tandem check-config --db`
//! and `tandem serve` refuse a login that can read beyond the catalog unless `[database]
//! allow_privileged` is set (and then warn), and `tandem db grant --apply` makes a login they
//! accept.

use std::path::Path;

use crate::serve::serve;
use crate::tandem;

/// Servers from the same variables as tandem-exec's tests.
#[expect(clippy::disallowed_methods, reason = "tests read their server URLs and skip rule from the environment")]
fn server(variable: &str, default: &str) -> String {
    std::env::var(variable).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

fn pg_url() -> String {
    server("TANDEM_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
}

fn mysql_url() -> String {
    server("TANDEM_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
}

/// Whether `url`'s server answers; a missing one skips with a printed reason unless
/// `TANDEM_REQUIRE_ALL` is set.
#[expect(clippy::disallowed_methods, reason = "the skip rule reads TANDEM_REQUIRE_ALL")]
#[expect(clippy::print_stdout, reason = "a skipped test says why")]
fn reachable(url: &str, dir: &Path) -> bool {
    let (ok, _, stderr) = tandem(&["check-config", "--db", url], dir);
    let unreachable = !ok && stderr.contains("connecting to");
    if unreachable {
        assert!(std::env::var_os("TANDEM_REQUIRE_ALL").is_none(), "{url} is required but unreachable: {stderr}");
        println!("skipped: {url} unreachable: {stderr}");
    }
    !unreachable
}

/// A name no other run uses, short enough for any engine's account names.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// `url` logging in as `user` (with `password`).
fn as_user(url: &str, user: &str, password: Option<&str>) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let at = url.find('@').map_or(start, |i| i + 1);
    let credentials = password.map_or_else(|| user.to_owned(), |p| format!("{user}:{p}"));
    format!("{}{credentials}@{}", &url[..start], &url[at..])
}

/// Runs `tandem` with extra environment variables.
#[expect(clippy::expect_used, reason = "a test helper: failing to start the binary fails the test")]
fn tandem_with(args: &[&str], dir: &Path, envs: &[(&str, &str)]) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .output()
        .expect("run tandem");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Checks that check-config refuses `admin`, accepts it with `allow_privileged`, and accepts
/// `granted`, the login `tandem db grant … grant --apply` makes (not before `--apply`).
fn check_grant_cycle(admin: &str, granted: &str, grant: &[&str], envs: &[(&str, &str)], dir: &Path) {
    let (ok, _, stderr) = tandem(&["check-config", "--db", admin], dir);
    assert!(!ok, "a privileged login is refused: {stderr}");
    assert!(stderr.contains("can read beyond the catalog") && stderr.contains("allow_privileged"), "{stderr}");
    let allowed = [envs, &[("TANDEM_DATABASE__ALLOW_PRIVILEGED", "true")]].concat();
    let (ok, stdout, stderr) = tandem_with(&["check-config", "--db", admin], dir, &allowed);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("warning: PRIVILEGED DATABASE LOGIN"), "{stdout}");

    let (ok, stdout, stderr) = tandem_with(&[&["db", "grant", "--db", admin][..], grant].concat(), dir, envs);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("GRANT SELECT ON"), "{stdout}");
    for (_, secret) in envs {
        assert!(!stdout.contains(secret), "the password is never printed: {stdout}");
    }
    let (ok, _, stderr) = tandem(&["check-config", "--db", granted], dir);
    assert!(!ok, "printing alone creates nothing: {stderr}");

    let (ok, _, stderr) = tandem_with(&[&["db", "grant", "--db", admin, "--apply"][..], grant].concat(), dir, envs);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = tandem(&["check-config", "--db", granted], dir);
    assert!(ok, "the granted login is accepted: {stderr}");
    assert!(stdout.contains("0 privilege finding(s)") && !stdout.contains("PRIVILEGED"), "{stdout}");
}

fn psql(url: &str, sql: &str) {
    let status = std::process::Command::new("psql").args([url, "-qc", sql]).status();
    assert!(status.is_ok_and(|s| s.success()), "psql: {sql}");
}

/// The MariaDB client as the test server's administrator (root on 127.0.0.1, no password).
fn mysql(sql: &str) {
    let status = std::process::Command::new("mysql").args(["-h", "127.0.0.1", "-uroot", "-e", sql]).status();
    assert!(status.is_ok_and(|s| s.success()), "mysql: {sql}");
}

#[test]
fn postgres_superuser_is_refused_and_a_granted_role_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let admin = pg_url();
    if !reachable(&admin, dir.path()) {
        return;
    }
    let (role, schema) = (unique("tgc"), unique("tgc_shop"));
    psql(&admin, &format!("CREATE SCHEMA {schema}; CREATE TABLE {schema}.item (id int)"));
    let granted = as_user(&admin, &role, None);
    check_grant_cycle(&admin, &granted, &["--role", &role, "--schema", &schema], &[], dir.path());
    psql(&admin, &format!("DROP SCHEMA {schema} CASCADE; DROP OWNED BY {role}; DROP ROLE {role}"));
}

#[test]
fn mysql_root_is_refused_and_a_granted_user_accepted() {
    let dir = tempfile::tempdir().unwrap();
    if !reachable(&mysql_url(), dir.path()) {
        return;
    }
    let (user, database) = (unique("tgc"), unique("tgc_shop"));
    mysql(&format!("CREATE DATABASE {database}; CREATE TABLE {database}.item (id INT)"));
    let admin = mysql_url().rsplit_once('/').map_or_else(String::new, |(base, _)| format!("{base}/{database}"));
    let password = "pw_it_81c3";
    let granted = as_user(&admin, &user, Some(password));
    let grant = ["--role", &user, "--password", "env::TANDEM_IT_GRANT_PASSWORD"];
    let (ok, _, stderr) = tandem(&["db", "grant", "--db", &admin, "--role", &user], dir.path());
    assert!(!ok && stderr.contains("needs a password"), "{stderr}");
    check_grant_cycle(&admin, &granted, &grant, &[("TANDEM_IT_GRANT_PASSWORD", password)], dir.path());
    mysql(&format!("DROP USER '{user}'@'%'; DROP DATABASE {database}"));
}

/// Models that are never called: the start does not reach them.
const NO_MODELS: &str = "[models.small]\nbackend = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"none\"\n\
    [models.large]\nbackend = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"none\"\n";

#[test]
fn serve_refuses_a_superuser_login_and_starts_with_allow_privileged() {
    let dir = tempfile::tempdir().unwrap();
    let url = pg_url();
    if !reachable(&url, dir.path()) {
        return;
    }
    let config = dir.path().join("tandem.toml");
    let store = dir.path().join("sessions.sqlite");
    std::fs::write(&config, format!("{NO_MODELS}[sessions]\nstore = {:?}\n", store.display().to_string())).unwrap();
    match serve(&config, Path::new(&url), &[]) {
        Ok(served) => panic!("tandem serve started as a superuser:\n{}", served.log()),
        Err(error) => assert!(error.contains("role `postgres` is a superuser"), "{error}"),
    }
    let served = serve(&config, Path::new(&url), &[("TANDEM_DATABASE__ALLOW_PRIVILEGED", "true")])
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(served.log().contains("WARNING: PRIVILEGED DATABASE LOGIN"), "{}", served.log());
}
