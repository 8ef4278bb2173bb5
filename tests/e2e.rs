//! End-to-end tests over the real binaries.

/// The provincial-service binary as a user starts it, reached over HTTP like curl.
mod service_binary;
