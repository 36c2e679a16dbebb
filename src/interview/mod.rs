//! The practice and mock interview flows, as state machines with no terminal I/O.
