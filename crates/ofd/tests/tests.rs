//! Tests of OFD reading and seal verification: the real files of `testdata/corpus`,
//! and files made by the test kit with a test CA, damaged in every way that matters.

/// Zip bombs, path traversal, hostile XML and seals, truncated and random files.
mod bad_input;
/// Every real file of the corpus: the levels its seals reach, cross-checked with the
/// `openssl` command.
mod corpus;
/// The elements of every corpus invoice, and their QR text.
mod elements;
/// Generated files in both layouts and encodings, each kind of damage, PEM roots.
mod generated;
/// The corpus, and the `openssl` command as an independent SM2 implementation.
mod support;
