package io.pushcart.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the SEVERE records logged in this JVM while open: a test asserts there were none. */
public final class SevereLog extends Handler implements AutoCloseable {
  private final List<String> records = new CopyOnWriteArrayList<>();

  public SevereLog() {
    setLevel(Level.SEVERE);
    Logger.getLogger("").addHandler(this);
  }

  @Override
  public void publish(LogRecord r) {
    if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
      records.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
    }
  }

  public List<String> records() {
    return List.copyOf(records);
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}
