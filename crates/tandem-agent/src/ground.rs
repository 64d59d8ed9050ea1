//! Grounding a fresh plan in its question: small planners invent thresholds ("age > 32") and
//! values ("country = 'France'" for "how many singers are in each country?", copied from the
//! sample values they were shown) that a person skimming the plan may approve without
//! noticing, and that the validator would then demand of the SQL. A filter whose number or
//! words the question never mentions is dropped, and the plan says so in its assumptions, so
//! the person can add it back at the confirm gate. A filter whose value is an expression
//! ("{avg(singer.age)}") stays in the plan for the person, but is no literal the SQL must carry.

use tandem_sql::SetIntent;

use crate::plan::{Filter, Plan};

/// Number words that mean the question does state a number, just not in digits.
const NUMBER_WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
    "thousand", "million", "dozen",
];

/// Drops filters with a number that none of `texts` (the question, and an earlier question
/// for a follow-up) contains.
pub(crate) fn drop_invented_numbers(plan: &mut Plan, texts: &[&str]) {
    let stated: Vec<String> = texts.iter().flat_map(|text| numbers(text)).collect();
    let spelled = texts.iter().any(|text| words(text).any(|word| NUMBER_WORDS.contains(&word.as_str())));
    if spelled {
        return;
    }
    drop_filters(plan, |filter| {
        unmentioned(numbers(&filter.value).into_iter().any(|n| !stated.contains(&n)), "number")
    });
}

/// Drops filters with a text value none of whose words `texts` mentions, even in another
/// form ("dog" for "dogs", "fran" for "France", "France" for "French": a capitalised word
/// with the same first two letters). Lenient on purpose: one related word keeps the filter,
/// and a code of one or two letters ('F' for "female") stays when a word of the texts starts
/// with its letter.
///
/// An identifier the question names (`sup_ticket`, `ticket_status`) states only itself: its
/// fragments are no values ("from sup_ticket" does not state `department_code = 'SUP'`).
pub(crate) fn drop_unstated_words(plan: &mut Plan, texts: &[&str]) {
    let (identifiers, said): (Vec<String>, Vec<String>) =
        texts.iter().flat_map(|text| identifier_words(text)).partition(|w| w.contains('_'));
    let proper: Vec<String> = texts
        .iter()
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(|w| w.to_lowercase().chars().take(2).collect())
        .collect();
    let stated = |word: &str| {
        said.iter().any(|w| {
            w == word
                || (word.len() >= 3 && w.starts_with(word))
                || (w.len() >= 3 && word.starts_with(w.as_str()) && word.len() - w.len() <= 2)
        }) || proper.iter().any(|p| word.starts_with(p.as_str()))
    };
    let initials: Vec<char> = texts.iter().flat_map(|text| words(text)).filter_map(|w| w.chars().next()).collect();
    drop_filters(plan, |filter| {
        if !filter.op.has_literal() || is_expression(&filter.value) {
            return None;
        }
        let invented = filter.value.split(',').any(|part| {
            if identifier_words(part).any(|w| identifiers.contains(&w)) {
                return false;
            }
            let part_words: Vec<String> = words(part).collect();
            // A code of one or two letters ('F' for "female") stands for a word of the question
            // that starts with it; 'A' where no word does is a placeholder.
            if let [code] = part_words.as_slice()
                && code.len() <= 2
                && code.chars().all(char::is_alphabetic)
            {
                return code.chars().next().is_some_and(|initial| !initials.contains(&initial));
            }
            let judged: Vec<&String> =
                part_words.iter().filter(|w| w.len() >= 3 && !w.chars().all(|c| c.is_ascii_digit())).collect();
            !judged.is_empty() && !judged.iter().any(|w| stated(w))
        });
        unmentioned(invented, "value")
    });
}

/// Words that rank rows rather than name a stored value.
const RANKING_WORDS: &[&str] = &[
    "highest", "lowest", "largest", "smallest", "biggest", "greatest", "most", "least", "fewest", "maximum", "minimum",
    "oldest", "youngest", "newest", "latest", "earliest", "longest", "shortest", "top",
];

/// Drops filters whose value is a ranking ("the highest average attendance", "youngest"):
/// small planners copy the question's superlative into a filter, which no stored value
/// matches; the ordering and limit say it instead.
pub(crate) fn drop_rankings(plan: &mut Plan) {
    drop_filters(plan, |filter| {
        let ranking = words(&filter.value).find(|w| RANKING_WORDS.contains(&w.as_str()))?;
        Some(format!("`{ranking}` ranks rows, it is no stored value (an ordering and a limit say it)"))
    });
}

/// A value that is a computation rather than a literal: `{avg(singer.age)}`, `avg(age)`,
/// `(SELECT …)`. The SQL computes it; it cannot "mention" it.
pub(crate) fn is_expression(value: &str) -> bool {
    let value = value.trim();
    let lower = value.to_lowercase();
    (value.starts_with('{') && value.ends_with('}'))
        || lower.contains("select ")
        || value
            .find('(')
            .is_some_and(|open| open > 0 && value[..open].chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

fn drop_filters(plan: &mut Plan, why: impl Fn(&Filter) -> Option<String>) {
    let mut dropped = Vec::new();
    plan.filters.retain(|filter| match why(filter) {
        Some(reason) => {
            dropped.push(format!("dropped the filter `{} {:?} {}`: {reason}", filter.column, filter.op, filter.value));
            false
        }
        None => true,
    });
    plan.assumptions.extend(dropped);
}

/// The verdict of the two checks below: the question does not mention the filter's `what`.
fn unmentioned(invented: bool, what: &str) -> Option<String> {
    invented.then(|| format!("the question does not mention that {what}"))
}

/// The lowercase words of `text` with snake_case identifiers kept whole.
fn identifier_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map(|w| w.trim_matches('_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Words by which a request asks for rows that lack something.
const ABSENCE_WORDS: &[&str] =
    &["not", "never", "without", "no", "none", "nobody", "neither", "nor", "except", "excluding"];

/// What a request asks of an entity's related rows ("students who do not have a cat", "both a
/// cat and a dog"), for the validator's set-logic check.
pub(crate) fn set_intent(text: &str) -> SetIntent {
    let lower = text.to_lowercase();
    let absence = words(text).any(|w| ABSENCE_WORDS.contains(&w.as_str()))
        || lower.contains("n't")
        || lower.contains("n\u{2019}t");
    let both = words(text).any(|w| w == "both");
    SetIntent { absence, both }
}

/// The lowercase words (letter and digit runs) of `text`.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// The digit runs of `text`, without leading zeros ("2014", "7", "0" for "00").
fn numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .map(|run| {
            let trimmed = run.trim_start_matches('0');
            if trimmed.is_empty() { "0".to_owned() } else { trimmed.to_owned() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{ColumnRef, Filter, FilterOp};

    fn plan_with(values: &[&str]) -> Plan {
        let mut plan = Plan::new();
        plan.filters = values
            .iter()
            .map(|v| Filter { column: ColumnRef::new("singer", "age"), op: FilterOp::Gt, value: (*v).to_owned() })
            .collect();
        plan
    }

    #[test]
    fn invented_numbers_are_dropped_and_noted() {
        let mut plan = plan_with(&["32", "France"]);
        drop_invented_numbers(&mut plan, &["How many singers do we have?"]);
        assert_eq!(plan.filters.len(), 1);
        assert_eq!(plan.filters[0].value, "France");
        assert!(plan.assumptions[0].contains("does not mention"), "{:?}", plan.assumptions);
    }

    #[test]
    fn stated_numbers_stay() {
        let mut plan = plan_with(&["2014", "'2015-01-01'"]);
        drop_invented_numbers(&mut plan, &["Concerts in 2014 or since 2015-01-01?"]);
        assert_eq!(plan.filters.len(), 2);
        let mut plan = plan_with(&["30"]);
        drop_invented_numbers(&mut plan, &["Singers older than thirty"]);
        assert_eq!(plan.filters.len(), 1, "a spelled number counts");
        let mut plan = plan_with(&["20"]);
        drop_invented_numbers(&mut plan, &["And only the young ones?", "Singers above age 20"]);
        assert_eq!(plan.filters.len(), 1, "an earlier question's number counts");
        assert!(plan.assumptions.is_empty());
    }

    fn eq(values: &[&str]) -> Plan {
        let mut plan = plan_with(values);
        for filter in &mut plan.filters {
            filter.op = FilterOp::Eq;
        }
        plan
    }

    #[test]
    fn values_the_question_never_mentions_are_dropped_and_noted() {
        let mut plan = eq(&["France", "{avg(Singer.Age)}"]);
        drop_unstated_words(&mut plan, &["Show all countries and the number of singers in each country."]);
        assert_eq!(plan.filters.len(), 1, "{:?}", plan.filters);
        assert_eq!(plan.filters[0].value, "{avg(Singer.Age)}", "an expression is no value to look for");
        assert!(
            plan.assumptions[0].contains("France") && plan.assumptions[0].contains("value"),
            "{:?}",
            plan.assumptions
        );
    }

    #[test]
    fn values_stated_in_some_form_stay() {
        let cases: &[(&str, &str)] = &[
            ("France", "What are the names of the singers from France?"),
            ("'%fran%'", "Which singers are from France?"),
            ("dogs", "How many dog owners are there?"),
            ("Dog", "How many dogs are there?"),
            ("F", "How many female students are there?"),
            ("New York, Boston", "Flights from New York or Boston"),
            ("France", "Per French customer, total ordered?"),
            ("2014", "no words to judge, only a number"),
        ];
        for (value, question) in cases {
            let mut plan = eq(&[value]);
            drop_unstated_words(&mut plan, &[question]);
            assert_eq!(plan.filters.len(), 1, "`{value}` for {question:?}");
        }
        let mut plan = eq(&["Boston"]);
        drop_unstated_words(&mut plan, &["And in Boston?", "Flights from New York"]);
        assert_eq!(plan.filters.len(), 1, "a follow-up's words count");
    }

    #[test]
    fn rankings_and_placeholder_codes_are_no_values() {
        let mut plan = eq(&["The highest average attendance", "stadium"]);
        drop_rankings(&mut plan);
        assert_eq!(plan.filters.len(), 1, "{:?}", plan.filters);
        assert!(plan.assumptions[0].contains("`highest` ranks rows"), "{:?}", plan.assumptions);
        let mut plan = eq(&["A"]);
        drop_unstated_words(&mut plan, &["Find the number of concerts in the stadium with the highest capacity."]);
        assert!(plan.filters.is_empty(), "no word of the question starts with `A`");
        let mut plan = eq(&["Mostar"]);
        drop_rankings(&mut plan);
        assert_eq!(plan.filters.len(), 1, "a word that only starts like one stays");
    }

    #[test]
    fn an_identifier_states_itself_not_its_fragments() {
        let request =
            "Create a table ticket_status_counts from sup_ticket with the number of tickets per ticket_status";
        for invented in ["SUP", "status"] {
            let mut plan = eq(&[invented]);
            drop_unstated_words(&mut plan, &[request]);
            assert!(plan.filters.is_empty(), "`{invented}` is only a piece of a table name");
        }
        for stated in ["sup_ticket", "tickets", "pending_review"] {
            let mut plan = eq(&[stated]);
            drop_unstated_words(&mut plan, &[request, "and those pending_review?"]);
            assert_eq!(plan.filters.len(), 1, "`{stated}`");
        }
    }

    #[test]
    fn absence_and_both_are_read_from_the_request() {
        for question in [
            "Find the major and age of students who do not have a cat pet.",
            "Which stadiums had no concerts?",
            "List the singers who never sang in 2014",
            "Which students don\u{2019}t own a dog?",
            "Names of employees without an evaluation",
        ] {
            assert_eq!(set_intent(question), SetIntent { absence: true, both: false }, "{question}");
        }
        assert_eq!(
            set_intent("Find the first name of students who have both cat and dog pets."),
            SetIntent { absence: false, both: true }
        );
        for question in ["How many singers are there?", "Which notable singers are from France?", "Show the nominees"] {
            assert!(set_intent(question).is_empty(), "{question}");
        }
    }

    #[test]
    fn expressions_are_told_from_literals() {
        for value in ["{avg(Singer.Age)}", "avg(age)", "(SELECT AVG(age) FROM singer)", "{average age}"] {
            assert!(is_expression(value), "{value}");
        }
        for value in ["France", "2014-01-01", "'a (b)'", "O'Brien", "% (x)"] {
            assert!(!is_expression(value), "{value}");
        }
    }
}
