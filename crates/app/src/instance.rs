//! One app per wallet. The first start holds a lock on a file in the wallet's folder
//! for as long as it runs, and listens on a socket beside it; a later start finds the
//! lock taken, asks the first through the socket to show its window, and ends.
//!
//! Written here rather than taken from tauri-plugin-single-instance: that plugin keys
//! the instance by the app's identifier on the D-Bus session bus, while a Piaojia
//! instance is one wallet folder (two people on one account, or a test, may each
//! have their own), and the folder's permissions keep other users off the socket.
//! The lock is the kernel's (flock), so a crashed app leaves nothing that blocks the
//! next start; a stale socket file is replaced by whoever holds the lock.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

const LOCK_FILE: &str = "instance.lock";
const SOCKET_FILE: &str = "instance.sock";
/// What a later start says, and what the first answers once it has shown its window.
const SHOW: &[u8] = b"show\n";
const SHOWN: &[u8] = b"shown\n";
/// How long a later start waits for the first to answer (it may itself be starting).
const PATIENCE: Duration = Duration::from_secs(5);

/// What starting found.
pub enum Instance {
    /// This process has the wallet; keep the value for as long as it runs.
    First(FirstInstance),
    /// Another process has the wallet and has shown its window.
    Shown,
    /// Another process has the wallet but did not answer in time.
    Silent,
}

/// The lock of the process that has the wallet, and its socket once it listens.
pub struct FirstInstance {
    _lock: File,
    socket: PathBuf,
}

/// Takes the wallet in `wallet_dir` for this process, or asks the process that has
/// it to show itself.
pub fn claim(wallet_dir: &Path) -> std::io::Result<Instance> {
    make_private_dir(wallet_dir)?;
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(wallet_dir.join(LOCK_FILE))?;
    let socket = wallet_dir.join(SOCKET_FILE);
    match lock.try_lock() {
        Ok(()) => Ok(Instance::First(FirstInstance {
            _lock: lock,
            socket,
        })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(ask_to_show(&socket)),
        Err(std::fs::TryLockError::Error(error)) => Err(error),
    }
}

/// Makes `dir` and the folders above it that are missing, readable by the user
/// alone (on Unix; a folder that exists keeps its mode).
pub fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
    folder.create(dir)
}

impl FirstInstance {
    /// Listens for later starts on a thread of its own and calls `show` for each.
    /// Without a socket (a folder path too long for one, say) the wallet is still
    /// this process's alone; later starts then end without showing it.
    pub fn listen(&self, show: impl Fn() + Send + 'static) -> std::io::Result<()> {
        listen(&self.socket, show)
    }
}

impl Drop for FirstInstance {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
    }
}

#[cfg(unix)]
fn listen(socket: &Path, show: impl Fn() + Send + 'static) -> std::io::Result<()> {
    use std::os::unix::net::UnixListener;
    // Whoever made this file has ended: the lock is ours.
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket)?;
    std::thread::Builder::new()
        .name("piaojia-instance".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(PATIENCE));
                let mut asked = [0u8; 8];
                let mut stream = stream;
                let n = (&mut stream)
                    .take(SHOW.len() as u64)
                    .read(&mut asked)
                    .unwrap_or(0);
                if asked[..n] == *SHOW {
                    show();
                    tracing::info!("a second start was answered by showing this window");
                    let _ = stream.write_all(SHOWN);
                }
            }
        })?;
    Ok(())
}

#[cfg(unix)]
fn ask_to_show(socket: &Path) -> Instance {
    use std::os::unix::net::UnixStream;
    let deadline = std::time::Instant::now() + PATIENCE;
    // The first process may hold the lock and not listen yet.
    let mut stream = loop {
        match UnixStream::connect(socket) {
            Ok(stream) => break stream,
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100))
            }
            Err(_) => return Instance::Silent,
        }
    };
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let mut answer = Vec::new();
    let answered = stream.write_all(SHOW).is_ok()
        && (&mut stream)
            .take(SHOWN.len() as u64)
            .read_to_end(&mut answer)
            .is_ok();
    if answered && answer == SHOWN {
        Instance::Shown
    } else {
        Instance::Silent
    }
}

// A port without Unix sockets keeps the lock, and a later start says the app runs.
#[cfg(not(unix))]
fn listen(_socket: &Path, _show: impl Fn() + Send + 'static) -> std::io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn ask_to_show(_socket: &Path) -> Instance {
    Instance::Silent
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    fn first(dir: &Path) -> FirstInstance {
        match claim(dir).expect("claim") {
            Instance::First(first) => first,
            _ => panic!("the wallet was free"),
        }
    }

    /// Listens, counting the times it was asked to show itself.
    fn counted(first: &FirstInstance) -> Arc<AtomicU32> {
        let shown = Arc::new(AtomicU32::new(0));
        let counter = shown.clone();
        first
            .listen(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        shown
    }

    #[test]
    fn a_later_start_shows_the_first_and_the_wallet_is_free_once_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = dir.path().join("wallet");
        let first = first(&wallet);
        let shown = counted(&first);
        // flock belongs to an open file, so a second open in this process is refused
        // as another process's would be.
        assert!(matches!(claim(&wallet).unwrap(), Instance::Shown));
        assert!(matches!(claim(&wallet).unwrap(), Instance::Shown));
        assert_eq!(shown.load(Ordering::SeqCst), 2);
        drop(first);
        assert!(!wallet.join(SOCKET_FILE).exists(), "the socket is removed");
        let again = self::first(&wallet);
        drop(again);
    }

    #[test]
    fn a_socket_left_by_a_crash_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join(SOCKET_FILE);
        // A crashed app's socket: a file that nothing listens on.
        drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
        assert!(socket.exists());
        let first = first(dir.path());
        first.listen(|| {}).unwrap();
        assert!(matches!(claim(dir.path()).unwrap(), Instance::Shown));
    }

    #[test]
    fn a_first_start_that_never_listens_leaves_later_ones_silent_not_stuck() {
        let dir = tempfile::tempdir().unwrap();
        let _first = first(dir.path());
        let started = std::time::Instant::now();
        assert!(matches!(claim(dir.path()).unwrap(), Instance::Silent));
        assert!(started.elapsed() < PATIENCE * 2);
    }

    #[test]
    fn anything_but_the_question_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let first = first(dir.path());
        let shown = counted(&first);
        let mut stranger =
            std::os::unix::net::UnixStream::connect(dir.path().join(SOCKET_FILE)).unwrap();
        stranger.write_all(b"rm -rf\n").unwrap();
        let mut answer = Vec::new();
        // Closed unanswered: an end of file, or a reset for the bytes left unread.
        let _ = stranger.read_to_end(&mut answer);
        assert!(answer.is_empty());
        assert_eq!(shown.load(Ordering::SeqCst), 0);
        assert!(matches!(claim(dir.path()).unwrap(), Instance::Shown));
        assert_eq!(shown.load(Ordering::SeqCst), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_wallet_folder_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let wallet = dir.path().join("new");
        let _first = first(&wallet);
        let mode = std::fs::metadata(&wallet).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
