//! The README's "Use Baton in your own program" is code the test suite compiles and runs:
//! each of its Rust blocks is, word for word, a file here (`own_program/app.rs`,
//! `../examples/own_program.rs`, `own_program.rs`, from the block's first comment on), and
//! the program does on the host board what the README shows. Reads the repository's
//! README.md, so it is not part of the published crate.

#[path = "own_program/app.rs"]
mod my_app;

use baton_board::host::HostBoard;
use std::cell::RefCell;
use std::io::Write;
use std::path::Path;
use std::rc::Rc;

fn repo_file(path: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn crate_file(path: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The README's section on your own program (up to the next `## ` heading).
fn section() -> String {
    let readme = repo_file("README.md");
    let start = readme.find("\n## Use Baton in your own program\n").expect("README has the section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 4);
    rest[..end].to_string()
}

/// The fenced blocks of `lang` in `text`, without their fences.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_start() == format!("```{lang}") => current = Some(String::new()),
            Some(_) if line.trim_start() == "```" => out.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

/// The README block that begins with `// {name}`.
fn block(name: &str) -> String {
    let wanted = format!("// {name}");
    let all = blocks(&section(), "rust");
    all.into_iter().find(|b| b.starts_with(&wanted)).unwrap_or_else(|| panic!("no README block starts with {wanted:?}"))
}

/// `file`'s text from its line that begins with `// {name}` on.
fn from_comment(file: &str, name: &str) -> String {
    let text = crate_file(file);
    let at = text.find(&format!("\n// {name}")).unwrap_or_else(|| panic!("{file} has no `// {name}` line"));
    text[at + 1..].to_string()
}

#[test]
fn the_readme_program_is_own_program_app_rs() {
    assert_eq!(block("src/lib.rs"), crate_file("tests/own_program/app.rs"));
}

#[test]
fn the_readme_main_is_the_own_program_example() {
    assert_eq!(block("src/main.rs"), from_comment("examples/own_program.rs", "src/main.rs"));
}

#[test]
fn the_readme_test_is_tests_own_program_rs() {
    assert_eq!(block("tests/timing.rs"), from_comment("tests/own_program.rs", "tests/timing.rs"));
}

#[test]
fn the_readme_manifest_names_crates_of_this_repository() {
    let toml = blocks(&section(), "toml").concat();
    let mut named = 0;
    for line in toml.lines() {
        if let Some((_, path)) = line.split_once("path = \"../baton/") {
            let dir = &path[..path.find('"').expect("a closing quote")];
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(dir).join("Cargo.toml");
            assert!(manifest.exists(), "{line}: no {}", manifest.display());
            named += 1;
        }
    }
    assert_eq!(named, 3, "baton, baton-board, baton-sim:\n{toml}");
}

/// A writer the test reads back.
#[derive(Clone, Default)]
struct Buffer(Rc<RefCell<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn on_the_host_the_program_writes_what_the_readme_shows() {
    let out = Buffer::default();
    baton::run(my_app::main(HostBoard::with_writer(out.clone()))).expect("the program runs");
    let text = String::from_utf8(out.0.borrow().clone()).unwrap();
    // The README's sample output, without its times (the wall clock's).
    let untimed = |text: &str| -> Vec<String> {
        text.lines().map(|l| l.split_once(" s] ").map_or(l, |(_, rest)| rest).to_string()).collect()
    };
    let sample = blocks(&section(), "text").into_iter().next().expect("the README shows the output");
    assert_eq!(untimed(&text), untimed(&sample));
}
