package dev.loginpipeline.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The processor's job (apps/processor/src/core/process-batch.ts) as a Kafka Streams application, for the benchmark
 * only: parse and validate the login event, pseudonymise device_id, truncate ip, derive event_id, enrich, and route
 * every input record to exactly one output record or one dead letter. The rules are hand-written ports of
 * libs/event-schema, libs/masking and libs/enrichment; tools/bench/README.md lists which ones are covered.
 *
 * <p>Configured by environment variables like the processor app: KAFKA_BROKERS, INPUT_TOPIC, OUTPUT_TOPIC, DLQ_TOPIC,
 * APPLICATION_ID (= the consumer group the bench watches), MASKING_KEY, MASKING_KEY_ID (default k1),
 * PROCESSING_GUARANTEE (at_least_once or exactly_once_v2), COMMIT_INTERVAL_MS (default 100). Prints {@code STATE
 * <state>} on every state change: the bench opens its measured window at {@code STATE RUNNING}.
 */
public final class LoginStreams {
  private LoginStreams() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, required(env, "APPLICATION_ID"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, required(env, "KAFKA_BROKERS"));
    props.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        env.getOrDefault("PROCESSING_GUARANTEE", StreamsConfig.AT_LEAST_ONCE));
    // Streams commits every 30 s by default under at_least_once (100 ms under exactly_once_v2); the processor commits
    // after every produced chunk, and the bench's window closes on the commit of the last record, so 100 ms for both.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, env.getOrDefault("COMMIT_INTERVAL_MS", "100"));
    // One stream thread: the processor app is one Node.js event loop; the JVM's own threads (GC, JIT, the clients'
    // network threads) still run beside it and their CPU is counted.
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);

    String input = required(env, "INPUT_TOPIC");
    Transform transform =
        new Transform(
            required(env, "MASKING_KEY"),
            env.getOrDefault("MASKING_KEY_ID", "k1"),
            props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG),
            "kafka-streams@" + streamsVersion() + " " + ProcessHandle.current().pid());

    // The Processor API rather than the DSL: the event id needs each record's topic, partition and offset, and the
    // dead letter its original headers; one processor routes each record to one of two named sinks.
    Topology topology = new Topology();
    topology.addSource("input", new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
    topology.addProcessor("process", () -> new Route(transform), "input");
    topology.addSink(
        OUTPUT, required(env, "OUTPUT_TOPIC"), new ByteArraySerializer(), new ByteArraySerializer(), "process");
    topology.addSink(DLQ, required(env, "DLQ_TOPIC"), new ByteArraySerializer(), new ByteArraySerializer(), "process");

    KafkaStreams streams = new KafkaStreams(topology, props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          System.out.println("STATE " + now);
          System.out.flush();
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) done.countDown();
        });
    // Every record error is dead-lettered inside the processor; what still escapes is a bug or a broker problem,
    // and the bench should see it as a failed run, not a silent retry loop.
    streams.setUncaughtExceptionHandler(
        e -> {
          System.err.println("uncaught: " + e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(20));
                  done.countDown();
                }));
    streams.start();
    done.await();
    streams.close(Duration.ofSeconds(20));
    System.exit(streams.state() == KafkaStreams.State.ERROR ? 1 : 0);
  }

  /** The kafka-streams jar's version (its kafka/kafka-streams-version.properties), for the DLQ's processor header. */
  private static String streamsVersion() {
    try (var in = KafkaStreams.class.getResourceAsStream("/kafka/kafka-streams-version.properties")) {
      Properties p = new Properties();
      if (in != null) p.load(in);
      return p.getProperty("version", "unknown");
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isEmpty()) {
      System.err.println(name + " is required");
      System.exit(2);
    }
    return value;
  }

  static final String OUTPUT = "output";
  static final String DLQ = "dlq";

  /** Forwards each record's one result to its sink; everything else is in {@link Transform}. */
  static final class Route implements Processor<byte[], byte[], byte[], byte[]> {
    private final Transform transform;
    private ProcessorContext<byte[], byte[]> context;

    Route(Transform transform) {
      this.transform = transform;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      RecordMetadata meta = context.recordMetadata().orElseThrow();
      Transform.Result result =
          transform.apply(meta.topic(), meta.partition(), meta.offset(), record, System.currentTimeMillis());
      context.forward(result.record(), result.sink());
    }
  }

  /** The processor's per-record work, without Kafka Streams: one record in, one output or one dead letter out. */
  static final class Transform {
    record Result(String sink, Record<byte[], byte[]> record) {}

    /** A ParseFailure of libs/event-schema: stage, reason code, and what the DLQ headers say about it. */
    record Failure(
        String stage, String reason, String exceptionClass, String message, boolean retryable, String validation) {
      static Failure of(String reason) {
        String[] info = REASONS.get(reason);
        return new Failure(info[0], reason, info[1], info[2], false, null);
      }
    }

    /** A validation issue as ajv reports it (instancePath, keyword, params) and its ajv-like text. */
    record Issue(String path, String keyword, Map<String, Object> params, String text) {}

    // libs/event-schema/src/reasons.ts: stage, exception class and fixed message of each reason code used here.
    static final Map<String, String[]> REASONS =
        Map.of(
            "EMPTY_VALUE", new String[] {"DESERIALIZE", "EmptyValue", "record value is empty or a tombstone"},
            "VALUE_TOO_LARGE",
                new String[] {"DESERIALIZE", "ValueTooLarge", "record value is larger than the configured limit"},
            "KEY_TOO_LARGE",
                new String[] {"DESERIALIZE", "KeyTooLarge", "record key is larger than the configured limit"},
            "HEADERS_TOO_LARGE",
                new String[] {
                  "DESERIALIZE", "HeadersTooLarge", "record headers exceed the configured count or size limit"
                },
            "INVALID_ENCODING", new String[] {"DESERIALIZE", "TypeError", "record value is not valid UTF-8"},
            "INVALID_JSON", new String[] {"DESERIALIZE", "SyntaxError", "record value is not valid JSON"},
            "NOT_AN_OBJECT", new String[] {"DESERIALIZE", "TypeError", "record value is not a JSON object"},
            "SCHEMA_VIOLATION",
                new String[] {"VALIDATE", "SchemaViolation", "event does not match the input schema"},
            "TIMESTAMP_OUT_OF_RANGE",
                new String[] {"VALIDATE", "RangeError", "event time is out of the accepted range"},
            "INTERNAL_ERROR",
                new String[] {"DESERIALIZE", "Error", "unexpected error while processing the record"});

    static final String INPUT_SCHEMA_ID = "urn:login-pipeline:schema:user-login:1.0.0";
    static final String OUTPUT_SCHEMA_VERSION = "2.0.0";
    static final String DLQ_PREFIX = "__dlq.errors.";
    // The processor's defaults (DEFAULT_PARSE_LIMITS, DEFAULT_RECORD_LIMITS, timestamp.ts).
    static final int MAX_VALUE_BYTES = 65_536;
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_HEADER_COUNT = 64;
    static final int MAX_HEADER_BYTES = 16_384;
    static final long MAX_CLOCK_SKEW_MS = 300_000;
    static final long FUTURE_REPLAY_HORIZON_MS = 86_400_000;
    static final long EARLIEST_EVENT_TIME_MS = 946_684_800_000L;
    static final long MILLISECONDS_THRESHOLD = 1_000_000_000_000L;
    static final long TIMESTAMP_MAX_VALUE = 999_999_999_999_999L;
    static final int DEVICE_ID_SEARCH_MIN_LENGTH = 8;
    static final int PSEUDONYM_MEMO_ENTRIES = 32_768;

    // libs/event-schema/src/field-schemas.ts, matched whole (Matcher.matches) like JavaScript's ^…$ without m.
    static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    static final String APP_VERSION = "[0-9]{1,6}\\.[0-9]{1,6}(?:\\.[0-9]{1,6})?";
    static final String LOCALE = "[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?";
    static final String DEVICE_TYPE = "[A-Za-z][A-Za-z0-9_-]*";
    static final Pattern UUID_RE = Pattern.compile(UUID);
    static final Pattern APP_VERSION_RE = Pattern.compile(APP_VERSION);
    static final Pattern LOCALE_RE = Pattern.compile(LOCALE);
    static final Pattern DEVICE_TYPE_RE = Pattern.compile(DEVICE_TYPE);
    static final Pattern TIMESTAMP_DIGITS_RE = Pattern.compile("[0-9]{1,15}");
    static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]");
    static final Pattern NOT_ASCII_LETTER_OR_DIGIT = Pattern.compile("[^a-z0-9]");
    static final Pattern ASCII_LETTERS_AND_DIGITS = Pattern.compile("[a-z0-9]*");
    static final Set<String> DEVICE_TYPES = Set.of("android", "iOS", "unknown", "other");
    static final String[] COPIED_FIELDS = {"user_id", "device_type", "app_version", "locale"};
    static final String[] REQUIRED = {"user_id", "app_version", "ip", "locale", "device_id", "timestamp"};

    // Date.prototype.toISOString's shape, milliseconds always written (Instant.toString drops a zero fraction).
    static final DateTimeFormatter ISO =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper json =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Mac hmac;
    private final String pseudonymPrefix;
    private final MessageDigest sha256;
    private final String group;
    private final String processor;

    /** Device ids recur; one HMAC costs far more than a lookup, so the latest ones are remembered (as the masker). */
    private final Map<String, String> pseudonyms =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > PSEUDONYM_MEMO_ENTRIES;
          }
        };

    Transform(String maskingKey, String keyId, String group, String processor) {
      try {
        hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(maskingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      this.pseudonymPrefix = keyId + ".v2:";
      this.group = group;
      this.processor = processor;
    }

    /** The stage the current record reached, for the guard's INTERNAL_ERROR (one stream thread per Transform). */
    private String stage;

    Result apply(String topic, int partition, long offset, Record<byte[], byte[]> in, long nowMs) {
      stage = "DESERIALIZE";
      String eventId = null;
      try {
        eventId = eventIdFor(topic, partition, offset);
        // Bounds first: a record over them is dead-lettered without its oversized part.
        boolean keyOver = in.key() != null && in.key().length > MAX_KEY_BYTES;
        int[] headerSize = headerSize(in.headers());
        boolean headersOver = headerSize[0] > MAX_HEADER_COUNT || headerSize[1] > MAX_HEADER_BYTES;
        if (keyOver || headersOver) {
          Failure f = Failure.of(keyOver ? "KEY_TOO_LARGE" : "HEADERS_TOO_LARGE");
          return deadLetter(topic, partition, offset, in, f, eventId, nowMs, keyOver, headersOver);
        }
        Object parsed = parse(in.value(), nowMs);
        if (parsed instanceof Failure f) {
          return deadLetter(topic, partition, offset, in, f, eventId, nowMs, false, false);
        }
        stage = "MASK";
        Event e = (Event) parsed;
        String deviceId = pseudonyms.computeIfAbsent(e.deviceId, this::pseudonymise);
        String ip = truncate(e.ip, e.ipVersion);
        stage = "ENRICH";
        ObjectNode out = json.createObjectNode();
        out.put("event_id", eventId);
        out.put("user_id", e.userId);
        out.put("app_version", e.appVersion);
        out.put(
            "device_type",
            e.deviceType == null ? "unknown" : DEVICE_TYPES.contains(e.deviceType) ? e.deviceType : "other");
        out.put("locale", e.locale);
        out.put("device_id", deviceId);
        out.put("ip", ip);
        out.put("ip_version", e.ipVersion);
        out.put("event_time", ISO.format(java.time.Instant.ofEpochMilli(e.eventMs)));
        out.put("processed_at", ISO.format(java.time.Instant.ofEpochMilli(nowMs)));
        out.put("latency_ms", nowMs - e.eventMs);
        out.put("schema_version", OUTPUT_SCHEMA_VERSION);
        byte[] value = json.writeValueAsBytes(out);
        // The output carries no input headers (the processor's output has none), keyed by user_id.
        return new Result(
            OUTPUT,
            new Record<>(e.userId.getBytes(StandardCharsets.UTF_8), value, nowMs, new RecordHeaders()));
      } catch (Exception err) {
        // One record's bug must not stop the partition: INTERNAL_ERROR at the stage it reached (processGuarded).
        String[] info = REASONS.get("INTERNAL_ERROR");
        String cls = err.getClass().getSimpleName();
        Failure f =
            new Failure(
                stage,
                "INTERNAL_ERROR",
                cls,
                info[2] + ": " + cls + " at stage " + stage + " (error message withheld, it may contain input)",
                false,
                null);
        return deadLetter(topic, partition, offset, in, f, eventId, nowMs, false, false);
      }
    }

    /** The normalised event: the known fields only, ip parsed. */
    record Event(
        String userId,
        String appVersion,
        String deviceType,
        String locale,
        String deviceId,
        byte[] ip,
        int ipVersion,
        long eventMs) {}

    /** parseLoginEvent: an {@link Event} or a {@link Failure}. */
    Object parse(byte[] value, long nowMs) {
      if (value == null || value.length == 0) return Failure.of("EMPTY_VALUE");
      if (value.length > MAX_VALUE_BYTES) return Failure.of("VALUE_TOO_LARGE");
      String text;
      try {
        // Strict: invalid UTF-8 is a reason of its own, not U+FFFD (TextDecoder fatal: true).
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(value))
                .toString();
      } catch (CharacterCodingException e) {
        return Failure.of("INVALID_ENCODING");
      }
      if (text.startsWith("\uFEFF")) text = text.substring(1); // TextDecoder strips a BOM
      JsonNode root;
      try {
        root = json.readTree(text);
      } catch (Exception e) {
        return Failure.of("INVALID_JSON");
      }
      if (root == null || root.isMissingNode()) return Failure.of("INVALID_JSON");
      if (!root.isObject()) return Failure.of("NOT_AN_OBJECT");

      List<Issue> issues = validate(root);
      if (!issues.isEmpty()) return schemaViolation(issues);
      String echo = fieldHoldingDeviceId(root);
      if (echo != null) {
        return schemaViolation(
            List.of(new Issue("/" + echo, "notDeviceId", Map.of(), "/" + echo + " must not hold device_id")));
      }

      long eventMs = eventTimeMs(root.get("timestamp"));
      if (eventMs < EARLIEST_EVENT_TIME_MS) {
        return timeFailure("event time is before 2000-01-01T00:00:00Z", false);
      }
      if (eventMs > nowMs + MAX_CLOCK_SKEW_MS + FUTURE_REPLAY_HORIZON_MS) {
        return timeFailure("event time is further in the future than any clock skew a replay could outwait", false);
      }
      if (eventMs > nowMs + MAX_CLOCK_SKEW_MS) {
        // Retryable: once the clocks catch up, a replay succeeds unchanged.
        return timeFailure("event time is further in the future than the allowed clock skew", true);
      }
      byte[] ip = parseIp(root.get("ip").textValue());
      if (ip == null) return Failure.of("SCHEMA_VIOLATION");
      JsonNode deviceType = root.get("device_type");
      return new Event(
          root.get("user_id").textValue(),
          root.get("app_version").textValue(),
          deviceType == null ? null : deviceType.textValue(),
          root.get("locale").textValue(),
          root.get("device_id").textValue(),
          ip,
          ip.length == 4 ? 4 : 6,
          eventMs);
    }

    private Failure timeFailure(String message, boolean retryable) {
      String[] info = REASONS.get("TIMESTAMP_OUT_OF_RANGE");
      return new Failure(info[0], "TIMESTAMP_OUT_OF_RANGE", info[1], message, retryable, null);
    }

    private Failure schemaViolation(List<Issue> issues) {
      List<Map<String, Object>> validation = new ArrayList<>();
      StringBuilder message = new StringBuilder("event does not match the input schema: ");
      for (int i = 0; i < issues.size(); i++) {
        Issue issue = issues.get(i);
        if (i > 0) message.append("; ");
        message.append(issue.text());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("instancePath", issue.path());
        entry.put("keyword", issue.keyword());
        entry.put("params", issue.params());
        validation.add(entry);
      }
      String[] info = REASONS.get("SCHEMA_VIOLATION");
      try {
        return new Failure(
            info[0], "SCHEMA_VIOLATION", info[1], message.toString(), false, json.writeValueAsString(validation));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** The input schema's rules (input-schema.ts, field-schemas.ts), in ajv's order: required, then each property. */
    static List<Issue> validate(JsonNode o) {
      List<Issue> issues = new ArrayList<>();
      for (String name : REQUIRED) {
        if (!o.has(name)) {
          issues.add(
              new Issue(
                  "",
                  "required",
                  Map.of("missingProperty", name),
                  "/ must have required property '" + name + "'"));
        }
      }
      string(o, "user_id", 0, 0, UUID_RE, UUID, issues);
      string(o, "app_version", 0, 0, APP_VERSION_RE, APP_VERSION, issues);
      string(o, "device_type", 1, 32, DEVICE_TYPE_RE, DEVICE_TYPE, issues);
      if (string(o, "ip", 0, 45, null, null, issues) && parseIp(o.get("ip").textValue()) == null) {
        issues.add(
            new Issue(
                "/ip",
                "format",
                Map.of("format", "login-ip-address"),
                "/ip must match format \"login-ip-address\""));
      }
      string(o, "locale", 0, 11, LOCALE_RE, LOCALE, issues);
      if (string(o, "device_id", 1, 256, null, null, issues) && hasControlCharacter(o.get("device_id").textValue())) {
        issues.add(
            new Issue(
                "/device_id",
                "pattern",
                Map.of("pattern", "^[^\\p{Cc}\\p{Cs}]*$"),
                "/device_id must match pattern \"^[^\\p{Cc}\\p{Cs}]*$\""));
      }
      JsonNode ts = o.get("timestamp");
      if (ts != null && !validTimestamp(ts)) {
        issues.add(new Issue("/timestamp", "anyOf", Map.of(), "/timestamp must match a schema in anyOf"));
      }
      return issues;
    }

    /**
     * One string property if present: type, then maxLength and minLength (in code points, as ajv counts), then the
     * pattern. True when it is a string within its lengths, for the checks its caller adds.
     */
    static boolean string(
        JsonNode o, String name, int min, int max, Pattern re, String pattern, List<Issue> issues) {
      JsonNode v = o.get(name);
      if (v == null) return false;
      String path = "/" + name;
      if (!v.isTextual()) {
        issues.add(new Issue(path, "type", Map.of("type", "string"), path + " must be string"));
        return false;
      }
      String s = v.textValue();
      int length = s.codePointCount(0, s.length());
      boolean ok = true;
      if (max > 0 && length > max) {
        issues.add(
            new Issue(
                path, "maxLength", Map.of("limit", max), path + " must NOT have more than " + max + " characters"));
        ok = false;
      }
      if (length < min) {
        issues.add(
            new Issue(
                path, "minLength", Map.of("limit", min), path + " must NOT have fewer than " + min + " characters"));
        ok = false;
      }
      if (re != null && !re.matcher(s).matches()) {
        issues.add(
            new Issue(
                path,
                "pattern",
                Map.of("pattern", "^" + pattern + "$"),
                path + " must match pattern \"^" + pattern + "$\""));
        ok = false;
      }
      return ok;
    }

    /** \p{Cc} or a lone surrogate (\p{Cs} under JavaScript's u flag: a paired one is a code point of its own). */
    static boolean hasControlCharacter(String s) {
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        int type = Character.getType(cp);
        if (type == Character.CONTROL || type == Character.SURROGATE) return true;
        i += Character.charCount(cp);
      }
      return false;
    }

    /** anyOf: an integer in [0, 999999999999999] (1.0 counts, as in JavaScript) or a string of 1–15 digits. */
    static boolean validTimestamp(JsonNode ts) {
      if (ts.isTextual()) return TIMESTAMP_DIGITS_RE.matcher(ts.textValue()).matches();
      if (ts.isIntegralNumber()) {
        BigInteger v = ts.bigIntegerValue();
        return v.signum() >= 0 && v.compareTo(BigInteger.valueOf(TIMESTAMP_MAX_VALUE)) <= 0;
      }
      if (ts.isFloatingPointNumber()) {
        double d = ts.doubleValue();
        return d == Math.rint(d) && d >= 0 && d <= TIMESTAMP_MAX_VALUE;
      }
      return false;
    }

    /** Epoch seconds, or milliseconds from 10^12 on (timestamp.ts). */
    static long eventTimeMs(JsonNode ts) {
      long v =
          ts.isTextual()
              ? Long.parseLong(ts.textValue())
              : ts.isIntegralNumber() ? ts.longValue() : (long) ts.doubleValue();
      return v >= MILLISECONDS_THRESHOLD ? v : v * 1000;
    }

    /** The copied field that holds the event's own device_id (parse-login-event.ts fieldHoldingDeviceId). */
    static String fieldHoldingDeviceId(JsonNode o) {
      String raw = o.get("device_id").textValue();
      String deviceId = raw.toLowerCase(Locale.ROOT);
      String searched = NOT_LETTER_OR_DIGIT.matcher(deviceId).replaceAll("");
      boolean searchable =
          searched.length() >= DEVICE_ID_SEARCH_MIN_LENGTH && ASCII_LETTERS_AND_DIGITS.matcher(searched).matches();
      for (String field : COPIED_FIELDS) {
        JsonNode node = o.get(field);
        if (node == null) continue;
        String value = node.textValue();
        if (value.length() == deviceId.length() && value.toLowerCase(Locale.ROOT).equals(deviceId)) return field;
        if (searchable
            && value.length() >= searched.length()
            && NOT_ASCII_LETTER_OR_DIGIT.matcher(value.toLowerCase(Locale.ROOT)).replaceAll("").contains(searched)) {
          return field;
        }
      }
      return null;
    }

    /** `<key id>.v2:` and 22 base64url characters of HMAC-SHA-256(key, "device_id\0" + value) (hmac-pseudonym.ts). */
    String pseudonymise(String value) {
      hmac.update("device_id\u0000".getBytes(StandardCharsets.UTF_8));
      byte[] digest = hmac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return pseudonymPrefix + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    }

    /** UUIDv8 of SHA-256("login-pipeline:event-id:v1\n<topic>\n<partition>\n<offset>") (event-id.ts). */
    String eventIdFor(String topic, int partition, long offset) {
      byte[] d =
          sha256.digest(
              ("login-pipeline:event-id:v1\n" + topic + "\n" + partition + "\n" + offset)
                  .getBytes(StandardCharsets.UTF_8));
      d[6] = (byte) ((d[6] & 0x0f) | 0x80);
      d[8] = (byte) ((d[8] & 0x3f) | 0x80);
      String hex = HexFormat.of().formatHex(d, 0, 16);
      return hex.substring(0, 8)
          + "-"
          + hex.substring(8, 12)
          + "-"
          + hex.substring(12, 16)
          + "-"
          + hex.substring(16, 20)
          + "-"
          + hex.substring(20, 32);
    }

    // --- IP addresses: ip-address.ts (strict parse, RFC 5952 text) and ip-truncation.ts (/24, /48) ---

    /** 4 bytes (IPv4, also IPv4-mapped IPv6) or 16 bytes, or null when not an address the schema accepts. */
    static byte[] parseIp(String text) {
      if (text == null || text.length() < 2 || text.length() > 45) return null;
      if (text.indexOf(':') < 0) {
        long v = parseIpv4(text, 0, text.length());
        return v < 0 ? null : ipv4Bytes(v);
      }
      byte[] b = parseIpv6(text);
      if (b == null) return null;
      for (int i = 0; i < 10; i++) if (b[i] != 0) return b;
      if ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) return java.util.Arrays.copyOfRange(b, 12, 16);
      return b;
    }

    /** Strict dotted quad in text[start, end): no leading zeros, four parts; -1 otherwise. */
    static long parseIpv4(String text, int start, int end) {
      long result = 0;
      int octet = 0;
      int digits = 0;
      int parts = 0;
      for (int i = start; i <= end; i++) {
        char c = i == end ? '.' : text.charAt(i);
        if (c == '.') {
          if (digits == 0 || parts == 4) return -1;
          result = result * 256 + octet;
          parts++;
          octet = 0;
          digits = 0;
        } else if (c >= '0' && c <= '9') {
          if (digits == 1 && octet == 0) return -1;
          octet = octet * 10 + (c - '0');
          digits++;
          if (octet > 255) return -1;
        } else {
          return -1;
        }
      }
      return parts == 4 ? result : -1;
    }

    static byte[] ipv4Bytes(long v) {
      return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] parseIpv6(String text) {
      int length = text.length();
      int[] groups = new int[8];
      int count = 0;
      int gapAt = -1;
      int i = 0;
      if (text.charAt(0) == ':') {
        if (text.charAt(1) != ':') return null;
        gapAt = 0;
        i = 2;
      }
      while (i < length) {
        int end = i;
        boolean sawDot = false;
        while (end < length && text.charAt(end) != ':') {
          if (text.charAt(end) == '.') sawDot = true;
          end++;
        }
        if (sawDot) {
          // An IPv4 tail only as the last 32 bits.
          if (end != length || count > 6) return null;
          long tail = parseIpv4(text, i, end);
          if (tail < 0) return null;
          groups[count++] = (int) (tail >>> 16);
          groups[count++] = (int) (tail & 0xffff);
          break;
        }
        int width = end - i;
        if (width == 0 || width > 4 || count == 8) return null;
        int value = 0;
        for (int k = i; k < end; k++) {
          int digit = Character.digit(text.charAt(k), 16);
          if (digit < 0 || text.charAt(k) > 'f') return null;
          value = (value << 4) | digit;
        }
        groups[count++] = value;
        if (end == length) break;
        if (end + 1 < length && text.charAt(end + 1) == ':') {
          if (gapAt >= 0) return null;
          gapAt = count;
          i = end + 2;
        } else {
          i = end + 1;
          if (i == length) return null;
        }
      }
      if (gapAt < 0 ? count != 8 : count > 7) return null;
      byte[] bytes = new byte[16];
      int shift = 8 - count;
      for (int g = 0; g < count; g++) {
        int slot = gapAt >= 0 && g >= gapAt ? g + shift : g;
        bytes[slot * 2] = (byte) (groups[g] >> 8);
        bytes[slot * 2 + 1] = (byte) groups[g];
      }
      return bytes;
    }

    /** IPv4 to /24; IPv6 to /48, shortened so an embedded IPv4 address keeps no more than its /24. */
    static String truncate(byte[] b, int version) {
      if (version == 4) return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0";
      int bits = 48;
      for (int offset : embeddedIpv4Offsets(b)) bits = Math.min(bits, offset * 8 + 24);
      byte[] kept = new byte[16];
      System.arraycopy(b, 0, kept, 0, bits >> 3);
      return formatIpv6(kept);
    }

    /** Byte offsets of the IPv4 addresses embedded-ipv4.ts finds (compatible, NAT64, 6to4, Teredo, ISATAP …). */
    static List<Integer> embeddedIpv4Offsets(byte[] b) {
      List<Integer> found = new ArrayList<>();
      if (zeros(b, 0, 12)) found.add(12);
      if (zeros(b, 0, 8) && u(b, 8) == 0xff && u(b, 9) == 0xff && u(b, 10) == 0 && u(b, 11) == 0) found.add(12);
      if (u(b, 0) == 0 && u(b, 1) == 0x64 && u(b, 2) == 0xff && u(b, 3) == 0x9b && zeros(b, 4, 12)) found.add(12);
      if (u(b, 0) == 0x20 && u(b, 1) == 0x02) found.add(2);
      if (u(b, 0) == 0x20 && u(b, 1) == 0x01 && u(b, 2) == 0 && u(b, 3) == 0) {
        found.add(4);
        found.add(12);
      }
      if ((u(b, 8) == 0 || u(b, 8) == 2) && u(b, 9) == 0 && u(b, 10) == 0x5e && u(b, 11) == 0xfe) found.add(12);
      return found;
    }

    static int u(byte[] b, int i) {
      return b[i] & 0xff;
    }

    static boolean zeros(byte[] b, int from, int to) {
      for (int i = from; i < to; i++) if (b[i] != 0) return false;
      return true;
    }

    /** RFC 5952: lower case, the longest run of two or more zero groups compressed (the first of equal runs). */
    static String formatIpv6(byte[] b) {
      int[] groups = new int[8];
      for (int g = 0; g < 8; g++) groups[g] = (u(b, g * 2) << 8) | u(b, g * 2 + 1);
      int bestStart = -1;
      int bestLength = 0;
      for (int g = 0; g < 8; ) {
        if (groups[g] != 0) {
          g++;
          continue;
        }
        int end = g;
        while (end < 8 && groups[end] == 0) end++;
        if (end - g > bestLength && end - g >= 2) {
          bestStart = g;
          bestLength = end - g;
        }
        g = end;
      }
      StringBuilder s = new StringBuilder();
      for (int g = 0; g < 8; g++) {
        if (g == bestStart) {
          s.append("::");
          g += bestLength - 1;
          continue;
        }
        if (s.length() > 0 && s.charAt(s.length() - 1) != ':') s.append(':');
        s.append(Integer.toHexString(groups[g]));
      }
      return s.toString();
    }

    // --- dead letters: libs/event-schema/src/dead-letter/encode.ts ---

    /** Header count and bytes (names and values), as record-limits.ts headerSize counts them. */
    static int[] headerSize(Headers headers) {
      int count = 0;
      int bytes = 0;
      for (Header h : headers) {
        count++;
        bytes += h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
      }
      return new int[] {count, bytes};
    }

    /**
     * Key, value and original headers unchanged (so the replayer can re-publish them byte for byte), the failure in
     * {@code __dlq.errors.*} headers; an oversized key or header set is left out and said so.
     */
    Result deadLetter(
        String topic,
        int partition,
        long offset,
        Record<byte[], byte[]> in,
        Failure f,
        String eventId,
        long nowMs,
        boolean omitKey,
        boolean omitHeaders) {
      RecordHeaders h = new RecordHeaders();
      if (!omitHeaders) {
        for (Header header : in.headers()) if (!header.key().startsWith(DLQ_PREFIX)) h.add(header);
      }
      boolean omitted = omitKey || omitHeaders;
      put(h, "topic", topic);
      put(h, "partition", Integer.toString(partition));
      put(h, "offset", Long.toString(offset));
      put(h, "group", group);
      put(h, "original.timestamp", Long.toString(in.timestamp()));
      put(h, "failed.at", Long.toString(nowMs));
      put(h, "stage", f.stage());
      put(h, "reason", f.reason());
      put(h, "retryable", Boolean.toString(f.retryable() && !omitted));
      put(h, "exception.class", f.exceptionClass());
      put(h, "message", f.message());
      if (f.validation() != null) put(h, "validation", f.validation());
      put(h, "schema.id", INPUT_SCHEMA_ID);
      put(h, "processor", processor);
      if (eventId != null) put(h, "event.id", eventId);
      // No replay lineage is read: every record is a first failure.
      put(h, "replay.count", "0");
      put(h, "first.failed.at", Long.toString(nowMs));
      if (omitted) {
        int[] size = headerSize(in.headers());
        put(h, "omitted", omitKey && omitHeaders ? "key,headers" : omitKey ? "key" : "headers");
        put(h, "original.key.bytes", Integer.toString(in.key() == null ? 0 : in.key().length));
        put(h, "original.value.bytes", Integer.toString(in.value() == null ? 0 : in.value().length));
        put(h, "original.header.count", Integer.toString(size[0]));
        put(h, "original.header.bytes", Integer.toString(size[1]));
      }
      byte[] key = omitKey ? null : in.key();
      // The dead letter's own time is its failure time, like failed.at.
      return new Result(DLQ, new Record<>(key, in.value(), nowMs, h));
    }

    private static void put(Headers h, String name, String value) {
      h.add(DLQ_PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
