package io.pushcart;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One line per event on stderr: time, level, logger, message (JUL, so no logging dependency). */
final class Logging {
  private Logging() {
  }

  static void configure() {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler console = new ConsoleHandler();
    console.setLevel(Level.INFO);
    console.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord r) {
        String name = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
        StringBuilder line = new StringBuilder().append(r.getInstant()).append(' ').append(r.getLevel()).append(' ')
            .append(name).append(": ").append(formatMessage(r)).append('\n');
        if (r.getThrown() != null) {
          line.append("  ").append(r.getThrown()).append('\n');
        }
        return line.toString();
      }
    });
    root.addHandler(console);
  }
}
