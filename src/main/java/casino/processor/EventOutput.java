package casino.processor;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Standard output, where the product's output goes: one JSON line per event and nothing else.
 * A batch is flushed before its messages are acked, so an acked event is always written out.
 */
final class EventOutput {
  private final Writer out =
      new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16);

  synchronized void write(List<String> lines) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    for (String line : lines) {
      out.write(line);
      out.write('\n');
    }
    out.flush();
  }
}
