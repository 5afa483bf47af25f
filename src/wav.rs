//! A streaming WAV writer for 32-bit float audio: constant memory, a header that can be
//! rewritten at any time (so a file cut short by a crash still plays up to the last rewrite),
//! and RF64 (EBU Tech 3306) once the file outgrows the 4 GiB a RIFF header can describe.
//!
//! Layout: `RIFF`/`RF64`, a 28-byte `JUNK` chunk that becomes `ds64` when RF64 is needed,
//! `fmt ` (IEEE float), `fact` and `data`. Plain RIFF readers skip `JUNK`, and the file
//! stays a valid RIFF WAV until it passes the limit.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

/// The largest RIFF size field: files past it are written as RF64.
pub const RIFF_LIMIT: u64 = u32::MAX as u64;

/// Bytes before the first sample: RIFF header 12, JUNK/ds64 8+28, fmt 8+16, fact 8+4, data 8.
pub const HEADER_BYTES: u64 = 12 + 36 + 24 + 12 + 8;

const DS64_BODY: u32 = 28;
const FORMAT_IEEE_FLOAT: u16 = 3;
const BYTES_PER_SAMPLE: u16 = 4;

/// Writes interleaved 32-bit float frames to `inner`, keeping the header up to date on request.
pub struct WavWriter<W: Write + Seek> {
    inner: W,
    channels: u16,
    sample_rate: u32,
    frames: u64,
    riff_limit: u64,
}

impl WavWriter<BufWriter<File>> {
    /// Creates (or truncates) `path` and writes a header for an empty file.
    pub fn create(path: &Path, channels: u16, sample_rate: u32) -> io::Result<Self> {
        WavWriter::new(
            BufWriter::with_capacity(1 << 16, File::create(path)?),
            channels,
            sample_rate,
        )
    }
}

impl<W: Write + Seek> WavWriter<W> {
    /// A writer of `channels` channels at `sample_rate` Hz on `inner`, positioned at its start.
    pub fn new(inner: W, channels: u16, sample_rate: u32) -> io::Result<Self> {
        let mut writer = WavWriter {
            inner,
            channels: channels.max(1),
            sample_rate,
            frames: 0,
            riff_limit: RIFF_LIMIT,
        };
        writer.write_header()?;
        Ok(writer)
    }

    /// Switches to RF64 once the RIFF size would pass `limit` bytes instead of 4 GiB, so that
    /// tests can check the RF64 layout on a small file.
    #[doc(hidden)]
    pub fn with_riff_limit(mut self, limit: u64) -> Self {
        self.riff_limit = limit.min(RIFF_LIMIT);
        self
    }

    /// Appends interleaved frames (`channels` samples each; a trailing partial frame is an
    /// error and nothing is written).
    pub fn write_interleaved(&mut self, samples: &[f32]) -> io::Result<()> {
        let channels = usize::from(self.channels);
        if !samples.len().is_multiple_of(channels) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a partial frame: the sample count is not a multiple of the channel count",
            ));
        }
        for sample in samples {
            self.inner.write_all(&sample.to_le_bytes())?;
        }
        self.frames += (samples.len() / channels) as u64;
        Ok(())
    }

    /// Appends stereo frames from one slice per channel (of equal length; a 2-channel writer).
    pub fn write_stereo(&mut self, left: &[f32], right: &[f32]) -> io::Result<()> {
        if self.channels != 2 || left.len() != right.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "stereo frames need a 2-channel writer and channels of equal length",
            ));
        }
        for (l, r) in left.iter().zip(right) {
            self.inner.write_all(&l.to_le_bytes())?;
            self.inner.write_all(&r.to_le_bytes())?;
        }
        self.frames += left.len() as u64;
        Ok(())
    }

    /// Whether the file has outgrown RIFF and its header is RF64.
    pub fn is_rf64(&self) -> bool {
        HEADER_BYTES - 8 + self.data_bytes() > self.riff_limit
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Rewrites the header for the frames written so far and flushes, so that the file on
    /// disk plays up to here even if the process dies now. Call it now and then (a recorder:
    /// about once a second); [`WavWriter::finalize`] calls it last.
    pub fn update_header(&mut self) -> io::Result<()> {
        self.inner.flush()?;
        let end = self.inner.stream_position()?;
        self.inner.seek(SeekFrom::Start(0))?;
        self.write_header()?;
        self.inner.seek(SeekFrom::Start(end))?;
        self.inner.flush()
    }

    /// Writes the final header, flushes, and gives back the inner writer.
    pub fn finalize(mut self) -> io::Result<W> {
        self.update_header()?;
        Ok(self.inner)
    }

    fn data_bytes(&self) -> u64 {
        self.frames * u64::from(self.channels) * u64::from(BYTES_PER_SAMPLE)
    }

    /// The header for the current length, at the current position (the file's start).
    fn write_header(&mut self) -> io::Result<()> {
        let data = self.data_bytes();
        let riff = HEADER_BYTES - 8 + data;
        let rf64 = self.is_rf64();
        let mut h = Vec::with_capacity(HEADER_BYTES as usize);
        h.extend_from_slice(if rf64 { b"RF64" } else { b"RIFF" });
        h.extend_from_slice(&size32(riff, rf64).to_le_bytes());
        h.extend_from_slice(b"WAVE");
        h.extend_from_slice(if rf64 { b"ds64" } else { b"JUNK" });
        h.extend_from_slice(&DS64_BODY.to_le_bytes());
        let (riff64, data64, frames64) = if rf64 {
            (riff, data, self.frames)
        } else {
            (0, 0, 0)
        };
        h.extend_from_slice(&riff64.to_le_bytes());
        h.extend_from_slice(&data64.to_le_bytes());
        h.extend_from_slice(&frames64.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes()); // no ds64 table entries
        let block_align = self.channels * BYTES_PER_SAMPLE;
        h.extend_from_slice(b"fmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&FORMAT_IEEE_FLOAT.to_le_bytes());
        h.extend_from_slice(&self.channels.to_le_bytes());
        h.extend_from_slice(&self.sample_rate.to_le_bytes());
        h.extend_from_slice(&(self.sample_rate * u32::from(block_align)).to_le_bytes());
        h.extend_from_slice(&block_align.to_le_bytes());
        h.extend_from_slice(&(BYTES_PER_SAMPLE * 8).to_le_bytes());
        h.extend_from_slice(b"fact");
        h.extend_from_slice(&4u32.to_le_bytes());
        h.extend_from_slice(&size32(self.frames, rf64).to_le_bytes());
        h.extend_from_slice(b"data");
        h.extend_from_slice(&size32(data, rf64).to_le_bytes());
        debug_assert_eq!(h.len() as u64, HEADER_BYTES);
        self.inner.write_all(&h)
    }
}

/// A 32-bit size field: the size itself, or 0xFFFFFFFF in RF64 (where `ds64` holds it).
fn size32(size: u64, rf64: bool) -> u32 {
    if rf64 {
        u32::MAX
    } else {
        size as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn u64_at(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    fn written(frames: &[[f32; 2]], limit: u64) -> Vec<u8> {
        let mut writer = WavWriter::new(Cursor::new(Vec::new()), 2, 48000)
            .unwrap()
            .with_riff_limit(limit);
        let flat: Vec<f32> = frames.iter().flatten().copied().collect();
        writer.write_interleaved(&flat).unwrap();
        writer.finalize().unwrap().into_inner()
    }

    #[test]
    fn a_small_file_is_riff_that_hound_reads_back() {
        let frames = [[0.5, -0.5], [0.25, 1.0], [-1.0, 0.0]];
        let bytes = written(&frames, RIFF_LIMIT);
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(u32_at(&bytes, 4) as usize, bytes.len() - 8);
        let mut reader = hound::WavReader::new(Cursor::new(bytes)).unwrap();
        assert_eq!(reader.spec().sample_format, hound::SampleFormat::Float);
        assert_eq!(reader.spec().channels, 2);
        assert_eq!(reader.duration(), 3);
        let samples: Vec<f32> = reader.samples::<f32>().map(Result::unwrap).collect();
        assert_eq!(
            samples,
            frames.iter().flatten().copied().collect::<Vec<_>>()
        );
    }

    #[test]
    fn past_the_limit_the_header_is_rf64_with_64_bit_sizes_in_ds64() {
        let frames: Vec<[f32; 2]> = (0..100).map(|i| [i as f32, -(i as f32)]).collect();
        let bytes = written(&frames, 500);
        assert_eq!(&bytes[..4], b"RF64");
        assert_eq!(u32_at(&bytes, 4), u32::MAX);
        assert_eq!(&bytes[8..16], b"WAVEds64");
        assert_eq!(u32_at(&bytes, 16), 28);
        assert_eq!(u64_at(&bytes, 20) as usize, bytes.len() - 8, "RIFF size");
        assert_eq!(u64_at(&bytes, 28), 800, "data size");
        assert_eq!(u64_at(&bytes, 36), 100, "sample count");
        assert_eq!(&bytes[48..52], b"fmt ");
        let data_at = HEADER_BYTES as usize;
        assert_eq!(&bytes[data_at - 8..data_at - 4], b"data");
        assert_eq!(u32_at(&bytes, data_at - 4), u32::MAX);
        let last = &bytes[bytes.len() - 8..];
        assert_eq!(f32::from_le_bytes(last[..4].try_into().unwrap()), 99.0);
        assert_eq!(f32::from_le_bytes(last[4..].try_into().unwrap()), -99.0);
    }

    #[test]
    fn update_header_makes_what_is_written_so_far_readable() {
        let mut writer = WavWriter::new(Cursor::new(Vec::new()), 2, 44100).unwrap();
        writer.write_stereo(&[0.1; 10], &[0.2; 10]).unwrap();
        writer.update_header().unwrap();
        writer.write_stereo(&[0.3; 5], &[0.4; 5]).unwrap();
        // A crash now: the header describes the first 10 frames.
        let snapshot = writer.inner.get_ref().clone();
        let reader = hound::WavReader::new(Cursor::new(snapshot)).unwrap();
        assert_eq!(reader.duration(), 10);
        let bytes = writer.finalize().unwrap().into_inner();
        assert_eq!(
            hound::WavReader::new(Cursor::new(bytes))
                .unwrap()
                .duration(),
            15
        );
    }

    #[test]
    fn partial_frames_are_refused() {
        let mut writer = WavWriter::new(Cursor::new(Vec::new()), 2, 48000).unwrap();
        assert!(writer.write_interleaved(&[0.0; 3]).is_err());
        assert_eq!(writer.frames(), 0);
    }
}
