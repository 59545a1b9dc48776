#![forbid(unsafe_code)]

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let code = if argv.get(1).map(String::as_str) == Some("ctl") {
        vtep::ctl::client(&argv[2..])
    } else {
        vtep::app::main(argv)
    };
    std::process::exit(code);
}
