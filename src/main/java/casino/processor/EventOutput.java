package casino.processor;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Standard output, where the product's output goes: one JSON line per event and nothing else.
 * A batch is flushed before its messages are acked, so an acked event is always written out.
 */
final class EventOutput {
  /** Bytes, not a writer: a line is almost always ASCII, which {@code getBytes} only copies. */
  private final OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);

  synchronized void write(List<String> lines) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    for (String line : lines) {
      out.write(line.getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    out.flush();
  }
}
