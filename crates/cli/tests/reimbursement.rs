use crate::support::*;
use std::path::Path;
use std::process::Command;

fn cmd(wallet: &Path, args: &[&str]) -> Command {
    let mut c = piaojia(wallet);
    c.args(args);
    c
}

/// Runs `piaojia` with `args`; fails the test with what it said unless it succeeds.
async fn succeeds(wallet: &Path, args: &[&str]) {
    let out = run(cmd(wallet, args)).await;
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `piaojia` with `args`; it must fail, saying `reason`.
async fn refused(wallet: &Path, args: &[&str], reason: &str) {
    let out = run(cmd(wallet, args)).await;
    assert!(!out.status.success(), "{args:?} succeeded");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(reason), "{args:?}: {said}");
}

fn tool(name: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(file)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{name} is installed by the test command: {e}"));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The Python with openpyxl that scripts/test.sh prepares (an independent XLSX reader).
fn python() -> String {
    std::env::var("PIAOJIA_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// One chosen receipt: its id as the CLI takes it, its number and its total in fen.
struct Chosen {
    id: String,
    number: String,
    total: i64,
}

/// The wallet of a citizen with synced receipts and an imported OFD invoice, and
/// three synced receipts and the invoice chosen from it.
async fn wallet_with_receipts() -> (tempfile::TempDir, std::path::PathBuf, Vec<Chosen>) {
    let peer = peer(6).await;
    let (dir, wallet) = temp_wallet();
    login(&peer, &wallet).await;
    sync(&wallet).await;
    let mut import = cmd(&wallet, &["import"]);
    import
        .arg(piaojia_ofd::testkit::corpus_dir().join("vat-ofd/zj-033002000211-83089647-2020.ofd"));
    let imported = run(import).await;
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let list = json(&run(cmd(&wallet, &["--json", "search", "--limit", "50"])).await);
    let mut chosen = Vec::new();
    for item in list["items"].as_array().unwrap() {
        let id = item["id"].as_i64().unwrap().to_string();
        let total = item["total"].as_i64().unwrap();
        let number = item["number"].as_str().unwrap().to_string();
        if number == "83089647" || chosen.len() < 3 {
            chosen.push(Chosen { id, number, total });
        }
    }
    assert_eq!(chosen.len(), 4, "three synced receipts and the invoice");
    (dir, wallet, chosen)
}

/// `export --sheet` and `print --sheet`: the receipts' own pages, two or four to an A4
/// sheet; `export --summary` as PDF, CSV and XLSX, the XLSX read back by openpyxl.
#[tokio::test]
async fn sheets_and_the_summary_table_from_chosen_receipts() {
    let (dir, wallet, chosen) = wallet_with_receipts().await;
    let ids: Vec<&str> = chosen.iter().map(|c| c.id.as_str()).collect();
    let total: i64 = chosen.iter().map(|c| c.total).sum();

    // Two to a sheet, and four.
    for (count, size) in [("2", "595.276 x 841.89 pts"), ("4", "841.89 x 595.276 pts")] {
        let file = dir.path().join(format!("sheets-{count}.pdf"));
        let mut args = vec!["export", "--sheet", count, "--to", file.to_str().unwrap()];
        args.extend(&ids);
        succeeds(&wallet, &args).await;
        let info = tool("pdfinfo", &[], &file);
        assert!(info.contains(size), "{info}");
        let text = tool("pdftotext", &[], &file);
        // The invoice as it is (its own words), and the synced receipts' layout.
        assert!(text.contains("浙江增值税电子普通发票"), "{text}");
        assert!(text.contains("伍佰贰拾陆圆整"), "{text}");
        for c in &chosen {
            assert!(text.contains(&c.number), "{} in {text}", c.number);
        }
    }
    let printed = dir.path().join("printed.pdf");
    let mut args = vec!["print", "--sheet", "4", "--pdf", printed.to_str().unwrap()];
    args.extend(&ids);
    succeeds(&wallet, &args).await;
    assert!(tool("pdfinfo", &[], &printed).contains("841.89 x 595.276 pts"));

    // The summary table as CSV: a line each, the total in figures and in words.
    let csv = dir.path().join("汇总表.csv");
    let mut args = vec!["export", "--summary", "--to", csv.to_str().unwrap()];
    args.extend(&ids);
    succeeds(&wallet, &args).await;
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 1 + chosen.len() + 2, "{text}");
    let yuan = piaojia_receipt::Fen(total).to_string();
    assert_eq!(rows[chosen.len() + 1], format!("合计（小写）,,,,{yuan}"));
    assert!(
        rows[chosen.len() + 2].ends_with(&piaojia_receipt::amount_in_words(piaojia_receipt::Fen(
            total
        )))
    );
    assert!(text.contains("033002000211-83089647"), "{text}");

    // As PDF: the title, every number, the total.
    let pdf = dir.path().join("汇总表.pdf");
    let mut args = vec!["export", "--summary", "--to", pdf.to_str().unwrap()];
    args.extend(&ids);
    succeeds(&wallet, &args).await;
    let text = tool("pdftotext", &[], &pdf);
    assert!(text.contains("票据汇总表"), "{text}");
    assert!(text.contains(&yuan), "{text}");
    assert!(text.contains("83089647"), "{text}");

    // As XLSX, read by openpyxl: the amounts are numbers that add up to the total.
    let xlsx = dir.path().join("summary.xlsx");
    let mut args = vec!["export", "--summary", "--to", xlsx.to_str().unwrap()];
    args.extend(&ids);
    succeeds(&wallet, &args).await;
    let script = r#"
import sys, decimal, openpyxl
sheet = openpyxl.load_workbook(sys.argv[1]).active
for row in sheet.iter_rows(values_only=True):
    cells = ["" if c is None else (repr(c) if isinstance(c, float) else str(c)) for c in row]
    print("\t".join(cells))
"#;
    let out = Command::new(python())
        .args(["-c", script])
        .arg(&xlsx)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "openpyxl (installed by the test command): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = read.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "序号",
            "开票日期",
            "开票单位",
            "票据代码-号码",
            "金额（元）"
        ]
    );
    let as_fen = |cell: &str| -> i64 {
        // Exact decimal arithmetic on the text Python prints for the double.
        let (whole, frac) = cell.split_once('.').unwrap_or((cell, "0"));
        assert!(frac.len() <= 2, "{cell} is not a figure in yuan and fen");
        let negative = whole.starts_with('-');
        let whole: i64 = whole.trim_start_matches('-').parse().unwrap();
        let frac: i64 = format!("{frac:0<2}").parse().unwrap();
        (whole * 100 + frac) * if negative { -1 } else { 1 }
    };
    let mut amounts: Vec<i64> = rows[1..=chosen.len()]
        .iter()
        .map(|r| as_fen(r[4]))
        .collect();
    let mut expected: Vec<i64> = chosen.iter().map(|c| c.total).collect();
    amounts.sort();
    expected.sort();
    assert_eq!(amounts, expected, "{read}");
    let total_row = &rows[chosen.len() + 1];
    assert_eq!(total_row[0], "合计（小写）");
    assert_eq!(as_fen(total_row[4]), total);
    assert_eq!(
        rows[chosen.len() + 2][4],
        piaojia_receipt::amount_in_words(piaojia_receipt::Fen(total))
    );

    // What the command cannot do is refused with a reason, and writes nothing.
    let odd = dir.path().join("summary.txt");
    refused(
        &wallet,
        &["export", "--summary", "--to", odd.to_str().unwrap(), ids[0]],
        ".xlsx",
    )
    .await;
    assert!(!odd.exists());
    let three = dir.path().join("three.pdf");
    refused(
        &wallet,
        &[
            "export",
            "--sheet",
            "3",
            "--to",
            three.to_str().unwrap(),
            ids[0],
        ],
        "2 or 4",
    )
    .await;
    assert!(!three.exists());
}
