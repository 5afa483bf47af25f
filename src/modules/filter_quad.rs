//! The mono `ResonantLowpass` in block form: four samples at a time from the state at the
//! group's start, so that the recurrence's latency is paid once per four samples.
//!
//! The state-space filter `s' = A s + B x`, `y = C s + D x` (see `filter.rs`) unrolled four
//! times gives `y_j = C A^j s + Σ_{i≤j} h_{j-i} x_i` (with `h_0 = D`, `h_k = C A^(k-1) B`) and
//! `s_4 = A^4 s + Σ_i A^(3-i) B x_i`. The four outputs are one vector expression and the
//! state's dependency chain is one multiply and two adds per group, not per sample.
//!
//! Groups start at multiples of [`GROUP`] counted from the start of the stream. A call that
//! ends inside a group keeps the group's inputs so far and computes its outputs from them;
//! the state moves on only when the group is complete. Every output is therefore computed by
//! the same arithmetic whatever the block size: renders stay bit-identical at every block
//! size. (An input not yet seen enters an output only as `0 · x`; the final `+ 0.0` makes
//! the sign of an exactly zero output independent of it.)

/// Samples per group; groups start at multiples of it in the stream.
pub const GROUP: usize = 4;

/// Coefficients of the four-sample form and the current group's inputs.
#[derive(Default)]
pub struct Quad {
    /// Column `k` of `C A^j` for `j` in the group: how state `k` reaches each output.
    from_state: [[f32; GROUP]; 2],
    /// Column `i`: how input `i` reaches each output (`h_{j-i}`, 0 before `i`).
    from_input: [[f32; GROUP]; GROUP],
    /// Column `k` of `A^4`: how state `k` reaches the next group's state.
    advance: [[f32; 2]; 2],
    /// Column `i` of `A^(3-i) B`: how input `i` reaches the next group's state.
    feed: [[f32; 2]; GROUP],
    /// The inputs of the current group seen so far.
    inputs: [f32; GROUP],
}

/// A 2x2 matrix, row-major, in f64 while the coefficients are derived.
type Matrix = [[f64; 2]; 2];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    let cell = |r: usize, c: usize| a[r][0] * b[0][c] + a[r][1] * b[1][c];
    [[cell(0, 0), cell(0, 1)], [cell(1, 0), cell(1, 1)]]
}

fn apply(a: &Matrix, v: [f64; 2]) -> [f64; 2] {
    [
        a[0][0] * v[0] + a[0][1] * v[1],
        a[1][0] * v[0] + a[1][1] * v[1],
    ]
}

impl Quad {
    /// Derives the four-sample coefficients from the one-sample ones (`filter.rs`'s `c1`,
    /// `c2`, `b`, `d`): `A = [[c1, -b], [b, c2]]`, `B = [b, d]`, `C = [b/2, (1 + c2)/2]`,
    /// `D = d/2`. Powers are taken in f64, then rounded once.
    pub fn tune(&mut self, c1: f32, c2: f32, b: f32, d: f32) {
        let (c1, c2, b, d) = (f64::from(c1), f64::from(c2), f64::from(b), f64::from(d));
        let a = [[c1, -b], [b, c2]];
        let c = [0.5 * b, 0.5 * (1.0 + c2)];
        // C A^j for j = 0..GROUP, and A^GROUP.
        let mut power: Matrix = [[1.0, 0.0], [0.0, 1.0]];
        let mut rows = [[0.0; 2]; GROUP];
        for row in &mut rows {
            *row = [
                c[0] * power[0][0] + c[1] * power[1][0],
                c[0] * power[0][1] + c[1] * power[1][1],
            ];
            power = multiply(&power, &a);
        }
        let mut impulse = [0.5 * d; GROUP];
        for k in 1..GROUP {
            impulse[k] = rows[k - 1][0] * b + rows[k - 1][1] * d;
        }
        for j in 0..GROUP {
            self.from_state[0][j] = rows[j][0] as f32;
            self.from_state[1][j] = rows[j][1] as f32;
            for i in 0..GROUP {
                self.from_input[i][j] = if j >= i { impulse[j - i] as f32 } else { 0.0 };
            }
        }
        self.advance = [
            [power[0][0] as f32, power[1][0] as f32],
            [power[0][1] as f32, power[1][1] as f32],
        ];
        let mut fed = [b, d];
        for i in (0..GROUP).rev() {
            self.feed[i] = [fed[0] as f32, fed[1] as f32];
            fed = apply(&a, fed);
        }
    }

    /// The group's four outputs from its start state `(z1, z2)` and `inputs`.
    #[inline(always)]
    fn outputs(&self, (z1, z2): (f32, f32), inputs: &[f32; GROUP]) -> [f32; GROUP] {
        let mut y = [0.0; GROUP];
        for (j, y) in y.iter_mut().enumerate() {
            let mut sum = self.from_input[0][j] * inputs[0];
            for (column, &x) in self.from_input[1..].iter().zip(&inputs[1..]) {
                sum += column[j] * x;
            }
            let from_state = self.from_state[0][j] * z1 + self.from_state[1][j] * z2;
            *y = sum + from_state + 0.0;
        }
        y
    }

    /// The state at the next group's start.
    #[inline(always)]
    fn next_state(&self, (z1, z2): (f32, f32), inputs: &[f32; GROUP]) -> (f32, f32) {
        let fed = |k: usize| {
            let mut fed = self.feed[0][k] * inputs[0];
            for (column, &x) in self.feed[1..].iter().zip(&inputs[1..]) {
                fed += column[k] * x;
            }
            fed
        };
        let (fed1, fed2) = (fed(0), fed(1));
        (
            fed1 + (self.advance[0][0] * z1 + self.advance[1][0] * z2),
            fed2 + (self.advance[0][1] * z1 + self.advance[1][1] * z2),
        )
    }

    /// Filters `input` into `out` starting at stream position `position`, moving `state`
    /// (the current group's start state) on at every completed group. At every position
    /// that is a multiple of `SNAP_EVERY` (a multiple of `GROUP`), a state below `silence`
    /// in magnitude is first set to exactly 0: the filter's flush to silence, at fixed
    /// positions of the stream (setting it again where the caller already did changes
    /// nothing).
    pub fn run<const SNAP_EVERY: u64>(
        &mut self,
        state: &mut [f32; 2],
        input: &[f32],
        out: &mut [f32],
        position: u64,
        silence: f32,
    ) {
        const { assert!(SNAP_EVERY.is_multiple_of(GROUP as u64)) };
        let snap = |z: (f32, f32), at: u64| {
            let zero_below = |s: f32| if s.abs() < silence { 0.0 } else { s };
            if at.is_multiple_of(SNAP_EVERY) {
                (zero_below(z.0), zero_below(z.1))
            } else {
                z
            }
        };
        let mut z = (state[0], state[1]);
        let mut done = 0;
        let mut at = (position % GROUP as u64) as usize;
        while done < input.len() {
            if at == 0 && input.len() - done >= GROUP {
                let full = input.len() - done - (input.len() - done) % GROUP;
                let groups = input[done..done + full].chunks_exact(GROUP);
                let mut start = position + done as u64;
                for (xs, ys) in groups.zip(out[done..done + full].chunks_exact_mut(GROUP)) {
                    let xs: &[f32; GROUP] = xs.try_into().expect("chunks of GROUP");
                    z = snap(z, start);
                    ys.copy_from_slice(&self.outputs(z, xs));
                    z = self.next_state(z, xs);
                    start += GROUP as u64;
                }
                done += full;
                continue;
            }
            if at == 0 {
                z = snap(z, position + done as u64);
            }
            let n = (GROUP - at).min(input.len() - done);
            self.inputs[at..at + n].copy_from_slice(&input[done..done + n]);
            let ys = self.outputs(z, &self.inputs);
            out[done..done + n].copy_from_slice(&ys[at..at + n]);
            if at + n == GROUP {
                z = self.next_state(z, &self.inputs);
            }
            done += n;
            at = (at + n) % GROUP;
        }
        *state = [z.0, z.1];
    }

    /// Takes over `old`'s inputs of the current group (a reshape lands inside a group).
    pub fn keep_inputs(&mut self, old: &Quad) {
        self.inputs = old.inputs;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sample of the one-sample form (`filter.rs`'s recurrence), in f64.
    fn reference(c: (f64, f64, f64, f64), state: &mut [f64; 2], x: f64) -> f64 {
        let (c1, c2, b, d) = c;
        let (z1, z2) = (state[0], state[1]);
        let n1 = c1 * z1 + b * (x - z2);
        let n2 = c2 * z2 + b * z1 + d * x;
        *state = [n1, n2];
        0.5 * (z2 + n2)
    }

    #[test]
    fn the_block_form_follows_the_one_sample_recurrence() {
        // A 1 kHz lowpass at Q 5 at 48 kHz, its one-sample coefficients from filter.rs.
        let (g, k) = ((std::f64::consts::PI * 1000.0 / 48000.0).tan(), 0.2);
        let a1 = 1.0 / (1.0 + g * (g + k));
        let (a2, a3) = (g * a1, g * g * a1);
        let c = (2.0 * a1 - 1.0, 1.0 - 2.0 * a3, 2.0 * a2, 2.0 * a3);
        let mut quad = Quad::default();
        quad.tune(c.0 as f32, c.1 as f32, c.2 as f32, c.3 as f32);
        let input: Vec<f32> = (0..4000)
            .map(|n| ((n * 7919) % 200) as f32 / 100.0 - 1.0)
            .collect();
        let mut out = vec![0.0; input.len()];
        let mut state = [0.0; 2];
        quad.run::<16>(&mut state, &input, &mut out, 0, 0.0);
        let mut exact = [0.0; 2];
        for (&x, &y) in input.iter().zip(&out) {
            let want = reference(c, &mut exact, f64::from(x));
            assert!((f64::from(y) - want).abs() < 1e-4, "{y} against {want}");
        }
    }

    #[test]
    fn any_split_into_calls_gives_the_same_bits() {
        let mut whole = Quad::default();
        whole.tune(0.9, 0.95, 0.1, 0.05);
        // A burst, then silence long enough for the state to fall below the threshold and
        // snap to zero.
        let input: Vec<f32> = (0..301)
            .map(|n| {
                if n < 40 {
                    ((n * 31) % 17) as f32 - 8.0
                } else {
                    0.0
                }
            })
            .collect();
        let mut expected = vec![0.0; input.len()];
        let mut state = [0.0; 2];
        whole.run::<16>(&mut state, &input, &mut expected, 0, SILENCE);
        assert_eq!(expected.last(), Some(&0.0), "the state snapped to zero");
        for block in [1, 2, 3, 5, 37] {
            let mut split = Quad::default();
            split.tune(0.9, 0.95, 0.1, 0.05);
            let mut out = vec![0.0; input.len()];
            let mut state = [0.0; 2];
            for start in (0..input.len()).step_by(block) {
                let end = (start + block).min(input.len());
                split.run::<16>(
                    &mut state,
                    &input[start..end],
                    &mut out[start..end],
                    start as u64,
                    SILENCE,
                );
            }
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&out), bits(&expected), "block {block}");
        }
    }

    /// A threshold the test's decay crosses within its length.
    const SILENCE: f32 = 1e-3;

    #[test]
    fn the_state_snaps_to_zero_only_at_multiples_of_snap_every() {
        let mut quad = Quad::default();
        quad.tune(0.9, 0.95, 0.1, 0.05);
        let input: Vec<f32> = (0..400).map(|n| if n == 0 { 1.0 } else { 0.0 }).collect();
        let mut first_silent = |silence: f32| {
            let mut out = vec![0.0; input.len()];
            quad.run::<16>(&mut [0.0; 2], &input, &mut out, 0, silence);
            let last_sound = out.iter().rposition(|&y| y != 0.0).expect("it rings");
            last_sound + 1
        };
        let snapped = first_silent(SILENCE);
        assert!(snapped < input.len(), "the ringing stops within the render");
        assert_eq!(
            snapped % 16,
            0,
            "silence starts at a multiple of 16: {snapped}"
        );
        assert_eq!(first_silent(0.0), input.len(), "no threshold, no snap");
    }
}
