// An amendment's change as a reader needs it, for the console and the participant's page alike.

// The lines of a unified diff that a reader needs: removed, added and unchanged context (the file
// headers and hunk markers say nothing to a reader).
export function diffLines(diff) {
  return diff
    .split("\n")
    .filter((line) => line && !line.startsWith("---") && !line.startsWith("+++") && !line.startsWith("@@") && !line.startsWith("\\"))
    .map((line) => ({ kind: { "-": "removed", "+": "added" }[line[0]] || "same", text: line.slice(1) }));
}
