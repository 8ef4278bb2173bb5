//! Printing over IPP to CUPS (pure Rust, no libcups): the list of printers, each
//! printer's state in plain terms, and jobs tracked until they complete or fail.
//! IPP messages are built with the `ipp` crate and sent with the workspace's HTTP
//! client.

use ipp::operation::IppOperation;
use ipp::parser::IppParser;
use ipp::prelude::*;
use serde::Serialize;
use std::io::Cursor;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the print service at {0} does not answer")]
    Unreachable(String),
    #[error("printer {name} is not ready: {state}")]
    NotReady { name: String, state: PrinterState },
    #[error("no printer named {0}")]
    UnknownPrinter(String),
    #[error("the print service answered with an error: {0}")]
    Ipp(String),
    #[error("print job {job} ended without printing: {state}")]
    JobFailed { job: i32, state: String },
    #[error("print job {job} is still waiting after {seconds}s (it stays queued)")]
    JobWaiting { job: i32, seconds: u64 },
}

piaojia_receipt::named_states! {
    /// A printer's state in the terms a person needs before printing; the UI says
    /// each in words.
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    pub enum PrinterState {
        Ready = "ready",
        Printing = "printing",
        PaperOut = "paper_out",
        Offline = "offline",
        /// Paused or not accepting jobs (e.g. `cupsdisable`).
        Stopped = "stopped",
    }
}

impl PrintError {
    /// A stable machine-readable code; the UI matches on it, never on the text.
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::Unreachable(_) => "print.unreachable",
            PrintError::NotReady { .. } => "print.not_ready",
            PrintError::UnknownPrinter(_) => "print.unknown_printer",
            PrintError::Ipp(_) => "print.ipp",
            PrintError::JobFailed { .. } => "print.job_failed",
            PrintError::JobWaiting { .. } => "print.job_waiting",
        }
    }
}

impl PrinterState {
    /// Whether a job sent now would print.
    pub fn accepts_jobs(&self) -> bool {
        matches!(self, PrinterState::Ready | PrinterState::Printing)
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Printer {
    pub name: String,
    pub state: PrinterState,
    /// The raw `printer-state-reasons`, for the curious.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JobId(pub i32);

/// A CUPS server, by default the local one (`CUPS_SERVER` or 127.0.0.1:631).
#[derive(Clone)]
pub struct PrintService {
    host: String,
    http: reqwest::Client,
}

impl Default for PrintService {
    fn default() -> Self {
        let host = std::env::var("CUPS_SERVER")
            .ok()
            .filter(|h| !h.starts_with('/'))
            .unwrap_or_else(|| "127.0.0.1:631".into());
        PrintService::new(&host)
    }
}

fn uri(text: &str) -> Result<Uri, PrintError> {
    text.parse()
        .map_err(|e| PrintError::Ipp(format!("bad printer address: {e}")))
}

fn attr_strings(attrs: &IppAttributes, group: DelimiterTag, name: &str) -> Vec<String> {
    attrs
        .groups_of(group)
        .filter_map(|g| g.get(name))
        .flat_map(|a| match a.value() {
            IppValue::Array(values) => values.iter().map(|v| v.to_string()).collect(),
            v => vec![v.to_string()],
        })
        .collect()
}

impl PrintService {
    pub fn new(host: &str) -> PrintService {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("HTTP client");
        PrintService {
            host: host.to_string(),
            http,
        }
    }

    async fn send(
        &self,
        path: &str,
        request: IppRequestResponse,
        document: Option<&[u8]>,
    ) -> Result<IppRequestResponse, PrintError> {
        let mut body = request.to_bytes().to_vec();
        if let Some(doc) = document {
            body.extend_from_slice(doc);
        }
        let url = format!("http://{}{}", self.host, path);
        let response = self
            .http
            .post(&url)
            .header("content-type", "application/ipp")
            .body(body)
            .send()
            .await
            .map_err(|_| PrintError::Unreachable(self.host.clone()))?;
        let bytes = response
            .bytes()
            .await
            .map_err(|_| PrintError::Unreachable(self.host.clone()))?;
        let parsed = IppParser::new(Cursor::new(bytes.to_vec()))
            .parse()
            .map_err(|e| PrintError::Ipp(e.to_string()))?;
        let status = parsed.header().status_code();
        if !status.is_success() {
            return Err(PrintError::Ipp(format!("{status:?}")));
        }
        Ok(parsed)
    }

    fn printer_uri(&self, name: &str) -> Result<Uri, PrintError> {
        uri(&format!("ipp://{}/printers/{name}", self.host))
    }

    /// Every printer the server knows, with its state.
    pub async fn printers(&self) -> Result<Vec<Printer>, PrintError> {
        let request = IppOperationBuilder::cups()
            .get_printers()
            .into_ipp_request();
        let response = self.send("/", request, None).await?;
        let mut printers = Vec::new();
        for group in response
            .attributes()
            .groups_of(DelimiterTag::PrinterAttributes)
        {
            let attrs = group;
            let Some(name) = attrs.get("printer-name").map(|a| a.value().to_string()) else {
                continue;
            };
            let state = attrs
                .get("printer-state")
                .map(|a| a.value().to_string())
                .unwrap_or_default();
            let reasons: Vec<String> = match attrs.get("printer-state-reasons").map(|a| a.value()) {
                Some(IppValue::Array(values)) => values.iter().map(|v| v.to_string()).collect(),
                Some(v) => vec![v.to_string()],
                None => vec![],
            };
            let accepting = attrs
                .get("printer-is-accepting-jobs")
                .map(|a| a.value().to_string() != "false")
                .unwrap_or(true);
            printers.push(Printer {
                state: classify(&state, &reasons, accepting),
                name,
                reasons,
            });
        }
        Ok(printers)
    }

    /// One printer's state now.
    pub async fn printer(&self, name: &str) -> Result<Printer, PrintError> {
        let request = IppOperationBuilder::get_printer_attributes(self.printer_uri(name)?)
            .attributes([
                "printer-state",
                "printer-state-reasons",
                "printer-is-accepting-jobs",
                "printer-name",
            ])
            .build()
            .map_err(|e| PrintError::Ipp(e.to_string()))?
            .into_ipp_request();
        let response = match self.send(&format!("/printers/{name}"), request, None).await {
            Err(PrintError::Ipp(e)) if e.contains("NotFound") => {
                return Err(PrintError::UnknownPrinter(name.to_string()))
            }
            other => other?,
        };
        let attrs = response.attributes();
        let state = attr_strings(attrs, DelimiterTag::PrinterAttributes, "printer-state").join("");
        let reasons = attr_strings(
            attrs,
            DelimiterTag::PrinterAttributes,
            "printer-state-reasons",
        );
        let accepting = attr_strings(
            attrs,
            DelimiterTag::PrinterAttributes,
            "printer-is-accepting-jobs",
        )
        .join("")
            != "false";
        Ok(Printer {
            name: name.to_string(),
            state: classify(&state, &reasons, accepting),
            reasons,
        })
    }

    /// Sends a PDF to a printer that is ready; a printer that is not gets no job, so
    /// nothing waits unseen in a queue and a retry cannot print twice.
    pub async fn print_pdf(
        &self,
        name: &str,
        title: &str,
        pdf: &[u8],
    ) -> Result<JobId, PrintError> {
        let printer = self.printer(name).await?;
        if !printer.state.accepts_jobs() {
            return Err(PrintError::NotReady {
                name: name.to_string(),
                state: printer.state,
            });
        }
        let request = IppOperationBuilder::print_job(self.printer_uri(name)?, IppPayload::empty())
            .job_title(title)
            .user_name("piaojia")
            .document_format("application/pdf")
            // Without media=A5, CUPS rotates and shrinks the A5 page onto A4.
            .attribute(IppAttribute::new(
                ipp::value::BoundedString::new_truncated("media"),
                IppValue::Keyword(ipp::value::BoundedString::new_truncated("iso_a5_148x210mm")),
            ))
            .build()
            .map_err(|e| PrintError::Ipp(e.to_string()))?
            .into_ipp_request();
        let response = self
            .send(&format!("/printers/{name}"), request, Some(pdf))
            .await?;
        let job = attr_strings(response.attributes(), DelimiterTag::JobAttributes, "job-id")
            .first()
            .and_then(|j| j.parse().ok())
            .ok_or_else(|| PrintError::Ipp("no job id in the answer".into()))?;
        Ok(JobId(job))
    }

    /// Follows a job until it completes (Ok), fails (JobFailed) or `limit` passes
    /// (JobWaiting: it is still queued, not lost).
    pub async fn wait(&self, name: &str, job: JobId, limit: Duration) -> Result<(), PrintError> {
        let started = Instant::now();
        loop {
            let request = IppOperationBuilder::get_job_attributes(self.printer_uri(name)?, job.0)
                .build()
                .map_err(|e| PrintError::Ipp(e.to_string()))?
                .into_ipp_request();
            let response = self
                .send(&format!("/printers/{name}"), request, None)
                .await?;
            let state = attr_strings(
                response.attributes(),
                DelimiterTag::JobAttributes,
                "job-state",
            )
            .join("");
            match state.as_str() {
                "9" | "completed" => return Ok(()),
                "7" | "8" | "canceled" | "aborted" => {
                    return Err(PrintError::JobFailed {
                        job: job.0,
                        state: if state == "7" {
                            "canceled".into()
                        } else {
                            "aborted".into()
                        },
                    })
                }
                _ => {}
            }
            if started.elapsed() > limit {
                return Err(PrintError::JobWaiting {
                    job: job.0,
                    seconds: limit.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// IPP printer-state (3 idle, 4 processing, 5 stopped) and reasons, in plain terms.
fn classify(state: &str, reasons: &[String], accepting: bool) -> PrinterState {
    let has = |words: &[&str]| {
        reasons
            .iter()
            .any(|r| words.iter().any(|w| r.starts_with(w)))
    };
    if has(&["media-empty", "media-needed", "media-jam"]) {
        PrinterState::PaperOut
    } else if has(&["offline", "shutdown", "connecting-to-device", "timed-out"]) {
        PrinterState::Offline
    } else if state == "5" || state == "stopped" || has(&["paused"]) || !accepting {
        PrinterState::Stopped
    } else if state == "4" || state == "processing" {
        PrinterState::Printing
    } else {
        PrinterState::Ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_in_plain_terms() {
        let r = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(classify("3", &r(&["none"]), true), PrinterState::Ready);
        assert_eq!(classify("4", &r(&["none"]), true), PrinterState::Printing);
        assert_eq!(classify("5", &r(&["paused"]), true), PrinterState::Stopped);
        assert_eq!(classify("3", &r(&["none"]), false), PrinterState::Stopped);
        assert_eq!(
            classify("3", &r(&["media-empty-error"]), true),
            PrinterState::PaperOut
        );
        assert_eq!(
            classify("3", &r(&["offline-report"]), true),
            PrinterState::Offline
        );
        assert!(!PrinterState::PaperOut.accepts_jobs());
    }
}
