//! Writing files safely: everything embedscape writes goes to a temporary file in the target's
//! directory first and is renamed into place only when complete, so a crash or an error never
//! leaves a half-written file under the real name (and never destroys the previous one).
//!
//! The temporary files come from `tempfile` (unique names, removed on drop, `persist` renames).
//! Two things it does not decide for us are handled here:
//!
//! * **Where to write.** An output path that is a symlink is resolved first, so the link's target
//!   is replaced and the link stays a link (what users expect of `-o link`). An output that
//!   exists but is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO) is written *through*:
//!   renaming over it would replace a device node, so it is opened and written in place. A
//!   directory is refused.
//! * **Several files at once.** [`WriteBatch`] writes every temporary first and renames them only
//!   when all were written, so a failure on the second file of a pair (Projector TSV vectors +
//!   metadata) leaves both old files untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::TempPath;

/// Buffer size of the writers handed to the callbacks.
const WRITE_BUFFER_BYTES: usize = 1 << 20;
/// Symlink chains longer than this are refused (the kernel's own limit is 40).
const MAX_SYMLINK_HOPS: usize = 40;

/// Creates `path` by calling `write` on a buffered temporary file, then renaming it into place.
/// On any error the temporary file is removed and `path` is left untouched. See the module docs
/// for symlinks and non-regular files.
pub fn write_atomically<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
{
    let mut batch = WriteBatch::new();
    batch.add(path, write)?;
    batch.commit()
}

/// Several files written all-or-nothing: [`WriteBatch::add`] writes each to its temporary file,
/// [`WriteBatch::commit`] renames them all into place. Dropping an uncommitted batch deletes the
/// temporaries and leaves every target as it was.
#[derive(Default)]
pub struct WriteBatch {
    /// Finished temporary files and the (resolved) paths they will be renamed to.
    pending: Vec<(TempPath, PathBuf)>,
}

impl WriteBatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the content of `path` with `write`. A regular (or not yet existing) target gets a
    /// temporary file renamed at [`commit`](Self::commit); a non-regular one (a device, a FIFO)
    /// is written through immediately, since there is nothing there to lose.
    pub fn add<F>(&mut self, path: &Path, write: F) -> io::Result<()>
    where
        F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
    {
        let target = resolve_symlinks(path)?;
        match fs::metadata(&target) {
            // Callers name the path; the error says only what is wrong with it.
            Ok(meta) if meta.is_dir() => return Err(io::Error::other("it is a directory")),
            Ok(meta) if !meta.is_file() => return write_through(&target, write),
            _ => {}
        }
        let temp = temporary_file_for(&target)?;
        let (file, temp_path) = temp.into_parts();
        let mut writer = BufWriter::with_capacity(WRITE_BUFFER_BYTES, file);
        write(&mut writer)?;
        writer.flush()?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        self.pending.push((temp_path, target));
        Ok(())
    }

    /// Renames every temporary file into place, in the order they were added.
    pub fn commit(self) -> io::Result<()> {
        for (temp_path, target) in self.pending {
            temp_path.persist(&target).map_err(|e| e.error)?;
        }
        Ok(())
    }
}

/// Checks, without changing anything, that `path` could be written by [`write_atomically`]:
/// its directory exists and takes new files (a temporary one is created and removed), or it is a
/// writable device or FIFO. Long jobs (training) call this first, so a typo in the output path
/// is reported in a second rather than after an hour of work.
pub fn check_writable(path: &Path) -> io::Result<()> {
    let target = resolve_symlinks(path)?;
    match fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => Err(io::Error::other("it is a directory")),
        Ok(meta) if !meta.is_file() => OpenOptions::new().write(true).open(&target).map(drop),
        _ => temporary_file_for(&target).map(drop),
    }
}

/// Follows `path` through symlinks to the file that should really be written (which may not
/// exist yet). A path that is not a symlink is returned as it is. (Not `canonicalize`: that
/// fails for a link to a file not yet created.)
fn resolve_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINK_HOPS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// A hidden temporary file beside `target` (same directory, so the rename is atomic), with the
/// permissions the target has, or a new file would get.
fn temporary_file_for(target: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile's default is 0600; a plain new file is 0666 less the umask.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let existing = fs::metadata(target).ok().map(|m| m.permissions());
    let temp = builder.tempfile_in(dir).map_err(|err| {
        // tempfile appends "at path <random temporary name>", which means nothing to the user.
        let text = err.to_string();
        let cause = text.split(" at path ").next().unwrap_or(&text).to_owned();
        io::Error::new(
            err.kind(),
            format!("cannot create a file in {}: {cause}", dir.display()),
        )
    })?;
    if let Some(permissions) = existing {
        fs::set_permissions(temp.path(), permissions)?;
    }
    Ok(temp)
}

/// Writes into an existing non-regular file (device, FIFO) in place.
fn write_through<F>(target: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
{
    let file = OpenOptions::new().write(true).open(target)?;
    let mut writer = BufWriter::with_capacity(WRITE_BUFFER_BYTES, file);
    write(&mut writer)?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_keeps_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        fs::write(&path, "old").unwrap();
        let err = write_atomically(&path, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file removed"
        );
    }

    #[test]
    fn successful_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomically(&path, |w| w.write_all("新".as_bytes())).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "新");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn batch_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("a.tsv");
        let second = dir.path().join("a_metadata.tsv");
        fs::write(&first, "old a").unwrap();
        fs::write(&second, "old b").unwrap();
        let mut batch = WriteBatch::new();
        batch.add(&first, |w| w.write_all(b"new a")).unwrap();
        let failed = batch.add(&second, |_| Err(io::Error::other("disk full")));
        assert!(failed.is_err());
        drop(batch);
        assert_eq!(fs::read(&first).unwrap(), b"old a");
        assert_eq!(fs::read(&second).unwrap(), b"old b");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "temps removed"
        );

        let mut batch = WriteBatch::new();
        batch.add(&first, |w| w.write_all(b"new a")).unwrap();
        batch.add(&second, |w| w.write_all(b"new b")).unwrap();
        // Nothing is visible before the commit.
        assert_eq!(fs::read(&first).unwrap(), b"old a");
        batch.commit().unwrap();
        assert_eq!(fs::read(&first).unwrap(), b"new a");
        assert_eq!(fs::read(&second).unwrap(), b"new b");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_target_is_written_and_link_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_atomically(&link, |w| w.write_all(b"new")).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn device_nodes_are_written_through_not_replaced() {
        let null = Path::new("/dev/null");
        if !null.exists() {
            return;
        }
        write_atomically(null, |w| w.write_all(b"discarded")).unwrap();
        let meta = fs::metadata(null).unwrap();
        assert!(!meta.is_file(), "/dev/null is still a device");
    }

    #[test]
    fn writability_is_checked_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("old.txt");
        fs::write(&existing, "old").unwrap();
        check_writable(&existing).unwrap();
        check_writable(&dir.path().join("new.txt")).unwrap();
        assert_eq!(fs::read(&existing).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "nothing left behind"
        );
        let missing_dir = dir.path().join("no/such/dir/out.txt");
        let err = check_writable(&missing_dir).unwrap_err().to_string();
        assert!(
            err.contains("no/such/dir") && !err.contains(".out.txt."),
            "{err}"
        );
        assert!(check_writable(dir.path()).is_err());
    }

    #[test]
    fn directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomically(dir.path(), |w| w.write_all(b"x")).unwrap_err();
        assert_eq!(err.to_string(), "it is a directory");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_not_private_and_old_permissions_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.txt");
        write_atomically(&fresh, |w| w.write_all(b"x")).unwrap();
        let mode = fs::metadata(&fresh).unwrap().permissions().mode();
        // 0666 less a umask that never removes the owner's read bit: at least 0400, and not the
        // 0600-only mode a temporary file has unless the umask is 077.
        assert!(mode & 0o400 != 0, "{mode:o}");
        let kept = dir.path().join("kept.txt");
        fs::write(&kept, "old").unwrap();
        fs::set_permissions(&kept, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&kept, |w| w.write_all(b"new")).unwrap();
        assert_eq!(
            fs::metadata(&kept).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
