//! The band-limited oscillator kernel: mipmapped wavetables for saw, pulse and triangle.
//!
//! Design: additive wavetables (one table per harmonic budget), read with linear
//! interpolation, the usual mipmapped-wavetable scheme (as in fundsp's and many hardware
//! wavetable oscillators). A table of [`TABLE_SIZE`] points holds the first `K` harmonics of
//! the wave exactly; there is a table for every budget `K` in 1, 1.5, 2, 3, 4, 6, 8, 12, ...
//! (two per octave), up to [`MAX_HARMONICS`]. For a phase increment `dt` (frequency /
//! sample rate) the kernel picks the richest table whose highest harmonic stays below
//! `sample_rate - 20 kHz`: anything above Nyquist then folds back above 20 kHz, outside the
//! audible band, and the top harmonic kept is never lower than 2/3 of that limit (at 48 kHz
//! the wave stays full up to ~18.7 kHz). The table is picked from the float exponent bits of
//! the harmonic budget (no logarithm per sample). Linear interpolation over 4096 points
//! leaves its images `k / 4096^2` below harmonic `k`: about -120 dB at 2 kHz.
//!
//! A pulse of duty `d` is the difference of two saws half a duty apart
//! (`pulse(p) = saw(p - d) - saw(p) + 2d - 1`), so it is exactly as clean as the saw and its
//! width can move at audio rate. Sine needs no table.
//!
//! Per-lane use: keep a phase in [0, 1) and an increment per lane, and call [`Kernel::saw`],
//! [`Kernel::pulse`] or [`Kernel::triangle`] per sample; the kernel itself is shared,
//! read-only and `Copy`. The conventions are the seed oscillators': the saw rises from -1 to
//! 1 over the cycle and the pulse is +1 while `phase < duty`. The seed `SawtoothOscillator`
//! and `SquareOscillator` hold a `Kernel::new(sample_rate)` made in `create` and feed it
//! their fixed-point phase and increment.

use std::sync::OnceLock;

/// Points per table (a power of two).
pub const TABLE_SIZE: usize = 4096;
/// The largest harmonic budget (the table used for the lowest notes).
pub const MAX_HARMONICS: usize = 1536;
/// Number of mipmap levels: budgets 1, 1.5, 2, 3, ... 1024, 1536.
const LEVELS: usize = 22;
/// Lowest frequency an alias may fold down to, in Hz (the top of the audible band).
const AUDIBLE_TOP_HZ: f32 = 20000.0;

/// One wavetable: `TABLE_SIZE` points and a guard point equal to the first, so that the
/// read at the last point interpolates towards the first without wrapping its index.
/// Single values rather than (value, step) pairs: the tables a block reads are part of the
/// live working set, and half the bytes stay in cache between audio callbacks.
pub type Table = [f32; TABLE_SIZE + 1];

/// Points stored per level: the table and its guard point.
const STRIDE: usize = TABLE_SIZE + 1;

/// The tables of one waveform: `LEVELS` tables.
struct Mipmap {
    levels: Vec<f32>,
}

impl Mipmap {
    /// Builds every level by adding harmonics `k` with amplitude `amplitude(k)` (a sine
    /// series), reusing the previous level's sum.
    fn build(amplitude: fn(usize) -> f64) -> Self {
        let sines: Vec<f64> = (0..TABLE_SIZE)
            .map(|i| (std::f64::consts::TAU * i as f64 / TABLE_SIZE as f64).sin())
            .collect();
        let mut sum = vec![0.0f64; TABLE_SIZE];
        let mut levels = Vec::with_capacity(LEVELS * STRIDE);
        let mut done = 0;
        for level in 0..LEVELS {
            let budget = level_budget(level);
            for k in done + 1..=budget {
                let a = amplitude(k);
                if a != 0.0 {
                    for (i, s) in sum.iter_mut().enumerate() {
                        *s += a * sines[(i * k) % TABLE_SIZE];
                    }
                }
            }
            done = budget;
            levels.extend(sum.iter().chain(&sum[..1]).map(|&s| s as f32));
        }
        Mipmap { levels }
    }

    /// The table of `level`.
    #[inline]
    fn table(&self, level: usize) -> &Table {
        let start = level * STRIDE;
        self.levels[start..start + STRIDE]
            .try_into()
            .expect("a level holds STRIDE points")
    }
}

/// Harmonics in level `level`: `2^(level/2)`, times 1.5 for odd levels, rounded down.
fn level_budget(level: usize) -> usize {
    let base = 1usize << (level / 2);
    if level % 2 == 1 {
        base * 3 / 2
    } else {
        base
    }
}

/// Rising saw `2p - 1`: `-(2/pi) * sum sin(2 pi k p) / k`.
fn saw_amplitude(k: usize) -> f64 {
    -2.0 / (std::f64::consts::PI * k as f64)
}

/// Triangle starting at 0 rising (peak +1 at p = 1/4): odd harmonics, alternating sign.
fn triangle_amplitude(k: usize) -> f64 {
    if k.is_multiple_of(2) {
        0.0
    } else {
        let sign = if (k / 2).is_multiple_of(2) { 1.0 } else { -1.0 };
        sign * 8.0 / (std::f64::consts::PI * std::f64::consts::PI * (k * k) as f64)
    }
}

struct Tables {
    saw: Mipmap,
    triangle: Mipmap,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        saw: Mipmap::build(saw_amplitude),
        triangle: Mipmap::build(triangle_amplitude),
    })
}

/// The band-limited oscillator kernel for one sample rate. Create it on the control thread
/// (the first creation builds the shared tables, ~0.7 MB); reading it never allocates.
#[derive(Clone, Copy)]
pub struct Kernel {
    tables: &'static Tables,
    /// Highest harmonic frequency allowed, as a fraction of the sample rate.
    limit: f32,
}

impl Kernel {
    /// The kernel for `sample_rate` Hz.
    pub fn new(sample_rate: f32) -> Self {
        Kernel {
            tables: tables(),
            limit: ((sample_rate - AUDIBLE_TOP_HZ) / sample_rate).max(0.5),
        }
    }

    /// The mipmap level for a phase increment (cycles per sample, sign ignored).
    #[inline]
    pub fn level(&self, dt: f32) -> usize {
        let budget = self.limit / dt.abs().max(1e-9);
        if budget < 1.0 {
            return 0;
        }
        // Exponent and top mantissa bit: 2 * floor(log2 budget) + (mantissa >= 1.5).
        let index = (budget.to_bits() >> 22) as usize - (127 << 1);
        index.min(LEVELS - 1)
    }

    /// The saw table for increment `dt`, to look up once per pitch and read with
    /// [`read_fixed`] per sample.
    #[inline]
    pub fn saw_table(&self, dt: f32) -> &'static Table {
        let tables: &'static Tables = self.tables;
        tables.saw.table(self.level(dt))
    }

    /// Band-limited rising saw in about [-1, 1] at phase `phase` in [0, 1) for increment
    /// `dt`.
    #[inline]
    pub fn saw(&self, phase: f32, dt: f32) -> f32 {
        read(self.tables.saw.table(self.level(dt)), phase)
    }

    /// Band-limited pulse: +1 while `phase < duty`, else -1; `duty` in (0, 1).
    #[inline]
    pub fn pulse(&self, phase: f32, dt: f32, duty: f32) -> f32 {
        let table = self.tables.saw.table(self.level(dt));
        let shifted = phase - duty;
        let shifted = if shifted < 0.0 {
            shifted + 1.0
        } else {
            shifted
        };
        read(table, shifted) - read(table, phase) + 2.0 * duty - 1.0
    }

    /// Band-limited triangle in [-1, 1]: 0 at phase 0, +1 at 1/4, -1 at 3/4.
    #[inline]
    pub fn triangle(&self, phase: f32, dt: f32) -> f32 {
        read(self.tables.triangle.table(self.level(dt)), phase)
    }
}

/// Linear interpolation in `table` at `phase` in [0, 1).
#[inline]
fn read(table: &Table, phase: f32) -> f32 {
    let position = phase * TABLE_SIZE as f32;
    let index = (position as usize).min(TABLE_SIZE - 1);
    let fraction = position - index as f32;
    let value = table[index];
    value + (table[index + 1] - value) * fraction
}

/// Linear interpolation in `table` at a 32-bit fixed-point phase (a fraction of a cycle):
/// the same value as reading at the phase's top 24 bits as a float, with no conversion of
/// the phase and no bounds check (the index is below `TABLE_SIZE` by construction).
#[inline(always)]
pub fn read_fixed(table: &Table, phase: u32) -> f32 {
    const INDEX_SHIFT: u32 = 32 - TABLE_SIZE.trailing_zeros();
    // The 24-bit phase's fraction bits below the index, in place: `bits / 2^INDEX_SHIFT`
    // is exactly the fraction of 24-bit phase steps (a multiple of 2^-(24 - index bits)).
    const FRACTION_MASK: u32 = ((1 << INDEX_SHIFT) - 1) & !0xff;
    let index = (phase >> INDEX_SHIFT) as usize;
    let fraction = (phase & FRACTION_MASK) as i32 as f32 * (1.0 / (1u32 << INDEX_SHIFT) as f32);
    let value = table[index];
    value + (table[index + 1] - value) * fraction
}

/// Advances a phase in [0, 1) by `dt` (any sign, |dt| < 1) and wraps it back into [0, 1).
#[inline]
pub fn advance(phase: f32, dt: f32) -> f32 {
    let next = phase + dt;
    if next >= 1.0 {
        next - 1.0
    } else if next < 0.0 {
        next + 1.0
    } else {
        next
    }
}
