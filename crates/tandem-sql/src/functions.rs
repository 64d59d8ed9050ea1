//! The functions a query may call, per dialect: an allowlist, so that a function nobody has
//! looked at (one that reads server files, settings, other sessions or other databases, runs a
//! query given as text, sleeps, or writes despite appearing in a SELECT) is refused by default.
//!
//! The list holds what analytics needs: arithmetic, text, date and time, conditional, JSON and
//! array helpers, aggregates and window functions. `docs/sql-functions.md` prints the same
//! table (a test keeps the two equal). A name allowed on another dialect only is a dialect mismatch,
//! which a model can repair; any other name is `denied_function`.

use tandem_core::Dialect;

/// What a function computes; it decides nothing, but the documentation groups by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Scalar,
    Aggregate,
    Window,
    /// Returns rows: allowed only in FROM, where its arguments are resolved like any other
    /// expression (so they can only read the catalog).
    Table,
}

#[cfg(test)]
impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Scalar => "scalar",
            Kind::Aggregate => "aggregate",
            Kind::Window => "window",
            Kind::Table => "table",
        }
    }
}

/// Dialects as a bit set.
const S: u8 = 1;
const P: u8 = 2;
const M: u8 = 4;
const ALL: u8 = S | P | M;

use Kind::{Aggregate as A, Scalar as F, Table as T, Window as W};

/// `(name, kind, dialects)`, lowercase, grouped by subject.
pub(crate) const FUNCTIONS: &[(&str, Kind, u8)] = &[
    // Arithmetic.
    ("abs", F, ALL),
    ("ceil", F, ALL),
    ("ceiling", F, ALL),
    ("floor", F, ALL),
    ("round", F, ALL),
    ("trunc", F, S | P),
    ("truncate", F, M),
    ("mod", F, ALL),
    ("div", F, P),
    ("power", F, ALL),
    ("pow", F, S | M),
    ("sqrt", F, ALL),
    ("cbrt", F, P),
    ("exp", F, ALL),
    ("ln", F, ALL),
    ("log", F, ALL),
    ("log10", F, ALL),
    ("log2", F, S | M),
    ("sign", F, ALL),
    ("pi", F, ALL),
    ("degrees", F, ALL),
    ("radians", F, ALL),
    ("sin", F, ALL),
    ("cos", F, ALL),
    ("tan", F, ALL),
    ("asin", F, ALL),
    ("acos", F, ALL),
    ("atan", F, ALL),
    ("atan2", F, ALL),
    ("cot", F, P | M),
    ("random", F, S | P),
    ("rand", F, M),
    ("width_bucket", F, P),
    ("gcd", F, P),
    ("lcm", F, P),
    ("greatest", F, P | M),
    ("least", F, P | M),
    ("bin", F, M),
    ("oct", F, M),
    ("conv", F, M),
    ("hex", F, S | M),
    ("unhex", F, S | M),
    ("to_hex", F, P),
    // Text.
    ("length", F, ALL),
    ("char_length", F, P | M),
    ("character_length", F, P | M),
    ("octet_length", F, S | P | M),
    ("bit_length", F, P | M),
    ("lower", F, ALL),
    ("upper", F, ALL),
    ("lcase", F, M),
    ("ucase", F, M),
    ("initcap", F, P),
    ("substr", F, ALL),
    ("substring", F, ALL),
    ("substring_index", F, M),
    ("mid", F, M),
    ("left", F, P | M),
    ("right", F, P | M),
    ("trim", F, ALL),
    ("ltrim", F, ALL),
    ("rtrim", F, ALL),
    ("btrim", F, P),
    ("lpad", F, P | M),
    ("rpad", F, P | M),
    ("concat", F, ALL),
    ("concat_ws", F, ALL),
    ("replace", F, ALL),
    ("translate", F, P),
    ("reverse", F, P | M),
    ("repeat", F, P | M),
    ("space", F, M),
    ("strpos", F, P),
    ("instr", F, S | M),
    ("locate", F, M),
    ("position", F, P | M),
    ("split_part", F, P),
    ("format", F, P | M),
    ("printf", F, S),
    ("char", F, S | M),
    ("chr", F, P),
    ("ascii", F, P | M),
    ("unicode", F, S),
    ("quote", F, S),
    ("glob", F, S),
    ("like", F, S),
    ("soundex", F, S | M),
    ("field", F, M),
    ("find_in_set", F, M),
    ("elt", F, M),
    ("strcmp", F, M),
    ("insert", F, M),
    ("md5", F, P | M),
    ("sha1", F, M),
    ("sha2", F, M),
    ("crc32", F, M),
    ("encode", F, P),
    ("decode", F, P),
    ("starts_with", F, P),
    ("regexp_replace", F, P | M),
    ("regexp_substr", F, P | M),
    ("regexp_instr", F, P | M),
    ("regexp_like", F, P | M),
    ("regexp_match", F, P),
    ("regexp_matches", F, P),
    ("regexp_count", F, P),
    ("regexp_split_to_array", F, P),
    ("to_char", F, P),
    ("to_number", F, P),
    // Full-text search over catalog columns.
    ("to_tsvector", F, P),
    ("to_tsquery", F, P),
    ("plainto_tsquery", F, P),
    ("phraseto_tsquery", F, P),
    ("websearch_to_tsquery", F, P),
    ("ts_rank", F, P),
    ("ts_rank_cd", F, P),
    ("ts_headline", F, P),
    // Dates and times.
    ("date", F, S | M),
    ("time", F, S | M),
    ("datetime", F, S),
    ("julianday", F, S),
    ("unixepoch", F, S),
    ("strftime", F, S),
    ("timediff", F, S | M),
    ("now", F, P | M),
    ("current_date", F, ALL),
    ("current_time", F, ALL),
    ("current_timestamp", F, ALL),
    ("localtime", F, P | M),
    ("localtimestamp", F, P | M),
    ("clock_timestamp", F, P),
    ("statement_timestamp", F, P),
    ("transaction_timestamp", F, P),
    ("date_trunc", F, P),
    ("date_part", F, P),
    ("date_bin", F, P),
    ("age", F, P),
    ("to_date", F, P),
    ("to_timestamp", F, P),
    ("make_date", F, P),
    ("make_time", F, P),
    ("make_timestamp", F, P),
    ("make_interval", F, P),
    ("justify_days", F, P),
    ("justify_hours", F, P),
    ("justify_interval", F, P),
    ("isfinite", F, P),
    ("timezone", F, P),
    ("curdate", F, M),
    ("curtime", F, M),
    ("sysdate", F, M),
    ("utc_date", F, M),
    ("utc_timestamp", F, M),
    ("date_add", F, M),
    ("date_sub", F, M),
    ("adddate", F, M),
    ("subdate", F, M),
    ("addtime", F, M),
    ("subtime", F, M),
    ("datediff", F, M),
    ("timestampdiff", F, M),
    ("timestampadd", F, M),
    ("date_format", F, M),
    ("time_format", F, M),
    ("str_to_date", F, M),
    ("from_unixtime", F, M),
    ("unix_timestamp", F, M),
    ("makedate", F, M),
    ("maketime", F, M),
    ("last_day", F, M),
    ("year", F, M),
    ("month", F, M),
    ("day", F, M),
    ("dayofmonth", F, M),
    ("dayofweek", F, M),
    ("dayofyear", F, M),
    ("dayname", F, M),
    ("monthname", F, M),
    ("week", F, M),
    ("weekday", F, M),
    ("weekofyear", F, M),
    ("yearweek", F, M),
    ("quarter", F, M),
    ("hour", F, M),
    ("minute", F, M),
    ("second", F, M),
    ("microsecond", F, M),
    ("period_add", F, M),
    ("period_diff", F, M),
    ("to_days", F, M),
    ("from_days", F, M),
    ("time_to_sec", F, M),
    ("sec_to_time", F, M),
    ("convert_tz", F, M),
    // Conditionals and types.
    ("coalesce", F, ALL),
    ("nullif", F, ALL),
    ("ifnull", F, S | M),
    ("if", F, M),
    // The inserted row's value in `ON DUPLICATE KEY UPDATE`.
    ("values", F, M),
    ("iif", F, S),
    ("isnull", F, M),
    ("typeof", F, S),
    ("pg_typeof", F, P),
    ("likely", F, S),
    ("unlikely", F, S),
    ("likelihood", F, S),
    ("max", F, S),
    ("min", F, S),
    // JSON and arrays.
    ("json", F, S),
    ("json_extract", F, S | M),
    ("json_unquote", F, M),
    ("json_value", F, M),
    ("json_query", F, M),
    ("json_contains", F, M),
    ("json_keys", F, M),
    ("json_length", F, M),
    ("json_type", F, S | M),
    ("json_valid", F, S | M),
    ("json_array", F, S | M),
    ("json_object", F, S | P | M),
    ("json_array_length", F, S | P),
    ("json_extract_path", F, P),
    ("json_extract_path_text", F, P),
    ("jsonb_extract_path", F, P),
    ("jsonb_extract_path_text", F, P),
    ("jsonb_array_length", F, P),
    ("json_typeof", F, P),
    ("jsonb_typeof", F, P),
    ("json_build_object", F, P),
    ("jsonb_build_object", F, P),
    ("json_build_array", F, P),
    ("jsonb_build_array", F, P),
    ("to_json", F, P),
    ("to_jsonb", F, P),
    ("array_length", F, P),
    ("array_to_string", F, P),
    ("string_to_array", F, P),
    ("array_position", F, P),
    ("array_append", F, P),
    ("array_cat", F, P),
    ("cardinality", F, P),
    ("array", F, P),
    // Aggregates.
    ("count", A, ALL),
    ("sum", A, ALL),
    ("avg", A, ALL),
    ("min", A, ALL),
    ("max", A, ALL),
    ("total", A, S),
    ("group_concat", A, S | M),
    ("string_agg", A, S | P),
    ("array_agg", A, P),
    ("json_agg", A, P),
    ("jsonb_agg", A, P),
    ("json_object_agg", A, P),
    ("jsonb_object_agg", A, P),
    ("json_group_array", A, S),
    ("json_group_object", A, S),
    ("json_arrayagg", A, M),
    ("json_objectagg", A, M),
    ("bool_and", A, P),
    ("bool_or", A, P),
    ("every", A, P),
    ("bit_and", A, P | M),
    ("bit_or", A, P | M),
    ("bit_xor", A, P | M),
    ("stddev", A, P | M),
    ("stddev_pop", A, P | M),
    ("stddev_samp", A, P | M),
    ("std", A, M),
    ("variance", A, P | M),
    ("var_pop", A, P | M),
    ("var_samp", A, P | M),
    ("corr", A, P),
    ("covar_pop", A, P),
    ("covar_samp", A, P),
    ("regr_slope", A, P),
    ("regr_intercept", A, P),
    ("regr_r2", A, P),
    ("regr_count", A, P),
    ("percentile_cont", A, P | M),
    ("percentile_disc", A, P | M),
    ("median", A, M),
    ("mode", A, P),
    ("any_value", A, P | M),
    // Window functions.
    ("row_number", W, ALL),
    ("rank", W, ALL),
    ("dense_rank", W, ALL),
    ("percent_rank", W, ALL),
    ("cume_dist", W, ALL),
    ("ntile", W, ALL),
    ("lag", W, ALL),
    ("lead", W, ALL),
    ("first_value", W, ALL),
    ("last_value", W, ALL),
    ("nth_value", W, ALL),
    // Table functions: rows computed from their arguments, which resolve like any expression.
    ("json_each", T, S | P),
    ("json_tree", T, S),
    ("jsonb_each", T, P),
    ("json_each_text", T, P),
    ("jsonb_each_text", T, P),
    ("json_array_elements", T, P),
    ("jsonb_array_elements", T, P),
    ("json_array_elements_text", T, P),
    ("jsonb_array_elements_text", T, P),
    ("generate_series", T, P),
    ("unnest", T, P),
    ("regexp_split_to_table", T, P),
];

fn bit(dialect: Dialect) -> u8 {
    match dialect {
        Dialect::Sqlite => S,
        Dialect::Postgres => P,
        Dialect::Mysql => M,
    }
}

/// How a function name stands on a dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    Allowed,
    /// Allowed on another dialect only: a model carried it over, and can repair it.
    OtherDialect,
    Denied,
}

/// The standing of function `name` (unqualified, any case) where it is used: in FROM when
/// `in_from`, else in an expression. A table function is not a scalar and vice versa
/// (`unnest` is both on PostgreSQL).
pub(crate) fn standing(dialect: Dialect, name: &str, in_from: bool) -> Standing {
    let name = name.to_ascii_lowercase();
    let fits = |kind: Kind| (kind == Kind::Table) == in_from || (name == "unnest" && kind == Kind::Table);
    let entries = || FUNCTIONS.iter().filter(|(n, kind, _)| *n == name && fits(*kind));
    let mask = entries().fold(0, |mask, (_, _, dialects)| mask | dialects);
    if mask & bit(dialect) != 0 {
        Standing::Allowed
    } else if mask != 0 {
        Standing::OtherDialect
    } else {
        Standing::Denied
    }
}

/// Whether a function's qualifier is one the dialect's built-ins live in (`pg_catalog.lower`).
/// Any other qualifier names a user-defined function, which is denied whatever its name.
fn builtin_qualifier(dialect: Dialect, qualifier: &str) -> bool {
    dialect == Dialect::Postgres && qualifier.eq_ignore_ascii_case("pg_catalog")
}

/// Whether a function call's qualifier names a user-defined function: any qualifier but the
/// dialect's built-in schema.
pub(crate) fn user_qualifier(function_name: &sqlparser::ast::ObjectName, dialect: Dialect) -> bool {
    let parts = &function_name.0;
    match parts.as_slice() {
        [_] => false,
        [qualifier, _] => !qualifier.as_ident().is_some_and(|q| builtin_qualifier(dialect, &q.value)),
        _ => true,
    }
}

/// The allowlist as a Markdown table, one row per function, for `docs/sql-functions.md`.
#[cfg(test)]
pub(crate) fn markdown_table() -> String {
    let mut out = String::from("| function | kind | SQLite | PostgreSQL | MySQL/MariaDB |\n|---|---|---|---|---|\n");
    let mark = |dialects: u8, b: u8| if dialects & b != 0 { "yes" } else { "" };
    for (name, kind, dialects) in FUNCTIONS {
        out.push_str(&format!(
            "| `{name}` | {} | {} | {} | {} |\n",
            kind.as_str(),
            mark(*dialects, S),
            mark(*dialects, P),
            mark(*dialects, M)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stand_per_dialect_and_position() {
        use Dialect::*;
        for (dialect, name, in_from, expect) in [
            (Sqlite, "COUNT", false, Standing::Allowed),
            (Sqlite, "strftime", false, Standing::Allowed),
            (Postgres, "strftime", false, Standing::OtherDialect),
            (Sqlite, "year", false, Standing::OtherDialect),
            (Postgres, "table_to_xml", false, Standing::Denied),
            (Postgres, "pg_show_all_settings", true, Standing::Denied),
            (Postgres, "pg_sleep", false, Standing::Denied),
            (Mysql, "master_gtid_wait", false, Standing::Denied),
            (Sqlite, "pragma_table_info", true, Standing::Denied),
            (Sqlite, "json_each", true, Standing::Allowed),
            (Sqlite, "json_each", false, Standing::Denied),
            (Postgres, "generate_series", true, Standing::Allowed),
            (Postgres, "unnest", false, Standing::Allowed),
            (Postgres, "count", true, Standing::Denied),
        ] {
            assert_eq!(standing(dialect, name, in_from), expect, "{dialect} {name} in_from={in_from}");
        }
    }

    #[test]
    fn the_documented_table_is_the_allowlist() {
        let doc = include_str!("../../../docs/sql-functions.md");
        assert!(
            doc.contains(&markdown_table()),
            "docs/sql-functions.md is out of date; its table must read:\n{}",
            markdown_table()
        );
    }

    #[test]
    fn each_name_and_kind_is_listed_once() {
        let mut seen: Vec<(&str, &str)> = FUNCTIONS.iter().map(|(n, k, _)| (*n, k.as_str())).collect();
        let n = seen.len();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), n);
        assert!(FUNCTIONS.iter().all(|(n, _, d)| n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') && *d != 0));
    }
}
