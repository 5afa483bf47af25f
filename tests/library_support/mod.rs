//! Shared helpers of the library tests: rendering a module by name, test signals and
//! spectrum measurement.

#![allow(dead_code)]

use patches_tui::modules::{ModuleHarness, ParamValue, Registry, Shape};

/// The sample rate of every test.
pub const SR: f32 = 48000.0;

/// A float parameter value.
pub fn float(v: f64) -> ParamValue {
    ParamValue::Float(v)
}

/// An int parameter value.
pub fn int(v: i64) -> ParamValue {
    ParamValue::Int(v)
}

/// An enum parameter value.
pub fn text(v: &str) -> ParamValue {
    ParamValue::Enum(v.to_string())
}

/// A list parameter value.
pub fn list(items: &[&str]) -> ParamValue {
    ParamValue::Array(items.iter().map(|s| s.to_string()).collect())
}

/// A fresh harness of the standard registry's `name`.
pub fn harness(name: &str, shape: Shape, params: &[(&str, ParamValue)]) -> ModuleHarness {
    Registry::standard()
        .harness(name, shape, SR, params)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Renders `total` frames of a fresh mono module in blocks of 64; returns every output.
pub fn render(
    name: &str,
    params: &[(&str, ParamValue)],
    inputs: &[Vec<f32>],
    total: usize,
) -> Vec<Vec<f32>> {
    render_shaped(name, Shape::default(), params, inputs, total)
}

/// As [`render`] for a given shape.
pub fn render_shaped(
    name: &str,
    shape: Shape,
    params: &[(&str, ParamValue)],
    inputs: &[Vec<f32>],
    total: usize,
) -> Vec<Vec<f32>> {
    let mut h = harness(name, shape, params);
    let slices: Vec<&[f32]> = inputs.iter().map(Vec::as_slice).collect();
    h.run_long(&slices, total, 64)
}

/// A one-sample pulse of 1.0 at `at`.
pub fn impulse(at: usize, total: usize) -> Vec<f32> {
    let mut x = vec![0.0; total];
    x[at] = 1.0;
    x
}

/// One-sample pulses every `period` samples from 0.
pub fn clock(period: usize, total: usize) -> Vec<f32> {
    (0..total)
        .map(|i| if i % period == 0 { 1.0 } else { 0.0 })
        .collect()
}

/// Deterministic noise in [-1, 1).
pub fn noise(seed: u64, total: usize) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..total)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

/// A sine of `freq` Hz and amplitude `amp`.
pub fn sine(freq: f64, amp: f64, total: usize) -> Vec<f32> {
    (0..total)
        .map(|i| (amp * (std::f64::consts::TAU * freq * i as f64 / SR as f64).sin()) as f32)
        .collect()
}

/// Root mean square.
pub fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// Largest absolute value.
pub fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// `20 log10(ratio)`.
pub fn db(ratio: f64) -> f64 {
    20.0 * ratio.log10()
}

/// Frequency from the interpolated times of upward zero crossings.
pub fn zero_crossing_frequency(x: &[f32]) -> f64 {
    let mut crossings = Vec::new();
    for i in 1..x.len() {
        let (a, b) = (f64::from(x[i - 1]), f64::from(x[i]));
        if a < 0.0 && b >= 0.0 {
            crossings.push((i - 1) as f64 + a / (a - b));
        }
    }
    assert!(crossings.len() >= 3, "too few crossings to measure a pitch");
    let span = crossings[crossings.len() - 1] - crossings[0];
    (crossings.len() - 1) as f64 / span * f64::from(SR)
}

/// In-place radix-2 FFT of (re, im) pairs (f64: accurate to ~-300 dB, far below any figure
/// measured here).
pub fn fft(data: &mut [(f64, f64)]) {
    let n = data.len();
    assert!(n.is_power_of_two());
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            data.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let angle = -std::f64::consts::TAU / len as f64;
        let (ws, wc) = angle.sin_cos();
        for start in (0..n).step_by(len) {
            let (mut c, mut s) = (1.0f64, 0.0f64);
            for k in 0..len / 2 {
                let (ar, ai) = data[start + k];
                let (br, bi) = data[start + k + len / 2];
                let (tr, ti) = (br * c - bi * s, br * s + bi * c);
                data[start + k] = (ar + tr, ai + ti);
                data[start + k + len / 2] = (ar - tr, ai - ti);
                let next_c = c * wc - s * ws;
                s = c * ws + s * wc;
                c = next_c;
            }
        }
        len <<= 1;
    }
}

/// Modified Bessel function I0 (series), for the Kaiser window.
fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    for k in 1..200 {
        term *= (x / (2.0 * k as f64)).powi(2);
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// Magnitude spectrum (bins 0..n/2) of `x` (length a power of two) under a Kaiser window
/// with beta 20: sidelobes below -160 dB, main lobe +-7 bins.
pub fn kaiser_spectrum(x: &[f32]) -> Vec<f64> {
    let n = x.len();
    let beta = 20.0;
    let norm = bessel_i0(beta);
    let mut data: Vec<(f64, f64)> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let r = 2.0 * i as f64 / (n - 1) as f64 - 1.0;
            let w = bessel_i0(beta * (1.0 - r * r).max(0.0).sqrt()) / norm;
            (f64::from(v) * w, 0.0)
        })
        .collect();
    fft(&mut data);
    data[..n / 2]
        .iter()
        .map(|&(re, im)| (re * re + im * im).sqrt())
        .collect()
}

/// The spectral centroid of `x` in Hz (energy-weighted mean frequency).
pub fn centroid(x: &[f32]) -> f64 {
    let n = x.len().next_power_of_two();
    let mut data: Vec<(f64, f64)> = (0..n)
        .map(|i| (f64::from(x.get(i).copied().unwrap_or(0.0)), 0.0))
        .collect();
    fft(&mut data);
    let bin = f64::from(SR) / n as f64;
    let (mut weighted, mut total) = (0.0, 0.0);
    for (b, &(re, im)) in data.iter().enumerate().take(n / 2) {
        let e = re * re + im * im;
        weighted += e * b as f64 * bin;
        total += e;
    }
    weighted / total
}
