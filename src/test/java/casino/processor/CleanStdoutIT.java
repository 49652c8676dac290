package casino.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import casino.testing.TestSchema;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * SPEC 5: started the way the README says, {@code mvn -q exec:java@processor}, the processor's
 * stdout holds its event lines and not one byte more (no build tool's colour codes or banners).
 */
class CleanStdoutIT {
  private static final ObjectReader STRICT_JSON =
      new ObjectMapper().readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Test
  void stdoutHoldsTheEventLinesAndNothingElse() throws Exception {
    try (TestBroker broker = new TestBroker("stdout"); SimulatedRatesApi api = SimulatedRatesApi.start(0);
        TestSchema schema = TestSchema.create("clean_stdout")) {
      Map<String, String> env = ProcessorProcess.environment(broker, api);
      env.put("POSTGRES_URL", schema.database().url());   // migrated by the processor at start
      Set<Long> published = broker.publishGenerated(20, 61, 5);
      byte[] stdout;
      String stderr;
      try (ProcessorProcess processor = ProcessorProcess.startWithMaven(env)) {
        List<JsonNode> lines = processor.awaitOutput(published.size(), Duration.ofSeconds(60));
        assertEquals(published.size(), lines.size(), processor.stderr());
        assertEquals(0, processor.terminate(Duration.ofSeconds(60)), "exit status after SIGTERM; stderr:\n" + processor.stderr());
        stdout = Files.readAllBytes(processor.stdoutFile());
        stderr = processor.stderr();
      }

      for (int i = 0; i < stdout.length; i++) {
        if (stdout[i] == 0x1b) {
          fail("escape byte at offset " + i + " of stdout: " + new String(stdout, StandardCharsets.UTF_8));
        }
      }
      String text = utf8(stdout);
      assertTrue(text.endsWith("\n"), "stdout must end with a complete line: " + text);
      Set<Long> written = new HashSet<>();
      for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
        JsonNode event;
        try {
          event = STRICT_JSON.readValue(line);
        } catch (Exception e) {
          throw new AssertionError("stdout line is not one JSON value: \"" + line + "\"; stderr:\n" + stderr, e);
        }
        assertTrue(event != null && event.isObject(), "stdout line is not a JSON object: \"" + line + "\"");
        assertTrue(written.add(event.get("id").asLong()), "written twice: " + line);
      }
      assertEquals(published, written);
    }
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError("stdout is not UTF-8", e);
    }
  }
}
