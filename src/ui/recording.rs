//! The screen's recording key: a timestamped WAV file next to the patch.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// `set-2026-12-01-225500.wav` beside `patch` (set.yaml), stamped with the UTC time `now`.
pub fn stamped_path(patch: &Path, now: SystemTime) -> PathBuf {
    let stem = patch
        .file_stem()
        .map_or("recording".into(), |s| s.to_string_lossy());
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (year, month, day) = civil_date((seconds / 86400) as i64);
    let time = seconds % 86400;
    let name = format!(
        "{stem}-{year:04}-{month:02}-{day:02}-{:02}{:02}{:02}.wav",
        time / 3600,
        time / 60 % 60,
        time % 60
    );
    patch.with_file_name(name)
}

/// Year, month and day of `days` since 1970-01-01 (proleptic Gregorian calendar).
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_file_sits_beside_the_patch_with_the_utc_time() {
        let at = UNIX_EPOCH + Duration::from_secs(1_796_165_700);
        let path = stamped_path(Path::new("sets/live.yaml"), at);
        assert_eq!(path, Path::new("sets/live-2026-12-01-225500.wav"));
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(11016), (2000, 2, 29));
    }
}
