package io.pushcart.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what this JVM logs at INFO and above while open, for a test to assert on. */
public final class CapturedLog extends Handler implements AutoCloseable {
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  public CapturedLog() {
    setLevel(Level.INFO);
    Logger.getLogger("").addHandler(this);
  }

  @Override
  public void publish(LogRecord r) {
    if (isLoggable(r)) {
      records.add(r);
    }
  }

  /** The records at {@code level} or above, each as "logger: message [thrown]". */
  public List<String> atLeast(Level level) {
    return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
        .map(r -> r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()))
        .toList();
  }

  /** The messages that contain {@code text}. */
  public List<String> containing(String text) {
    return records.stream().map(LogRecord::getMessage).filter(m -> m != null && m.contains(text)).toList();
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}
