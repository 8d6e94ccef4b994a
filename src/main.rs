//! The `lotwatch` binary: everything it does is the library's shell.

fn main() -> std::process::ExitCode {
    lotwatch::main()
}
