//! "Did you mean" suggestions for misspelt names: case-insensitive, by prefix, by a missing
//! or extra middle part (`SawOscillator` -> `SawtoothOscillator`), by substring, then by
//! edit distance.

/// How well a candidate matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    /// The same name in another case.
    Case,
    /// The candidate is the word with a part added (`ADSR` -> `AdsrEnvelope`).
    Extends,
    /// The word is the candidate with a part added (`mixer` -> `mix`).
    Shortens,
    /// One holds the other.
    Contains,
    /// A few letters differ.
    Typo,
}

/// Shortest word or candidate that a prefix, part or substring match may rest on.
const MIN_PART: usize = 3;

/// The candidate closest to `word`, if it is close enough to be a likely slip.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower: Vec<char> = word.to_lowercase().chars().collect();
    candidates
        .into_iter()
        .filter_map(|c| {
            let other: Vec<char> = c.to_lowercase().chars().collect();
            let tier = tier(&lower, &other)?;
            Some(((tier, lower.len().abs_diff(other.len())), c))
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` when there is a close candidate, else an empty string.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

fn tier(word: &[char], candidate: &[char]) -> Option<Tier> {
    if word == candidate {
        return Some(Tier::Case);
    }
    if word.len() >= MIN_PART && covers(candidate, word) {
        return Some(Tier::Extends);
    }
    if candidate.len() >= MIN_PART && covers(word, candidate) {
        return Some(Tier::Shortens);
    }
    let contains =
        |a: &[char], b: &[char]| b.len() >= MIN_PART && a.windows(b.len()).any(|w| w == b);
    if contains(candidate, word) || contains(word, candidate) {
        return Some(Tier::Contains);
    }
    let a: String = word.iter().collect();
    let b: String = candidate.iter().collect();
    let distance = strsim::damerau_levenshtein(&a, &b);
    (distance <= (word.len().max(candidate.len()) / 3).max(1)).then_some(Tier::Typo)
}

/// Whether `long` is `short` with one part inserted (at its start, middle or end): their
/// common prefix and suffix together cover `short`.
fn covers(long: &[char], short: &[char]) -> bool {
    if long.len() <= short.len() {
        return false;
    }
    let prefix = long.iter().zip(short).take_while(|(a, b)| a == b).count();
    let suffix = long
        .iter()
        .rev()
        .zip(short.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    prefix + suffix >= short.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULES: [&str; 6] = [
        "SineOscillator",
        "SawtoothOscillator",
        "SquareOscillator",
        "AdsrEnvelope",
        "Vca",
        "Sum",
    ];

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("SineOscilator", MODULES), Some("SineOscillator"));
        assert_eq!(closest("vca", MODULES), Some("Vca"));
        assert_eq!(closest("Reverb", MODULES), None);
        assert_eq!(did_you_mean("Reverb", MODULES), "");
    }

    #[test]
    fn prefixes_parts_and_case_count() {
        assert_eq!(closest("ADSR", MODULES), Some("AdsrEnvelope"));
        assert_eq!(closest("Adsr", MODULES), Some("AdsrEnvelope"));
        assert_eq!(
            closest("SawOscillator", MODULES),
            Some("SawtoothOscillator")
        );
        assert_eq!(closest("mixer", ["mix", "out", "osc"]), Some("mix"));
        assert_eq!(closest("bass", ["bass_env", "bass", "lead"]), Some("bass"));
        assert_eq!(closest("env", ["bass_env", "lead"]), Some("bass_env"));
    }
}
