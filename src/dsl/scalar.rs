//! What a scalar means under the YAML 1.2 core schema.

use super::yaml_tree::Scalar;

/// A scalar's value: plain scalars may be null, booleans or numbers; all others are strings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Resolved<'s> {
    /// `~`, `null` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number (decimal, `0o` octal or `0x` hex).
    Int(i64),
    /// A number with a fraction or exponent, `.inf` or `.nan` (also integers too large for i64).
    Float(f64),
    /// Anything else.
    Str(&'s str),
}

impl Scalar<'_> {
    /// Whether the scalar is null (`~`, `null` or nothing), without resolving it fully.
    pub fn is_null(&self) -> bool {
        self.plain && matches!(self.text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// The scalar's value under the core schema.
    pub fn resolve(&self) -> Resolved<'_> {
        let text = self.text.as_ref();
        if !self.plain {
            return Resolved::Str(text);
        }
        if self.is_null() {
            return Resolved::Null;
        }
        match text {
            "true" | "True" | "TRUE" => return Resolved::Bool(true),
            "false" | "False" | "FALSE" => return Resolved::Bool(false),
            ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
            _ => {}
        }
        let (negative, unsigned) = match text.as_bytes()[0] {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
            return Resolved::Float(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        if is_digits(unsigned, 10) {
            return match text.parse() {
                Ok(v) => Resolved::Int(v),
                Err(_) => Resolved::Float(text.parse().unwrap_or(f64::INFINITY)),
            };
        }
        if unsigned.len() == text.len() {
            for (prefix, radix) in [("0o", 8), ("0x", 16)] {
                if let Some(digits) = text.strip_prefix(prefix).filter(|d| is_digits(d, radix)) {
                    return i64::from_str_radix(digits, radix).map_or_else(
                        |_| Resolved::Float(radix_value(digits, radix)),
                        Resolved::Int,
                    );
                }
            }
        }
        if is_float(unsigned) {
            if let Ok(v) = text.parse() {
                return Resolved::Float(v);
            }
        }
        Resolved::Str(text)
    }
}

/// Why `value`, written as `text`, cannot be a 32-bit number (what the engine computes in), or
/// `None` when it can.
pub(crate) fn not_f32(value: f64, text: &str) -> Option<String> {
    if (value as f32).is_finite() {
        return None;
    }
    Some(if value.is_finite() {
        format!("`{text}` is too large for a 32-bit number: expected a finite number between -3.4e38 and 3.4e38")
    } else {
        format!("`{text}` is not a finite number: expected a number between -3.4e38 and 3.4e38")
    })
}

fn is_digits(text: &str, radix: u32) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_digit(radix))
}

/// The value of an octal or hex digit string too long for i64.
fn radix_value(digits: &str, radix: u32) -> f64 {
    digits.chars().fold(0.0, |acc, c| {
        acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
    })
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the unsigned core-schema float.
fn is_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => is_digits(fraction, 10),
        Some((whole, fraction)) => {
            is_digits(whole, 10) && (fraction.is_empty() || is_digits(fraction, 10))
        }
        None => is_digits(mantissa, 10),
    };
    let exponent_ok =
        exponent.is_none_or(|e| is_digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn check(text: &str, expected: Resolved<'_>) {
        let scalar = Scalar {
            text: Cow::Borrowed(text),
            plain: true,
        };
        assert_eq!(scalar.resolve(), expected, "{text}");
    }

    #[test]
    fn resolves_core_schema_scalars() {
        check("~", Resolved::Null);
        check("", Resolved::Null);
        check("True", Resolved::Bool(true));
        check("yes", Resolved::Str("yes"));
        check("-12", Resolved::Int(-12));
        check("+3", Resolved::Int(3));
        check("0x1F", Resolved::Int(31));
        check("0o17", Resolved::Int(15));
        check("440.0", Resolved::Float(440.0));
        check(".5", Resolved::Float(0.5));
        check("1e3", Resolved::Float(1000.0));
        check("2.", Resolved::Float(2.0));
        check("-.inf", Resolved::Float(f64::NEG_INFINITY));
        check("99999999999999999999", Resolved::Float(1e20));
        let nan = Scalar {
            text: Cow::Borrowed(".nan"),
            plain: true,
        };
        assert!(matches!(nan.resolve(), Resolved::Float(v) if v.is_nan()));
        for text in [
            "inf", "nan", "1_000", "0x", "1e", "e3", ".", "-", "C4", "in/1", "1.2.3",
        ] {
            check(text, Resolved::Str(text));
        }
    }

    #[test]
    fn quoted_scalars_are_strings() {
        let scalar = Scalar {
            text: Cow::Borrowed("1.5"),
            plain: false,
        };
        assert_eq!(scalar.resolve(), Resolved::Str("1.5"));
    }
}
