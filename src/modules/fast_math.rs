//! Branch-free approximations of `exp2` and `tan` for per-lane coefficient updates: plain
//! arithmetic that vectorises across lanes, where the libm calls do not. Their error is
//! measured by the tests below.

/// `2^x`, relative error below 2e-6 for `x` in -126..126 (clamped there); NaN gives NaN.
#[inline(always)]
pub fn exp2(x: f32) -> f32 {
    let x = x.clamp(-126.0, 126.0);
    // Floor without a libm call: truncate, then step down for negative fractions.
    let truncated = x as i32;
    let whole = if (truncated as f32) > x {
        truncated - 1
    } else {
        truncated
    };
    let f = x - whole as f32;
    // Taylor series of 2^f = e^(f ln 2) on [0, 1), to the 8th power.
    const C: [f32; 8] = [
        1.0,
        std::f32::consts::LN_2,
        0.240_226_5,
        0.055_504_11,
        0.009_618_129,
        0.001_333_355_8,
        0.000_154_035_3,
        0.000_015_252_734,
    ];
    let mut p = C[7];
    for &c in C[..7].iter().rev() {
        p = p * f + c;
    }
    p * f32::from_bits(((whole + 127) as u32) << 23)
}

/// `tan(w)` for `w` in 0..1.45 (the SVF's `pi * cutoff / sample_rate` up to 0.45 of the
/// sample rate), relative error below 1e-5: odd and even Taylor polynomials of sine and
/// cosine, then one division.
#[inline(always)]
pub fn tan(w: f32) -> f32 {
    let w2 = w * w;
    // sin(w) / w = 1 - w²/3! + w⁴/5! - ... to w¹²; cos(w) = 1 - w²/2! + ... to w¹⁴.
    let sin = w
        * (1.0
            + w2 * (-1.0 / 6.0
                + w2 * (1.0 / 120.0
                    + w2 * (-1.0 / 5040.0
                        + w2 * (1.0 / 362_880.0
                            + w2 * (-1.0 / 39_916_800.0 + w2 * (1.0 / 6_227_020_800.0)))))));
    let cos = 1.0
        + w2 * (-0.5
            + w2 * (1.0 / 24.0
                + w2 * (-1.0 / 720.0
                    + w2 * (1.0 / 40_320.0
                        + w2 * (-1.0 / 3_628_800.0
                            + w2 * (1.0 / 479_001_600.0 + w2 * (-1.0 / 87_178_291_200.0)))))));
    sin / cos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp2_is_within_2e_6_relative() {
        let mut worst = 0.0f64;
        for i in -40_000..=40_000 {
            let x = i as f32 / 1000.0;
            let exact = 2f64.powf(f64::from(x));
            worst = worst.max((f64::from(exp2(x)) / exact - 1.0).abs());
        }
        assert!(worst < 2e-6, "worst relative error {worst}");
        assert!(exp2(f32::NAN).is_nan());
        assert_eq!(exp2(0.0), 1.0);
        assert_eq!(exp2(3.0), 8.0);
    }

    #[test]
    fn tan_is_within_1e_5_relative_up_to_0_46_of_the_sample_rate() {
        let top = std::f64::consts::PI * 0.46;
        let mut worst = 0.0f64;
        for i in 1..=100_000 {
            let w = top * f64::from(i) / 100_000.0;
            let exact = w.tan();
            worst = worst.max((f64::from(tan(w as f32)) / exact - 1.0).abs());
        }
        assert!(worst < 1e-5, "worst relative error {worst}");
    }
}
