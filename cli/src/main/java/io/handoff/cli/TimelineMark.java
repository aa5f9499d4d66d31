package io.handoff.cli;

/** What the timeline draws, with its colour and the legend's words. */
enum TimelineMark {
  STAMP("m-stamp", "#f76707", "old leader steps down, until its stamp is acknowledged"),
  LAST_WRITE(
      "m-last-write", "#d6336c", "old leader's last write (before stepping down) acknowledged"),
  DECLARATION(
      "m-declaration",
      "#1c7ed6",
      "new leader writes its declaration of leadership, until acknowledged"),
  READ_BACK("m-read-back", "#12b886", "new leader reads its declaration back"),
  WAITING(
      "m-waiting",
      "#ffa8a8",
      "new leader waits for the decision (legacy: until the partition is silent)"),
  FAST_PATH("m-fast-path", "#2f9e44", "decision: fast path, the stamp cuts the wait"),
  LEGACY_WAIT("m-legacy-wait", "#e03131", "decision: legacy wait, the window ran out"),
  FIRST_WRITE("m-first-write", "#7048e8", "new leader's first write, until acknowledged");

  final String cssClass;
  final String colour;
  final String legend;

  TimelineMark(String cssClass, String colour, String legend) {
    this.cssClass = cssClass;
    this.colour = colour;
    this.legend = legend;
  }
}
