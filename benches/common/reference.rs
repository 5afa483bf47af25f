//! The 64-voice patch of [`super::voices`] built in fundsp, for `--features compare`.
//!
//! Per voice: `saw_hz` at the voice's pitch -> `lowpass_hz` (fundsp's fixed Simper
//! state-variable lowpass, the same kind as `ResonantLowpass`) at the voice's cutoff and the Q
//! our `resonance` maps to, multiplied by `adsr_live` with the same times. One gate source
//! feeds every envelope; the 64 voices are summed by a `busi`, scaled by 1/64 and split to
//! two channels. Processed in blocks of 64 frames with the block API (`process`).
//!
//! Differences worth knowing (neither is corrected for): both saws are band-limited
//! wavetables (ours with a finer mipmap), and `adsr_live` evaluates the envelope every
//! 1.5–2.5 ms and interpolates linearly between (ours steps every sample). Our engine also
//! runs the output guard (NaN/Inf -> 0, clamp) on every frame; fundsp has none.

use super::voices::{self, ATTACK, BPM, DECAY, RELEASE, RESONANCE, SUSTAIN, VOICES};
use fundsp::prelude32::{
    adsr_live, busi, lowpass_hz, saw_hz, split, An, AudioNode, AudioUnit, BufferArray, Frame, U0,
    U1, U2, U64,
};
use patches_tui::modules::notes::voct_to_hz;
use std::f64::consts::FRAC_1_SQRT_2;

/// Frames per `process` call.
const BLOCK: usize = 64;

/// The gate the envelopes see in our patch: high for one quaver, low for the next.
///
/// It starts low (and so runs half a beat behind ours) because `adsr_live` only arms after it
/// has seen the gate low once.
#[derive(Clone)]
struct Gate {
    position: u64,
    period: u64,
}

impl AudioNode for Gate {
    const ID: u64 = 0x5041_5443_4845_5331;
    type Inputs = U0;
    type Outputs = U1;

    fn tick(&mut self, _input: &Frame<f32, U0>) -> Frame<f32, U1> {
        let high = self.position % self.period >= self.period / 2;
        self.position += 1;
        [if high { 1.0 } else { -1.0 }].into()
    }
}

/// One voice: its gate in, its audio out.
fn voice(i: usize, sample_rate: f32) -> An<impl AudioNode<Inputs = U1, Outputs = U1>> {
    let frequency = voct_to_hz(voices::base_voct(i) as f32);
    // Our `ResonantLowpass` maps resonance r to Q = 0.707 * (10 / 0.707)^r.
    let q = (FRAC_1_SQRT_2 * (10.0 / FRAC_1_SQRT_2).powf(RESONANCE)) as f32;
    let cutoff = (voices::cutoff(i) as f32).min(0.45 * sample_rate);
    (saw_hz(frequency) >> lowpass_hz(cutoff, q))
        * adsr_live(ATTACK as f32, DECAY as f32, SUSTAIN as f32, RELEASE as f32)
}

/// The 64-voice patch in fundsp, rendering into owned stereo buffers.
pub struct FundspVoices {
    graph: Box<dyn AudioUnit>,
    input: BufferArray<U0>,
    output: BufferArray<U2>,
    /// Left channel of the last render.
    pub left: Vec<f32>,
    /// Right channel of the last render.
    pub right: Vec<f32>,
}

impl FundspVoices {
    /// The patch at `sample_rate` Hz, with room for renders of `frames` frames.
    pub fn new(sample_rate: f32, frames: usize) -> Self {
        let beat = (f64::from(sample_rate) * 60.0 / BPM) as u64;
        let gate = An(Gate {
            position: 0,
            period: beat,
        });
        let mix = gate >> busi::<U64, _, _>(|i| voice(i as usize, sample_rate));
        let mut graph = (mix * (1.0 / VOICES as f32)) >> split::<U2>();
        graph.set_sample_rate(f64::from(sample_rate));
        graph.allocate();
        FundspVoices {
            graph: Box::new(graph),
            input: BufferArray::new(),
            output: BufferArray::new(),
            left: Vec::with_capacity(frames),
            right: Vec::with_capacity(frames),
        }
    }

    /// Replaces `left` and `right` with the next `frames` frames.
    pub fn render_frames(&mut self, frames: usize) {
        self.left.clear();
        self.right.clear();
        let mut done = 0;
        while done < frames {
            let n = BLOCK.min(frames - done);
            self.graph
                .process(n, &self.input.buffer_ref(), &mut self.output.buffer_mut());
            self.left
                .extend_from_slice(&self.output.channel_f32(0)[..n]);
            self.right
                .extend_from_slice(&self.output.channel_f32(1)[..n]);
            done += n;
        }
    }
}
