//! Loading NumPy files: a `.npy` matrix, or a `.npz` archive holding one (plus, optionally, a
//! string array of labels).
//!
//! A `.npy` file is read block by block straight into the final matrix ([`super::npy`]). An
//! `.npz` is a zip of `.npy` members (stored by `np.savez`, deflated by `np.savez_compressed`);
//! each member's header is read to list the arrays, then the chosen one is streamed out of the
//! archive the same way. Rows are named by `--labels`, else by the archive's first 1-D string
//! array, else by number.

use super::assemble::{Parsed, assemble};
use super::error::{Location, Problem};
use super::npy::{self, Header};
use super::side_table::name_rows;
use super::{Format, FormatError, LoadOptions, Loaded};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Zip archives start with a local file header (or, empty, the end-of-directory record).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";

fn read_error(path: &Path) -> impl Fn(std::io::Error) -> FormatError + '_ {
    move |error| FormatError::Read {
        path: path.to_path_buf(),
        error,
    }
}

fn describe_row(row: usize) -> String {
    format!("row {row}")
}

/// Loads a 2-D float `.npy` file.
pub(crate) fn load_npy(path: &Path, opts: &LoadOptions) -> Result<Loaded, FormatError> {
    let file = File::open(path).map_err(read_error(path))?;
    let meta = file.metadata().map_err(read_error(path))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let header = npy::read_header(path, &Location::File, &mut reader)?;
    let known = meta
        .is_file()
        .then(|| meta.len().saturating_sub(header.data_offset));
    let (values, rows, dim) = npy::read_matrix(
        path,
        &Location::File,
        &header,
        &mut reader,
        known,
        opts.progress.as_ref(),
    )?;
    let mut warnings = Vec::new();
    let (words, metadata) = name_rows(rows, None, opts, &mut warnings)?;
    let parsed = Parsed { words, values, dim };
    assemble(
        path,
        Format::Npy,
        parsed,
        describe_row,
        metadata,
        warnings,
        opts,
    )
}

/// Loads the first 2-D float array of an `.npz` archive (or `opts.array`).
pub(crate) fn load_npz(path: &Path, opts: &LoadOptions) -> Result<Loaded, FormatError> {
    let mut file = File::open(path).map_err(read_error(path))?;
    let mut start = [0u8; 4];
    let got = file.read(&mut start).map_err(read_error(path))?;
    if got < 4 || (start != ZIP_MAGIC && start != EMPTY_ZIP_MAGIC) {
        return Err(FormatError::parse(
            path,
            Location::File,
            Problem::NotThisFormat {
                expected: "a NumPy .npz archive (a zip file)",
            },
        ));
    }
    let file = File::open(path).map_err(read_error(path))?;
    let zip_error = |e: zip::result::ZipError| {
        FormatError::parse(
            path,
            Location::File,
            Problem::Table(format!("zip archive: {e}")),
        )
    };
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(zip_error)?;
    let mut arrays: Vec<(String, Result<Header, FormatError>)> = Vec::new();
    for index in 0..archive.len() {
        let mut member = archive.by_index(index).map_err(zip_error)?;
        let name = member
            .name()
            .map_err(zip_error)?
            .trim_end_matches(".npy")
            .to_owned();
        let header = npy::read_header(path, &Location::Column(name.clone()), &mut member);
        arrays.push((name, header));
    }
    let listing = || {
        arrays
            .iter()
            .map(|(name, header)| match header {
                Ok(header) => format!("{name} ({})", header.describe()),
                Err(_) => format!("{name} (not an array)"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match &opts.array {
        Some(wanted) => {
            let wanted = wanted.trim_end_matches(".npy");
            arrays
                .iter()
                .position(|(name, _)| name == wanted)
                .ok_or_else(|| {
                    FormatError::parse(
                        path,
                        Location::File,
                        Problem::MissingColumn {
                            name: wanted.to_owned(),
                            available: listing(),
                        },
                    )
                })?
        }
        None => arrays
            .iter()
            .position(|(_, h)| h.as_ref().is_ok_and(|h| h.is_float() && h.shape.len() == 2))
            .ok_or_else(|| {
                FormatError::parse(
                    path,
                    Location::File,
                    Problem::NoSuitableColumn(format!(
                        "no 2-D float array in the archive (arrays: {}); choose one with --array",
                        listing()
                    )),
                )
            })?,
    };
    let location = Location::Column(arrays[chosen].0.clone());
    let (values, rows, dim) = {
        let mut member = archive.by_index(chosen).map_err(zip_error)?;
        let size = member.size();
        let header = npy::read_header(path, &location, &mut member)?;
        let known = size.saturating_sub(header.data_offset);
        npy::read_matrix(
            path,
            &location,
            &header,
            &mut member,
            Some(known),
            opts.progress.as_ref(),
        )?
    };
    let own = if opts.labels.is_none() {
        archive_labels(path, &mut archive, &arrays, rows, opts.lossy)?
    } else {
        None
    };
    let mut warnings = Vec::new();
    let (words, metadata) = name_rows(rows, own, opts, &mut warnings)?;
    let parsed = Parsed { words, values, dim };
    assemble(
        path,
        Format::Npz,
        parsed,
        describe_row,
        metadata,
        warnings,
        opts,
    )
}

/// The archive's first 1-D string array, which must hold one label per row.
fn archive_labels(
    path: &Path,
    archive: &mut zip::ZipArchive<BufReader<File>>,
    arrays: &[(String, Result<Header, FormatError>)],
    rows: usize,
    lossy: bool,
) -> Result<Option<Vec<String>>, FormatError> {
    let Some(index) = arrays
        .iter()
        .position(|(_, h)| h.as_ref().is_ok_and(|h| h.is_text() && h.shape.len() == 1))
    else {
        return Ok(None);
    };
    let location = Location::Column(arrays[index].0.clone());
    let mut member = archive.by_index(index).map_err(|e| {
        FormatError::parse(
            path,
            Location::File,
            Problem::Table(format!("zip archive: {e}")),
        )
    })?;
    let header = npy::read_header(path, &location, &mut member)?;
    if header.shape[0] != rows as u64 {
        return Err(FormatError::parse(
            path,
            location,
            Problem::LabelCount {
                labels: usize::try_from(header.shape[0]).unwrap_or(usize::MAX),
                rows,
            },
        ));
    }
    npy::read_strings(path, &location, &header, &mut member, lossy).map(Some)
}
