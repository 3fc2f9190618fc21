//! Stage 4, publish: where the files of a build go. [`output`] holds them
//! as a value or writes them into the output folder, swapped in whole;
//! [`deploy`] copies an output into a web server's folder, file by file,
//! without a reader ever seeing a half-written file.

pub mod deploy;
pub mod output;
