//! Live MIDI input: ports found and opened through a [`MidiSystem`] (the ALSA sequencer via
//! `midir`, or a fake for tests), every message parsed, noted in the [`MidiActivity`] and
//! pushed onto the engine's MIDI ring stamped with the instant it arrived (the audio
//! callback places it one period later, see [`super::arrival`]).

use super::activity::MidiActivity;
use super::{MidiMessage, MidiSender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Called with the instant a message arrived (monotonic, [`Instant`]) and the bytes of each
/// complete message a port receives (on the port's thread).
pub type OnMessage = Box<dyn FnMut(Instant, &[u8]) + Send>;

/// Where input ports come from.
pub trait MidiSystem {
    /// Names of the input ports; an error says why MIDI is unavailable.
    fn ports(&self) -> Result<Vec<String>, String>;
    /// Opens the port called `name`; messages go to `on_message` until the returned handle
    /// is dropped.
    fn connect(&self, name: &str, on_message: OnMessage) -> Result<Box<dyn Send>, String>;
}

/// The ALSA sequencer (or the platform's MIDI) through `midir`.
pub struct MidirSystem;

/// Client name shown to other MIDI software.
const CLIENT: &str = "patches-tui";

fn open() -> Result<midir::MidiInput, String> {
    crate::alsa_log::install();
    let mut input = midir::MidiInput::new(CLIENT)
        .map_err(|e| format!("no MIDI sequencer: cannot open the MIDI system ({e})"))?;
    input.ignore(midir::Ignore::None);
    Ok(input)
}

impl MidiSystem for MidirSystem {
    fn ports(&self) -> Result<Vec<String>, String> {
        let input = open()?;
        Ok(input
            .ports()
            .iter()
            .filter_map(|p| input.port_name(p).ok())
            .collect())
    }

    fn connect(&self, name: &str, mut on_message: OnMessage) -> Result<Box<dyn Send>, String> {
        let input = open()?;
        let port = input
            .ports()
            .into_iter()
            .find(|p| input.port_name(p).is_ok_and(|n| n == name))
            .ok_or_else(|| format!("MIDI port `{name}` went away"))?;
        let connection = input
            .connect(
                &port,
                CLIENT,
                // midir's own stamp (ALSA's, in microseconds) counts from an unspecified
                // origin that the audio callbacks' clock cannot be matched to: the message is
                // stamped with the monotonic clock on arrival instead.
                move |_, bytes, _| on_message(Instant::now(), bytes),
                (),
            )
            .map_err(|e| format!("cannot open MIDI port `{name}`: {e}"))?;
        Ok(Box::new(connection))
    }
}

/// Open input ports feeding the engine; dropping it closes them.
pub struct MidiInput {
    ports: Vec<String>,
    _connections: Vec<Box<dyn Send>>,
    activity: Arc<Mutex<MidiActivity>>,
}

impl MidiInput {
    /// Opens every port of `system` whose name contains `pattern` (case-insensitive), or
    /// every port for `all`, and sends what they receive to `sender`. The error is one line
    /// for the performer: no MIDI system, no ports, or none matching (with the names).
    pub fn open(
        system: &dyn MidiSystem,
        pattern: &str,
        sender: MidiSender,
    ) -> Result<MidiInput, String> {
        let available = system.ports()?;
        if available.is_empty() {
            return Err("no MIDI input ports".into());
        }
        let wanted = pattern.to_lowercase();
        let chosen: Vec<String> = available
            .iter()
            .filter(|name| wanted == "all" || name.to_lowercase().contains(&wanted))
            .cloned()
            .collect();
        if chosen.is_empty() {
            return Err(format!(
                "no MIDI input port matches `{pattern}` (ports: {})",
                available.join(", ")
            ));
        }
        let sender = Arc::new(Mutex::new(sender));
        let opened = Instant::now();
        let activity = Arc::new(Mutex::new(MidiActivity::default()));
        let mut connections = Vec::new();
        for name in &chosen {
            let (sender, activity) = (sender.clone(), activity.clone());
            let on_message: OnMessage = Box::new(move |at, bytes| {
                if let Some(message) = MidiMessage::from_bytes(bytes) {
                    if let Ok(mut activity) = activity.lock() {
                        let micros = at.saturating_duration_since(opened).as_micros();
                        activity.observe(&message, micros as u64);
                    }
                    if let Ok(mut sender) = sender.lock() {
                        sender.send_arrived(at, message);
                    }
                }
            });
            connections.push(system.connect(name, on_message)?);
        }
        Ok(MidiInput {
            ports: chosen,
            _connections: connections,
            activity,
        })
    }

    /// Names of the open ports.
    pub fn ports(&self) -> &[String] {
        &self.ports
    }

    /// Messages received so far (for an activity display).
    pub fn received(&self) -> u64 {
        self.activity().messages
    }

    /// What has come in so far: the last note, controller, clock tempo and run state.
    pub fn activity(&self) -> MidiActivity {
        let activity = self.activity.lock().unwrap_or_else(|e| e.into_inner());
        activity.clone()
    }
}

/// Opens the ports matching `pattern` (a part of a name, or `all`) of the real MIDI system
/// into `engine`'s MIDI ring; the reason as one line when it cannot.
pub fn open_live(engine: &mut crate::engine::Engine, pattern: &str) -> Result<MidiInput, String> {
    let sender = engine.take_midi_sender().ok_or("MIDI in is already open")?;
    MidiInput::open(&MidirSystem, pattern, sender)
}

/// A MIDI system with made-up ports, for tests: [`FakeMidi::play`] delivers bytes as the
/// named port would.
#[derive(Clone, Default)]
pub struct FakeMidi {
    ports: Vec<String>,
    open: Arc<Mutex<Vec<(String, OnMessage)>>>,
}

impl FakeMidi {
    /// A system with ports called `ports`.
    pub fn new(ports: &[&str]) -> Self {
        FakeMidi {
            ports: ports.iter().map(|p| p.to_string()).collect(),
            open: Arc::default(),
        }
    }

    /// Delivers `bytes` from port `port` to whoever opened it, arriving now; false when
    /// nobody has.
    pub fn play(&self, port: &str, bytes: &[u8]) -> bool {
        self.play_at(port, Instant::now(), bytes)
    }

    /// [`FakeMidi::play`] arriving at `stamp`.
    pub fn play_at(&self, port: &str, stamp: Instant, bytes: &[u8]) -> bool {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let mut delivered = false;
        for (_, on_message) in open.iter_mut().filter(|(name, _)| name == port) {
            on_message(stamp, bytes);
            delivered = true;
        }
        delivered
    }
}

impl MidiSystem for FakeMidi {
    fn ports(&self) -> Result<Vec<String>, String> {
        Ok(self.ports.clone())
    }

    fn connect(&self, name: &str, on_message: OnMessage) -> Result<Box<dyn Send>, String> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.push((name.to_string(), on_message));
        Ok(Box::new(()))
    }
}
