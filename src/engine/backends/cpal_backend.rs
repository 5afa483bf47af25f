//! The cpal backend, the only file that knows cpal: opens an output device, chooses a stream
//! configuration, runs the audio callback in cpal's stream, and lists the output devices.

use super::callback::AudioCallback;
use super::output::{new_engine, LiveOutput, OutputInfo, OutputOptions, OutputStream};
use super::stream_errors::{StreamErrorKind, StreamErrors};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{
    BufferSize, Device, ErrorKind, FromSample, Host, SampleFormat, SizedSample, StreamConfig,
    SupportedBufferSize, SupportedStreamConfigRange,
};
use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The sample formats the backend writes, most preferred first.
const FORMATS: [SampleFormat; 3] = [SampleFormat::F32, SampleFormat::I16, SampleFormat::U16];

/// How long a stopping stream is given to hand its callback back.
const HANDBACK_WAIT: Duration = Duration::from_millis(250);

/// A running cpal stream; dropping it stops the sound.
///
/// Teardown happens off the audio thread: the drop asks the data callback to hand its
/// `AudioCallback` (runtime, modules, pools) back over a ring, then closes the stream and
/// frees them on the dropping thread. Only a stream that no longer calls back (a dead
/// device) is closed with the callback still inside.
pub struct DeviceOutput {
    stream: Option<cpal::Stream>,
    stop: Arc<AtomicBool>,
    handback: Consumer<Box<AudioCallback>>,
}

impl Drop for DeviceOutput {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        let deadline = Instant::now() + HANDBACK_WAIT;
        let callback = loop {
            if let Ok(callback) = self.handback.pop() {
                break Some(callback);
            }
            if Instant::now() > deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        drop(self.stream.take());
        drop(callback);
    }
}

/// A sample type the backend writes to a device: `f32`, `i16` or `u16`.
pub trait DeviceSample: SizedSample + FromSample<f32> {}

impl DeviceSample for f32 {}
impl DeviceSample for i16 {}
impl DeviceSample for u16 {}

/// Fills an interleaved device buffer of `channels` channels exactly as the stream does:
/// cpal's sample conversion from f32 and the format's silence on the spare channels.
pub fn fill_device_buffer<T: DeviceSample>(
    callback: &mut AudioCallback,
    out: &mut [T],
    channels: usize,
) {
    callback.fill_interleaved(out, channels, T::EQUILIBRIUM, T::from_sample::<f32>);
}

/// An output device as `patches-tui devices` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceDescription {
    /// What `--device` matches first (for ALSA the PCM name, such as `default` or `hw:CARD=0`).
    pub id: String,
    /// The human-readable name.
    pub name: String,
    /// Whether this is the host's default output device.
    pub is_default: bool,
    /// Default sample rate in Hz, when the device could be queried.
    pub sample_rate: Option<u32>,
    /// Default channel count, when the device could be queried.
    pub channels: Option<u16>,
    /// Every sample format the device takes (`f32`, `i16`, ...), best first.
    pub formats: Vec<String>,
    /// Why the device could not be queried, if it could not.
    pub problem: Option<String>,
}

/// Lists the output devices of the default host, the default device first.
pub fn list_devices() -> Result<Vec<DeviceDescription>, String> {
    crate::alsa_log::install();
    let host = cpal::default_host();
    let default_id = host.default_output_device().map(|d| device_id(&d));
    let mut listed: Vec<DeviceDescription> = output_devices(&host)?
        .iter()
        .map(|device| describe(device, default_id.as_deref()))
        .collect();
    listed.sort_by_key(|d| !d.is_default);
    Ok(listed)
}

/// The host's output devices, with its default device even when the host does not list it.
fn output_devices(host: &Host) -> Result<Vec<Device>, String> {
    let mut devices: Vec<Device> = host
        .output_devices()
        .map_err(|e| format!("cannot list {} devices: {e}", host.id().name()))?
        .collect();
    if let Some(default) = host.default_output_device() {
        let id = device_id(&default);
        if !devices.iter().any(|d| device_id(d) == id) {
            devices.push(default);
        }
    }
    Ok(devices)
}

fn describe(device: &Device, default_id: Option<&str>) -> DeviceDescription {
    let id = device_id(device);
    let is_default = default_id == Some(id.as_str());
    let mut description = DeviceDescription {
        name: device_name(device),
        id,
        is_default,
        sample_rate: None,
        channels: None,
        formats: Vec::new(),
        problem: None,
    };
    match device.default_output_config() {
        Ok(config) => {
            description.sample_rate = Some(config.sample_rate());
            description.channels = Some(config.channels());
        }
        Err(e) => description.problem = Some(e.to_string()),
    }
    match device.supported_output_configs() {
        Ok(ranges) => {
            let mut formats: Vec<SampleFormat> = Vec::new();
            for format in ranges.map(|r| r.sample_format()) {
                if !formats.contains(&format) {
                    formats.push(format);
                }
            }
            formats.sort_by_key(|&f| std::cmp::Reverse(format_rank(f)));
            description.formats = formats.iter().map(ToString::to_string).collect();
        }
        Err(e) => description.problem = Some(e.to_string()),
    }
    description
}

/// Opens the device `options` name (or the default), builds an engine at its sample rate
/// and starts the stream.
pub fn start(options: &OutputOptions) -> Result<LiveOutput, String> {
    crate::alsa_log::install();
    let host = cpal::default_host();
    let device = find_device(&host, options.device.as_deref())?;
    let label = device_label(&device);
    let (config, format) = choose_config(&device, &label, options)?;
    let (engine, callback) = new_engine(config.sample_rate, options);
    let load = callback.load();
    let mute = callback.mute_switch();
    let errors = Arc::new(StreamErrors::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (giveback, handback) = RingBuffer::new(1);
    let held = Held {
        callback: Some(Box::new(callback)),
        stop: stop.clone(),
        giveback,
    };
    let stream = match format {
        SampleFormat::I16 => build_stream::<i16>(&device, config, held, errors.clone()),
        SampleFormat::U16 => build_stream::<u16>(&device, config, held, errors.clone()),
        _ => build_stream::<f32>(&device, config, held, errors.clone()),
    }
    .map_err(|e| format!("cannot open {label}: {e}"))?;
    stream
        .play()
        .map_err(|e| format!("cannot start {label}: {e}"))?;
    let buffer_size = match config.buffer_size {
        BufferSize::Fixed(frames) => Some(frames),
        BufferSize::Default => stream.buffer_size().ok(),
    };
    Ok(LiveOutput {
        engine,
        info: OutputInfo {
            backend: format!("cpal ({})", host.id().name()),
            device: label,
            sample_rate: config.sample_rate,
            buffer_size,
            channels: config.channels,
            format: format.to_string(),
        },
        load,
        mute,
        errors,
        warning: None,
        stream: OutputStream::Device(DeviceOutput {
            stream: Some(stream),
            stop,
            handback,
        }),
    })
}

/// What the data callback owns: the audio callback until it is handed back on stop.
struct Held {
    callback: Option<Box<AudioCallback>>,
    stop: Arc<AtomicBool>,
    giveback: Producer<Box<AudioCallback>>,
}

impl Held {
    /// Renders into `out`, to be played `latency` after now, or, once stopping, hands the
    /// callback back and plays silence.
    fn fill<T: DeviceSample>(&mut self, out: &mut [T], channels: usize, latency: Duration) {
        if self.stop.load(Ordering::Acquire) {
            if let Some(callback) = self.callback.take() {
                // Cannot fail: the ring holds one and only this side pushes, once.
                let _ = self.giveback.push(callback);
            }
        }
        match self.callback.as_mut() {
            Some(callback) => {
                callback.set_output_latency(latency);
                fill_device_buffer(callback, out, channels)
            }
            None => out.fill(T::EQUILIBRIUM),
        }
    }
}

/// Builds the stream; its data callback only renders, its error callback only counts.
fn build_stream<T: DeviceSample>(
    device: &Device,
    config: StreamConfig,
    mut held: Held,
    errors: Arc<StreamErrors>,
) -> Result<cpal::Stream, cpal::Error> {
    let channels = usize::from(config.channels);
    device.build_output_stream::<T, _, _>(
        config,
        move |out: &mut [T], info: &cpal::OutputCallbackInfo| {
            let at = info.timestamp();
            held.fill(out, channels, at.playback.duration_since(at.callback));
        },
        move |error: cpal::Error| errors.record(error_kind(error.kind())),
        None,
    )
}

/// The stream error kind of a cpal error kind.
fn error_kind(kind: ErrorKind) -> StreamErrorKind {
    match kind {
        ErrorKind::Xrun => StreamErrorKind::Xrun,
        ErrorKind::RealtimeDenied => StreamErrorKind::RealtimeDenied,
        ErrorKind::DeviceNotAvailable | ErrorKind::DeviceChanged | ErrorKind::StreamInvalidated => {
            StreamErrorKind::DeviceLost
        }
        _ => StreamErrorKind::Other,
    }
}

/// The default device, or the one whose id or name is `wanted` (exactly, else as a
/// case-insensitive substring matching a single device).
fn find_device(host: &Host, wanted: Option<&str>) -> Result<Device, String> {
    let Some(wanted) = wanted else {
        return host
            .default_output_device()
            .ok_or_else(|| format!("{} has no default output device", host.id().name()));
    };
    let devices: Vec<(Device, String, String)> = output_devices(host)?
        .into_iter()
        .map(|d| {
            let (id, name) = (device_id(&d), device_name(&d));
            (d, id, name)
        })
        .collect();
    if let Some((device, ..)) = devices
        .iter()
        .find(|(_, id, name)| id == wanted || name == wanted)
    {
        return Ok(device.clone());
    }
    let needle = wanted.to_lowercase();
    let matching: Vec<&(Device, String, String)> = devices
        .iter()
        .filter(|(_, id, name)| {
            id.to_lowercase().contains(&needle) || name.to_lowercase().contains(&needle)
        })
        .collect();
    match matching.as_slice() {
        [(device, ..)] => Ok(device.clone()),
        [] => Err(format!(
            "no output device matches `{wanted}`; available: {}",
            list_ids(devices.iter())
        )),
        several => Err(format!(
            "`{wanted}` matches several output devices: {}; give a longer name",
            list_ids(several.iter().copied())
        )),
    }
}

fn list_ids<'a>(devices: impl Iterator<Item = &'a (Device, String, String)>) -> String {
    let ids: Vec<&str> = devices.map(|(_, id, _)| id.as_str()).collect();
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

/// The stream configuration: the device's default rate (or `options.sample_rate`) and
/// channel count, the best of f32/i16/u16, and `options.buffer_size` if given.
fn choose_config(
    device: &Device,
    label: &str,
    options: &OutputOptions,
) -> Result<(StreamConfig, SampleFormat), String> {
    let default = device
        .default_output_config()
        .map_err(|e| format!("cannot query {label}: {e}"))?;
    let usable: Vec<SupportedStreamConfigRange> = device
        .supported_output_configs()
        .map_err(|e| format!("cannot query {label}: {e}"))?
        .filter(|r| FORMATS.contains(&r.sample_format()))
        .collect();
    if usable.is_empty() {
        return Err(format!("{label} takes none of the formats f32, i16, u16"));
    }
    let rate = options.sample_rate.unwrap_or(default.sample_rate());
    let range = usable
        .iter()
        .filter(|r| (r.min_sample_rate()..=r.max_sample_rate()).contains(&rate))
        .max_by_key(|r| {
            (
                r.channels() == default.channels(),
                format_rank(r.sample_format()),
                r.channels() == 2,
            )
        })
        .ok_or_else(|| {
            format!(
                "{label} does not support {rate} Hz (it supports {})",
                rate_ranges(&usable)
            )
        })?;
    let buffer_size = match (options.buffer_size, range.buffer_size()) {
        (None, _) => BufferSize::Default,
        (Some(n), &SupportedBufferSize::Range { min, max }) if n == 0 || n < min || n > max => {
            return Err(format!(
                "{label} does not support a buffer of {n} frames (it supports {min} to {max})"
            ))
        }
        (Some(0), SupportedBufferSize::Unknown) => {
            return Err("the buffer size must be at least 1 frame".into())
        }
        (Some(n), _) => BufferSize::Fixed(n),
    };
    let config = StreamConfig {
        channels: range.channels(),
        sample_rate: rate,
        buffer_size,
    };
    Ok((config, range.sample_format()))
}

fn rate_ranges(ranges: &[SupportedStreamConfigRange]) -> String {
    let mut spans: Vec<(u32, u32)> = ranges
        .iter()
        .map(|r| (r.min_sample_rate(), r.max_sample_rate()))
        .collect();
    spans.sort_unstable();
    spans.dedup();
    let text: Vec<String> = spans
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                format!("{lo} Hz")
            } else {
                format!("{lo} to {hi} Hz")
            }
        })
        .collect();
    text.join(", ")
}

/// f32 over i16 over u16; other formats rank below all three.
fn format_rank(format: SampleFormat) -> usize {
    FORMATS
        .iter()
        .position(|&f| f == format)
        .map_or(0, |i| FORMATS.len() - i)
}

fn device_id(device: &Device) -> String {
    device
        .id()
        .map(|id| id.id().to_string())
        .unwrap_or_else(|_| device_name(device))
}

fn device_name(device: &Device) -> String {
    device
        .description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| "(unnamed device)".into())
}

/// `Name (id)`, or just the id when the two are the same.
fn device_label(device: &Device) -> String {
    let (id, name) = (device_id(device), device_name(device));
    if id == name {
        id
    } else {
        format!("{name} ({id})")
    }
}
