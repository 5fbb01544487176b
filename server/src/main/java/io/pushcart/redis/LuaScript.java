package io.pushcart.redis;

import io.pushcart.common.Unavailable;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script kept in {@code src/main/resources/redis/}, sent once and then called by its SHA1
 * (EVALSHA), falling back to EVAL when Redis has forgotten it (restart, failover, SCRIPT FLUSH).
 * Scripts are how a multi-key change on one site's slot stays atomic.
 */
public final class LuaScript {
  private static final String LIB = read("lib");
  private final String name;
  private final String source;
  private final String sha1;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha1 = sha1(source);
  }

  /** The script {@code name}, with the shared functions of {@code lib.lua} in front. */
  public static LuaScript load(String name) {
    return new LuaScript(name, LIB + read(name));
  }

  /**
   * The script {@code name} alone, for one that needs nothing of {@code lib.lua} and runs on a hot
   * path: Redis runs a script's whole text at each call, its shared definitions included.
   */
  public static LuaScript standalone(String name) {
    return new LuaScript(name, read(name));
  }

  private static String read(String name) {
    String path = "redis/" + name + ".lua";
    try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Future<Response> run(Redis redis, List<String> keys, List<String> args) {
    return redis.send(request(Command.EVALSHA, sha1, keys, args))
        .recover(err -> err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, source, keys, args))
            : Future.failedFuture(err instanceof Unavailable ? err : new IllegalStateException("script " + name + ": " + err.getMessage(), err)));
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static String sha1(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
