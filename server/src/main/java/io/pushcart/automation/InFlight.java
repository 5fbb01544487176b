package io.pushcart.automation;

/** A message an ended run had handed to a push service (record_events.lua lists them): what an order's answer waits for. */
public record InFlight(String runId, String automationId, int step, String subscriptionId, String generation) {
  /** Its state's field in the run hash ('<generation>.<step>:<subscription>'). */
  String field() {
    return generation + "." + step + ":" + subscriptionId;
  }
}
