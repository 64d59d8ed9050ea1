//! Words from identifiers and questions, normalised so that both sides of a match agree.
//!
//! Schema identifiers are split at snake_case, camelCase and digit boundaries, common
//! abbreviations are expanded next to the original word (`qty` also yields `quantity`), and
//! plurals are folded to a stem (`singers` → `singer`), so a question's "employee quantities"
//! meets a column named `EmpQty`.

/// Abbreviations seen in real schemas, with the word they stand for. The abbreviation itself is
/// kept too, since some questions use it.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("acct", "account"),
    ("addr", "address"),
    ("amt", "amount"),
    ("approx", "approximate"),
    ("avg", "average"),
    ("cat", "category"),
    ("cnt", "count"),
    ("ctry", "country"),
    ("cntry", "country"),
    ("cust", "customer"),
    ("dept", "department"),
    ("desc", "description"),
    ("dob", "birth"),
    ("dt", "date"),
    ("emp", "employee"),
    ("empl", "employee"),
    ("fname", "first"),
    ("lname", "last"),
    ("info", "information"),
    ("inv", "invoice"),
    ("lang", "language"),
    ("loc", "location"),
    ("max", "maximum"),
    ("mgr", "manager"),
    ("min", "minimum"),
    ("nbr", "number"),
    ("no", "number"),
    ("num", "number"),
    ("org", "organization"),
    ("pct", "percent"),
    ("pos", "position"),
    ("prod", "product"),
    ("qty", "quantity"),
    ("sal", "salary"),
    ("src", "source"),
    ("dest", "destination"),
    ("stu", "student"),
    ("tel", "phone"),
    ("tot", "total"),
    ("txn", "transaction"),
    ("yr", "year"),
];

/// Words that carry no meaning for matching a question to a schema.
const STOPWORDS: &[&str] = &[
    "a", "about", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "by", "can", "did", "do", "does",
    "each", "every", "find", "for", "from", "give", "has", "have", "how", "i", "in", "into", "is", "it", "its", "list",
    "many", "me", "much", "of", "on", "or", "please", "return", "show", "so", "than", "that", "the", "their", "them",
    "there", "these", "they", "this", "those", "to", "us", "was", "we", "were", "what", "when", "where", "which",
    "who", "whose", "with", "would", "you", "your",
];

/// Splits one identifier (or any text) into lowercase words at non-alphanumeric characters,
/// lower→upper case changes (`camelCase`), acronym ends (`HTTPServer` → `http server`) and
/// letter/digit boundaries.
pub(crate) fn split_identifier(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut current, &mut words);
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p)) {
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_uppercase() && c.is_uppercase() && next_is_lower)
                || (prev.is_alphabetic() && c.is_numeric())
                || (prev.is_numeric() && c.is_alphabetic());
            if boundary && prev.is_alphanumeric() {
                flush(&mut current, &mut words);
            }
        }
        current.extend(c.to_lowercase());
    }
    flush(&mut current, &mut words);
    words
}

fn flush(current: &mut String, words: &mut Vec<String>) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

/// Folds English plurals to a stem. Deliberately light: it only has to make "singers" and
/// "singer", or "countries" and "country", meet; a full stemmer would also merge words that
/// schemas keep apart.
pub(crate) fn stem(word: &str) -> String {
    let n = word.chars().count();
    if n <= 3 || !word.is_ascii() || word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return word.to_owned();
    }
    if let Some(base) = word.strip_suffix("ies") {
        return format!("{base}y");
    }
    for suffix in ["ches", "shes", "sses", "xes", "zes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    match word.strip_suffix('s') {
        Some(base) => base.to_owned(),
        None => word.to_owned(),
    }
}

/// The expansion of an abbreviation, if `word` is one.
pub(crate) fn expand(word: &str) -> Option<&'static str> {
    ABBREVIATIONS.iter().find(|(short, _)| *short == word).map(|(_, long)| *long)
}

pub(crate) fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// Index terms for schema text (identifiers and comments): split words, stemmed, with
/// abbreviation expansions added. Stopwords are kept out so comments do not drown names.
pub(crate) fn schema_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for word in split_identifier(text) {
        if is_stopword(&word) {
            continue;
        }
        if let Some(long) = expand(&word) {
            terms.push(long.to_owned());
        }
        terms.push(stem(&word));
    }
    terms
}

/// Query terms for a question: split words minus stopwords, stemmed. Abbreviations are not
/// expanded here because the schema side already indexes both forms.
pub(crate) fn question_terms(question: &str) -> Vec<String> {
    split_identifier(question).into_iter().filter(|w| !is_stopword(w)).map(|w| stem(&w)).collect()
}

/// Space-separated words of an identifier, for the dense model: `EmpQty` → `emp quantity`.
pub(crate) fn readable(identifier: &str) -> String {
    let words: Vec<String> =
        split_identifier(identifier).into_iter().map(|w| expand(&w).map(str::to_owned).unwrap_or(w)).collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &[&str]) {
        assert_eq!(split_identifier(input), expect, "splitting {input:?}");
    }

    #[test]
    fn splits_identifiers() {
        check("customer_id", &["customer", "id"]);
        check("CustomerID", &["customer", "id"]);
        check("HTTPServerLog", &["http", "server", "log"]);
        check("address2_line", &["address", "2", "line"]);
        check("ga_sessions_20170801", &["ga", "sessions", "20170801"]);
        check("\"Order Date\"", &["order", "date"]);
        check("", &[]);
        check("名前_列", &["名前", "列"]);
    }

    #[test]
    fn stems_plurals_lightly() {
        for (word, want) in [
            ("singers", "singer"),
            ("countries", "country"),
            ("matches", "match"),
            ("status", "status"),
            ("gas", "gas"),
        ] {
            assert_eq!(stem(word), want);
        }
    }

    #[test]
    fn schema_terms_expand_abbreviations() {
        assert_eq!(schema_terms("EmpQty"), ["employee", "emp", "quantity", "qty"]);
        assert_eq!(question_terms("How many singers are from France?"), ["singer", "france"]);
        assert_eq!(readable("cust_addr"), "customer address");
    }
}
