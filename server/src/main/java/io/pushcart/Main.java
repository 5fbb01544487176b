package io.pushcart;

import io.pushcart.config.Config;
import io.pushcart.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.logging.Logger;
import sun.misc.Signal;

/** The command line: reads the environment, starts Pushcart, and stops it cleanly on SIGTERM / Ctrl-C. */
public final class Main {
  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {
  }

  public static void main(String[] args) {
    Logging.configure();
    Config config;
    try {
      config = Config.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("pushcart: " + e.getMessage());
      System.exit(2);
      return;
    }
    Pushcart pushcart;
    try {
      String adminToken = config.adminToken().orElseGet(() -> generatedAdminToken(config.dataDir()));
      pushcart = Pushcart.start(config, adminToken, Clock.systemUTC());
    } catch (IllegalStateException e) {
      System.err.println("pushcart: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runnable stop = () -> {
      LOG.info("stopping: finishing the work in hand (at most PUSHCART_SHUTDOWN_GRACE_MS, "
          + config.shutdownGraceMillis() + " ms)");
      pushcart.close();
      LOG.info("stopped");
    };
    // SIGTERM and Ctrl-C are the ordinary way to stop: the graceful stop runs before exit begins
    // (inside a shutdown hook, JUL may already have closed its handlers and the log is lost), and
    // the process exits 0: a JVM ended by a signal reports 143 or 130, which supervisors take
    // for a crash. The hook covers any other way of exiting; a second close does nothing.
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        stop.run();
        System.exit(0);
      });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(pushcart::close, "pushcart-shutdown"));
    String base = "http://localhost:" + config.port();
    LOG.info("Pushcart listening on " + config.host() + ":" + config.port()
        + " | Redis: " + (pushcart.redisIsEmbedded() ? "embedded at " + pushcart.redisUrl() + ", data in " + config.dataDir()
        : Config.redactUrl(pushcart.redisUrl()))
        + " | crypto: " + pushcart.cryptoProvider() + " | instance " + config.instanceId());
    String tokenHint = config.adminToken().isPresent() ? "$PUSHCART_ADMIN_TOKEN"
        : "$(cat " + config.dataDir().resolve("admin-token") + ")";
    LOG.info("Create your first site:\n  curl -X POST " + base + "/v1/sites -H \"Authorization: Bearer " + tokenHint + "\""
        + " -H 'Content-Type: application/json' -d '{\"name\":\"My store\",\"origins\":[\"https://shop.example\"],"
        + "\"vapidSubject\":\"mailto:ops@shop.example\"}'");
  }

  /**
   * Without PUSHCART_ADMIN_TOKEN, a laptop start makes one and keeps it in the data directory
   * (readable by its owner only), so it survives restarts and is never printed.
   */
  private static String generatedAdminToken(Path dataDir) {
    Path file = dataDir.resolve("admin-token");
    try {
      if (Files.exists(file)) {
        String token = Files.readString(file).trim();
        if (token.length() < 16) {
          throw new IllegalStateException(file + " holds no usable admin token (16+ characters): delete it to have a new one made");
        }
        return token;
      }
      Files.createDirectories(dataDir);
      String token = io.pushcart.common.Ids.random(32);
      try {
        // Created owner-only from the start: the secret is never readable by others, not even briefly.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, token + "\n");
      LOG.info("No PUSHCART_ADMIN_TOKEN set: generated one in " + file);
      return token;
    } catch (IOException e) {
      throw new IllegalStateException("cannot keep the admin token in " + file + ": " + e.getMessage(), e);
    }
  }
}
