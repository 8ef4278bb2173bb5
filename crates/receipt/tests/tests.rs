//! Integration tests of the receipt crate, one module per concern.

/// Batch verification agrees with single verification, bad ones named.
mod batch;
/// Trust bundles: signatures, provinces, versions.
mod bundle;
/// Keys, a trust bundle and a well-formed medical receipt to tamper with.
mod fixture;
/// A bounded, seeded fuzz run of the parsers that take service and file input.
mod fuzz;
/// Any single-byte change of a signed original fails verification.
mod property;
/// RFC 8032 section 7.1 test vectors through the same ed25519 library.
mod rfc8032;
/// Every kind of tampering is rejected with the error that names it.
mod tampered;
