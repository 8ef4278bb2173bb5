//! A process that ends the way a short `piaojia` command does, with the race made
//! wide: it opens an encrypted wallet in the folder given, reads through all four
//! pooled connections at once (each on its own SQLite thread, each with OpenSSL
//! state of its own), then exits at once while those threads are still closing
//! their SQLCipher connections. The wallet's exit test runs it thousands of times;
//! before `db::openssl_without_exit_cleanup` it aborted in glibc now and then.

use piaojia_wallet::{KeyAccess, MemoryStore, Wallet};
use std::sync::Arc;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::env::args().nth(1).expect("a folder for the wallet");
    let wallet = Wallet::open(
        std::path::Path::new(&dir),
        KeyAccess::Keyring(Arc::new(MemoryStore::default())),
    )
    .await
    .expect("the wallet opens");
    let reads: Vec<_> = (0..8)
        .map(|_| {
            let pool = wallet.pool().clone();
            tokio::spawn(async move {
                sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_schema")
                    .fetch_one(&pool)
                    .await
            })
        })
        .collect();
    for read in reads {
        read.await.expect("a task").expect("a read");
    }
    drop(wallet);
    std::process::exit(0);
}
