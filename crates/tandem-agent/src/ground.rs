//! Grounding a fresh plan in its question: small planners invent thresholds ("age > 32")
//! that a person skimming the plan may approve without noticing. A filter whose number the
//! question never mentions is dropped, and the plan says so in its assumptions, so the person
//! can add it back at the confirm gate.

use crate::plan::Plan;

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
    let spelled = texts.iter().any(|text| {
        text.split(|c: char| !c.is_alphabetic()).any(|word| NUMBER_WORDS.contains(&word.to_lowercase().as_str()))
    });
    if spelled {
        return;
    }
    let mut dropped = Vec::new();
    plan.filters.retain(|filter| {
        let invented = numbers(&filter.value).into_iter().any(|n| !stated.contains(&n));
        if invented {
            dropped.push(format!("{} {:?} {}", filter.column, filter.op, filter.value));
        }
        !invented
    });
    for filter in dropped {
        plan.assumptions.push(format!("dropped the filter `{filter}`: the question does not mention that number"));
    }
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
}
