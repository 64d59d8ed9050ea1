//! Close matches for unknown identifiers: the suggestions a repair prompt shows, and the unique
//! match that makes a tier-0 rename safe.

/// Candidates close to `name`, best first, at most five: first by edit distance (case-blind,
/// with transpositions), then names containing it or contained in it (`name` → `singer_name`).
pub(crate) fn close_matches<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let wanted = name.to_lowercase();
    let limit = max_distance(wanted.chars().count());
    let mut scored: Vec<(usize, usize, &str)> = Vec::new();
    for (order, candidate) in candidates.into_iter().enumerate() {
        let lower = candidate.to_lowercase();
        if lower == wanted || scored.iter().any(|(_, _, c)| c.eq_ignore_ascii_case(candidate)) {
            continue;
        }
        let distance = osa_distance(&wanted, &lower);
        let contains = wanted.chars().count() >= 3 && (lower.contains(&wanted) || wanted.contains(&lower));
        if distance <= limit {
            scored.push((distance, order, candidate));
        } else if contains {
            scored.push((limit + 1, order, candidate));
        }
    }
    scored.sort_unstable();
    scored.into_iter().take(5).map(|(_, _, c)| c.to_owned()).collect()
}

/// The single candidate within edit distance of `name` with no rival at the same distance:
/// only then is a rename deterministic.
pub(crate) fn unique_match<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = name.to_lowercase();
    let limit = max_distance(wanted.chars().count());
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in candidates {
        let lower = candidate.to_lowercase();
        let distance = osa_distance(&wanted, &lower);
        if distance > limit {
            continue;
        }
        match best {
            Some((d, c)) if distance == d && !c.eq_ignore_ascii_case(candidate) => tied = true,
            Some((d, _)) if distance >= d => {}
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    if tied { None } else { best.map(|(_, c)| c) }
}

/// How many edits still count as a typo for a name of `len` characters.
fn max_distance(len: usize) -> usize {
    match len {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    }
}

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions, so `nmae` is
/// one edit from `name`.
fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // Rows i-2, i-1 and i of the dynamic-programming table.
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[width - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_transpositions_as_one_edit() {
        for (a, b, d) in [("name", "nmae", 1), ("singer", "singers", 1), ("", "abc", 3), ("kitten", "sitting", 3)] {
            assert_eq!(osa_distance(a, b), d, "{a} {b}");
        }
    }

    #[test]
    fn suggests_typos_then_containing_names() {
        let columns = ["Name", "Song_Name", "Age", "Country", "Singer_ID"];
        assert_eq!(close_matches("nmae", columns), vec!["Name"]);
        assert_eq!(close_matches("name", columns), vec!["Song_Name"], "containment");
        assert_eq!(close_matches("contry", columns), vec!["Country"]);
        assert!(close_matches("xyz", columns).is_empty());
        assert_eq!(unique_match("nmae", columns), Some("Name"));
        assert_eq!(unique_match("Ages", columns), Some("Age"));
        assert_eq!(unique_match("ab", ["ac", "ad"]), None, "a tie is not deterministic");
        assert_eq!(unique_match("xyz", columns), None);
    }
}
