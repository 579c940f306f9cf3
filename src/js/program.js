// Your own Rust program (`cargo xtask serve --program PATH`, xtask/src/program.rs): its crate's
// name, the first line of the manifest that xtask stages (an empty file without a program), once
// read.
let name = "";
fetch("program/program.txt")
  .then((r) => r.ok && r.text())
  .then((text) => (name = (text || "").split("\n")[0]), () => {});
export const programName = () => name;
