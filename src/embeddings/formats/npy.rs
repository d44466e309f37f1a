//! NumPy `.npy` arrays: a 2-D float32/float64 matrix (C or Fortran order, either byte order)
//! read straight into the final row-major `f32` buffer, and 1-D string arrays (`<U` unicode or
//! `|S` bytes) for labels.
//!
//! The format: the magic `\x93NUMPY`, a version byte pair, a little-endian header length (2
//! bytes in version 1, 4 in versions 2 and 3), then a Python dict literal such as
//! `{'descr': '<f4', 'fortran_order': False, 'shape': (400000, 50), }` padded with spaces, then
//! the raw data. The header is parsed by hand (it is that small); the data is read in 1 MiB
//! blocks and converted into the matrix, so a file is never held twice in memory. A Fortran
//! array is scattered into row-major order block by block.

use super::error::{Location, Problem};
use super::{FormatError, ProgressFn};
use std::io::Read;
use std::path::Path;

/// The first six bytes of every `.npy` file.
pub(crate) const MAGIC: &[u8] = b"\x93NUMPY";
/// Data read per block.
const BLOCK_BYTES: usize = 1 << 20;
/// The most a header may claim (NumPy's own limit for untrusted files is 10,000 bytes).
const MAX_HEADER_BYTES: usize = 1 << 20;

/// The element types read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    F16,
    F32,
    F64,
    /// UTF-32 code units, this many per element.
    Unicode(usize),
    /// Bytes (read as UTF-8), this many per element.
    Bytes(usize),
}

/// A parsed header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// The dtype as written (`<f4`), for messages.
    pub descr: String,
    /// `None` for dtypes that cannot be read (integers, objects, structured arrays...).
    pub kind: Option<Kind>,
    pub big_endian: bool,
    pub fortran_order: bool,
    pub shape: Vec<u64>,
    /// Bytes from the start of the file to the data.
    pub data_offset: u64,
}

impl Header {
    pub fn is_float(&self) -> bool {
        matches!(self.kind, Some(Kind::F16 | Kind::F32 | Kind::F64))
    }

    pub fn is_text(&self) -> bool {
        matches!(self.kind, Some(Kind::Unicode(_) | Kind::Bytes(_)))
    }

    fn item_bytes(&self) -> usize {
        match self.kind {
            Some(Kind::F16) => 2,
            Some(Kind::F32) => 4,
            Some(Kind::F64) => 8,
            Some(Kind::Unicode(chars)) => 4 * chars,
            Some(Kind::Bytes(bytes)) => bytes,
            None => 0,
        }
    }

    /// `dtype <f4, shape [3, 2]`, for listings.
    pub fn describe(&self) -> String {
        format!("dtype {}, shape {:?}", self.descr, self.shape)
    }

    /// The matrix shape, or the error for anything but a 2-D float array.
    pub fn matrix_shape(
        &self,
        path: &Path,
        location: &Location,
    ) -> Result<(usize, usize), FormatError> {
        let problem = if self.descr.contains('O') {
            Some(Problem::ObjectArray)
        } else if !self.is_float() {
            Some(Problem::UnsupportedDtype {
                dtype: self.descr.clone(),
                expected: "vectors must be float32 or float64 ('<f4', '<f8'; float16 works too)",
            })
        } else if self.shape.len() != 2 {
            Some(Problem::NotTwoDimensional {
                ndim: self.shape.len(),
                shape: self.shape.clone(),
            })
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(FormatError::parse(path, location.clone(), problem));
        }
        let too_big = || {
            FormatError::parse(
                path,
                location.clone(),
                Problem::AbsurdHeader {
                    rows: self.shape[0],
                    dim: self.shape[1],
                    reason: "cannot fit in memory".into(),
                },
            )
        };
        let rows = usize::try_from(self.shape[0]).map_err(|_| too_big())?;
        let dim = usize::try_from(self.shape[1]).map_err(|_| too_big())?;
        rows.checked_mul(dim)
            .and_then(|n| n.checked_mul(self.item_bytes()))
            .filter(|&bytes| isize::try_from(bytes).is_ok())
            .ok_or_else(too_big)?;
        Ok((rows, dim))
    }

    /// Bytes of data the shape promises (saturating: only compared with sizes).
    pub fn data_bytes(&self) -> u64 {
        self.shape
            .iter()
            .fold(self.item_bytes() as u64, |acc, &n| acc.saturating_mul(n))
    }
}

/// Reads the header from the start of `reader`; `location` prefixes errors (the file, or an
/// array inside an archive).
pub(crate) fn read_header(
    path: &Path,
    location: &Location,
    reader: &mut impl Read,
) -> Result<Header, FormatError> {
    let bad =
        |why: String| FormatError::parse(path, location.clone(), Problem::BadArrayHeader(why));
    let not_npy = || {
        FormatError::parse(
            path,
            location.clone(),
            Problem::NotThisFormat {
                expected: "a NumPy .npy array",
            },
        )
    };
    let mut start = [0u8; 10];
    if read_full(path, reader, &mut start)? < start.len() || &start[..6] != MAGIC {
        return Err(not_npy());
    }
    let (header_len, prefix) = match start[6] {
        1 => (usize::from(u16::from_le_bytes([start[8], start[9]])), 10),
        2 | 3 => {
            let mut more = [0u8; 2];
            read_exact(path, location, reader, &mut more)?;
            let len = u32::from_le_bytes([start[8], start[9], more[0], more[1]]);
            (usize::try_from(len).unwrap_or(usize::MAX), 12)
        }
        major => return Err(bad(format!("unknown .npy version {major}"))),
    };
    if header_len > MAX_HEADER_BYTES {
        return Err(bad(format!("a header of {header_len} bytes")));
    }
    let mut text = vec![0u8; header_len];
    read_exact(path, location, reader, &mut text)?;
    let text = String::from_utf8_lossy(&text);
    let mut header = parse_dict(&text).map_err(bad)?;
    header.data_offset = (prefix + header_len) as u64;
    Ok(header)
}

/// Parses the header dict (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }`).
fn parse_dict(text: &str) -> Result<Header, String> {
    let shown = || text.trim().chars().take(120).collect::<String>();
    let after = |key: &str| {
        let at = text
            .find(&format!("'{key}'"))
            .or_else(|| text.find(&format!("\"{key}\"")))
            .ok_or_else(|| format!("no {key:?} in {:?}", shown()))?;
        let rest = &text[at + key.len() + 2..];
        let colon = rest
            .find(':')
            .ok_or_else(|| format!("no value for {key:?}"))?;
        Ok::<&str, String>(rest[colon + 1..].trim_start())
    };
    let descr_text = after("descr")?;
    let descr = match descr_text.chars().next() {
        Some(quote @ ('\'' | '"')) => {
            let body = &descr_text[1..];
            let end = body
                .find(quote)
                .ok_or_else(|| "unterminated 'descr'".to_owned())?;
            body[..end].to_owned()
        }
        // A list: a structured dtype (named fields).
        _ => {
            let end = descr_text.find(']').map_or(descr_text.len(), |i| i + 1);
            descr_text[..end].chars().take(80).collect()
        }
    };
    let fortran_text = after("fortran_order")?;
    let fortran_order = if fortran_text.starts_with("True") {
        true
    } else if fortran_text.starts_with("False") {
        false
    } else {
        return Err(format!(
            "'fortran_order' is neither True nor False in {:?}",
            shown()
        ));
    };
    let shape_text = after("shape")?;
    let shape_body = shape_text
        .strip_prefix('(')
        .and_then(|rest| rest.split_once(')'))
        .map(|(body, _)| body)
        .ok_or_else(|| format!("'shape' is not a tuple in {:?}", shown()))?;
    let shape = shape_body
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| {
            n.trim_end_matches('L')
                .parse::<u64>()
                .map_err(|_| format!("'shape' holds {n:?}, not a size"))
        })
        .collect::<Result<Vec<u64>, String>>()?;
    let (big_endian, kind) = parse_descr(&descr);
    Ok(Header {
        descr,
        kind,
        big_endian,
        fortran_order,
        shape,
        data_offset: 0,
    })
}

/// Byte order and element kind of a simple dtype string (`<f4`, `>f8`, `<U12`, `|S5`).
fn parse_descr(descr: &str) -> (bool, Option<Kind>) {
    let mut chars = descr.chars();
    let (big_endian, rest) = match chars.next() {
        Some('>') => (true, chars.as_str()),
        Some('<' | '|' | '=') => (false, chars.as_str()),
        _ => (false, descr),
    };
    let kind = match rest {
        "f2" | "e" => Some(Kind::F16),
        "f4" | "f" => Some(Kind::F32),
        "f8" | "d" => Some(Kind::F64),
        _ => {
            let count = |tail: &str| tail.parse::<usize>().ok().filter(|&n| n > 0);
            if let Some(n) = rest.strip_prefix('U').and_then(count) {
                Some(Kind::Unicode(n))
            } else {
                rest.strip_prefix('S').and_then(count).map(Kind::Bytes)
            }
        }
    };
    (big_endian, kind)
}

/// Reads the `rows x dim` float data after the header into a row-major `f32` buffer,
/// rejecting NaN and infinity. `known_bytes` is what the stream holds after the header when
/// known (checked before anything is allocated).
pub(crate) fn read_matrix(
    path: &Path,
    location: &Location,
    header: &Header,
    reader: &mut impl Read,
    known_bytes: Option<u64>,
    progress: Option<&ProgressFn>,
) -> Result<(Vec<f32>, usize, usize), FormatError> {
    let (rows, dim) = header.matrix_shape(path, location)?;
    let item = header.item_bytes();
    let total = rows * dim;
    if let Some(known) = known_bytes {
        let promised = header.data_bytes();
        if known != promised {
            return Err(FormatError::parse(
                path,
                location.clone(),
                Problem::SizeMismatch(format!(
                    "the header promises {rows} x {dim} values ({promised} bytes of data) but \
                     {known} bytes follow it{}",
                    if known < promised { ": truncated" } else { "" }
                )),
            ));
        }
    }
    let mut values = vec![0f32; total];
    let mut block = vec![0u8; BLOCK_BYTES - BLOCK_BYTES % item.max(1)];
    let mut done = 0usize;
    while done < total {
        let want = ((total - done) * item).min(block.len());
        let got = read_full(path, reader, &mut block[..want])?;
        if got < want {
            let found = done + got / item;
            return Err(FormatError::parse(
                path,
                location.clone(),
                Problem::SizeMismatch(format!(
                    "truncated: the header promises {total} values, the data ends after {found}"
                )),
            ));
        }
        for (k, bytes) in block[..want].chunks_exact(item).enumerate() {
            let index = done + k;
            let value = decode(bytes, header.big_endian);
            if !value.is_finite() {
                let row = if header.fortran_order {
                    index % rows.max(1)
                } else {
                    index / dim.max(1)
                };
                return Err(FormatError::parse(
                    path,
                    location_of_row(location, row),
                    Problem::NotFinite {
                        token: format!("{value}"),
                    },
                ));
            }
            let target = if header.fortran_order {
                (index % rows) * dim + index / rows
            } else {
                index
            };
            values[target] = value;
        }
        done += want / item;
        if let Some(progress) = progress {
            let bytes = header.data_offset + (done * item) as u64;
            progress(bytes, header.data_offset + header.data_bytes());
        }
    }
    Ok((values, rows, dim))
}

/// Reads a 1-D string array after its header (labels).
pub(crate) fn read_strings(
    path: &Path,
    location: &Location,
    header: &Header,
    reader: &mut impl Read,
    lossy: bool,
) -> Result<Vec<String>, FormatError> {
    if header.shape.len() != 1 || !header.is_text() {
        return Err(FormatError::parse(
            path,
            location.clone(),
            Problem::UnsupportedDtype {
                dtype: format!("{} (shape {:?})", header.descr, header.shape),
                expected: "labels must be a 1-D string array ('<U' or '|S')",
            },
        ));
    }
    let count = usize::try_from(header.shape[0]).unwrap_or(usize::MAX);
    let item = header.item_bytes();
    let mut labels = Vec::with_capacity(count.min(1 << 24));
    let mut cell = vec![0u8; item];
    for row in 0..count {
        read_exact(path, location, reader, &mut cell)?;
        let label = match header.kind {
            Some(Kind::Unicode(_)) => {
                let mut label = String::new();
                for unit in cell.chunks_exact(4) {
                    let bytes = [unit[0], unit[1], unit[2], unit[3]];
                    let code = if header.big_endian {
                        u32::from_be_bytes(bytes)
                    } else {
                        u32::from_le_bytes(bytes)
                    };
                    if code == 0 {
                        break;
                    }
                    match char::from_u32(code) {
                        Some(c) => label.push(c),
                        None if lossy => label.push(char::REPLACEMENT_CHARACTER),
                        None => {
                            return Err(FormatError::parse(
                                path,
                                location_of_row(location, row),
                                Problem::InvalidUtf8,
                            ));
                        }
                    }
                }
                label
            }
            _ => {
                let end = cell.iter().position(|&b| b == 0).unwrap_or(cell.len());
                match std::str::from_utf8(&cell[..end]) {
                    Ok(text) => text.to_owned(),
                    Err(_) if lossy => String::from_utf8_lossy(&cell[..end]).into_owned(),
                    Err(_) => {
                        return Err(FormatError::parse(
                            path,
                            location_of_row(location, row),
                            Problem::InvalidUtf8,
                        ));
                    }
                }
            }
        };
        labels.push(label);
    }
    Ok(labels)
}

/// A row inside `location` (a named array keeps its name).
fn location_of_row(location: &Location, row: usize) -> Location {
    match location {
        Location::Column(name) => Location::Cell {
            column: name.clone(),
            row: row as u64,
        },
        _ => Location::Row(row as u64),
    }
}

fn decode(bytes: &[u8], big_endian: bool) -> f32 {
    match bytes.len() {
        2 => {
            let raw = [bytes[0], bytes[1]];
            let bits = if big_endian {
                u16::from_be_bytes(raw)
            } else {
                u16::from_le_bytes(raw)
            };
            half::f16::from_bits(bits).to_f32()
        }
        4 => {
            let raw = [bytes[0], bytes[1], bytes[2], bytes[3]];
            if big_endian {
                f32::from_be_bytes(raw)
            } else {
                f32::from_le_bytes(raw)
            }
        }
        _ => {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(&bytes[..8]);
            let value = if big_endian {
                f64::from_be_bytes(raw)
            } else {
                f64::from_le_bytes(raw)
            };
            // Out of f32's range becomes infinite, and is reported as not finite.
            value as f32
        }
    }
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_full(path: &Path, reader: &mut impl Read, buf: &mut [u8]) -> Result<usize, FormatError> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => {
                return Err(FormatError::Read {
                    path: path.to_path_buf(),
                    error,
                });
            }
        }
    }
    Ok(filled)
}

fn read_exact(
    path: &Path,
    location: &Location,
    reader: &mut impl Read,
    buf: &mut [u8],
) -> Result<(), FormatError> {
    if read_full(path, reader, buf)? < buf.len() {
        return Err(FormatError::parse(
            path,
            location.clone(),
            Problem::SizeMismatch("truncated: the array ends early".into()),
        ));
    }
    Ok(())
}

/// The bytes of a `.npy` file holding `values` (row-major `rows x dim`) with `descr`
/// (`<f4`/`<f8`/...), for tests.
#[cfg(test)]
pub(crate) fn npy_bytes(descr: &str, fortran: bool, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let shape_text = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut dict = format!(
        "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape_text}, }}",
        if fortran { "True" } else { "False" }
    );
    while !(10 + dict.len() + 1).is_multiple_of(64) {
        dict.push(' ');
    }
    dict.push('\n');
    let mut bytes = MAGIC.to_vec();
    bytes.extend([1, 0]);
    bytes.extend((dict.len() as u16).to_le_bytes());
    bytes.extend(dict.as_bytes());
    bytes.extend(data);
    bytes
}

/// A little-endian float32 `.npy` of `rows` (C order), for tests.
#[cfg(test)]
pub(crate) fn f32_npy(rows: &[&[f32]]) -> Vec<u8> {
    let data: Vec<u8> = rows
        .iter()
        .flat_map(|r| r.iter())
        .flat_map(|v| v.to_le_bytes())
        .collect();
    npy_bytes(
        "<f4",
        false,
        &[rows.len(), rows.first().map_or(0, |r| r.len())],
        &data,
    )
}

/// A little-endian `<U` `.npy` of `labels`, for tests.
#[cfg(test)]
pub(crate) fn unicode_npy(labels: &[&str]) -> Vec<u8> {
    let width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut data = Vec::new();
    for label in labels {
        let mut chars: Vec<u32> = label.chars().map(u32::from).collect();
        chars.resize(width, 0);
        data.extend(chars.iter().flat_map(|c| c.to_le_bytes()));
    }
    npy_bytes(&format!("<U{width}"), false, &[labels.len()], &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_dict_is_parsed() {
        let h = parse_dict("{'descr': '>f8', 'fortran_order': True, 'shape': (3, 2), }").unwrap();
        assert_eq!(
            (h.kind, h.big_endian, h.fortran_order),
            (Some(Kind::F64), true, true)
        );
        assert_eq!(h.shape, [3, 2]);
        let h = parse_dict("{'descr': '<U7', 'fortran_order': False, 'shape': (5,), }").unwrap();
        assert_eq!((h.kind, h.shape.clone()), (Some(Kind::Unicode(7)), vec![5]));
        let h =
            parse_dict("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (), }").unwrap();
        assert_eq!((h.kind, h.shape.len()), (None, 0));
        assert!(parse_dict("{'descr': '<f4', 'shape': (3, 2)}").is_err());
        assert!(parse_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (3, x)}").is_err());
    }

    #[test]
    fn fortran_order_is_transposed_into_rows() {
        // Rows [1, 2, 3] and [4, 5, 6], stored column by column.
        let data: Vec<u8> = [1.0f64, 4.0, 2.0, 5.0, 3.0, 6.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let bytes = npy_bytes("<f8", true, &[2, 3], &data);
        let path = Path::new("f.npy");
        let mut reader = &bytes[..];
        let header = read_header(path, &Location::File, &mut reader).unwrap();
        let (values, rows, dim) =
            read_matrix(path, &Location::File, &header, &mut reader, None, None).unwrap();
        assert_eq!((rows, dim), (2, 3));
        assert_eq!(values, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    }
}
