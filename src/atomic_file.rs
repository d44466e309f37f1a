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
//!   metadata) leaves both old files untouched. (A process killed between the two renames, a
//!   window of microseconds, leaves one new and one old file, each of them whole.)
//! * **Temporaries of a killed process.** A process killed outright (SIGKILL, power cut) cannot
//!   remove its temporary, so `.NAME.XXXXXX.tmp` may remain beside `NAME`; the real name always
//!   holds the old file or the new one, never a part. Each writer holds an advisory lock on its
//!   temporary (`flock`, released by the kernel when the process dies) until the rename, and the
//!   next write of the same target removes that target's temporaries nobody holds: the litter of
//!   a killed run is cleaned by the next one, and a live writer's temporary is never touched.

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
    /// Finished temporary files and the (resolved) paths they will be renamed to; each file is
    /// kept open so its lock holds until the rename (see the module docs).
    pending: Vec<(TempPath, File, PathBuf)>,
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
        self.pending.push((temp_path, file, target));
        Ok(())
    }

    /// Renames every temporary file into place, in the order they were added.
    pub fn commit(self) -> io::Result<()> {
        for (temp_path, file, target) in self.pending {
            temp_path.persist(&target).map_err(|e| e.error)?;
            // Renamed: the lock has nothing more to guard.
            drop(file);
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

/// Random characters tempfile puts between the prefix and the suffix (its default).
const TEMP_RANDOM_CHARS: usize = 6;
/// The suffix of every temporary.
const TEMP_SUFFIX: &str = ".tmp";
/// How often a temporary is created again when a sweep removed it before it was locked.
const TEMP_CREATE_TRIES: usize = 4;

/// The directory of `target` and the prefix of its temporaries: `.NAME.`.
fn temporary_prefix(target: &Path) -> (&Path, String) {
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    (dir, format!(".{name}."))
}

/// Whether `file_name` is one of our temporaries for the target whose prefix is `prefix`:
/// exactly `PREFIX` + six random letters or digits + `.tmp` (so `.a.` never matches the
/// temporaries of `a.b`, whose middle part is longer).
fn is_temporary_of(file_name: &str, prefix: &str) -> bool {
    file_name
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| {
            random.len() == TEMP_RANDOM_CHARS && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes the temporaries of `target` that no live writer holds (left by a killed process).
/// Best effort: anything unreadable, locked or already gone is skipped. Each candidate is removed
/// while this process holds its lock, so a writer that creates it and locks it a moment later
/// sees that it was unlinked and creates another (`temporary_file_for`).
#[cfg(unix)]
fn remove_stale_temporaries(target: &Path) {
    let (dir, prefix) = temporary_prefix(target);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(|n| is_temporary_of(n, &prefix)) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = OpenOptions::new().read(true).open(&path) else {
            continue;
        };
        if file.try_lock().is_ok() && same_file(&file, &path) {
            // Nobody writes it: its writer died. (An error here means someone else removed it.)
            let _ = fs::remove_file(&path);
        }
    }
}

/// Whether `path` still names the file `file` has open (it was not removed or replaced).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// A hidden temporary file beside `target` (same directory, so the rename is atomic), with the
/// permissions the target has, or a new file would get, locked for as long as it is open.
/// Stale temporaries of the same target are removed first.
fn temporary_file_for(target: &Path) -> io::Result<tempfile::NamedTempFile> {
    #[cfg(unix)]
    remove_stale_temporaries(target);
    let mut tries = 1;
    loop {
        let temp = new_temporary_file(target)?;
        // A lock the file system refuses (some network file systems) only costs the cleaning.
        let locked = temp.as_file().lock().is_ok();
        #[cfg(unix)]
        if locked && !same_file(temp.as_file(), temp.path()) && tries < TEMP_CREATE_TRIES {
            // Another process's sweep removed it between its creation and our lock. Its name is
            // free again (a new file of that name is someone else's): keep the name, try again.
            let (_, temp_path) = temp.into_parts();
            let _ = temp_path.keep();
            tries += 1;
            continue;
        }
        let _ = (locked, tries);
        return Ok(temp);
    }
}

/// Creates the temporary file itself (unlocked).
fn new_temporary_file(target: &Path) -> io::Result<tempfile::NamedTempFile> {
    let (dir, prefix) = temporary_prefix(target);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
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
    fn temporaries_are_recognised_by_their_exact_name() {
        assert!(is_temporary_of(".out.txt.a1B2c3.tmp", ".out.txt."));
        assert!(
            !is_temporary_of(".out.txt.a1B2c3.tmp", ".out."),
            "another target's"
        );
        assert!(!is_temporary_of(".out.txt.a1B2c.tmp", ".out.txt."));
        assert!(!is_temporary_of(".out.txt.a1B2c3.tmp.bak", ".out.txt."));
        assert!(!is_temporary_of(".out.txt.a-B2c3.tmp", ".out.txt."));
        assert!(!is_temporary_of("out.txt", ".out.txt."));
    }

    /// What a process killed in the middle of a write leaves (a temporary nobody holds) is removed
    /// by the next write of the same target; a temporary a live writer holds, and the
    /// temporaries of other targets, are not.
    #[cfg(unix)]
    #[test]
    fn the_next_write_removes_a_killed_writers_temporary_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        fs::write(&path, "old").unwrap();
        let stale = dir.path().join(".out.txt.Ab3dE9.tmp");
        fs::write(&stale, "half").unwrap();
        let other = dir.path().join(".other.txt.Ab3dE9.tmp");
        fs::write(&other, "someone else's").unwrap();
        let live = dir.path().join(".out.txt.Live42.tmp");
        fs::write(&live, "being written").unwrap();
        let held = File::open(&live).unwrap();
        held.lock().unwrap();

        write_atomically(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert!(!stale.exists(), "the dead writer's temporary is removed");
        assert!(live.exists(), "a live writer's temporary is kept");
        assert!(
            other.exists(),
            "another target's temporary is not ours to remove"
        );
        drop(held);
        check_writable(&path).unwrap();
        assert!(!live.exists(), "once its writer is gone, it goes too");
    }

    /// While a batch waits for its commit, its temporaries stay locked: a write of the same
    /// target from elsewhere does not take them for a dead writer's.
    #[cfg(unix)]
    #[test]
    fn a_pending_batch_keeps_its_temporaries_locked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pair.tsv");
        let mut batch = WriteBatch::new();
        batch.add(&path, |w| w.write_all(b"first")).unwrap();
        write_atomically(&path, |w| w.write_all(b"second")).unwrap();
        batch.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
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
