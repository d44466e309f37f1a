//! Parquet and Arrow IPC (Feather v2) tables, read batch by batch with arrow-rs.
//!
//! A table of embeddings has a vector column (a list, large list or fixed-size list of
//! float32/float64/float16: the first such column, or `--vector-column`), a label column (the
//! first string column, or `--label-column`) and any other columns, which become
//! [`Metadata`](crate::embeddings::Metadata). Vectors are appended batch by batch to one
//! row-major `f32` buffer reserved from the row count in the file's footer, so the table is
//! never held whole next to the matrix. The same reader turns a Parquet or Arrow file without
//! vectors into a [`SideTable`] (labels or metadata for another file).

use super::error::{Location, Problem};
use super::table::{Cells, SideTable};
use super::{FormatError, ProgressFn};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, SchemaRef};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Parquet files start and end with these bytes.
const PARQUET_MAGIC: &[u8] = b"PAR1";
/// Arrow IPC files (Feather v2) start with these bytes; a stream starts with 0xFFFFFFFF.
const ARROW_FILE_MAGIC: &[u8] = b"ARROW1";
const ARROW_STREAM_MAGIC: &[u8] = &[0xFF, 0xFF, 0xFF, 0xFF];
/// Feather version 1, which arrow-rs does not read.
const FEATHER_V1_MAGIC: &[u8] = b"FEA1";
/// Rows decoded per batch.
const BATCH_ROWS: usize = 8192;

/// Which kind of table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableKind {
    Parquet,
    Arrow,
}

/// The columns of a table file and an iterator over its batches.
pub(crate) struct TableReader {
    pub schema: SchemaRef,
    /// Rows promised by the footer (Parquet; Arrow files: the sum of the batches' lengths).
    pub rows_hint: Option<usize>,
    pub batches: Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>>>,
    pub file_bytes: u64,
}

/// Opens a Parquet or Arrow IPC file after checking its signature.
pub(crate) fn open(path: &Path, kind: TableKind) -> Result<TableReader, FormatError> {
    let read_error = |error| FormatError::Read {
        path: path.to_path_buf(),
        error,
    };
    let mut file = File::open(path).map_err(read_error)?;
    let file_bytes = file.metadata().map_err(read_error)?.len();
    let mut start = [0u8; 6];
    let got = file.read(&mut start).map_err(read_error)?;
    let start = &start[..got];
    let not_this =
        |expected| FormatError::parse(path, Location::File, Problem::NotThisFormat { expected });
    let file = File::open(path).map_err(read_error)?;
    match kind {
        TableKind::Parquet => {
            if !start.starts_with(PARQUET_MAGIC) {
                return Err(not_this("a Parquet file"));
            }
            let builder =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .map_err(|e| table_error(path, e.to_string()))?;
            let rows_hint = usize::try_from(builder.metadata().file_metadata().num_rows()).ok();
            let schema = builder.schema().clone();
            let reader = builder
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| table_error(path, e.to_string()))?;
            Ok(TableReader {
                schema,
                rows_hint,
                batches: Box::new(reader),
                file_bytes,
            })
        }
        TableKind::Arrow => {
            if start.starts_with(FEATHER_V1_MAGIC) {
                return Err(table_error(
                    path,
                    "this is a Feather version 1 file, which is not read: save it again with \
                     pyarrow.feather.write_feather (version 2, the default)"
                        .into(),
                ));
            }
            if start.starts_with(ARROW_FILE_MAGIC) {
                let reader = arrow_ipc::reader::FileReader::try_new(file, None)
                    .map_err(|e| table_error(path, e.to_string()))?;
                Ok(TableReader {
                    schema: reader.schema(),
                    rows_hint: None,
                    batches: Box::new(reader),
                    file_bytes,
                })
            } else if start.starts_with(ARROW_STREAM_MAGIC) {
                let reader = arrow_ipc::reader::StreamReader::try_new(
                    std::io::BufReader::with_capacity(1 << 20, file),
                    None,
                )
                .map_err(|e| table_error(path, e.to_string()))?;
                Ok(TableReader {
                    schema: reader.schema(),
                    rows_hint: None,
                    batches: Box::new(reader),
                    file_bytes,
                })
            } else {
                Err(not_this("an Arrow IPC (Feather v2) file"))
            }
        }
    }
}

fn table_error(path: &Path, message: String) -> FormatError {
    FormatError::parse(path, Location::File, Problem::Table(message))
}

fn column_names(schema: &SchemaRef) -> String {
    schema
        .fields()
        .iter()
        .map(|f| format!("{} ({})", f.name(), f.data_type()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The index of column `name`, or the missing-column error.
pub(crate) fn column_index(
    path: &Path,
    schema: &SchemaRef,
    name: &str,
) -> Result<usize, FormatError> {
    schema.index_of(name).map_err(|_| {
        FormatError::parse(
            path,
            Location::File,
            Problem::MissingColumn {
                name: name.to_owned(),
                available: column_names(schema),
            },
        )
    })
}

/// Whether `data_type` is a list of floats (a vector column).
fn is_vector_type(data_type: &DataType) -> bool {
    match data_type {
        DataType::List(child) | DataType::LargeList(child) | DataType::FixedSizeList(child, _) => {
            matches!(
                child.data_type(),
                DataType::Float16 | DataType::Float32 | DataType::Float64
            )
        }
        _ => false,
    }
}

/// Whether a column can hold labels: text, or a dictionary of text.
pub(crate) fn is_text_type(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_text_type(values),
        _ => false,
    }
}

/// Whether a column holds plain numbers (integers or floats).
fn is_number_type(data_type: &DataType) -> bool {
    data_type.is_integer() || data_type.is_floating()
}

/// What was read from a table of embeddings.
pub(crate) struct VectorTable {
    pub values: Vec<f32>,
    pub dim: usize,
    pub rows: usize,
    /// Every column other than the vectors, as a side table (labels and metadata).
    pub others: SideTable,
}

/// Reads a table with a vector column: `vector_column` or the first list of floats.
pub(crate) fn read_vector_table(
    path: &Path,
    table: TableReader,
    vector_column: Option<&str>,
    progress: Option<&ProgressFn>,
) -> Result<VectorTable, FormatError> {
    let schema = table.schema.clone();
    let vector = match vector_column {
        Some(name) => {
            let index = column_index(path, &schema, name)?;
            let data_type = schema.field(index).data_type();
            if !is_vector_type(data_type) {
                return Err(FormatError::parse(
                    path,
                    Location::Column(name.to_owned()),
                    Problem::NoSuitableColumn(format!(
                        "the column is {data_type}, not a list of floats"
                    )),
                ));
            }
            index
        }
        None => schema
            .fields()
            .iter()
            .position(|f| is_vector_type(f.data_type()))
            .ok_or_else(|| {
                FormatError::parse(
                    path,
                    Location::File,
                    Problem::NoSuitableColumn(format!(
                        "no vector column (a list of float32 or float64) among: {}",
                        column_names(&schema)
                    )),
                )
            })?,
    };
    let vector_name = schema.field(vector).name().clone();
    let mut values: Vec<f32> = Vec::new();
    let mut dim = match schema.field(vector).data_type() {
        DataType::FixedSizeList(_, n) => usize::try_from(*n).ok(),
        _ => None,
    };
    let others: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| i != vector)
        .collect();
    let mut collector = Collector::new(&schema, &others);
    let mut rows = 0usize;
    for batch in table.batches {
        let batch = batch.map_err(|e| table_error(path, e.to_string()))?;
        let column = batch.column(vector);
        let batch_dim = append_vectors(path, &vector_name, column, rows, dim, &mut values)?;
        if dim.is_none() && batch.num_rows() > 0 {
            dim = Some(batch_dim);
        }
        if values.capacity() == values.len() {
            // Reserve the whole matrix once the dimension is known, if the footer's row count
            // is plausible for the file's size (never more than 64 times its bytes).
            if let (Some(total), Some(d)) = (table.rows_hint, dim) {
                let want = total.saturating_mul(d);
                if (want as u64).saturating_mul(4) <= table.file_bytes.saturating_mul(64) {
                    values.reserve_exact(want.saturating_sub(values.len()));
                }
            }
        }
        collector.push(&batch, rows);
        rows += batch.num_rows();
        if let Some(progress) = progress {
            let total = table.rows_hint.unwrap_or(rows).max(1) as u64;
            progress(
                table.file_bytes * (rows as u64).min(total) / total,
                table.file_bytes,
            );
        }
    }
    values.shrink_to_fit();
    Ok(VectorTable {
        values,
        dim: dim.unwrap_or(0),
        rows,
        others: collector.finish(),
    })
}

/// Reads every column of a table without vectors (labels or metadata for another file).
pub(crate) fn read_side_table(path: &Path, table: TableReader) -> Result<SideTable, FormatError> {
    let all: Vec<usize> = (0..table.schema.fields().len()).collect();
    let mut collector = Collector::new(&table.schema, &all);
    let mut rows = 0;
    for batch in table.batches {
        let batch = batch.map_err(|e| table_error(path, e.to_string()))?;
        collector.push(&batch, rows);
        rows += batch.num_rows();
    }
    let mut side = collector.finish();
    side.rows = rows;
    Ok(side)
}

/// Appends one batch of vectors; returns the batch's dimension (that of its first row).
/// `expected` is the dimension of the rows before; `row0` the table row of the batch's first.
fn append_vectors(
    path: &Path,
    name: &str,
    column: &ArrayRef,
    row0: usize,
    expected: Option<usize>,
    out: &mut Vec<f32>,
) -> Result<usize, FormatError> {
    let cell = |row: usize| Location::Cell {
        column: name.to_owned(),
        row: (row0 + row) as u64,
    };
    if let Some(row) = (0..column.len()).find(|&row| column.is_null(row)) {
        return Err(FormatError::parse(path, cell(row), Problem::NullVector));
    }
    // Each row's range in `child`.
    let (child, ranges): (&ArrayRef, Vec<(usize, usize)>) = match column.data_type() {
        DataType::FixedSizeList(_, _) => {
            let list = column.as_fixed_size_list();
            let n = usize::try_from(list.value_length()).unwrap_or(0);
            let ranges = (0..list.len()).map(|i| {
                let start = list.value_offset_at(i);
                (start, start + n)
            });
            (list.values(), ranges.collect())
        }
        DataType::List(_) => {
            let list = column.as_list::<i32>();
            let offsets = list.value_offsets();
            let ranges = offsets.windows(2).map(|w| (w[0] as usize, w[1] as usize));
            (list.values(), ranges.collect())
        }
        DataType::LargeList(_) => {
            let list = column.as_list::<i64>();
            let offsets = list.value_offsets();
            let ranges = offsets.windows(2).map(|w| (w[0] as usize, w[1] as usize));
            (list.values(), ranges.collect())
        }
        other => {
            return Err(FormatError::parse(
                path,
                Location::Column(name.to_owned()),
                Problem::NoSuitableColumn(format!("the column is {other}, not a list of floats")),
            ));
        }
    };
    let Some(&(first_start, first_end)) = ranges.first() else {
        return Ok(expected.unwrap_or(0));
    };
    let dim = expected.unwrap_or(first_end - first_start);
    for (row, &(start, end)) in ranges.iter().enumerate() {
        if end - start != dim {
            return Err(FormatError::parse(
                path,
                cell(row),
                Problem::VectorLength {
                    expected: dim,
                    found: end - start,
                },
            ));
        }
    }
    let span = first_start..ranges.last().map_or(first_start, |r| r.1);
    if child.null_count() > 0
        && let Some(index) = span.clone().find(|&i| child.is_null(i))
    {
        let row = ranges.partition_point(|r| r.1 <= index);
        return Err(FormatError::parse(path, cell(row), Problem::NullValue));
    }
    let before = out.len();
    match child.data_type() {
        DataType::Float32 => {
            out.extend_from_slice(&child.as_primitive::<Float32Type>().values()[span])
        }
        DataType::Float64 => out.extend(
            child.as_primitive::<Float64Type>().values()[span]
                .iter()
                .map(|&v| v as f32),
        ),
        DataType::Float16 => out.extend(
            child.as_primitive::<Float16Type>().values()[span]
                .iter()
                .map(|v| v.to_f32()),
        ),
        other => {
            return Err(FormatError::parse(
                path,
                Location::Column(name.to_owned()),
                Problem::NoSuitableColumn(format!("the vectors hold {other}, not floats")),
            ));
        }
    }
    if let Some(bad) = out[before..].iter().position(|v| !v.is_finite()) {
        let row = bad / dim.max(1);
        let token = format!("{}", out[before + bad]);
        return Err(FormatError::parse(
            path,
            cell(row),
            Problem::NotFinite { token },
        ));
    }
    Ok(dim)
}

/// Collects the text and number columns of a table batch by batch; other types are skipped.
struct Collector {
    columns: Vec<(usize, String, Cells)>,
    skipped: Vec<String>,
}

impl Collector {
    fn new(schema: &SchemaRef, indices: &[usize]) -> Collector {
        let mut columns = Vec::new();
        let mut skipped = Vec::new();
        for &index in indices {
            let field = schema.field(index);
            let cells =
                if is_text_type(field.data_type()) || *field.data_type() == DataType::Boolean {
                    Some(Cells::Strings(Vec::new()))
                } else if is_number_type(field.data_type()) {
                    Some(Cells::Numbers(Vec::new()))
                } else {
                    None
                };
            match cells {
                Some(cells) => columns.push((index, field.name().clone(), cells)),
                None => skipped.push(format!("{} ({})", field.name(), field.data_type())),
            }
        }
        Collector { columns, skipped }
    }

    fn push(&mut self, batch: &RecordBatch, _row0: usize) {
        for (index, _, cells) in &mut self.columns {
            let array = batch.column(*index);
            match cells {
                Cells::Strings(values) => append_strings(array.as_ref(), values),
                Cells::Numbers(values) => append_numbers(array.as_ref(), values),
            }
        }
    }

    fn finish(self) -> SideTable {
        let rows = self.columns.first().map_or(0, |(_, _, cells)| cells.len());
        SideTable {
            rows,
            names: self
                .columns
                .iter()
                .map(|(_, name, _)| name.clone())
                .collect(),
            columns: self
                .columns
                .into_iter()
                .map(|(_, _, cells)| cells)
                .collect(),
            typed: true,
            skipped: self.skipped,
        }
    }
}

fn append_strings(array: &dyn Array, out: &mut Vec<Option<String>>) {
    let valid = |i: usize| array.is_valid(i);
    match array.data_type() {
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            out.extend((0..a.len()).map(|i| valid(i).then(|| a.value(i).to_owned())));
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            out.extend((0..a.len()).map(|i| valid(i).then(|| a.value(i).to_owned())));
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            out.extend((0..a.len()).map(|i| valid(i).then(|| a.value(i).to_owned())));
        }
        DataType::Boolean => {
            let a = array.as_boolean();
            out.extend((0..a.len()).map(|i| valid(i).then(|| a.value(i).to_string())));
        }
        DataType::Dictionary(_, _) => {
            if let Some(dict) = array.as_any_dictionary_opt() {
                let mut values = Vec::new();
                append_strings(dict.values().as_ref(), &mut values);
                let keys = dict.normalized_keys();
                out.extend(keys.iter().enumerate().map(|(i, &k)| {
                    if valid(i) {
                        values.get(k).cloned().flatten()
                    } else {
                        None
                    }
                }));
            } else {
                out.extend(std::iter::repeat_n(None, array.len()));
            }
        }
        _ => out.extend(std::iter::repeat_n(None, array.len())),
    }
}

fn append_numbers(array: &dyn Array, out: &mut Vec<Option<f64>>) {
    macro_rules! primitive {
        ($t:ty, $convert:expr) => {{
            let a = array.as_primitive::<$t>();
            let convert = $convert;
            out.extend((0..a.len()).map(|i| {
                if a.is_valid(i) {
                    Some(convert(a.value(i))).filter(|v: &f64| v.is_finite())
                } else {
                    None
                }
            }));
        }};
    }
    match array.data_type() {
        DataType::Int8 => primitive!(Int8Type, f64::from),
        DataType::Int16 => primitive!(Int16Type, f64::from),
        DataType::Int32 => primitive!(Int32Type, f64::from),
        DataType::Int64 => primitive!(Int64Type, |v: i64| v as f64),
        DataType::UInt8 => primitive!(UInt8Type, f64::from),
        DataType::UInt16 => primitive!(UInt16Type, f64::from),
        DataType::UInt32 => primitive!(UInt32Type, f64::from),
        DataType::UInt64 => primitive!(UInt64Type, |v: u64| v as f64),
        DataType::Float16 => primitive!(Float16Type, |v: half::f16| v.to_f64()),
        DataType::Float32 => primitive!(Float32Type, f64::from),
        DataType::Float64 => primitive!(Float64Type, |v: f64| v),
        _ => out.extend(std::iter::repeat_n(None, array.len())),
    }
}
