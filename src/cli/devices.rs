//! `patches-tui devices`

use super::play::say::{say, warn};
use patches_tui::engine::cpal_backend::{list_devices, DeviceDescription};
use std::process::ExitCode;

/// Prints the output devices, the default marked with `*`; exit 1 when the host fails.
pub fn run() -> ExitCode {
    match list_devices() {
        Ok(devices) if devices.is_empty() => {
            say("no output devices found");
            ExitCode::SUCCESS
        }
        Ok(devices) => {
            for device in &devices {
                say(line(device));
            }
            say("(* default; pick one with `--device NAME`, a name or a part of one)");
            ExitCode::SUCCESS
        }
        Err(message) => {
            warn(message);
            ExitCode::FAILURE
        }
    }
}

/// `* default  (Default Audio Device)`, then an indented line `48000 Hz, 2 ch, f32 i16 u16`
/// when the device could be queried, or `unavailable: REASON` when it could not.
fn line(device: &DeviceDescription) -> String {
    let mark = if device.is_default { '*' } else { ' ' };
    let mut text = format!("{mark} {}", device.id);
    if device.name != device.id {
        text.push_str(&format!("  ({})", device.name));
    }
    if let (Some(rate), Some(channels)) = (device.sample_rate, device.channels) {
        text.push_str(&format!("\n    {rate} Hz, {channels} ch"));
        if !device.formats.is_empty() {
            text.push_str(&format!(", {}", device.formats.join(" ")));
        }
    }
    if let Some(problem) = &device.problem {
        text.push_str(&format!("\n    unavailable: {problem}"));
    }
    text
}
