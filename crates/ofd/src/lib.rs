//! OFD files (GB/T 33190), the national fixed-layout format of e-invoices and fiscal
//! e-receipts: the package read within limits, its XML read safely, and its seals
//! (SES V1/V4, GB/T 35275 signatures) verified offline in levels. No I/O: every
//! function takes the file's bytes.

mod cert;
pub mod der;
mod error;
mod invoice;
mod package;
mod ses;
mod signed_data;
pub mod sm;
#[cfg(feature = "testkit")]
pub mod testkit;
mod trust;
mod verify;
pub mod xml;

pub use cert::{Certificate, CertificateSummary};
pub use error::{OfdError, Result};
pub use invoice::{
    attached_invoice_elements, invoice_elements, ElementSource, InvoiceElements, InvoiceKind,
};
pub use package::{folder_of, Limits, Package};
pub use ses::{parse_seal, Seal, SealCertList, SesSignature, SesVersion};
pub use trust::{certificates_in, TrustStore};
pub use verify::{verify, Level, SignatureKind, SignatureReport, Verification};
