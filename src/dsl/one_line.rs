//! Messages fit for one line of a terminal, whatever the patch held.

/// Longest name or value quoted whole in a message; longer ones are cut.
const MAX_QUOTED: usize = 40;
/// Longest number written out digit by digit; longer ones are written as `1e300`.
const MAX_DIGITS: usize = 16;
/// Longest message; the rest is cut.
const MAX_MESSAGE: usize = 1000;

/// `message` on one short line, whatever the patch held: line breaks and other control
/// characters escaped (`\n`), quoted text (between backticks) longer than 40 characters cut,
/// numbers longer than 16 characters in scientific notation (`1e300`), and at most 1000
/// characters in all.
pub fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE));
    let mut quoted = false;
    let mut quoted_chars = 0;
    let mut chars = message.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '`' {
            quoted = !quoted;
            quoted_chars = 0;
            out.push(c);
            continue;
        }
        if quoted {
            quoted_chars += 1;
            if quoted_chars == MAX_QUOTED + 1 {
                out.push_str("...");
            }
            if quoted_chars > MAX_QUOTED {
                continue;
            }
        }
        let after_word = out.ends_with(|p: char| p.is_alphanumeric() || p == '_');
        if c.is_ascii_digit() && !after_word {
            let end = message[at..]
                .find(|d: char| !(d.is_ascii_digit() || d == '.'))
                .map_or(message.len(), |len| at + len);
            let number = &message[at..end];
            if number.len() > MAX_DIGITS {
                if let Ok(value) = number.parse::<f64>() {
                    out.push_str(&format!("{value:e}"));
                    while chars.peek().is_some_and(|(i, _)| *i < end) {
                        chars.next();
                    }
                    continue;
                }
            }
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        if out.len() > MAX_MESSAGE {
            out.push_str("...");
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn messages_are_one_short_line() {
        assert_eq!(
            one_line("unknown module `Sine\nOsc\n` on node `a`"),
            "unknown module `Sine\\nOsc\\n` on node `a`"
        );
        let long = format!("unknown node `{}` here", "x".repeat(100_000));
        assert_eq!(
            one_line(&long),
            format!("unknown node `{}...` here", "x".repeat(40))
        );
        let huge = format!("{} is out of range", 1e300);
        assert_eq!(one_line(&huge), "1e300 is out of range");
        let tiny = format!("{} is out of range", 1e-300);
        assert_eq!(one_line(&tiny), "1e-300 is out of range");
        assert_eq!(one_line("`in/1` is 440.5 at 12"), "`in/1` is 440.5 at 12");
        assert_eq!(
            one_line("node `osc12345678901234567890`"),
            "node `osc12345678901234567890`"
        );
        assert!(one_line(&"a, ".repeat(10_000)).len() <= 1003 + 3);
    }
}
