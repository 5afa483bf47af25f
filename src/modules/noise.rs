//! `Noise`: white and pink noise.
//!
//! White is uniform in [-1, 1) from a xorshift generator (one seed per lane, so lanes are
//! uncorrelated). Pink is Paul Kellet's refined filter (seven first-order sections, within
//! 0.05 dB of -3 dB/octave above 10 Hz at 44.1 kHz), scaled to about the white level.

use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{port, Rng};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// Brings Kellet's pink (gain ~ 10 at low frequencies) to about unit peak.
const PINK_GAIN: f32 = 0.11;

struct Noise {
    rng: Vec<Rng>,
    /// Kellet's filter states, seven per lane.
    b: Vec<[f32; 7]>,
}

impl Module for Noise {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.rng, &old.rng);
        keep_lanes(&mut self.b, &old.b);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let [white, pink] = io.outputs::<2>();
        for (i, (w, p)) in white.iter_mut().zip(pink.iter_mut()).enumerate() {
            let lane = i % lanes;
            let x = self.rng[lane].bipolar();
            let b = &mut self.b[lane];
            b[0] = 0.99886 * b[0] + x * 0.055_517_9;
            b[1] = 0.99332 * b[1] + x * 0.075_075_9;
            b[2] = 0.96900 * b[2] + x * 0.153_852;
            b[3] = 0.86650 * b[3] + x * 0.310_485_6;
            b[4] = 0.55000 * b[4] + x * 0.532_952_2;
            b[5] = -0.7616 * b[5] - x * 0.016_898;
            let sum = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + x * 0.5362;
            b[6] = x * 0.115_926;
            *w = x;
            *p = sum * PINK_GAIN;
        }
    }
}

/// The `Noise` module type.
pub fn noise_type() -> ModuleType {
    ModuleType {
        name: "Noise",
        doc: "White and pink (-3 dB/octave) noise; every lane is an independent source.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![
                port("white", PortKind::Audio, "White noise, uniform in [-1, 1)"),
                port(
                    "pink",
                    PortKind::Audio,
                    "Pink noise (-3 dB/octave), about [-1, 1]",
                ),
            ],
            params: vec![],
        },
        create: |shape, _| {
            Box::new(Noise {
                rng: (0..shape.voices).map(|l| Rng::new(l as u32 + 1)).collect(),
                b: vec![[0.0; 7]; shape.voices],
            })
        },
    }
}
