package io.pushcart.support;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The temporary directories of a test or benchmark JVM (embedded Redis data, certificates),
 * deleted with everything in them when that JVM exits. Not sooner: a test that restarts
 * Pushcart on the same data directory needs it after the first instance closed. Without this,
 * each run of the suite left its Redis files behind (a benchmark's are 0.4–1.4 GB).
 */
public final class TempDirs {
  private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TempDirs::deleteAll, "temp-dirs-cleanup"));
  }

  private TempDirs() {
  }

  /** A new directory in the system's temporary directory, named {@code prefix} and a random suffix. */
  public static Path create(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    CREATED.add(dir);
    return dir;
  }

  private static void deleteAll() {
    for (Path dir : CREATED) {
      try {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
      } catch (IOException | RuntimeException leftBehind) {
        // A process still writing there (a redis-server being stopped): the system's tmp cleaner has it.
      }
    }
  }
}
