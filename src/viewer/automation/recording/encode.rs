//! Encoding the captured frames of an animation as they arrive: an animated GIF (palette
//! quantisation per frame, and only the pixels that changed since the previous frame, so a
//! still background costs nothing) or a numbered PNG sequence for ffmpeg. Frames are never all
//! held in memory: each one is encoded and dropped before the next is taken.
//!
//! No bevy here: the viewer's recorder feeds these functions from a channel on a worker thread,
//! and the tests feed them from a vector.

use std::io::Write;
use std::path::{Path, PathBuf};

use image::ImageEncoder;

use crate::atomic_file::write_atomically;

/// NeuQuant speed, 1 (best, slowest) to 30: 10 keeps colours right at a few ms per frame.
const QUANTISATION_SPEED: i32 = 10;
/// File name of the frames when the output is a plain folder.
const DEFAULT_FRAME_PATTERN: &str = "frame_%04d.png";

/// One captured frame: `width * height` RGBA pixels, row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbaFrame {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Why an animation could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    #[error(
        "{path}: expected a .gif file, a folder, or a numbered pattern such as frames/%04d.png"
    )]
    UnknownOutput { path: PathBuf },
    #[error("{path}: the frame number pattern {pattern:?} is not of the form %d or %0Nd")]
    BadPattern { path: PathBuf, pattern: String },
    #[error(
        "{path}: frame {frame} is {got_width}x{got_height}, the first was {width}x{height} (was the window resized?)"
    )]
    SizeChanged {
        path: PathBuf,
        frame: usize,
        width: u32,
        height: u32,
        got_width: u32,
        got_height: u32,
    },
    #[error("{path}: a GIF is at most 65535 pixels wide and high, the window is {width}x{height}")]
    TooLarge {
        path: PathBuf,
        width: u32,
        height: u32,
    },
    #[error("{path}: no frame was captured")]
    NoFrames { path: PathBuf },
    #[error("{path}: recording stopped: {reason}")]
    Stopped { path: PathBuf, reason: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the frames go, decided from the output path.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputKind {
    /// One animated GIF.
    Gif(PathBuf),
    /// One PNG per frame, named by a pattern holding the frame number (from 1).
    PngSequence(FramePattern),
}

/// `dir/prefix%0Nd suffix`: the PNG file name of each frame.
#[derive(Debug, Clone, PartialEq)]
pub struct FramePattern {
    pub dir: PathBuf,
    pub prefix: String,
    pub digits: usize,
    pub suffix: String,
}

impl FramePattern {
    /// The path of frame `number` (numbered from 1, as ffmpeg's image2 demuxer expects).
    pub fn path(&self, number: usize) -> PathBuf {
        self.dir.join(format!(
            "{}{number:0width$}{}",
            self.prefix,
            self.suffix,
            width = self.digits
        ))
    }
}

impl OutputKind {
    /// `.gif` → a GIF; a name holding `%04d` (or `%d`) → a PNG sequence with that pattern; an
    /// existing folder or a path ending in `/` → `frame_0001.png`... in that folder.
    pub fn from_path(path: &Path) -> Result<Self, RecordingError> {
        let text = path.to_string_lossy();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.contains('%') {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            return parse_pattern(&name, dir)
                .map(Self::PngSequence)
                .ok_or_else(|| RecordingError::BadPattern {
                    path: path.to_owned(),
                    pattern: name,
                });
        }
        if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            return parse_pattern(DEFAULT_FRAME_PATTERN, path.to_owned())
                .map(Self::PngSequence)
                .ok_or_else(|| RecordingError::BadPattern {
                    path: path.to_owned(),
                    pattern: DEFAULT_FRAME_PATTERN.into(),
                });
        }
        let is_gif = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gif"));
        if is_gif {
            Ok(Self::Gif(path.to_owned()))
        } else {
            Err(RecordingError::UnknownOutput {
                path: path.to_owned(),
            })
        }
    }

    /// The path to name in messages.
    pub fn display_path(&self) -> PathBuf {
        match self {
            Self::Gif(path) => path.clone(),
            Self::PngSequence(pattern) => pattern.dir.clone(),
        }
    }
}

/// Splits `prefix%0Nd suffix` (exactly one `%`).
fn parse_pattern(name: &str, dir: PathBuf) -> Option<FramePattern> {
    let (prefix, rest) = name.split_once('%')?;
    let end = rest.find('d')?;
    let width = &rest[..end];
    let suffix = &rest[end + 1..];
    if suffix.contains('%') || !width.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = if width.is_empty() {
        1
    } else {
        width.parse::<usize>().ok()?.clamp(1, 12)
    };
    Some(FramePattern {
        dir,
        prefix: prefix.to_owned(),
        digits,
        suffix: suffix.to_owned(),
    })
}

/// GIF frame delay in hundredths of a second for a frame rate (browsers slow delays under 2
/// down to 10, so 2 is the floor: at most 50 frames per second).
pub fn gif_delay_centisecs(frames_per_sec: f32) -> u16 {
    (100.0 / frames_per_sec.max(0.01))
        .round()
        .clamp(2.0, 65_535.0) as u16
}

/// Writes every frame `frames` yields (an `Err` item stops the recording and leaves nothing
/// behind) to `output`. Returns the number of frames and the bytes written.
pub fn encode<I>(
    output: &OutputKind,
    frames_per_sec: f32,
    frames: I,
) -> Result<(usize, u64), RecordingError>
where
    I: IntoIterator<Item = Result<RgbaFrame, String>>,
{
    match output {
        OutputKind::Gif(path) => encode_gif(path, frames_per_sec, frames),
        OutputKind::PngSequence(pattern) => encode_png_sequence(pattern, frames),
    }
}

/// The animated GIF, looping forever, written under a temporary name and renamed at the end.
fn encode_gif<I>(
    path: &Path,
    frames_per_sec: f32,
    frames: I,
) -> Result<(usize, u64), RecordingError>
where
    I: IntoIterator<Item = Result<RgbaFrame, String>>,
{
    let delay = gif_delay_centisecs(frames_per_sec);
    // The closure of `write_atomically` can only return an io::Error: the real error waits here.
    let mut failure: Option<RecordingError> = None;
    let mut count = 0usize;
    let written = write_atomically(path, |w| {
        let mut frames = frames.into_iter();
        let first = match frames.next() {
            Some(Ok(frame)) => frame,
            Some(Err(reason)) => {
                failure = Some(stopped(path, reason));
                return Err(std::io::Error::other("stopped"));
            }
            None => {
                failure = Some(RecordingError::NoFrames {
                    path: path.to_owned(),
                });
                return Err(std::io::Error::other("no frames"));
            }
        };
        let (Ok(width), Ok(height)) = (u16::try_from(first.width), u16::try_from(first.height))
        else {
            failure = Some(RecordingError::TooLarge {
                path: path.to_owned(),
                width: first.width,
                height: first.height,
            });
            return Err(std::io::Error::other("too large"));
        };
        let mut encoder = gif::Encoder::new(&mut *w, width, height, &[]).map_err(gif_io)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(gif_io)?;
        let mut previous: Option<RgbaFrame> = None;
        for frame in std::iter::once(Ok(first)).chain(frames) {
            let frame = match frame {
                Ok(frame) => frame,
                Err(reason) => {
                    failure = Some(stopped(path, reason));
                    return Err(std::io::Error::other("stopped"));
                }
            };
            if (frame.width, frame.height) != (u32::from(width), u32::from(height)) {
                failure = Some(RecordingError::SizeChanged {
                    path: path.to_owned(),
                    frame: count + 1,
                    width: width.into(),
                    height: height.into(),
                    got_width: frame.width,
                    got_height: frame.height,
                });
                return Err(std::io::Error::other("size changed"));
            }
            let mut gif_frame = changed_part(previous.as_ref(), &frame);
            gif_frame.delay = delay;
            encoder.write_frame(&gif_frame).map_err(gif_io)?;
            count += 1;
            previous = Some(frame);
        }
        encoder.into_inner()?.flush()
    });
    if let Some(failure) = failure {
        return Err(failure);
    }
    written.map_err(|source| RecordingError::Write {
        path: path.to_owned(),
        source,
    })?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok((count, bytes))
}

fn stopped(path: &Path, reason: String) -> RecordingError {
    RecordingError::Stopped {
        path: path.to_owned(),
        reason,
    }
}

fn gif_io(err: gif::EncodingError) -> std::io::Error {
    match err {
        gif::EncodingError::Io(io) => io,
        other => std::io::Error::other(other),
    }
}

/// The GIF frame for `frame` drawn over `previous`: the bounding box of the pixels that
/// changed, with the unchanged ones inside it transparent (the decoder keeps what was there).
/// A frame identical to the previous one becomes a single transparent pixel, so the frame
/// count and timing stay as asked.
fn changed_part(previous: Option<&RgbaFrame>, frame: &RgbaFrame) -> gif::Frame<'static> {
    let width = frame.width as usize;
    let opaque = |pixel: &[u8]| [pixel[0], pixel[1], pixel[2], 255];
    let Some(previous) = previous else {
        let mut pixels: Vec<u8> = frame.pixels.chunks_exact(4).flat_map(opaque).collect();
        let mut out = gif::Frame::from_rgba_speed(
            frame.width as u16,
            frame.height as u16,
            &mut pixels,
            QUANTISATION_SPEED,
        );
        out.dispose = gif::DisposalMethod::Keep;
        return out;
    };
    let differs = |index: usize| {
        let at = index * 4;
        frame.pixels[at..at + 3] != previous.pixels[at..at + 3]
    };
    let (mut left, mut top, mut right, mut bottom) = (usize::MAX, usize::MAX, 0usize, 0usize);
    for y in 0..frame.height as usize {
        for x in 0..width {
            if differs(y * width + x) {
                left = left.min(x);
                right = right.max(x);
                top = top.min(y);
                bottom = bottom.max(y);
            }
        }
    }
    if left == usize::MAX {
        let mut out = gif::Frame::from_rgba_speed(1, 1, &mut [0, 0, 0, 0], QUANTISATION_SPEED);
        out.dispose = gif::DisposalMethod::Keep;
        return out;
    }
    let mut pixels = Vec::with_capacity((right - left + 1) * (bottom - top + 1) * 4);
    for y in top..=bottom {
        for x in left..=right {
            let index = y * width + x;
            if differs(index) {
                pixels.extend(opaque(&frame.pixels[index * 4..index * 4 + 4]));
            } else {
                pixels.extend([0, 0, 0, 0]);
            }
        }
    }
    let mut out = gif::Frame::from_rgba_speed(
        (right - left + 1) as u16,
        (bottom - top + 1) as u16,
        &mut pixels,
        QUANTISATION_SPEED,
    );
    out.left = left as u16;
    out.top = top as u16;
    out.dispose = gif::DisposalMethod::Keep;
    out
}

/// One PNG (RGB) per frame, each written atomically as it arrives.
fn encode_png_sequence<I>(pattern: &FramePattern, frames: I) -> Result<(usize, u64), RecordingError>
where
    I: IntoIterator<Item = Result<RgbaFrame, String>>,
{
    let mut count = 0usize;
    let mut bytes = 0u64;
    for frame in frames {
        let frame = frame.map_err(|reason| stopped(&pattern.dir, reason))?;
        let path = pattern.path(count + 1);
        let rgb: Vec<u8> = frame
            .pixels
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        write_atomically(&path, |w| {
            image::codecs::png::PngEncoder::new(w)
                .write_image(
                    &rgb,
                    frame.width,
                    frame.height,
                    image::ExtendedColorType::Rgb8,
                )
                .map_err(std::io::Error::other)
        })
        .map_err(|source| RecordingError::Write {
            path: path.clone(),
            source,
        })?;
        bytes += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        count += 1;
    }
    if count == 0 {
        return Err(RecordingError::NoFrames {
            path: pattern.dir.clone(),
        });
    }
    Ok((count, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame of background with a square of `colour` at `x`.
    fn frame_with_square(x: u32, colour: [u8; 3]) -> RgbaFrame {
        let (width, height) = (40u32, 30u32);
        let mut pixels = Vec::new();
        for py in 0..height {
            for px in 0..width {
                let inside = (x..x + 6).contains(&px) && (10..16).contains(&py);
                let rgb = if inside { colour } else { [15, 18, 23] };
                pixels.extend([rgb[0], rgb[1], rgb[2], 255]);
            }
        }
        RgbaFrame {
            width,
            height,
            pixels,
        }
    }

    /// Every frame of a GIF composed onto its canvas, as RGB.
    fn decode_composited(path: &Path) -> (u16, u16, Vec<Vec<u8>>, Vec<u16>) {
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options
            .read_info(std::fs::File::open(path).unwrap())
            .unwrap();
        let (w, h) = (decoder.width(), decoder.height());
        let mut canvas = vec![0u8; w as usize * h as usize * 4];
        let mut frames = Vec::new();
        let mut delays = Vec::new();
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            for y in 0..frame.height as usize {
                for x in 0..frame.width as usize {
                    let source = (y * frame.width as usize + x) * 4;
                    if frame.buffer[source + 3] == 0 {
                        continue;
                    }
                    let target =
                        ((y + frame.top as usize) * w as usize + x + frame.left as usize) * 4;
                    canvas[target..target + 4].copy_from_slice(&frame.buffer[source..source + 4]);
                }
            }
            frames.push(canvas.clone());
            delays.push(frame.delay);
        }
        (w, h, frames, delays)
    }

    #[test]
    fn gif_holds_every_frame_and_only_changes_are_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("moving.gif");
        let frames = vec![
            frame_with_square(2, [250, 40, 40]),
            frame_with_square(10, [250, 40, 40]),
            frame_with_square(10, [250, 40, 40]),
            frame_with_square(20, [40, 200, 250]),
        ];
        let (count, bytes) = encode(
            &OutputKind::Gif(path.clone()),
            12.0,
            frames.clone().into_iter().map(Ok),
        )
        .unwrap();
        assert_eq!(count, 4);
        assert_eq!(bytes, std::fs::metadata(&path).unwrap().len());
        let (w, h, decoded, delays) = decode_composited(&path);
        assert_eq!((w, h), (40, 30));
        assert_eq!(decoded.len(), 4);
        assert_eq!(delays, vec![8; 4]);
        // The composed frames show the squares where they were drawn (quantisation may shift a
        // colour slightly, never move a square).
        for (original, shown) in frames.iter().zip(&decoded) {
            for (a, b) in original.pixels.iter().zip(shown) {
                assert!(a.abs_diff(*b) <= 24, "{a} vs {b}");
            }
        }
        assert_ne!(decoded[0], decoded[1]);
        assert_eq!(decoded[1], decoded[2]);
        // Only temporaries named after the output may be created, and none are left.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn stopped_or_resized_recordings_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.gif");
        std::fs::write(&path, "old").unwrap();
        let frames = vec![
            Ok(frame_with_square(2, [250, 40, 40])),
            Err("window closed".to_owned()),
        ];
        let err = encode(&OutputKind::Gif(path.clone()), 12.0, frames).unwrap_err();
        assert!(err.to_string().contains("window closed"), "{err}");
        let mut small = frame_with_square(2, [1, 2, 3]);
        small.width = 20;
        small.height = 60;
        let frames = vec![Ok(frame_with_square(2, [250, 40, 40])), Ok(small)];
        let err = encode(&OutputKind::Gif(path.clone()), 12.0, frames).unwrap_err();
        assert!(err.to_string().contains("frame 2 is 20x60"), "{err}");
        let err = encode(&OutputKind::Gif(path.clone()), 12.0, Vec::new()).unwrap_err();
        assert!(err.to_string().contains("no frame"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn png_sequences_are_numbered_from_one() {
        let dir = tempfile::tempdir().unwrap();
        let pattern = dir.path().join("drift_%04d.png");
        let kind = OutputKind::from_path(&pattern).unwrap();
        let frames = (0..3).map(|i| Ok(frame_with_square(i * 5, [200, 200, 0])));
        let (count, _) = encode(&kind, 12.0, frames).unwrap();
        assert_eq!(count, 3);
        for name in ["drift_0001.png", "drift_0002.png", "drift_0003.png"] {
            let image = image::open(dir.path().join(name)).unwrap();
            assert_eq!((image.width(), image.height()), (40, 30));
        }
        let folder = OutputKind::from_path(dir.path()).unwrap();
        let OutputKind::PngSequence(folder) = folder else {
            panic!("a folder is a PNG sequence: {folder:?}");
        };
        assert_eq!(folder.path(12), dir.path().join("frame_0012.png"));
    }

    #[test]
    fn output_kinds_come_from_the_path() {
        assert_eq!(
            OutputKind::from_path(Path::new("out/drift.GIF")).unwrap(),
            OutputKind::Gif("out/drift.GIF".into())
        );
        let OutputKind::PngSequence(p) = OutputKind::from_path(Path::new("f/%d.png")).unwrap()
        else {
            panic!("pattern");
        };
        assert_eq!(p.path(7), PathBuf::from("f/7.png"));
        for bad in ["drift.mp4", "f/%x.png", "f/%04d_%d.png", "f/%-4d.png"] {
            assert!(OutputKind::from_path(Path::new(bad)).is_err(), "{bad}");
        }
        assert_eq!(gif_delay_centisecs(12.0), 8);
        assert_eq!(gif_delay_centisecs(1000.0), 2);
    }
}
