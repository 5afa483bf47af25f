//! Mixing: `Mixer` (N stereo channels with level, pan, mute and send) and `Pan`.
//!
//! `Pan` is the equal-power (constant-power, -3 dB centre) pan law: `left = cos(theta) * in`,
//! `right = sin(theta) * in`, `theta = (pan + 1) * pi / 4`, so `left^2 + right^2 = in^2`
//! at every position.
//!
//! `Mixer` (shape `channels`): each channel has `left/n` and `right/n` inputs; with `right/n`
//! unconnected the channel is mono and `pan` places it with the equal-power law, otherwise
//! `pan` is a balance (the far side turned down linearly). Per-channel settings are lists,
//! one entry per channel, so a whole mix is one line each: `level: [1, 0.8, 0.5]`, `pan:
//! [0, -0.5, 0.5]`, `mute: [0, 0, 1]`, `send: [0, 0.3, 0]`; missing entries take the
//! defaults (level 1, pan 0, unmuted, no send). `send_left`/`send_right` carry the post-fader
//! send mix for an effect whose output comes back on `return_left`/`return_right`. Gains
//! move over 5 ms, so mutes and level changes never click.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::kit::{float, number, one_pole_coefficient, port};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use std::f32::consts::{FRAC_1_SQRT_2, FRAC_PI_4};

/// Equal-power gains (left, right) for a pan position in -1..1.
#[inline]
pub fn equal_power(pan: f32) -> (f32, f32) {
    let p = pan.clamp(-1.0, 1.0);
    let p = if p.is_nan() { 0.0 } else { p };
    let (s, c) = ((p + 1.0) * FRAC_PI_4).sin_cos();
    (c, s)
}

/// `Pan`'s input indices, in its descriptor's order.
mod pan {
    /// Index of the `in` input.
    pub const IN: usize = 0;
    /// Index of the `pan_cv` input.
    pub const PAN_CV: usize = 1;
}

struct Pan {
    pan: f32,
}

impl Module for Pan {
    fn set_param(&mut self, _index: usize, value: &ParamValue) {
        self.pan = number(value);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let (input, cv) = (io.input(pan::IN), io.input(pan::PAN_CV));
        let [left, right] = io.outputs::<2>();
        for i in 0..input.len() {
            let (gl, gr) = equal_power(self.pan + cv[i]);
            left[i] = input[i] * gl;
            right[i] = input[i] * gr;
        }
    }
}

/// The `Pan` module type.
pub fn pan_type() -> ModuleType {
    ModuleType {
        name: "Pan",
        doc: "Equal-power panner: mono in, stereo out (-3 dB at the centre).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("in", PortKind::Audio, "The signal"),
                port(
                    "pan_cv",
                    PortKind::Cv,
                    "Added to pan (sum clamped to -1..1)",
                ),
            ],
            outputs: vec![
                port("left", PortKind::Audio, "Left"),
                port("right", PortKind::Audio, "Right"),
            ],
            params: vec![float(
                "pan",
                (-1.0, 1.0, 0.0),
                "",
                "-1 left, 0 centre, 1 right",
            )],
        },
        create: |_, _| Box::new(Pan { pan: 0.0 }),
    }
}

/// Index of the `Mixer`'s `level` parameter.
const LEVEL: usize = 0;
/// Index of the `Mixer`'s `pan` parameter.
const PAN: usize = 1;
/// Index of the `Mixer`'s `mute` parameter.
const MUTE: usize = 2;
/// Index of the `Mixer`'s `send` parameter.
const SEND: usize = 3;
/// Index of the `Mixer`'s `master` parameter.
const MASTER: usize = 4;

/// Index of the `Mixer`'s `left/channel` input.
fn left_input(channel: usize) -> usize {
    2 * channel
}

/// Index of the `Mixer`'s `right/channel` input.
fn right_input(channel: usize) -> usize {
    2 * channel + 1
}

/// Index of the `Mixer`'s `return_left` input.
fn return_left_input(channels: usize) -> usize {
    2 * channels
}

/// Index of the `Mixer`'s `return_right` input.
fn return_right_input(channels: usize) -> usize {
    2 * channels + 1
}

/// Time constant of gain changes.
const SMOOTHING_SECONDS: f32 = 0.005;

fn check_number(text: &str, min: f32, max: f32) -> Result<(), String> {
    match text.trim().parse::<f32>() {
        Ok(v) if (min..=max).contains(&v) => Ok(()),
        _ => Err(format!("`{text}` is not a number in {min}..{max}")),
    }
}

fn check_level(text: &str) -> Result<(), String> {
    check_number(text, 0.0, 4.0)
}

fn check_pan(text: &str) -> Result<(), String> {
    check_number(text, -1.0, 1.0)
}

fn check_send(text: &str) -> Result<(), String> {
    check_number(text, 0.0, 1.0)
}

fn check_mute(text: &str) -> Result<(), String> {
    match text.trim() {
        "0" | "1" | "true" | "false" => Ok(()),
        _ => Err(format!(
            "`{text}` is not a mute: expected 0, 1, true or false"
        )),
    }
}

/// One channel's settings.
#[derive(Clone, Copy)]
struct Strip {
    level: f32,
    pan: f32,
    mute: bool,
    send: f32,
}

impl Default for Strip {
    fn default() -> Self {
        Strip {
            level: 1.0,
            pan: 0.0,
            mute: false,
            send: 0.0,
        }
    }
}

struct Mixer {
    strips: Vec<Strip>,
    stereo: Vec<bool>,
    /// Smoothed gains per channel: (left from left, right from right, left from mono,
    /// right from mono, send); targets beside them.
    gains: Vec<[f32; 5]>,
    targets: Vec<[f32; 5]>,
    started: bool,
    master: f32,
    smoothing: f32,
}

impl Mixer {
    fn update_targets(&mut self) {
        for (c, strip) in self.strips.iter().enumerate() {
            let level = if strip.mute {
                0.0
            } else {
                strip.level * self.master
            };
            let (ml, mr) = equal_power(strip.pan);
            let (bl, br) = ((1.0 - strip.pan).min(1.0), (1.0 + strip.pan).min(1.0));
            self.targets[c] = [
                level * bl,
                level * br,
                level * ml,
                level * mr,
                level * strip.send,
            ];
        }
        if !self.started {
            self.gains.copy_from_slice(&self.targets);
        }
    }
}

impl Module for Mixer {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match (index, value) {
            (MASTER, v) => self.master = number(v),
            (_, ParamValue::Array(items)) => {
                for (c, strip) in self.strips.iter_mut().enumerate() {
                    let item = items.get(c).map(|s| s.trim());
                    let parsed = item.and_then(|s| s.parse::<f32>().ok());
                    match index {
                        LEVEL => strip.level = parsed.unwrap_or(1.0),
                        PAN => strip.pan = parsed.unwrap_or(0.0),
                        MUTE => strip.mute = matches!(item, Some("1" | "true")),
                        SEND => strip.send = parsed.unwrap_or(0.0),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        self.update_targets();
    }

    fn set_connectivity(&mut self, inputs: &[bool], _outputs: &[bool]) {
        for (c, stereo) in self.stereo.iter_mut().enumerate() {
            *stereo = inputs.get(right_input(c)) != Some(&false);
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        self.started = true;
        let channels = self.strips.len();
        let (lanes, frames) = (io.lanes(), io.frames());
        let (return_left, return_right) = (
            io.input(return_left_input(channels)),
            io.input(return_right_input(channels)),
        );
        {
            let [left, right, send_left, send_right] = io.outputs::<4>();
            left.copy_from_slice(return_left);
            right.copy_from_slice(return_right);
            send_left.fill(0.0);
            send_right.fill(0.0);
        }
        let k = self.smoothing;
        for c in 0..channels {
            let (in_left, in_right) = (io.input(left_input(c)), io.input(right_input(c)));
            let [left, right, send_left, send_right] = io.outputs::<4>();
            let (gains, target) = (&mut self.gains[c], self.targets[c]);
            let stereo = self.stereo[c];
            for f in 0..frames {
                for (g, t) in gains.iter_mut().zip(target) {
                    *g += (t - *g) * k;
                }
                for l in 0..lanes {
                    let i = f * lanes + l;
                    let (xl, xr) = (in_left[i], in_right[i]);
                    if stereo {
                        left[i] += xl * gains[0];
                        right[i] += xr * gains[1];
                        send_left[i] += xl * gains[4];
                        send_right[i] += xr * gains[4];
                    } else {
                        left[i] += xl * gains[2];
                        right[i] += xl * gains[3];
                        send_left[i] += xl * gains[4] * FRAC_1_SQRT_2;
                        send_right[i] += xl * gains[4] * FRAC_1_SQRT_2;
                    }
                }
            }
        }
    }
}

fn list(
    name: &'static str,
    channels: usize,
    check: fn(&str) -> Result<(), String>,
    doc: &'static str,
) -> ParamDescriptor {
    ParamDescriptor {
        name,
        kind: ParamKind::Array {
            max_len: channels,
            check,
        },
        doc,
    }
}

fn mixer_inputs(channels: usize) -> Vec<PortDescriptor> {
    let mut inputs: Vec<PortDescriptor> = (0..channels)
        .flat_map(|c| {
            [
                PortDescriptor::indexed("left", c, "Channel left (or mono) input"),
                PortDescriptor::indexed("right", c, "Channel right input (unconnected: mono)"),
            ]
        })
        .collect();
    inputs.push(port(
        "return_left",
        PortKind::Audio,
        "Effect return, added to left",
    ));
    inputs.push(port(
        "return_right",
        PortKind::Audio,
        "Effect return, added to right",
    ));
    inputs
}

/// The `Mixer` module type.
pub fn mixer_type() -> ModuleType {
    ModuleType {
        name: "Mixer",
        doc: "Stereo mixer of `channels` channels: level, pan, mute and send lists; effect return.",
        shape_use: ShapeUse {
            channels: true,
            length: false,
        },
        describe: |shape| Layout {
            inputs: mixer_inputs(shape.channels),
            outputs: vec![
                port("left", PortKind::Audio, "Left mix"),
                port("right", PortKind::Audio, "Right mix"),
                port("send_left", PortKind::Audio, "Left send mix (post-fader)"),
                port("send_right", PortKind::Audio, "Right send mix (post-fader)"),
            ],
            params: vec![
                list(
                    "level",
                    shape.channels,
                    check_level,
                    "Channel gains, 0..4 each (default 1)",
                ),
                list(
                    "pan",
                    shape.channels,
                    check_pan,
                    "Channel pans, -1..1 each (default 0)",
                ),
                list(
                    "mute",
                    shape.channels,
                    check_mute,
                    "Channel mutes: 0/1 or false/true",
                ),
                list(
                    "send",
                    shape.channels,
                    check_send,
                    "Channel send levels, 0..1 each (default 0)",
                ),
                float(
                    "master",
                    (0.0, 4.0, 1.0),
                    "",
                    "Gain of the whole mix (not the return)",
                ),
            ],
        },
        create: |shape, sr| {
            let c = shape.channels;
            let mut mixer = Mixer {
                strips: vec![Strip::default(); c],
                stereo: vec![true; c],
                gains: vec![[0.0; 5]; c],
                targets: vec![[0.0; 5]; c],
                started: false,
                master: 1.0,
                smoothing: one_pole_coefficient(SMOOTHING_SECONDS, sr),
            };
            mixer.update_targets();
            Box::new(mixer)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_outputs, assert_params};
    use crate::modules::DEFAULT_CHANNELS;

    #[test]
    fn pan_named_indices_match_the_descriptor() {
        let module = pan_type();
        assert_inputs(&module, &[(pan::IN, "in"), (pan::PAN_CV, "pan_cv")]);
        assert_outputs(&module, &[(0, "left"), (1, "right")]);
    }

    #[test]
    fn mixer_named_indices_match_the_descriptor() {
        let module = mixer_type();
        assert_params(
            &module,
            &[
                (LEVEL, "level"),
                (PAN, "pan"),
                (MUTE, "mute"),
                (SEND, "send"),
                (MASTER, "master"),
            ],
        );
        let channels = DEFAULT_CHANNELS;
        assert_inputs(
            &module,
            &[
                (left_input(0), "left/0"),
                (right_input(0), "right/0"),
                (left_input(1), "left/1"),
                (right_input(1), "right/1"),
                (return_left_input(channels), "return_left"),
                (return_right_input(channels), "return_right"),
            ],
        );
        let outputs = [
            (0, "left"),
            (1, "right"),
            (2, "send_left"),
            (3, "send_right"),
        ];
        assert_outputs(&module, &outputs);
    }
}
