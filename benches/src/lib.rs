//! Shared code of the bench tools (none yet): the crate root holds the
//! lint that keeps them free of `unsafe`.

#![forbid(unsafe_code)]
