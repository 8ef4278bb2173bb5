mod bad_input;
mod corpus;
mod generated;
mod support;
