package io.pushcart.support;

import io.pushcart.redis.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster on loopback: 3 masters, each with one replica, run from the redis-server
 * that {@link EmbeddedRedis} ships, and formed with plain CLUSTER commands (no redis-cli on CI).
 * {@link #start()} returns once every node agrees on the whole layout and every replica is in sync,
 * so a test can kill a master right away and expect its replica to take over.
 */
public final class RedisCluster implements AutoCloseable {
  private static final int MASTERS = 3;
  private static final int SLOTS = 16_384;
  private static final Duration FORMING = Duration.ofSeconds(20);
  /** Short, so that a failover takes seconds: a master is failed after this silence. */
  private static final int NODE_TIMEOUT_MS = 2_000;

  /** One entry of CLUSTER SLOTS, as one node sees it; ports stand for nodes. */
  private record SlotRange(int from, int to, int master, List<Integer> replicas) {
  }

  private final Path root;
  private final Map<Integer, EmbeddedRedis> nodes = new LinkedHashMap<>(); // masters first, then their replicas
  private final Set<Integer> killed = new HashSet<>();
  private final Map<Integer, List<SlotRange>> servedWhenKilled = new HashMap<>();

  private RedisCluster() throws IOException {
    root = TempDirs.create("redis-cluster");
  }

  public static RedisCluster start() throws IOException {
    RedisCluster cluster = new RedisCluster();
    try {
      for (int i = 0; i < 2 * MASTERS; i++) {
        cluster.startNode();
      }
      cluster.form();
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** Every node, killed ones included, for PUSHCART_REDIS_URL: a client must cope with a dead seed. */
  public String url() {
    return nodes.keySet().stream().map(port -> "redis://127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  /** The port of the master serving {@code key}'s slot, as a live node sees it now. */
  public int masterFor(String key) {
    int node = live().get(0);
    long slot = (Long) Resp.call(node, "CLUSTER", "KEYSLOT", key);
    return masterOf(slot, slots(node)).orElseThrow(() -> new IllegalStateException("node " + node + " knows no master for slot " + slot));
  }

  /** The ports of the masters serving slots now, as a live node sees them. */
  public List<Integer> masters() {
    return slots(live().get(0)).stream().map(SlotRange::master).distinct().toList();
  }

  /** The slot of {@code key}. */
  public long slotOf(String key) {
    return (Long) Resp.call(live().get(0), "CLUSTER", "KEYSLOT", key);
  }

  /** Starts moving {@code slot} from one master to another, as redis-cli --cluster reshard does. */
  public void beginMigration(long slot, int from, int to) {
    Resp.call(to, "CLUSTER", "SETSLOT", slot, "IMPORTING", Resp.call(from, "CLUSTER", "MYID"));
    Resp.call(from, "CLUSTER", "SETSLOT", slot, "MIGRATING", Resp.call(to, "CLUSTER", "MYID"));
  }

  /** Moves one key of a slot being migrated. */
  public void migrateKey(int from, int to, String key) {
    Resp.call(from, "MIGRATE", "127.0.0.1", to, key, 0, 5_000);
  }

  /** Ends a migration: every master now names {@code to} as the slot's owner. */
  public void finishMigration(long slot, int to) {
    Object id = Resp.call(to, "CLUSTER", "MYID");
    Resp.call(to, "CLUSTER", "SETSLOT", slot, "NODE", id);
    for (int master : masters()) {
      if (master != to) {
        Resp.call(master, "CLUSTER", "SETSLOT", slot, "NODE", id);
      }
    }
  }

  /** How many keys the node holds (DBSIZE): shows a test that the node it kills had data to lose. */
  public long keysOn(int port) {
    return (Long) Resp.call(port, "DBSIZE");
  }

  /** SIGKILL: no goodbye to the other nodes, as when a machine dies. */
  public void killNode(int port) {
    EmbeddedRedis node = nodes.get(port);
    // The cluster forgets what a dead master served once it fails over: remember it for awaitFailover.
    int witness = live().stream().filter(p -> p != port).findFirst().orElseThrow();
    servedWhenKilled.put(port, slots(witness).stream().filter(range -> range.master() == port).toList());
    killed.add(port);
    // setpriv execs redis-server, so the pid is Redis's own.
    ProcessHandle.of(node.pid()).ifPresent(process -> {
      process.destroyForcibly();
      try {
        process.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("redis node " + port + " did not die of SIGKILL", e);
      }
    });
  }

  /** Until a former replica of the killed master serves each of its slot ranges, and every live node is ok. */
  public void awaitFailover(int deadMasterPort, Duration timeout) {
    List<SlotRange> lost = servedWhenKilled.get(deadMasterPort);
    if (lost == null) {
      throw new IllegalArgumentException(deadMasterPort + " was not killed through killNode");
    }
    Poll.until(() -> firstProblem(live(), port -> {
      if (!clusterOk(port)) {
        return "cluster_state not ok";
      }
      List<SlotRange> now = slots(port);
      return lost.stream().filter(range -> !range.replicas().contains(masterOf(range.from(), now).orElse(-1))).findFirst()
          .map(range -> "slot " + range.from() + " served by " + masterOf(range.from(), now).orElse(null)).orElse(null);
    }), Optional::isEmpty, timeout, "a replica of " + deadMasterPort + " to take over its slots");
  }

  /**
   * Until every live replica has applied all that its master had when this was called: then no
   * acknowledged write is lost to a failover. (WAIT would not do from here: it counts only the
   * writes of its own connection.)
   */
  public void awaitReplicated(Duration timeout) {
    Map<Integer, Long> masterOffsets = new HashMap<>();
    for (int port : live()) {
      Map<String, String> info = info(port, "replication");
      if ("master".equals(info.get("role"))) {
        masterOffsets.put(port, Long.parseLong(info.get("master_repl_offset")));
      }
    }
    Poll.until(() -> firstProblem(live(), port -> {
      Map<String, String> info = info(port, "replication");
      if (!"slave".equals(info.get("role"))) {
        return null;
      }
      long wanted = masterOffsets.getOrDefault(Integer.parseInt(info.get("master_port")), 0L);
      long applied = Long.parseLong(info.get("slave_repl_offset"));
      return applied >= wanted ? null : "applied " + applied + " of its master's " + wanted;
    }), Optional::isEmpty, timeout, "replicas to catch up with their masters");
  }

  /** Each node gets SIGTERM, even if forming failed half-way; then their files go. */
  @Override
  public void close() {
    for (EmbeddedRedis node : nodes.values()) {
      try {
        node.close();
      } catch (RuntimeException e) {
        // stop the others all the same
      }
    }
    try (var files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temp dir left behind harms no one
    }
  }

  private void startNode() {
    RuntimeException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePortPair();
      try {
        nodes.put(port, EmbeddedRedis.start(root.resolve("node-" + port), port, List.of(
            "--cluster-enabled", "yes", "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MS),
            "--cluster-config-file", "nodes-" + port + ".conf", "--appendonly", "no",
            // As docs/operations.md advises: the other masters keep serving while one's slots have none.
            "--cluster-require-full-coverage", "no")));
        return;
      } catch (RuntimeException e) {
        failure = e; // someone may have bound the port since we looked: try another
      }
    }
    throw failure;
  }

  /**
   * A port whose cluster bus port (+10000) is free too. Both lie below Linux's default ephemeral
   * range (32768 up), so no outgoing connection takes them between this check and Redis's bind.
   */
  private int freePortPair() {
    for (int i = 0; i < 1_000; i++) {
      int port = 10_000 + ThreadLocalRandom.current().nextInt(10_000);
      if (!nodes.containsKey(port) && free(port) && free(port + 10_000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair in 10000-29999");
  }

  private static boolean free(int port) {
    try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void form() {
    List<Integer> ports = List.copyOf(nodes.keySet());
    Map<Integer, String> ids = new LinkedHashMap<>();
    for (int i = 0; i < ports.size(); i++) {
      ids.put(ports.get(i), (String) Resp.call(ports.get(i), "CLUSTER", "MYID"));
      // Distinct epochs, as redis-cli sets them: masters sharing epoch 0 would first have to settle that through gossip.
      Resp.call(ports.get(i), "CLUSTER", "SET-CONFIG-EPOCH", i + 1);
    }
    List<SlotRange> layout = new ArrayList<>();
    for (int m = 0; m < MASTERS; m++) {
      int from = m * SLOTS / MASTERS;
      int to = (m + 1) * SLOTS / MASTERS - 1;
      List<Object> addSlots = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS")); // 6.2 has no ADDSLOTSRANGE
      for (int slot = from; slot <= to; slot++) {
        addSlots.add(slot);
      }
      Resp.call(ports.get(m), addSlots.toArray());
      layout.add(new SlotRange(from, to, ports.get(m), List.of(ports.get(MASTERS + m))));
    }
    for (int port : ports.subList(1, ports.size())) {
      Resp.call(ports.get(0), "CLUSTER", "MEET", "127.0.0.1", port);
    }
    // A node met but not yet shaken hands with shows under a made-up id: wait for the real ones.
    Poll.until(() -> firstProblem(ports, port -> {
      Set<String> known = ((String) Resp.call(port, "CLUSTER", "NODES")).lines()
          .map(line -> line.split(" ")[0]).collect(Collectors.toSet());
      return known.equals(Set.copyOf(ids.values())) ? null : "knows " + known.size() + " of the nodes";
    }), Optional::isEmpty, FORMING, "every node to know every other");

    for (SlotRange range : layout) {
      Resp.call(range.replicas().get(0), "CLUSTER", "REPLICATE", ids.get(range.master()));
    }
    Poll.until(() -> firstProblem(ports, port -> {
      if (!clusterOk(port)) {
        return "cluster_state not ok";
      }
      List<SlotRange> seen = slots(port);
      if (!seen.equals(layout)) {
        return "CLUSTER SLOTS " + seen;
      }
      Optional<SlotRange> replicated = layout.stream().filter(range -> range.replicas().contains(port)).findFirst();
      Map<String, String> info = info(port, "replication");
      if (replicated.isPresent() && !(String.valueOf(replicated.get().master()).equals(info.get("master_port"))
          && "up".equals(info.get("master_link_status")))) {
        return "replication " + info;
      }
      return null;
    }), Optional::isEmpty, FORMING, "the cluster to be formed, with every replica in sync");
  }

  private List<Integer> live() {
    return nodes.keySet().stream().filter(port -> !killed.contains(port)).toList();
  }

  /** The first of these nodes not yet as wanted, and why: what a timed-out poll reports. */
  private static Optional<String> firstProblem(List<Integer> ports, Function<Integer, String> problemAt) {
    for (int port : ports) {
      String problem;
      try {
        problem = problemAt.apply(port);
      } catch (RuntimeException e) {
        problem = e.toString();
      }
      if (problem != null) {
        return Optional.of("node " + port + ": " + problem);
      }
    }
    return Optional.empty();
  }

  private static Optional<Integer> masterOf(long slot, List<SlotRange> ranges) {
    return ranges.stream().filter(range -> range.from() <= slot && slot <= range.to()).findFirst().map(SlotRange::master);
  }

  private static boolean clusterOk(int port) {
    return ((String) Resp.call(port, "CLUSTER", "INFO")).lines().anyMatch("cluster_state:ok"::equals);
  }

  private static List<SlotRange> slots(int port) {
    List<SlotRange> ranges = new ArrayList<>();
    for (Object entry : (List<?>) Resp.call(port, "CLUSTER", "SLOTS")) {
      List<?> fields = (List<?>) entry;
      List<Integer> servers = fields.subList(2, fields.size()).stream()
          .map(server -> ((Long) ((List<?>) server).get(1)).intValue()).toList();
      ranges.add(new SlotRange(((Long) fields.get(0)).intValue(), ((Long) fields.get(1)).intValue(),
          servers.get(0), servers.subList(1, servers.size())));
    }
    ranges.sort(Comparator.comparingInt(SlotRange::from));
    return ranges;
  }

  private static Map<String, String> info(int port, String section) {
    return ((String) Resp.call(port, "INFO", section)).lines().filter(line -> line.contains(":"))
        .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(':')), line -> line.substring(line.indexOf(':') + 1)));
  }
}
