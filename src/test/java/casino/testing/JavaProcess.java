package casino.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one of the product's main classes in its own JVM, as a user would, with its own environment. */
public final class JavaProcess {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private JavaProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Where a started process's standard output goes. */
  public enum Stdout {
    /** A file: {@link #stdoutFile()}. */
    FILE,
    /** A pipe whose reading end is closed at once, so every write to it fails. */
    CLOSED,
    /**
     * A pipe nobody reads until the test does ({@link #stdoutPipe()}): once its buffer (64 KiB on
     * Linux) is full, every write blocks.
     */
    UNREAD
  }

  public static JavaProcess start(Class<?> main, Map<String, String> env, String... args) throws IOException {
    return start(main, env, Stdout.FILE, args);
  }

  public static JavaProcess start(Class<?> main, Map<String, String> env, Stdout stdout, String... args)
      throws IOException {
    return run(main.getSimpleName(), javaCommand(main, args), env, stdout);
  }

  /**
   * As {@link #start(Class, Map, String...)}, inside the network namespace {@code namespace}
   * ({@code ip netns exec}, which execs the JVM: the process is the JVM itself, and signals
   * reach it directly).
   */
  public static JavaProcess startIn(String namespace, Class<?> main, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    command.addAll(javaCommand(main, args));
    return run(main.getSimpleName(), command, env, Stdout.FILE);
  }

  private static List<String> javaCommand(Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    // Every JVM started here (processors, publishers, tools) gets the processor's GC option, as
    // .mvn/jvm.config, bin/cluster and the Dockerfile give it (README: Processor, JVM options).
    command.add("-XX:MaxTenuringThreshold=1");
    // For experiments: JVM options of the started JVMs only, not of the one starting them.
    String extra = System.getenv("CASINO_TEST_JVM_OPTIONS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Runs {@code command} from the project directory: for a JVM started the way an operator
   * starts it, such as {@code mvn -q exec:java@processor}.
   */
  public static JavaProcess run(String name, List<String> command, Map<String, String> env) throws IOException {
    return run(name, command, env, Stdout.FILE);
  }

  private static JavaProcess run(String name, List<String> command, Map<String, String> env, Stdout stdout)
      throws IOException {
    Path out = Files.createTempFile("casino-" + name, ".out");
    Path err = Files.createTempFile("casino-" + name, ".err");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(new File(System.getProperty("user.dir")))
        .redirectOutput(stdout == Stdout.FILE ? ProcessBuilder.Redirect.to(out.toFile()) : ProcessBuilder.Redirect.PIPE)
        .redirectError(err.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (stdout == Stdout.CLOSED) {
      process.getInputStream().close();
    }
    return new JavaProcess(process, out, err);
  }

  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new AssertionError("process did not exit within " + timeout + "; stderr:\n" + stderr());
    }
    return process.exitValue();
  }

  /** SIGKILL to the process and to what it started (listed first: once it dies they are re-parented). */
  public void kill() throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    process.waitFor();
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public Path stdoutFile() {
    return stdout;
  }

  /** Standard output's pipe, when started with {@link Stdout#UNREAD}. */
  public InputStream stdoutPipe() {
    return process.getInputStream();
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<unreadable: " + e + ">";
    }
  }
}
