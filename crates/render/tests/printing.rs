use crate::samples::{demo_receipts, view};
use piaojia_render::{receipt_pdf, PrintError, PrintService, PrinterState};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn queue() -> String {
    std::env::var("PIAOJIA_TEST_PRINTER")
        .expect("the test command starts cupsd with a CUPS-PDF queue and sets PIAOJIA_TEST_PRINTER")
}

/// Where CUPS-PDF writes its files.
fn output_dirs() -> Vec<PathBuf> {
    vec![
        PathBuf::from("/root/PDF"),
        PathBuf::from("/var/spool/cups-pdf/ANONYMOUS"),
        PathBuf::from("/var/spool/cups-pdf/piaojia"),
    ]
}

/// CUPS-PDF's output files written since `since` (it re-renders the text as Type 3
/// glyphs, so the QR code, not the text, identifies a receipt).
fn printed_since(since: std::time::SystemTime) -> Vec<PathBuf> {
    output_dirs()
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since)
        })
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect()
}

fn wait_for_output(since: std::time::SystemTime, expected: usize) -> Vec<PathBuf> {
    let started = Instant::now();
    loop {
        let files = printed_since(since);
        if files.len() >= expected || started.elapsed() > Duration::from_secs(20) {
            return files;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The QR payload on the first page of a printed file.
fn qr_on(file: &PathBuf) -> String {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-f", "1", "-l", "1"])
        .arg(file)
        .arg(dir.path().join("p"))
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let png = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(png)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn cups(args: &[&str]) {
    let status = Command::new(args[0]).args(&args[1..]).status().unwrap();
    assert!(status.success(), "{args:?}");
}

#[tokio::test]
async fn print_to_a_real_queue_then_a_stopped_one() {
    let printers = PrintService::default();
    let name = queue();
    let list = printers.printers().await.unwrap();
    assert!(list.iter().any(|p| p.name == name), "{list:?}");
    assert_eq!(
        printers.printer(&name).await.unwrap().state,
        PrinterState::Ready
    );
    assert!(matches!(
        printers.printer("NO-SUCH-PRINTER").await,
        Err(PrintError::UnknownPrinter(_))
    ));

    let receipts = demo_receipts(30).await;
    let (r, mark) = &receipts[3];
    let pdf = receipt_pdf(&view(r, mark)).unwrap();
    let title = "receipt";
    // File times have a resolution of a second or so; count from a little before.
    let since = std::time::SystemTime::now() - Duration::from_secs(1);
    std::thread::sleep(Duration::from_millis(1100));
    let job = printers.print_pdf(&name, title, &pdf).await.unwrap();
    printers
        .wait(&name, job, Duration::from_secs(30))
        .await
        .unwrap();
    let files = wait_for_output(since, 1);
    assert_eq!(files.len(), 1, "the job wrote one file: {files:?}");
    assert!(
        files[0]
            .to_string_lossy()
            .ends_with(&format!("-job_{}.pdf", job.0)),
        "{files:?}"
    );
    assert_eq!(
        qr_on(&files[0]),
        piaojia_render::qr_payload(r),
        "it is this receipt"
    );

    // A stopped queue is reported, and gets no job: nothing lost, nothing doubled.
    cups(&["cupsdisable", &name]);
    let state = printers.printer(&name).await.unwrap().state;
    let refused = printers.print_pdf(&name, title, &pdf).await;
    cups(&["cupsenable", &name]);
    assert_eq!(state, PrinterState::Stopped);
    assert!(
        matches!(
            refused,
            Err(PrintError::NotReady {
                state: PrinterState::Stopped,
                ..
            })
        ),
        "{refused:?}"
    );
    let jobs = Command::new("lpstat").args(["-o", &name]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&jobs.stdout).trim().is_empty(),
        "no job waits in the queue"
    );
    // Ready again: the retry prints once more, exactly once.
    let job = printers.print_pdf(&name, title, &pdf).await.unwrap();
    printers
        .wait(&name, job, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(wait_for_output(since, 2).len(), 2);
    std::thread::sleep(Duration::from_millis(500));
    let files = printed_since(since);
    assert_eq!(files.len(), 2, "not printed a third time: {files:?}");
    assert!(files
        .iter()
        .all(|f| qr_on(f) == piaojia_render::qr_payload(r)));
}

#[tokio::test]
async fn an_unreachable_print_service_is_a_clear_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let printers = PrintService::new(&closed.to_string());
    assert!(matches!(
        printers.printers().await,
        Err(PrintError::Unreachable(_))
    ));
}
