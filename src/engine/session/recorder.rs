//! Recording the guarded output to a WAV file: the audio thread pushes frames into a
//! preallocated ring while the recorder is armed (a full ring drops frames and counts them;
//! it never waits); a writer thread drains the ring into [`WavWriter`] and rewrites the
//! header about once a second, so a killed process leaves a playable file with everything up
//! to the last second. Past 4 GiB the writer switches to RF64.

use crate::engine::control::RecordRing;
use crate::engine::observe::Counters;
use crate::wav::WavWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the header is rewritten.
const HEADER_EVERY: Duration = Duration::from_secs(1);
/// How long the writer sleeps when the ring is empty.
const IDLE: Duration = Duration::from_millis(10);

/// A recording in progress.
pub struct Recording {
    path: PathBuf,
    counters: Counters,
    handle: JoinHandle<(RecordRing, Result<u64, String>)>,
}

impl Recording {
    /// Starts writing to `path` at `sample_rate` Hz from `ring`; on failure, the reason and
    /// the ring back (`None` when the writer thread could not start and took it down).
    pub fn start(
        path: &Path,
        sample_rate: u32,
        mut ring: RecordRing,
        counters: Counters,
    ) -> Result<Recording, (String, Option<RecordRing>)> {
        let wav = match WavWriter::create(path, 2, sample_rate) {
            Ok(wav) => wav,
            Err(e) => {
                let reason = format!("{}: cannot record: {e}", path.display());
                return Err((reason, Some(ring)));
            }
        };
        while ring.pop().is_ok() {}
        counters.record_dropped.store(0, Ordering::Relaxed);
        counters.recording.store(true, Ordering::Release);
        let armed = counters.clone();
        let spawned = std::thread::Builder::new()
            .name("patches-recorder".into())
            .spawn(move || {
                let result = write_loop(wav, &mut ring, &armed);
                (ring, result)
            });
        match spawned {
            Ok(handle) => Ok(Recording {
                path: path.to_path_buf(),
                counters,
                handle,
            }),
            Err(e) => {
                counters.recording.store(false, Ordering::Release);
                Err((format!("cannot start the recorder thread: {e}"), None))
            }
        }
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Frames dropped because the writer fell behind (there should be none).
    pub fn dropped(&self) -> u64 {
        self.counters.record_dropped.load(Ordering::Relaxed)
    }

    /// Stops, writes the rest and the final header; the ring back (`None` if the writer
    /// thread died) and the frames written (or why the file is incomplete).
    pub fn stop(self) -> (Option<RecordRing>, Result<u64, String>) {
        self.counters.recording.store(false, Ordering::Release);
        match self.handle.join() {
            Ok((ring, result)) => (Some(ring), result),
            Err(_) => (None, Err("the recorder thread panicked".into())),
        }
    }
}

/// Drains `ring` into `wav` until the recording is disarmed and the ring is empty.
fn write_loop(
    mut wav: WavWriter<std::io::BufWriter<std::fs::File>>,
    ring: &mut RecordRing,
    counters: &Counters,
) -> Result<u64, String> {
    let mut header_at = Instant::now();
    let mut buffer: Vec<f32> = Vec::with_capacity(2 * 4096);
    loop {
        let armed = counters.recording.load(Ordering::Acquire);
        let available = ring.slots();
        if let Ok(chunk) = ring.read_chunk(available) {
            buffer.clear();
            buffer.extend(chunk.into_iter().flatten());
            wav.write_interleaved(&buffer).map_err(|e| e.to_string())?;
        }
        if header_at.elapsed() >= HEADER_EVERY {
            wav.update_header().map_err(|e| e.to_string())?;
            header_at = Instant::now();
        }
        if !armed && ring.is_empty() {
            let frames = wav.frames();
            wav.finalize().map_err(|e| e.to_string())?;
            return Ok(frames);
        }
        if available == 0 {
            std::thread::sleep(IDLE);
        }
    }
}
